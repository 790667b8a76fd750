//! Fashion-MNIST and MNIST: 60,000 training and 10,000 test images of 28×28
//! grayscale pixels (`u8`, 0–255) with a label from 0 to 9.
//!
//! The chapter keeps the last 5,000 training images for validation:
//!
//! ```no_run
//! use datasets::{DataDir, images};
//! let fashion = images::load_fashion_mnist(&DataDir::from_env())?;
//! let (train, valid) = fashion.train.split_off_last(5_000)?;
//! assert_eq!((train.len(), valid.len()), (55_000, 5_000));
//! assert_eq!(fashion.class_names[usize::from(fashion.train.labels[0])], "Ankle boot");
//! # Ok::<(), datasets::Error>(())
//! ```

use std::path::Path;

use crate::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::idx::{self, Images};
use crate::read::read_content;

/// The ten classes of Fashion-MNIST, indexed by label.
pub const FASHION_MNIST_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

/// The ten classes of MNIST: the digits.
pub const MNIST_CLASSES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Images with one label each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabeledImages {
    /// The images, shape `[n, 28, 28]` for these datasets.
    pub images: Images,
    /// One class index per image.
    pub labels: Vec<u8>,
}

impl LabeledImages {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The samples at `indices`, in that order (e.g. a [`crate::split::Split`]'s halves).
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn select(&self, indices: &[usize]) -> LabeledImages {
        LabeledImages {
            images: self.images.select(indices),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
        }
    }

    /// Keras-style hold-out: `(first n − k, last k)`, as the chapter's
    /// `X_train_full[:-5000], X_train_full[-5000:]`.
    pub fn split_off_last(&self, k: usize) -> Result<(LabeledImages, LabeledImages)> {
        let split = crate::split::tail_split(self.len(), k)?;
        Ok((self.select(&split.train), self.select(&split.test)))
    }

    /// How many samples each class has (`counts[label]`), for `classes` classes.
    pub fn class_counts(&self, classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for &label in &self.labels {
            if let Some(c) = counts.get_mut(usize::from(label)) {
                *c += 1;
            }
        }
        counts
    }
}

/// A dataset of labelled images with its train and test parts.
#[derive(Clone, Debug)]
pub struct ImageDataset {
    /// The 60,000 training samples.
    pub train: LabeledImages,
    /// The 10,000 test samples.
    pub test: LabeledImages,
    /// Class names, indexed by label.
    pub class_names: &'static [&'static str],
}

/// The four files of an MNIST-like dataset, relative to the data directory.
#[derive(Clone, Copy, Debug)]
pub struct IdxFiles {
    /// Name for `fetch` and in messages (`fashion-mnist`, `mnist`).
    pub dataset: &'static str,
    /// Training images.
    pub train_images: &'static str,
    /// Training labels.
    pub train_labels: &'static str,
    /// Test images.
    pub test_images: &'static str,
    /// Test labels.
    pub test_labels: &'static str,
}

/// Fashion-MNIST's files.
pub const FASHION_MNIST_FILES: IdxFiles = IdxFiles {
    dataset: "fashion-mnist",
    train_images: "fashion-mnist/train-images-idx3-ubyte",
    train_labels: "fashion-mnist/train-labels-idx1-ubyte",
    test_images: "fashion-mnist/t10k-images-idx3-ubyte",
    test_labels: "fashion-mnist/t10k-labels-idx1-ubyte",
};

/// MNIST's files.
pub const MNIST_FILES: IdxFiles = IdxFiles {
    dataset: "mnist",
    train_images: "mnist/train-images-idx3-ubyte",
    train_labels: "mnist/train-labels-idx1-ubyte",
    test_images: "mnist/t10k-images-idx3-ubyte",
    test_labels: "mnist/t10k-labels-idx1-ubyte",
};

/// Loads Fashion-MNIST from the data directory.
pub fn load_fashion_mnist(dir: &DataDir) -> Result<ImageDataset> {
    load(dir, &FASHION_MNIST_FILES, &FASHION_MNIST_CLASSES)
}

/// Loads MNIST from the data directory.
pub fn load_mnist(dir: &DataDir) -> Result<ImageDataset> {
    load(dir, &MNIST_FILES, &MNIST_CLASSES)
}

/// Loads an MNIST-like dataset; the training and test halves are read in
/// parallel (decompression dominates).
pub fn load(dir: &DataDir, files: &IdxFiles, class_names: &'static [&'static str]) -> Result<ImageDataset> {
    let find = |rel: &str| dir.find(rel, files.dataset);
    let (train_images, train_labels) = (find(files.train_images)?, find(files.train_labels)?);
    let (test_images, test_labels) = (find(files.test_images)?, find(files.test_labels)?);
    let classes = class_names.len();
    let (train, test) = std::thread::scope(|s| {
        let train = s.spawn(|| load_pair(&train_images, &train_labels, 28, 28, classes));
        let test = load_pair(&test_images, &test_labels, 28, 28, classes);
        (train.join(), test)
    });
    let train = train.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    Ok(ImageDataset { train, test: test?, class_names })
}

/// Reads an image file and its label file (IDX, gzip or not), checks that
/// images are `rows × cols`, that both hold the same number of samples and
/// that every label is below `classes`.
pub fn load_pair(
    images: &Path,
    labels: &Path,
    rows: usize,
    cols: usize,
    classes: usize,
) -> Result<LabeledImages> {
    let imgs = idx::parse_images(images, &read_content(images)?)?;
    let [n, r, c] = imgs.shape();
    if (r, c) != (rows, cols) {
        return Err(Error::Idx {
            path: images.to_path_buf(),
            message: format!("images are {r}×{c} pixels, expected {rows}×{cols}"),
        });
    }
    let labs = idx::parse_labels(labels, &read_content(labels)?)?;
    if labs.len() != n {
        return Err(Error::CountMismatch {
            images: images.to_path_buf(),
            n_images: n,
            labels: labels.to_path_buf(),
            n_labels: labs.len(),
        });
    }
    if let Some((i, &label)) = labs.iter().enumerate().find(|&(_, &l)| usize::from(l) >= classes) {
        return Err(Error::Idx {
            path: labels.to_path_buf(),
            message: format!("label {label} of sample {i} is not a class index below {classes}"),
        });
    }
    Ok(LabeledImages { images: imgs, labels: labs })
}

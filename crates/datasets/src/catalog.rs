//! What each dataset is made of: its files, the SHA-256 of each file's
//! content (after decompression, so that copies with other gzip headers
//! still match) and where to download it.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// The datasets of the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Fisher's iris (embedded).
    Iris,
    /// California housing (StatLib).
    CaliforniaHousing,
    /// Fashion-MNIST (Zalando Research).
    FashionMnist,
    /// MNIST (LeCun, Cortes, Burges).
    Mnist,
}

impl Dataset {
    /// All datasets, in the chapter's order of use.
    pub const ALL: [Dataset; 4] =
        [Dataset::Iris, Dataset::CaliforniaHousing, Dataset::FashionMnist, Dataset::Mnist];

    /// The name used on the command line and in the data directory.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Iris => "iris",
            Dataset::CaliforniaHousing => "california-housing",
            Dataset::FashionMnist => "fashion-mnist",
            Dataset::Mnist => "mnist",
        }
    }

    /// Source and license, in one line.
    pub fn credit(self) -> &'static str {
        match self {
            Dataset::Iris => {
                "R. A. Fisher (1936), UCI Machine Learning Repository, CC BY 4.0; scikit-learn's copy"
            }
            Dataset::CaliforniaHousing => "Pace & Barry (1997), StatLib; public data",
            Dataset::FashionMnist => "Xiao, Rasul & Vollgraf (2017), Zalando Research; MIT license",
            Dataset::Mnist => "LeCun, Cortes & Burges; CC BY-SA 3.0",
        }
    }

    /// The files that make up the dataset.
    pub fn files(self) -> &'static [FileSpec<'static>] {
        match self {
            Dataset::Iris => &IRIS,
            Dataset::CaliforniaHousing => &CALIFORNIA,
            Dataset::FashionMnist => &FASHION,
            Dataset::Mnist => &MNIST,
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dataset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Dataset::ALL.into_iter().find(|d| d.name() == s).ok_or_else(|| Error::UnknownDataset(s.to_string()))
    }
}

/// How a downloaded file becomes the file kept in the data directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packaging<'a> {
    /// Served gzip-compressed and kept as is, as `relative.gz`.
    Gzip,
    /// A member of a `.tar.gz` archive, extracted and kept uncompressed with
    /// Unix line endings, as `relative`.
    TarGzMember(&'a str),
    /// Shipped inside this crate; `fetch` writes the embedded copy.
    Embedded(&'a [u8]),
}

/// One file of a dataset.
#[derive(Clone, Copy, Debug)]
pub struct FileSpec<'a> {
    /// Path inside the data directory, without any `.gz`.
    pub relative: &'a str,
    /// Lowercase hex SHA-256 of the (decompressed) content.
    pub sha256: &'a str,
    /// Where to download it from, canonical source first, then mirrors.
    pub urls: &'a [&'a str],
    /// How the download becomes the stored file.
    pub packaging: Packaging<'a>,
}

impl FileSpec<'_> {
    /// The name the file is stored under in the data directory.
    pub fn stored_name(&self) -> String {
        match self.packaging {
            Packaging::Gzip => format!("{}.gz", self.relative),
            _ => self.relative.to_string(),
        }
    }
}

const IRIS: [FileSpec<'static>; 1] = [FileSpec {
    relative: "iris.csv",
    sha256: "9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355",
    urls: &[],
    packaging: Packaging::Embedded(crate::iris::IRIS_CSV.as_bytes()),
}];

const CALIFORNIA: [FileSpec<'static>; 1] = [FileSpec {
    relative: "california-housing/cal_housing.data",
    sha256: "a2b44dcc7e1c9091b43c4f458b25cbd1f7e8068d08edd26bc4703108d3fa6214",
    urls: &[
        "https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.tgz",
        "https://ndownloader.figshare.com/files/5976036",
    ],
    packaging: Packaging::TarGzMember("CaliforniaHousing/cal_housing.data"),
}];

macro_rules! idx_file {
    ($folder:literal, $file:literal, $sha:literal, [$($base:literal),+]) => {
        FileSpec {
            relative: concat!($folder, "/", $file),
            sha256: $sha,
            urls: &[$(concat!($base, $file, ".gz")),+],
            packaging: Packaging::Gzip,
        }
    };
}

const FASHION: [FileSpec<'static>; 4] = [
    idx_file!(
        "fashion-mnist",
        "train-images-idx3-ubyte",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        ]
    ),
    idx_file!(
        "fashion-mnist",
        "train-labels-idx1-ubyte",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        ]
    ),
    idx_file!(
        "fashion-mnist",
        "t10k-images-idx3-ubyte",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        ]
    ),
    idx_file!(
        "fashion-mnist",
        "t10k-labels-idx1-ubyte",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
        ]
    ),
];

const MNIST: [FileSpec<'static>; 4] = [
    idx_file!(
        "mnist",
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"]
    ),
    idx_file!(
        "mnist",
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"]
    ),
    idx_file!(
        "mnist",
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"]
    ),
    idx_file!(
        "mnist",
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"]
    ),
];

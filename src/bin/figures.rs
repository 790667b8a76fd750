//! Regenerates every figure of the book into `book/src/figures/`.
//!
//! `cargo figures` (an alias for `cargo run --release -p neurons --bin figures`).
//! Every figure is attempted; the command fails if any of them fails (for
//! example when the data directory lacks a dataset: the message says how to
//! fetch it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use neurons::datasets::{DataDir, images};

/// Where the book's figures live.
fn figures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/figures")
}

/// The chapter's Figure 10-10: the first 40 Fashion-MNIST training images
/// with their class names, 4 rows of 10.
fn fashion_mnist_samples(out: &Path) -> anyhow::Result<PathBuf> {
    let data = images::load_fashion_mnist(&DataDir::from_env())?;
    let n = 40;
    let pictures: Vec<&[u8]> = (0..n).map(|i| data.train.images.image(i)).collect();
    let titles: Vec<String> =
        data.train.labels[..n].iter().map(|&l| data.class_names[usize::from(l)].to_string()).collect();
    let path = out.join("fashion_mnist_samples.png");
    neurons::plotting::image_grid(&path, &pictures, 28, 28, &titles, 10, 3)?;
    Ok(path)
}

fn main() -> ExitCode {
    let out = figures_dir();
    type Figure = fn(&Path) -> anyhow::Result<PathBuf>;
    let figures: [(&str, Figure); 1] = [("Fashion-MNIST samples (Figure 10-10)", fashion_mnist_samples)];
    let mut failed = 0;
    for (name, draw) in figures {
        match draw(&out).with_context(|| format!("figure {name}")) {
            Ok(path) => println!("wrote {}", path.display()),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e:#}");
            }
        }
    }
    if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

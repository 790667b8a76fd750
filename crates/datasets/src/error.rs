//! The one error type of the crate: every failure names the file (and the
//! line, the URL or the sizes) it is about, so a learner knows what to fix.

use std::path::PathBuf;

/// Everything that can go wrong while finding, reading, checking or
/// downloading a dataset.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A dataset file is not in the data directory.
    #[error(
        "{path} not found, with or without .gz ({origin}).\n  Fetch it with `cargo run -p datasets -- fetch {dataset}`,\n  or set NEURONS_DATA_DIR to a folder that holds `{relative}`."
    )]
    Missing {
        /// Where the file was looked for.
        path: PathBuf,
        /// The path inside the data directory (e.g. `fashion-mnist/train-labels-idx1-ubyte.gz`).
        relative: String,
        /// The dataset's name for `fetch`.
        dataset: String,
        /// How the data directory was chosen.
        origin: String,
    },

    /// The operating system refused to read or write a file.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A gzip stream ended early or is not gzip at all.
    #[error("{path}: truncated or corrupt gzip data ({source})")]
    Gzip {
        /// The compressed file.
        path: PathBuf,
        /// What the decompressor said.
        source: std::io::Error,
    },

    /// An IDX file whose header or length does not describe what it should.
    #[error("{path}: not a valid IDX file: {message}")]
    Idx {
        /// The IDX file.
        path: PathBuf,
        /// What is wrong (magic number, dimensions, length).
        message: String,
    },

    /// An image file and its label file disagree on the number of samples.
    #[error("{images} holds {n_images} images but {labels} holds {n_labels} labels")]
    CountMismatch {
        /// The image file.
        images: PathBuf,
        /// How many images it holds.
        n_images: usize,
        /// The label file.
        labels: PathBuf,
        /// How many labels it holds.
        n_labels: usize,
    },

    /// A CSV row that cannot be read as the dataset expects.
    #[error("{path}, line {line}: {message}")]
    Csv {
        /// The CSV file (or the name of embedded data).
        path: PathBuf,
        /// The 1-based line number in the file.
        line: u64,
        /// What is wrong with the row.
        message: String,
    },

    /// A named column is absent from a table.
    #[error("{path}: no column named `{column}` (columns: {available})")]
    NoColumn {
        /// The CSV file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns the file has, comma-separated.
        available: String,
    },

    /// A file whose content does not have the expected SHA-256.
    #[error("{path}: SHA-256 of the content is {actual}, expected {expected}")]
    Checksum {
        /// The file (or the URL it came from).
        path: PathBuf,
        /// The published digest.
        expected: String,
        /// The digest of what was read.
        actual: String,
    },

    /// A download failed.
    #[error("download of {url} failed: {message}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },

    /// A dataset name that this crate does not know.
    #[error("unknown dataset `{0}`: expected one of iris, california-housing, fashion-mnist, mnist")]
    UnknownDataset(String),

    /// A request that does not fit the data (split sizes, fractions, shapes).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

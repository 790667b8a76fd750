//! Every way a dataset file can be wrong gives an error that names the file
//! (and the line, or the sizes), never a panic.

mod common;

use common::{gzip, write};
use datasets::idx::{self, Images};
use datasets::images::{self, load_pair};
use datasets::{DataDir, Error, california, iris, table::Table};
use proptest::prelude::*;

fn images(n: usize, rows: usize, cols: usize) -> Vec<u8> {
    let pixels = (0..n * rows * cols).map(|i| (i % 251) as u8).collect();
    idx::encode_images(&Images::new(rows, cols, pixels).unwrap())
}

fn labels(n: usize) -> Vec<u8> {
    idx::encode_labels(&(0..n).map(|i| (i % 10) as u8).collect::<Vec<_>>())
}

#[test]
fn gzip_and_plain_idx_load_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let gi = write(dir.path(), "a/img.gz", &gzip(&images(3, 28, 28)));
    let gl = write(dir.path(), "a/lab.gz", &gzip(&labels(3)));
    let pi = write(dir.path(), "b/img", &images(3, 28, 28));
    let pl = write(dir.path(), "b/lab", &labels(3));
    let a = load_pair(&gi, &gl, 28, 28, 10).unwrap();
    let b = load_pair(&pi, &pl, 28, 28, 10).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.images.shape(), [3, 28, 28]);
    assert_eq!(a.labels, vec![0, 1, 2]);
}

#[test]
fn missing_file_says_how_to_fetch_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = images::load_fashion_mnist(&DataDir::at(dir.path())).unwrap_err();
    assert!(matches!(err, Error::Missing { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("fashion-mnist/train-images-idx3-ubyte"), "{msg}");
    assert!(msg.contains("cargo run -p datasets -- fetch fashion-mnist"), "{msg}");
    assert!(msg.contains("NEURONS_DATA_DIR"), "{msg}");
    let err = california::load_california_housing(&DataDir::at(dir.path())).unwrap_err();
    assert!(err.to_string().contains("fetch california-housing"), "{err}");
}

#[test]
fn truncated_gzip_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let full = gzip(&images(5, 28, 28));
    let img = write(dir.path(), "img.gz", &full[..full.len() / 2]);
    let lab = write(dir.path(), "lab", &labels(5));
    let err = load_pair(&img, &lab, 28, 28, 10).unwrap_err();
    assert!(matches!(err, Error::Gzip { .. }), "{err:?}");
    assert!(err.to_string().contains("img.gz"), "{err}");
}

#[test]
fn corrupt_gzip_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = gzip(&images(5, 28, 28));
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let img = write(dir.path(), "img.gz", &bytes);
    let lab = write(dir.path(), "lab", &labels(5));
    let err = load_pair(&img, &lab, 28, 28, 10).unwrap_err();
    assert!(matches!(err, Error::Gzip { .. }), "{err:?}");
}

#[test]
fn wrong_magic_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // A label file where the images should be.
    let img = write(dir.path(), "img", &labels(5));
    let lab = write(dir.path(), "lab", &labels(5));
    let msg = load_pair(&img, &lab, 28, 28, 10).unwrap_err().to_string();
    assert!(msg.contains("magic") && msg.contains("label file"), "{msg}");
    // Images where the labels should be.
    let img = write(dir.path(), "img", &images(5, 28, 28));
    let lab = write(dir.path(), "lab", &images(5, 28, 28));
    let msg = load_pair(&img, &lab, 28, 28, 10).unwrap_err().to_string();
    assert!(msg.contains("magic") && msg.contains("lab"), "{msg}");
}

#[test]
fn wrong_dimensions_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let img = write(dir.path(), "img", &images(4, 32, 32));
    let lab = write(dir.path(), "lab", &labels(4));
    let msg = load_pair(&img, &lab, 28, 28, 10).unwrap_err().to_string();
    assert!(msg.contains("32×32") && msg.contains("28×28"), "{msg}");
}

#[test]
fn truncated_idx_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = images(4, 28, 28);
    let img = write(dir.path(), "img", &bytes[..bytes.len() - 100]);
    let lab = write(dir.path(), "lab", &labels(4));
    let msg = load_pair(&img, &lab, 28, 28, 10).unwrap_err().to_string();
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn count_mismatch_names_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let img = write(dir.path(), "img", &images(4, 28, 28));
    let lab = write(dir.path(), "lab", &labels(3));
    let err = load_pair(&img, &lab, 28, 28, 10).unwrap_err();
    assert!(matches!(err, Error::CountMismatch { n_images: 4, n_labels: 3, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("img") && msg.contains("lab"), "{msg}");
}

#[test]
fn label_out_of_range_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let img = write(dir.path(), "img", &images(2, 28, 28));
    let lab = write(dir.path(), "lab", &idx::encode_labels(&[3, 12]));
    let msg = load_pair(&img, &lab, 28, 28, 10).unwrap_err().to_string();
    assert!(msg.contains("label 12") && msg.contains("sample 1"), "{msg}");
}

#[test]
fn malformed_california_rows_name_the_line() {
    let good = "-122.23,37.88,41,880,129,322,126,8.3252,452600\n";
    let cases = [
        (format!("{good}{good}-122.22,37.86,21,7099,1106,2401\n"), 3, "6 fields"),
        (format!("{good}-122.22,37.86,21,x,1106,2401,1138,8.3,358500\n"), 2, "totalRooms"),
        (format!("{good}{good}{good}-122.22,37.86,21,7,1,2,0,8.3,358500\n"), 4, "households"),
    ];
    for (text, line, needle) in cases {
        let err = california::parse("cal.data".as_ref(), text.as_bytes()).unwrap_err();
        let Error::Csv { line: l, .. } = &err else { panic!("{err:?}") };
        assert_eq!(*l, line, "{err}");
        let msg = err.to_string();
        assert!(msg.contains("cal.data") && msg.contains(needle), "{msg}");
    }
    assert!(california::parse("empty".as_ref(), b"").is_err());
}

#[test]
fn california_header_line_is_skipped() {
    let text = "longitude,latitude,a,b,c,d,e,f,g\n-122.23,37.88,41,880,129,322,126,8.3252,452600\n";
    let data = california::parse("h.data".as_ref(), text.as_bytes()).unwrap();
    assert_eq!(data.x.nrows(), 1);
    assert_eq!(data.x[(0, 0)], 8.3252);
}

#[test]
fn malformed_csv_tables_name_file_line_and_column() {
    let err = Table::parse("t.csv".as_ref(), b"a,b\n1,2\n3\n").unwrap_err();
    assert!(matches!(err, Error::Csv { line: 3, .. }), "{err:?}");
    let table = Table::parse("t.csv".as_ref(), b"a,b\n1,2\n\n3,oops\n").unwrap();
    let msg = table.numeric("b").unwrap_err().to_string();
    assert!(msg.contains("t.csv") && msg.contains("line 4") && msg.contains("`b`"), "{msg}");
    let msg = table.numeric("c").unwrap_err().to_string();
    assert!(msg.contains("no column named `c`") && msg.contains("a, b"), "{msg}");
    assert!(Table::parse("e.csv".as_ref(), b"").is_err());
    assert!(Table::parse("h.csv".as_ref(), b"a,b\n").is_err());
}

#[test]
fn iris_from_a_file_checks_species() {
    let dir = tempfile::tempdir().unwrap();
    let text = iris::IRIS_CSV.replacen("setosa", "daisy", 1);
    let path = write(dir.path(), "iris.csv", text.as_bytes());
    let msg = iris::read_iris(&path).unwrap_err().to_string();
    assert!(msg.contains("line 2") && msg.contains("daisy"), "{msg}");
    let path = write(dir.path(), "iris.csv", iris::IRIS_CSV.as_bytes());
    assert_eq!(iris::read_iris(&path).unwrap().y, iris::load_iris().unwrap().y);
}

#[test]
fn embedded_iris_has_fifty_of_each_species() {
    let data = iris::load_iris().unwrap();
    assert_eq!(data.x.shape(), (150, 4));
    for c in 0..3 {
        assert_eq!(data.y.iter().filter(|&&y| y == c).count(), 50);
    }
    // The first flower of Fisher's table.
    assert_eq!(data.x.row(0).iter().copied().collect::<Vec<_>>(), vec![5.1, 3.5, 1.4, 0.2]);
}

proptest! {
    #[test]
    fn idx_round_trips(n in 0usize..5, rows in 1usize..9, cols in 1usize..9) {
        let bytes = images(n, rows, cols);
        let parsed = idx::parse_images("p".as_ref(), &bytes).unwrap();
        prop_assert_eq!(parsed.shape(), [n, rows, cols]);
        prop_assert_eq!(idx::encode_images(&parsed), bytes);
    }

    #[test]
    fn any_truncation_is_an_error_not_a_panic(cut in 0usize..(16 + 2 * 28 * 28)) {
        let bytes = images(2, 28, 28);
        prop_assert!(idx::parse_images("p".as_ref(), &bytes[..cut]).is_err());
        prop_assert!(idx::parse_labels("p".as_ref(), &labels(7)[..cut.min(14)]).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = idx::parse_images("p".as_ref(), &bytes);
        let _ = idx::parse_labels("p".as_ref(), &bytes);
        let _ = california::parse("p".as_ref(), &bytes);
        let _ = Table::parse("p".as_ref(), &bytes);
    }
}

//! The `datasets` command as a user runs it.

use std::process::{Command, Output};

fn run(args: &[&str], data_dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_datasets")).args(args).arg("--data-dir").arg(data_dir).output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn info_iris_needs_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["info", "iris"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("150 rows × 4 features") && t.contains("setosa") && t.contains("50 rows"), "{t}");
}

#[test]
fn unknown_dataset_and_missing_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["info", "cifar"], dir.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("unknown dataset `cifar`"), "{}", text(&out));
    let out = run(&["info", "fashion-mnist"], dir.path());
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("fetch fashion-mnist") && !t.contains("panicked"), "{t}");
}

#[test]
fn fetch_iris_then_verify_then_detect_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["fetch", "iris"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&["verify"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ok       iris.csv"), "{}", text(&out));
    let csv = dir.path().join("iris.csv");
    let edited = std::fs::read_to_string(&csv).unwrap().replacen("5.1", "5.2", 1);
    std::fs::write(&csv, edited).unwrap();
    let out = run(&["verify"], dir.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("FAILED   iris.csv: ") && text(&out).contains("SHA-256"), "{}", text(&out));
}

#[test]
fn info_fashion_mnist_on_the_real_data() {
    let Some(dir) = datasets::DataDir::for_test(datasets::Dataset::FashionMnist) else { return };
    let out = run(&["info", "fashion-mnist"], dir.root());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("images u8 [60000, 28, 28]") && t.contains("images u8 [10000, 28, 28]"), "{t}");
    assert!(t.contains("Ankle boot") && t.contains("55000 train, 5000 valid"), "{t}");
}

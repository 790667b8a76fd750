//! `cargo run -p mlp` as a user runs it.

use std::process::{Command, Output};

fn mlp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlp")).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn last_json(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

/// A CSV with a numeric target, a string class and two features.
fn write_csv(dir: &std::path::Path) -> std::path::PathBuf {
    let mut csv = String::from("a,b,value,kind\n");
    for i in 0..200 {
        let (a, b) = ((i % 20) as f64 / 10.0, (i / 20) as f64 / 5.0);
        let kind = if a + b > 2.0 { "big" } else { "small" };
        csv += &format!("{a},{b},{},{kind}\n", 3.0 * a - b + 0.5);
    }
    let path = dir.join("data.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn a_text_feature_is_an_error_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(dir.path());
    let csv = csv.to_str().unwrap();
    // `kind` is text: as a feature it is an error naming it.
    let out = mlp(&["--data", csv, "--target", "value", "--task", "regression", "--json"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("`kind`") && !text(&out).contains("panicked"), "{}", text(&out));
}

#[test]
fn data_classification_reports_accuracy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.csv");
    let mut csv = String::from("x,y,label\n");
    for i in 0..200 {
        let (x, y) = ((i % 20) as f64 / 10.0, (i / 20) as f64 / 5.0);
        csv += &format!("{x},{y},{}\n", if x > y { "above" } else { "below" });
    }
    std::fs::write(&path, csv).unwrap();
    let out =
        mlp(&["--data", path.to_str().unwrap(), "--target", "label", "--task", "classification", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let json = last_json(&out);
    assert!(json["accuracy"].as_f64().unwrap() >= 0.9, "{json}");
    assert_eq!(json["classes"], serde_json::json!(["above", "below"]));
    // Regression on a numeric target of the same file works too.
    let out = mlp(&["--data", path.to_str().unwrap(), "--target", "y", "--task", "regression", "--json"]);
    assert!(!out.status.success(), "the `label` column is text: {}", text(&out));
}

#[test]
fn data_regression_on_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let mut csv = String::from("a,b,target\n");
    for i in 0..300 {
        let (a, b) = ((i % 20) as f64 / 10.0, (i / 20) as f64 / 8.0);
        csv += &format!("{a},{b},{}\n", 2.0 * a - b + 1.0);
    }
    std::fs::write(&path, csv).unwrap();
    let out = mlp(&[
        "--data",
        path.to_str().unwrap(),
        "--target",
        "target",
        "--task",
        "regression",
        "--hidden",
        "20",
        "--epochs",
        "300",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let json = last_json(&out);
    assert!(json["rmse"].as_f64().unwrap() < 0.3, "{json}");
}

#[test]
fn bad_data_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    for (content, needle) in [
        ("a,b\n1,2\n3,4\n", "no column named `t`"),
        ("a,t\n1,2\n3,x\n", ""),
        ("", "empty file"),
        ("a,t\n1,2\n3\n", "line 3"),
    ] {
        std::fs::write(&path, content).unwrap();
        let out = mlp(&["--data", path.to_str().unwrap(), "--target", "t", "--task", "regression"]);
        let t = text(&out);
        assert!(!out.status.success() && !t.contains("panicked") && t.contains(needle), "{content:?}: {t}");
    }
}

#[test]
fn chapter_examples_json() {
    // The command reads the same data directory (it inherits the environment).
    let Some(_) = datasets::DataDir::for_test(datasets::Dataset::CaliforniaHousing) else { return };
    let out = mlp(&["--json", "--no-figures"]);
    assert!(out.status.success(), "{}", text(&out));
    let json = last_json(&out);
    assert_eq!(json["xor_correct"], 4);
    assert!(json["california_valid_rmse"].as_f64().unwrap() <= 0.51, "{json}");
    assert!(json["iris_test_accuracy"].as_f64().unwrap() >= 0.93, "{json}");
}

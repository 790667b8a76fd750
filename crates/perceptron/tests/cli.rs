//! The `perceptron` command: the chapter's example, `--data` on CSV files,
//! and its error messages.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_perceptron")).args(args).output().expect("run perceptron")
}

/// The last line of stdout, parsed as JSON, after checking success.
fn json(args: &[&str]) -> Value {
    let output = run(args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    let last = stdout.lines().last().expect("some output");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("last line is not JSON ({e}): {last}"))
}

/// Runs with `args`, expects failure, and returns stderr.
fn failure(args: &[&str]) -> String {
    let output = run(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "{args:?} succeeded");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
    stderr
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn default_run_reports_the_chapter_example() {
    let out = json(&["--json", "--no-figure"]);
    for key in ["weights", "bias", "epochs", "updates", "training_accuracy", "predictions"] {
        assert!(out.get(key).is_some(), "no {key} in {out}");
    }
    assert_eq!(out["predictions"], serde_json::json!([true, false]));
    assert_eq!(out["training_accuracy"], 1.0);
    assert_eq!(out["weights"].as_array().unwrap()[0].as_array().unwrap().len(), 2);
    assert_eq!(out["bias"].as_array().unwrap().len(), 1);
    assert!(out["epochs"].as_u64().unwrap() >= 1 && out["updates"].as_u64().unwrap() >= 1);
    assert_eq!(out["figure"], Value::Null);
}

#[test]
fn human_output_and_figure() {
    let dir = tempfile::tempdir().unwrap();
    let figure = dir.path().join("iris.svg");
    let output = run(&["--figure", figure.to_str().unwrap()]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for wanted in ["w = [", "epochs:", "updates:", "training accuracy: 1.0000", "= true", "= false"] {
        assert!(stdout.contains(wanted), "no {wanted:?} in:\n{stdout}");
    }
    assert!(stdout.contains(&format!("figure: {}", figure.display())), "{stdout}");
    let svg = std::fs::read_to_string(&figure).unwrap();
    assert!(svg.contains("Petal length (cm)") && svg.contains("Iris setosa"), "figure lacks labels");
}

#[test]
fn data_with_a_binary_string_target() {
    let dir = tempfile::tempdir().unwrap();
    let csv =
        "size,weight,colour,kind\n1,2,0,small\n2,1,1,small\n6,7,0,large\n7,6,1,large\n1.5,1.5,0,small\n";
    let path = write(dir.path(), "things.csv", csv);
    let out = json(&["--data", &path, "--target", "kind", "--features", "size,weight", "--json"]);
    assert_eq!(out["classes"], serde_json::json!(["large", "small"]));
    assert_eq!(out["features"], serde_json::json!(["size", "weight"]));
    assert_eq!(out["training_accuracy"], 1.0);
    assert_eq!(out["weights"].as_array().unwrap().len(), 1);
    assert!(out.get("predictions").is_none(), "--data reports no predictions");
    // Without --features, every other column is a feature.
    let out = json(&["--data", &path, "--target", "kind", "--json", "--seed", "3", "--eta", "0.5"]);
    assert_eq!(out["features"], serde_json::json!(["size", "weight", "colour"]));
    assert_eq!(out["options"]["eta0"], 0.5);
}

#[test]
fn data_with_a_multiclass_target() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("x,y,class\n");
    for (i, (cx, cy)) in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)].iter().enumerate() {
        for k in 0..5 {
            csv += &format!("{},{},{}\n", cx + f64::from(k) * 0.3, cy - f64::from(k) * 0.2, i + 1);
        }
    }
    let path = write(dir.path(), "blobs.csv", &csv);
    let figure = dir.path().join("blobs.png");
    let args = ["--data", &path, "--target", "class", "--json", "--epochs", "200"];
    let out = json(&[&args[..], &["--figure", figure.to_str().unwrap()]].concat());
    assert_eq!(out["classes"], serde_json::json!(["1", "2", "3"]));
    assert_eq!(out["weights"].as_array().unwrap().len(), 3);
    assert_eq!(out["bias"].as_array().unwrap().len(), 3);
    assert!(out["training_accuracy"].as_f64().unwrap() >= 0.9, "{out}");
    assert!(std::fs::read(&figure).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn bad_data_is_an_error_naming_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.csv", "a,b,t\n1,2,x\n3,4,y\n");
    let err = failure(&["--data", &good, "--target", "missing"]);
    assert!(err.contains("`missing`") && err.contains("a, b, t"), "{err}");
    let err = failure(&["--data", &good, "--target", "t", "--features", "a,nope"]);
    assert!(err.contains("`nope`"), "{err}");

    let text = write(dir.path(), "text.csv", "a,b,t\n1,2,x\n3,four,y\n");
    let err = failure(&["--data", &text, "--target", "t"]);
    assert!(err.contains("line 3") && err.contains("`b`") && err.contains("four"), "{err}");

    let empty = write(dir.path(), "empty.csv", "");
    let err = failure(&["--data", &empty, "--target", "t"]);
    assert!(err.contains("empty.csv") && err.contains("empty"), "{err}");
    let header = write(dir.path(), "header.csv", "a,b,t\n");
    let err = failure(&["--data", &header, "--target", "t"]);
    assert!(err.contains("no data rows"), "{err}");

    let one = write(dir.path(), "one.csv", "a,b,t\n1,2,x\n3,4,x\n");
    let err = failure(&["--data", &one, "--target", "t"]);
    assert!(err.contains("`t`") && err.contains("`x`") && err.contains("two classes"), "{err}");

    let err = failure(&["--data", &good, "--target", "t", "--eta", "-1"]);
    assert!(err.contains("eta0"), "{err}");
    let figure = dir.path().join("f.svg");
    let three = write(dir.path(), "three.csv", "a,b,c,t\n1,2,3,x\n3,4,5,y\n");
    let err = failure(&["--data", &three, "--target", "t", "--figure", figure.to_str().unwrap()]);
    assert!(err.contains("2 features"), "{err}");
    assert!(!figure.exists());
    let err = failure(&["--data", dir.path().join("absent.csv").to_str().unwrap(), "--target", "t"]);
    assert!(err.contains("absent.csv"), "{err}");
}

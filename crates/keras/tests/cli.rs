//! The `keras` command (`src/main.rs`): its argument parsing, the column
//! rule of `predict`, its errors and exit codes, and predictions equal to
//! `Model::predict` on the same rows.
//!
//! The command's functions are included here as a module, so that models
//! built in memory go through the same code path as the command; the
//! binary itself is run on models saved in the test.

#[allow(dead_code)]
#[path = "../src/main.rs"]
mod command;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use command::{CliError, Command};
use keras::layers::{Dense, Flatten, Input, LayerCall, Normalization, concatenate};
use keras::{Model, Sequential, Tensor};
use nalgebra::DMatrix;

/// A fresh folder under the target directory for this test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Deterministic values in [-1, 1).
fn values(n: usize, salt: usize) -> Vec<f32> {
    (0..n).map(|i| ((i * 7919 + salt * 104_729) % 2000) as f32 / 1000.0 - 1.0).collect()
}

/// A two-input, two-output model: wide (3) and deep (4) inputs, the
/// deep path normalized, an output of 1 unit and one of 2.
fn two_input_model() -> Model {
    keras::clear_session();
    keras::set_random_seed(7);
    let wide = Input::new(&[3]).named("input_wide");
    let deep = Input::new(&[4]).named("input_deep");
    let mut norm = Normalization::new();
    norm.adapt(&Tensor::new(values(40, 1), &[10, 4]).unwrap()).unwrap();
    let normed = norm.apply(&deep).unwrap();
    let hidden = Dense::new(5).activation("relu").apply(&normed).unwrap();
    let concat = concatenate(&[&wide, &hidden]).unwrap();
    let output = Dense::new(1).named("output").apply(&concat).unwrap();
    let aux = Dense::new(2).activation("sigmoid").named("aux_output").apply(&hidden).unwrap();
    Model::functional([&wide, &deep], [&output, &aux]).unwrap()
}

/// A Sequential model on 2 × 3 images with one output of 3 units.
fn image_model() -> Model {
    keras::clear_session();
    keras::set_random_seed(3);
    Sequential::new(vec![
        Input::new(&[2, 3]).into(),
        Flatten::new().into(),
        Dense::new(4).activation("relu").into(),
        Dense::new(3).activation("softmax").into(),
    ])
    .unwrap()
}

/// A Sequential model with one input of 2 values and one unit out.
fn scalar_model() -> Model {
    keras::clear_session();
    keras::set_random_seed(5);
    Sequential::new(vec![Input::new(&[2]).into(), Dense::new(1).into()]).unwrap()
}

/// Runs `predict` on CSV text, returning the CSV written.
fn predict_text(model: &Model, csv: &str) -> Result<String, CliError> {
    let mut out = Vec::new();
    command::predict_rows(model, csv.as_bytes(), "rows.csv", &mut out, 4)?;
    Ok(String::from_utf8(out).unwrap())
}

/// Parses CSV text written by the command: its header and rows.
fn parse(text: &str) -> (Vec<String>, Vec<Vec<f32>>) {
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(str::to_string).collect();
    let rows = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    (header, rows)
}

/// CSV text with this header and rows.
fn csv(header: &[String], rows: &[Vec<f32>]) -> String {
    let mut out = header.join(",") + "\n";
    for r in rows {
        out += &r.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(",");
        out += "\n";
    }
    out
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}.{i}")).collect()
}

fn failure(result: Result<String, CliError>) -> String {
    match result {
        Err(CliError::Failure(m)) => m,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn two_inputs_by_name_in_any_order_predict_as_model_predict() {
    let model = two_input_model();
    let n = 11; // more than one batch of 4
    let (wide, deep) = (values(n * 3, 2), values(n * 4, 3));
    // Columns: an id, the deep input first, then the wide one, reversed.
    let mut header = vec!["id".to_string()];
    header.extend(names("input_deep", 4));
    header.extend(names("input_wide", 3).into_iter().rev());
    let rows: Vec<Vec<f32>> = (0..n)
        .map(|r| {
            let mut row = vec![r as f32];
            row.extend_from_slice(&deep[r * 4..r * 4 + 4]);
            row.extend(wide[r * 3..r * 3 + 3].iter().rev());
            row
        })
        .collect();
    let written = predict_text(&model, &csv(&header, &rows)).unwrap();
    let (out_header, out_rows) = parse(&written);
    assert_eq!(out_header, ["output.0", "aux_output.0", "aux_output.1"]);
    let x_wide = Tensor::new(wide, &[n, 3]).unwrap();
    let x_deep = Tensor::new(deep, &[n, 4]).unwrap();
    let expected = model.predict_outputs((&x_wide, &x_deep)).unwrap();
    assert_eq!(out_rows.len(), n);
    for (r, row) in out_rows.iter().enumerate() {
        let want = [expected[0][(r, 0)], expected[1][(r, 0)], expected[1][(r, 1)]];
        assert_eq!(row[..], want, "row {r}");
    }
}

#[test]
fn one_input_reads_every_column_in_order_or_prefixed_columns() {
    let model = image_model();
    let input = model.inputs()[0].name.clone();
    let n = 5;
    let x = values(n * 6, 4);
    let rows: Vec<Vec<f32>> = x.chunks(6).map(<[f32]>::to_vec).collect();
    let expected = model.predict(&Tensor::new(x, &[n, 2, 3]).unwrap()).unwrap();
    let check = |text: &str| {
        let (header, got) = parse(text);
        assert_eq!(header, names("dense_1", 3));
        let got = DMatrix::from_row_iterator(n, 3, got.into_iter().flatten());
        assert_eq!(got, expected);
    };
    let plain: Vec<String> = (0..6).map(|i| format!("pixel{i}")).collect();
    check(&predict_text(&model, &csv(&plain, &rows)).unwrap());
    let mut prefixed = names(&input, 6);
    prefixed.push("label".into());
    let with_label: Vec<Vec<f32>> = rows.iter().map(|r| [&r[..], &[9.0]].concat()).collect();
    check(&predict_text(&model, &csv(&prefixed, &with_label)).unwrap());
}

#[test]
fn one_output_of_one_unit_is_one_column_named_after_it() {
    let model = scalar_model();
    let written = predict_text(&model, "a,b\n1,2\n 3 , -4e-1 \n").unwrap();
    let (header, rows) = parse(&written);
    assert_eq!(header, ["dense"]);
    let x = Tensor::new(vec![1.0, 2.0, 3.0, -0.4], &[2, 2]).unwrap();
    let expected = model.predict(&x).unwrap();
    assert_eq!(rows, [vec![expected[(0, 0)]], vec![expected[(1, 0)]]]);
    // No rows: only the header.
    assert_eq!(predict_text(&model, "a,b\n").unwrap(), "dense\n");
}

#[test]
fn a_bad_value_names_the_file_line_and_column() {
    let model = two_input_model();
    let mut header = names("input_wide", 3);
    header.extend(names("input_deep", 4));
    let text = format!("{}\n0,0,0,0,0,0,0\n1,2,3,4,x5,6,7\n", header.join(","));
    let message = failure(predict_text(&model, &text));
    assert!(message.contains("rows.csv") && message.contains("line 3"), "{message}");
    assert!(message.contains("column 5 \"input_deep.1\"") && message.contains("\"x5\""), "{message}");
    let message = failure(predict_text(&model, &format!("{}\n1,2,3,4,,6,7\n", header.join(","))));
    assert!(message.contains("line 2") && message.contains("input_deep.1"), "{message}");
    let message = failure(predict_text(&model, &format!("{}\n1,2,3\n", header.join(","))));
    assert!(message.contains("line 2") && message.contains("3 values"), "{message}");
}

#[test]
fn a_missing_column_is_named() {
    let model = two_input_model();
    let mut header = names("input_wide", 3);
    header.extend(names("input_deep", 3));
    let message = failure(predict_text(&model, &format!("{}\n", header.join(","))));
    assert!(message.contains("missing column \"input_deep.3\""), "{message}");
    let message = failure(predict_text(&model, "a,b,c,d,e,f,g\n"));
    assert!(message.contains("missing column \"input_wide.0\""), "{message}");
    // One input, unnamed columns: the count must match.
    let message = failure(predict_text(&image_model(), "a,b,c\n1,2,3\n"));
    assert!(message.contains("3 columns") && message.contains("takes 6 values"), "{message}");
    let message = failure(predict_text(&scalar_model(), ""));
    assert!(message.contains("rows.csv: empty"), "{message}");
}

#[test]
fn arguments_are_parsed_by_hand() {
    let args = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        command::parse_args(&args("predict m.keras --input x.csv --batch-size=8 --output y.csv")),
        Ok(Command::Predict {
            model: "m.keras".into(),
            input: "x.csv".into(),
            output: Some("y.csv".into()),
            batch_size: 8
        })
    );
    assert_eq!(
        command::parse_args(&args("summary m.keras")),
        Ok(Command::Summary { model: "m.keras".into() })
    );
    assert_eq!(command::parse_args(&args("predict --help")), Ok(Command::Help));
    for bad in [
        "",
        "train m.keras",
        "summary",
        "summary a b",
        "predict m.keras",
        "predict --input x.csv",
        "predict m.keras --input x.csv --batch-size 0",
        "predict m.keras --input",
        "predict m.keras --inptu x",
    ] {
        let result = command::parse_args(&args(bad));
        assert!(matches!(result, Err(CliError::Usage(_))), "{bad}: {result:?}");
    }
}

#[test]
fn a_failed_write_leaves_no_file() {
    let dir = scratch("failed_write");
    let out = dir.join("out.csv");
    let result: Result<(), CliError> = command::write_atomically(&out, |w| {
        use std::io::Write;
        w.write_all(b"half").unwrap();
        Err(CliError::Failure("stopped".into()))
    });
    assert!(result.is_err());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no file left behind");
}

/// Runs the binary; (exit code, stdout, stderr).
fn keras(args: &[&str]) -> (i32, String, String) {
    let out = Process::new(env!("CARGO_BIN_EXE_keras")).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_binary_reports_usage_errors_with_code_2_and_failures_with_1() {
    let (code, stdout, _) = keras(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Columns read") && stdout.contains("N.0"), "{stdout}");
    let (code, _, stderr) = keras(&["frobnicate"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown command"), "{stderr}");
    let dir = scratch("binary_errors");
    let missing = dir.join("missing.keras");
    let (code, _, stderr) = keras(&["summary", missing.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("missing.keras"), "{stderr}");
    // A file that is not a model.
    let wrong = dir.join("wrong.keras");
    std::fs::write(&wrong, "not a zip").unwrap();
    let (code, _, stderr) = keras(&["predict", wrong.to_str().unwrap(), "--input", "x.csv"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("wrong.keras") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_binary_predicts_a_saved_model_as_model_predict() {
    let dir = scratch("saved_model");
    let mut model = two_input_model();
    model.compile(["mse", "mse"], "adam", &[]).unwrap();
    let path = dir.join("two_inputs.keras");
    model.save(&path).unwrap();
    let n = 300; // several batches of --batch-size 7
    let (wide, deep) = (values(n * 3, 8), values(n * 4, 9));
    let mut header = names("input_wide", 3);
    header.extend(names("input_deep", 4));
    let rows: Vec<Vec<f32>> =
        (0..n).map(|r| [&wide[r * 3..r * 3 + 3], &deep[r * 4..r * 4 + 4]].concat()).collect();
    let input = dir.join("rows.csv");
    std::fs::write(&input, csv(&header, &rows)).unwrap();
    let output = dir.join("predictions.csv");
    let (model_arg, input_arg, output_arg) =
        (path.to_str().unwrap(), input.to_str().unwrap(), output.to_str().unwrap());
    let (code, _, stderr) =
        keras(&["predict", model_arg, "--input", input_arg, "--output", output_arg, "--batch-size", "7"]);
    assert_eq!(code, 0, "{stderr}");
    let (out_header, got) = parse(&std::fs::read_to_string(&output).unwrap());
    assert_eq!(out_header, ["output.0", "aux_output.0", "aux_output.1"]);
    let expected = model
        .predict_outputs((&Tensor::new(wide, &[n, 3]).unwrap(), &Tensor::new(deep, &[n, 4]).unwrap()))
        .unwrap();
    for (r, row) in got.iter().enumerate() {
        assert_eq!(row[..], [expected[0][(r, 0)], expected[1][(r, 0)], expected[1][(r, 1)]], "row {r}");
    }
    // Standard output when no --output; the same text.
    let (code, stdout, _) = keras(&["predict", model_arg, "--input", input_arg]);
    assert_eq!(code, 0);
    assert_eq!(stdout, std::fs::read_to_string(&output).unwrap());
    // The summary names every layer.
    let (code, stdout, _) = keras(&["summary", model_arg]);
    assert_eq!(code, 0);
    for layer in model.layers() {
        assert!(stdout.contains(layer.name()), "{} missing from\n{stdout}", layer.name());
    }
    // A bad value: exit code 1, the file, line and column named, the old output kept.
    let mut text = csv(&header, &rows[..3]);
    text += "1,2,3,4,5,oops,7\n";
    std::fs::write(&input, text).unwrap();
    let (code, _, stderr) = keras(&["predict", model_arg, "--input", input_arg, "--output", output_arg]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("rows.csv: line 5, column 6 \"input_deep.2\": \"oops\""), "{stderr}");
    assert_eq!(parse(&std::fs::read_to_string(&output).unwrap()).1.len(), n, "the previous output stays");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3, "no temporary file left");
}

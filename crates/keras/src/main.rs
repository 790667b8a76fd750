//! `keras`: the crate's command for model files (Keras 3 `.keras` files,
//! written by this crate's [`Model::save`] or by Keras itself).
//!
//! ```text
//! cargo run --release -p keras -- summary MODEL.keras
//! cargo run --release -p keras -- predict MODEL.keras --input ROWS.csv [--output PREDICTIONS.csv] [--batch-size N]
//! ```
//!
//! `summary` prints `model.summary()`. `predict` reads one sample per CSV
//! row and writes the model's outputs, one row per sample, in the same
//! order.
//!
//! # Columns read
//!
//! The first line of the CSV names its columns. A sample of an input of
//! shape `[d₀, d₁, …]` is `d₀·d₁·…` numbers, flattened row-major (an input
//! of shape `[28, 28]` reads 784 numbers, `N.0` … `N.783`, value `(r, c)`
//! being `N.{28·r + c}`). For each input of the model, named `N` (the
//! model's input names, as `summary` shows them), in order:
//!
//! 1. if a column is named `N.0`, the input reads the columns `N.0`,
//!    `N.1`, … `N.{size − 1}`, wherever they are; each must be there, once;
//! 2. otherwise, if the input takes one number and a column is named
//!    exactly `N`, that column;
//! 3. otherwise, if the model has only this input, every column in order
//!    (whatever their names), and there must be exactly `size` of them;
//! 4. otherwise it is an error naming the missing column `N.0`.
//!
//! With rules 1 and 2, columns that no input reads (an id, a target) are
//! ignored. A value is a decimal number (`1.5`, `-2e-3`, `nan`, `inf`),
//! spaces around it allowed; anything else is an error that names the file,
//! the line (1-based, the header being line 1) and the column.
//!
//! # Columns written
//!
//! One column per unit of each output, in the order of the model's
//! outputs: `O.0`, `O.1`, … for an output named `O` (the name of the layer
//! that makes it, or the name given to it); a model with one output of one
//! unit writes one column named just `O`. Numbers are written in the
//! shortest form that reads back as the same `f32`.
//!
//! # Files and exit codes
//!
//! Without `--output` the predictions go to the standard output. With it,
//! they are written to a temporary file in the same folder, renamed over
//! the output only once complete: a failure leaves no half-written file.
//! The exit code is 0 on success, 2 for a usage error (unknown command or
//! option, missing argument), 1 for any other failure (a file that cannot
//! be read, a bad value, a model that does not load).

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use keras::{Model, Tensor};

/// The `--help` text: the commands, their options, and the column rule.
pub const HELP: &str = "\
keras: the Keras-like crate's command for .keras model files

Usage:
  keras summary MODEL.keras
  keras predict MODEL.keras --input ROWS.csv [--output PREDICTIONS.csv] [--batch-size N]
  keras help | --help | -h

Commands:
  summary   print model.summary()
  predict   read one sample per CSV row, write the model's outputs per row

Options of predict:
  --input ROWS.csv        the samples (a header line naming the columns, then one row per sample)
  --output FILE.csv       where to write the predictions (default: the standard output); written
                          to a temporary file in the same folder, then renamed
  --batch-size N          rows per forward pass (default 256; the outputs do not depend on it)

Columns read, for each model input named N whose sample has `size` values (flattened row-major:
an input of shape [28, 28] reads 784 values, value (r, c) in column N.{28*r + c}):
  1. if a column is named N.0: the columns N.0, N.1, ... N.{size-1}, wherever they are;
  2. else, if the input takes one value and a column is named exactly N: that column;
  3. else, if the model has only this input: every column, in order (exactly `size` of them);
  4. else: an error naming the missing column N.0.
  With rules 1 and 2, columns no input reads are ignored.

Columns written: O.0, O.1, ... for each output named O, in the model's order of outputs; a model
with one output of one unit writes one column named O.

Exit codes: 0 success, 2 usage error, 1 any other failure (the message names the file, the
line (1-based, the header is line 1) and the column).
";

/// Rows read and predicted at a time: memory stays bounded on any file.
const CHUNK_ROWS: usize = 8192;

/// Why the command failed.
#[derive(Debug, PartialEq)]
pub enum CliError {
    /// The command line is wrong (exit code 2).
    Usage(String),
    /// Anything else: a file, a value, a model (exit code 1).
    Failure(String),
}

impl CliError {
    /// The exit code: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failure(_) => 1,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}\n(keras --help shows the usage)"),
            CliError::Failure(m) => f.write_str(m),
        }
    }
}

/// A parsed command line.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// Print the help.
    Help,
    /// `summary MODEL.keras`.
    Summary {
        /// The model file.
        model: PathBuf,
    },
    /// `predict MODEL.keras --input … [--output …] [--batch-size …]`.
    Predict {
        /// The model file.
        model: PathBuf,
        /// The CSV of samples.
        input: PathBuf,
        /// Where to write (standard output if none).
        output: Option<PathBuf>,
        /// Rows per forward pass.
        batch_size: usize,
    },
}

/// Parses the arguments (without the program's name).
pub fn parse_args(args: &[String]) -> Result<Command, CliError> {
    let usage = |m: String| Err(CliError::Usage(m));
    let Some(command) = args.first() else {
        return usage("no command given: use summary or predict".into());
    };
    let rest = &args[1..];
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Command::Help);
    }
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "summary" => match rest {
            [model] if !model.starts_with("--") => Ok(Command::Summary { model: model.into() }),
            [] => usage("summary: which model? keras summary MODEL.keras".into()),
            _ => usage(format!("summary takes one model file, got: {}", rest.join(" "))),
        },
        "predict" => {
            let (mut model, mut input, mut output, mut batch_size) = (None, None, None, None);
            let mut i = 0;
            while i < rest.len() {
                let arg = &rest[i];
                let (flag, inline) = match arg.split_once('=') {
                    Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                    _ => (arg.as_str(), None),
                };
                if !flag.starts_with("--") {
                    if model.is_some() {
                        return usage(format!(
                            "predict: unexpected argument \"{arg}\" (one model file only)"
                        ));
                    }
                    model = Some(PathBuf::from(arg));
                    i += 1;
                    continue;
                }
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match rest.get(i) {
                            Some(v) => v.clone(),
                            None => return usage(format!("predict: {flag} needs a value")),
                        }
                    }
                };
                match flag {
                    "--input" => input = Some(PathBuf::from(value)),
                    "--output" => output = Some(PathBuf::from(value)),
                    "--batch-size" => match value.parse::<usize>() {
                        Ok(n) if n > 0 => batch_size = Some(n),
                        _ => {
                            return usage(format!(
                                "predict: --batch-size must be a whole number ≥ 1, got \"{value}\""
                            ));
                        }
                    },
                    _ => {
                        return usage(format!(
                            "predict: unknown option {flag} (options: --input, --output, --batch-size)"
                        ));
                    }
                }
                i += 1;
            }
            let Some(model) = model else {
                return usage("predict: which model? keras predict MODEL.keras --input ROWS.csv".into());
            };
            let Some(input) = input else {
                return usage("predict: --input ROWS.csv is required".into());
            };
            Ok(Command::Predict {
                model,
                input,
                output,
                batch_size: batch_size.unwrap_or(keras::training::INFERENCE_BATCH_SIZE),
            })
        }
        other => usage(format!("unknown command \"{other}\": use summary or predict")),
    }
}

/// Loads a model file, the error naming the file.
pub fn load(path: &Path) -> Result<Model, CliError> {
    if !path.is_file() {
        return Err(CliError::Failure(format!("{}: no such file", path.display())));
    }
    keras::load_model(path).map_err(|e| match e {
        keras::KerasError::File { .. } => CliError::Failure(e.to_string()),
        other => CliError::Failure(format!("{}: {other}", path.display())),
    })
}

/// Runs a parsed command, printing to `stdout`.
pub fn run(command: Command, stdout: &mut dyn Write) -> Result<(), CliError> {
    let io_error = |e: io::Error| CliError::Failure(format!("standard output: {e}"));
    match command {
        Command::Help => stdout.write_all(HELP.as_bytes()).map_err(io_error),
        Command::Summary { model } => {
            let model_file = model.display().to_string();
            let model = load(&model)?;
            let summary = model.summary().map_err(|e| CliError::Failure(format!("{model_file}: {e}")))?;
            writeln!(stdout, "{summary}").map_err(io_error)
        }
        Command::Predict { model, input, output, batch_size } => {
            let model = load(&model)?;
            predict_csv(&model, &input, output.as_deref(), batch_size, stdout).map(|_| ())
        }
    }
}

/// Where each input's values come from: per input, per value, the index
/// of the CSV column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnPlan {
    /// Per model input: its name, its sample shape, and the columns it reads.
    pub inputs: Vec<(String, Vec<usize>, Vec<usize>)>,
}

/// Applies the column rule (see the module documentation) to a header.
/// `file` names the CSV in the errors.
pub fn plan_columns(model: &Model, header: &[&str], file: &str) -> Result<ColumnPlan, CliError> {
    let inputs = model.inputs();
    if inputs.is_empty() {
        return Err(CliError::Failure(format!(
            "model \"{}\" is not built: its inputs are unknown",
            model.name()
        )));
    }
    let find = |name: &str| -> Result<Option<usize>, CliError> {
        let mut found = header.iter().enumerate().filter(|(_, h)| h.trim() == name).map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(a), Some(b)) => Err(CliError::Failure(format!(
                "{file}: column \"{name}\" appears twice (columns {} and {})",
                a + 1,
                b + 1
            ))),
            (first, _) => Ok(first),
        }
    };
    let mut plan = ColumnPlan { inputs: Vec::new() };
    for input in inputs {
        let size: usize = input.shape.iter().product();
        let name = &input.name;
        let columns = if find(&format!("{name}.0"))?.is_some() {
            (0..size)
                .map(|j| {
                    let column = format!("{name}.{j}");
                    find(&column)?.ok_or_else(|| {
                        CliError::Failure(format!(
                            "{file}: missing column \"{column}\" (input \"{name}\" of shape {:?} reads {size} columns, {name}.0 to {name}.{})",
                            input.shape,
                            size - 1
                        ))
                    })
                })
                .collect::<Result<Vec<usize>, CliError>>()?
        } else if let (1, Some(c)) = (size, find(name)?) {
            vec![c]
        } else if inputs.len() == 1 {
            if header.len() != size {
                return Err(CliError::Failure(format!(
                    "{file}: {} columns, but input \"{name}\" of shape {:?} takes {size} values \
                     (name the columns {name}.0 to {name}.{} to pick them among others)",
                    header.len(),
                    input.shape,
                    size - 1
                )));
            }
            (0..size).collect()
        } else {
            let names: Vec<String> = inputs.iter().map(|i| format!("{}.0", i.name)).collect();
            return Err(CliError::Failure(format!(
                "{file}: missing column \"{name}.0\": a model with several inputs reads columns prefixed by each input's name ({})",
                names.join(", ")
            )));
        };
        plan.inputs.push((name.clone(), input.shape.clone(), columns));
    }
    Ok(plan)
}

/// The header of the predictions: `O.0`, `O.1`, … per output `O` of
/// `widths[i]` units, or just `O` for one output of one unit.
pub fn output_header(names: &[String], widths: &[usize]) -> Vec<String> {
    if let ([name], [1]) = (names, widths) {
        return vec![name.clone()];
    }
    names.iter().zip(widths).flat_map(|(name, &w)| (0..w).map(move |j| format!("{name}.{j}"))).collect()
}

/// Reads the samples of `reader` (a CSV named `file` in the errors),
/// predicts them in chunks and writes the predictions to `out` as CSV.
/// Returns the number of rows.
pub fn predict_rows(
    model: &Model,
    reader: impl Read,
    file: &str,
    out: impl Write,
    batch_size: usize,
) -> Result<usize, CliError> {
    let mut csv_in = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
    let csv_error = |e: csv::Error| -> CliError {
        match e.kind() {
            csv::ErrorKind::UnequalLengths { pos, expected_len, len } => CliError::Failure(format!(
                "{file}: line {}: {len} values, but the header has {expected_len} columns",
                pos.as_ref().map_or(0, |p| p.line())
            )),
            _ => CliError::Failure(format!("{file}: {e}")),
        }
    };
    let header: Vec<String> = csv_in.headers().map_err(csv_error)?.iter().map(str::to_string).collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(CliError::Failure(format!("{file}: empty: the first line must name the columns")));
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let plan = plan_columns(model, &header_refs, file)?;
    let mut csv_out = csv::Writer::from_writer(out);
    let write_error = |e: csv::Error| CliError::Failure(format!("writing the predictions: {e}"));
    let mut wrote_header = false;
    let mut rows = 0;
    let mut record = csv::StringRecord::new();
    let mut values: Vec<Vec<f32>> = vec![Vec::new(); plan.inputs.len()];
    let mut done = false;
    while !done {
        values.iter_mut().for_each(Vec::clear);
        let mut n = 0;
        while n < CHUNK_ROWS {
            if !csv_in.read_record(&mut record).map_err(csv_error)? {
                done = true;
                break;
            }
            let line = record.position().map_or(0, |p| p.line());
            for ((_, _, columns), out) in plan.inputs.iter().zip(&mut values) {
                for &c in columns {
                    let text = record.get(c).unwrap_or("").trim();
                    let value: f32 = text.parse().map_err(|_| {
                        CliError::Failure(format!(
                            "{file}: line {line}, column {} \"{}\": \"{text}\" is not a number",
                            c + 1,
                            header[c]
                        ))
                    })?;
                    out.push(value);
                }
            }
            n += 1;
        }
        if n == 0 && wrote_header {
            break;
        }
        let outputs = predict_chunk(model, &plan, &mut values, n, batch_size)?;
        if !wrote_header {
            let widths: Vec<usize> = outputs.iter().map(|o| o.ncols()).collect();
            csv_out.write_record(output_header(model.output_names(), &widths)).map_err(write_error)?;
            wrote_header = true;
        }
        let mut line: Vec<String> = Vec::new();
        for r in 0..n {
            line.clear();
            for o in &outputs {
                line.extend(o.row(r).iter().map(|v| format!("{v:?}")));
            }
            csv_out.write_record(&line).map_err(write_error)?;
        }
        rows += n;
    }
    csv_out.flush().map_err(|e| CliError::Failure(format!("writing the predictions: {e}")))?;
    Ok(rows)
}

/// Predicts `n` rows whose values `values` holds, one vector per input.
/// With no rows, predicts one row of zeros to learn the outputs' widths
/// (and returns empty outputs of those widths).
fn predict_chunk(
    model: &Model,
    plan: &ColumnPlan,
    values: &mut [Vec<f32>],
    n: usize,
    batch_size: usize,
) -> Result<Vec<nalgebra::DMatrix<f32>>, CliError> {
    let rows = n.max(1);
    let mut tensors = Vec::with_capacity(values.len());
    for ((name, shape, columns), v) in plan.inputs.iter().zip(values.iter_mut()) {
        if n == 0 {
            *v = vec![0.0; columns.len()];
        }
        let mut full = vec![rows];
        full.extend_from_slice(shape);
        let tensor = Tensor::new(std::mem::take(v), &full)
            .map_err(|e| CliError::Failure(format!("input \"{name}\": {e}")))?;
        tensors.push(tensor);
    }
    let refs: Vec<&Tensor> = tensors.iter().collect();
    let outputs = model
        .predict_outputs_batch_size(refs, batch_size)
        .map_err(|e| CliError::Failure(format!("model \"{}\": {e}", model.name())))?;
    Ok(if n == 0 { outputs.into_iter().map(|o| o.rows(0, 0).into_owned()).collect() } else { outputs })
}

/// `predict`: reads the CSV `input`, writes the predictions to `output`
/// (through a temporary file renamed at the end) or to `stdout`. Returns
/// the number of rows.
pub fn predict_csv(
    model: &Model,
    input: &Path,
    output: Option<&Path>,
    batch_size: usize,
    stdout: &mut dyn Write,
) -> Result<usize, CliError> {
    let file = input.display().to_string();
    let reader = File::open(input).map_err(|e| CliError::Failure(format!("{file}: {e}")))?;
    let reader = io::BufReader::new(reader);
    match output {
        None => predict_rows(model, reader, &file, stdout, batch_size),
        Some(path) => write_atomically(path, |w| predict_rows(model, reader, &file, w, batch_size)),
    }
}

/// Runs `write` on a temporary file beside `path`, then renames it to
/// `path`; on any failure the temporary file is removed and `path` is left
/// as it was.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let shown = path.display().to_string();
    let name = path
        .file_name()
        .ok_or_else(|| CliError::Failure(format!("{shown}: not a file name")))?
        .to_string_lossy()
        .into_owned();
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let file = File::create(&temporary)
        .map_err(|e| CliError::Failure(format!("{shown}: cannot write in {}: {e}", folder.display())))?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer).and_then(|value| {
        let file = writer.into_inner().map_err(|e| CliError::Failure(format!("{shown}: {}", e.error())))?;
        file.sync_all().map_err(|e| CliError::Failure(format!("{shown}: {e}")))?;
        std::fs::rename(&temporary, path).map_err(|e| CliError::Failure(format!("{shown}: {e}")))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse_args(&args).and_then(|command| run(command, &mut io::stdout().lock()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

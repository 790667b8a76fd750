//! The Rust side of the interop check with real Keras 3
//! (`tests/interop/run`, which runs `tests/interop/keras_check.py`).
//!
//! ```text
//! cargo run --release -p keras --example interop -- export DIR
//! cargo run --release -p keras --example interop -- continue DIR NAME
//! cargo run --release -p keras --example interop -- inspect FILE.keras
//! cargo run --release -p keras --example interop -- load-weights MODEL.keras WEIGHTS.weights.h5 OUT.keras
//! ```
//!
//! - `export` trains (one epoch, seed 42) the chapter's Fashion-MNIST
//!   classifier and the three Functional models of California housing
//!   (Wide & Deep, two inputs, two inputs with an auxiliary output), and
//!   writes for each `NAME.keras`, `NAME.weights.h5`, `NAME.safetensors`
//!   (Dense kernels `[units, inputs]`), `NAME.keras_layout.safetensors`
//!   (kernels `[inputs, units]`, as Keras has them), `NAME_x.csv` (1,000 rows, with the
//!   header the `keras predict` command reads) and `NAME_y.csv` (their
//!   targets); `models.json` lists the names.
//! - `continue` loads `NAME.keras` and trains one more epoch on those rows
//!   (batch 32, no shuffling), then saves `NAME_continued.weights.h5`:
//!   Keras does the same from the same file, and the weights must agree.
//! - `inspect` prints, as JSON, what a file loaded into: class, layers,
//!   outputs, optimizer, learning rate, step count, losses.
//! - `load-weights` builds the model of `MODEL.keras`, loads the weights
//!   file into it, and saves the result as `OUT.keras`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use datasets::DataDir;
use keras::callbacks::Verbosity;
use keras::{FitOptions, KernelLayout, Labels, Model, Tensor};

#[path = "chapter/mod.rs"]
mod chapter;

const ROWS: usize = 1_000;

/// Writes `rows` samples of each input, columns `<input>.<i>`.
fn write_inputs(path: &Path, model: &Model, xs: &[&Tensor]) -> Result<()> {
    let mut out = String::new();
    let mut header = Vec::new();
    for (input, x) in model.inputs().iter().zip(xs) {
        header.extend((0..x.sample_size()).map(|i| format!("{}.{i}", input.name)));
    }
    out += &header.join(",");
    out.push('\n');
    for r in 0..xs[0].len() {
        let row: Vec<String> = xs.iter().flat_map(|x| x.sample(r).iter().map(|v| format!("{v:?}"))).collect();
        out += &row.join(",");
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

/// Writes one column of targets per output.
fn write_targets(path: &Path, ys: &[&Labels]) -> Result<()> {
    let mut out = (0..ys.len()).map(|k| format!("y{k}")).collect::<Vec<_>>().join(",");
    out.push('\n');
    for r in 0..ys[0].len() {
        let row: Vec<String> = ys
            .iter()
            .map(|y| match y {
                Labels::Classes(c) => c[r].to_string(),
                Labels::Values(v) => format!("{:?}", v[(r, 0)]),
            })
            .collect();
        out += &row.join(",");
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}

/// A CSV of numbers: its header and rows.
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<f32>>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header = lines.next().context("empty CSV")?.split(',').map(str::to_string).collect();
    let rows = lines
        .enumerate()
        .map(|(i, l)| {
            l.split(',')
                .map(|v| {
                    v.trim().parse::<f32>().with_context(|| format!("{}: line {}", path.display(), i + 2))
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok((header, rows))
}

/// The rows of `NAME_x.csv` as one tensor per model input.
fn read_inputs(path: &Path, model: &Model) -> Result<Vec<Tensor>> {
    let (_, rows) = read_csv(path)?;
    let mut start = 0;
    let mut out = Vec::new();
    for input in model.inputs() {
        let size: usize = input.shape.iter().product();
        let values: Vec<f32> = rows.iter().flat_map(|r| r[start..start + size].iter().copied()).collect();
        let mut shape = vec![rows.len()];
        shape.extend(&input.shape);
        out.push(Tensor::new(values, &shape)?);
        start += size;
    }
    Ok(out)
}

fn save_all(dir: &Path, name: &str, model: &Model, xs: &[&Tensor], ys: &[&Labels]) -> Result<()> {
    model.save(dir.join(format!("{name}.keras")))?;
    model.save_weights(dir.join(format!("{name}.weights.h5")))?;
    model.export_safetensors(dir.join(format!("{name}.safetensors")), KernelLayout::OutIn)?;
    model.export_safetensors(dir.join(format!("{name}.keras_layout.safetensors")), KernelLayout::Keras)?;
    write_inputs(&dir.join(format!("{name}_x.csv")), model, xs)?;
    write_targets(&dir.join(format!("{name}_y.csv")), ys)
}

fn export(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let data = DataDir::from_env();
    let options =
        chapter::RunOptions { seed: 42, epochs: 1, verbose: Verbosity::Silent, callbacks: Vec::new() };
    let fashion = chapter::fashion_mnist(&data, options)?;
    let (_, [_, _, (x_test, y_test)]) = chapter::fashion_splits(&data)?;
    let (x, y) = (x_test.slice(0, ROWS)?, y_test.slice(0, ROWS)?);
    save_all(dir, "fashion_mnist", &fashion.model, &[&x], &[&y])?;
    let [_, _, (x_test, y_test)] = chapter::california_splits(&data)?;
    let (x, y) = (x_test.slice(0, ROWS)?, y_test.slice(0, ROWS)?);
    let mut names = vec!["fashion_mnist".to_string()];
    type Variant = fn(&DataDir, u64, usize, Verbosity) -> Result<chapter::functional::VariantResult>;
    let variants: [(&str, Variant); 3] = [
        ("wide_deep", chapter::functional::wide_deep),
        ("two_inputs", chapter::functional::two_inputs),
        ("aux_output", chapter::functional::aux_output),
    ];
    for (name, run) in variants {
        let result = run(&data, 42, 1, Verbosity::Silent)?;
        let model = result.model.context("the variant returns its model")?;
        // The chapter's columns: the wide input the first five features,
        // the deep input the last six (what their Normalization layers were
        // adapted on).
        let xs: Vec<Tensor> = model
            .inputs()
            .iter()
            .map(|i| {
                if i.name.contains("deep") { x.columns(8 - i.shape[0]..8) } else { x.columns(0..i.shape[0]) }
            })
            .collect::<keras::Result<_>>()?;
        let refs: Vec<&Tensor> = xs.iter().collect();
        let ys: Vec<&Labels> = model.output_names().iter().map(|_| &y).collect();
        save_all(dir, name, &model, &refs, &ys)?;
        names.push(name.to_string());
    }
    std::fs::write(dir.join("models.json"), serde_json::to_string(&names)?)?;
    Ok(())
}

fn continue_training(dir: &Path, name: &str) -> Result<()> {
    let mut model = keras::load_model(dir.join(format!("{name}.keras")))?;
    let xs = read_inputs(&dir.join(format!("{name}_x.csv")), &model)?;
    let (_, rows) = read_csv(&dir.join(format!("{name}_y.csv")))?;
    let classes = model.loss().is_some_and(|l| l.is_sparse());
    let ys: Vec<Labels> = (0..model.output_names().len())
        .map(|k| {
            let col: Vec<f32> = rows.iter().map(|r| r[k]).collect();
            if classes {
                Labels::from(col.iter().map(|&v| v as usize).collect::<Vec<_>>())
            } else {
                Labels::from(&col[..])
            }
        })
        .collect();
    let xs: Vec<&Tensor> = xs.iter().collect();
    let ys: Vec<&Labels> = ys.iter().collect();
    model.fit(
        xs,
        ys,
        FitOptions {
            epochs: 1,
            batch_size: 32,
            shuffle: false,
            verbose: Verbosity::Silent,
            ..FitOptions::default()
        },
    )?;
    model.save_weights(dir.join(format!("{name}_continued.weights.h5")))?;
    Ok(())
}

fn inspect(path: &Path) -> Result<()> {
    let model = keras::load_model(path)?;
    let mut out = String::new();
    write!(
        out,
        "{}",
        serde_json::json!({
            "class_name": model.class_name(),
            "layers": model.layers().iter().map(|l| l.name().to_string()).collect::<Vec<_>>(),
            "outputs": model.output_names(),
            "iterations": model.iterations(),
            "learning_rate": model.learning_rate(),
            "optimizer": format!("{:?}", model.optimizer()),
            "loss": model.loss().map(|l| l.name()),
        })
    )?;
    println!("{out}");
    Ok(())
}

fn load_weights(model: &Path, weights: &Path, out: &Path) -> Result<()> {
    let mut m = keras::load_model(model)?;
    // Scramble first, so that only the weights file can give the result.
    let zeros: Vec<_> = m.get_weights()?.iter().map(|w| w.map(|_| 0.0f32)).collect();
    m.set_weights(&zeros)?;
    m.load_weights(weights)?;
    m.save(out)?;
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> Result<PathBuf> {
        args.get(i).map(PathBuf::from).context("missing argument (see the example's doc)")
    };
    match args.first().map(String::as_str) {
        Some("export") => export(&arg(1)?),
        Some("continue") => continue_training(&arg(1)?, &args.get(2).cloned().context("missing NAME")?),
        Some("inspect") => inspect(&arg(1)?),
        Some("load-weights") => load_weights(&arg(1)?, &arg(2)?, &arg(3)?),
        _ => bail!(
            "usage: interop export DIR | continue DIR NAME | inspect FILE.keras | load-weights MODEL.keras WEIGHTS.weights.h5 OUT.keras"
        ),
    }
}

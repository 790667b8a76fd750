//! The chapter's Functional-API models on California housing, and the
//! same model written with the Subclassing API: Wide & Deep (Figure
//! 10-13), two inputs (Figure 10-14), an auxiliary output (Figure 10-15),
//! `WideAndDeepModel`.
//!
//! ```text
//! cargo run --release -p keras --example wide_and_deep [-- --variant all --epochs 20 --seed 42 --json]
//! ```

mod chapter;

use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};
use datasets::DataDir;
use keras::Verbosity;

use chapter::functional::{self, VariantResult};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Variant {
    WideDeep,
    TwoInputs,
    AuxOutput,
    Subclassed,
    All,
}

/// Trains the chapter's Functional and Subclassing models.
#[derive(Parser)]
struct Args {
    /// Which model (default: all four).
    #[arg(long, value_enum, default_value = "all")]
    variant: Variant,
    /// Epochs to train (the chapter: 20).
    #[arg(long, default_value_t = 20)]
    epochs: usize,
    /// Session seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// One line per epoch instead of a progress bar.
    #[arg(long)]
    quiet: bool,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
    /// Save each trained model: with one variant to FILE.keras, with
    /// several to FILE_<variant>.keras (`my_model_wide_deep.keras`, …). The
    /// subclassed model's architecture is Rust code, so only its weights
    /// are saved, to FILE_subclassed.weights.h5.
    #[arg(long, value_name = "FILE.keras")]
    save: Option<PathBuf>,
}

/// Where `--save` puts one variant's model.
fn save_path(path: &Path, key: &str, several: bool) -> PathBuf {
    let text = path.to_string_lossy();
    let stem = text.strip_suffix(".keras").unwrap_or(&text);
    match (key, several) {
        ("subclassed", _) => PathBuf::from(format!("{stem}_subclassed.weights.h5")),
        (_, true) => PathBuf::from(format!("{stem}_{key}.keras")),
        _ => path.to_path_buf(),
    }
}

type Run = fn(&DataDir, u64, usize, Verbosity) -> anyhow::Result<VariantResult>;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = DataDir::from_env();
    let verbose = if args.quiet || args.json { Verbosity::OneLine } else { Verbosity::ProgressBar };
    let variants: [(Variant, &str, Run); 4] = [
        (Variant::WideDeep, "wide_deep", functional::wide_deep),
        (Variant::TwoInputs, "two_inputs", functional::two_inputs),
        (Variant::AuxOutput, "aux_output", functional::aux_output),
        (Variant::Subclassed, "subclassed", functional::subclassed),
    ];
    let mut json = serde_json::Map::new();
    let mut seconds = Vec::new();
    for (variant, key, run) in variants {
        if args.variant != Variant::All && args.variant != variant {
            continue;
        }
        println!("== {key}");
        let result = run(&dir, args.seed, args.epochs, verbose)?;
        println!("{}", result.summary);
        if let (Some(path), Some(model)) = (&args.save, &result.model) {
            let path = save_path(path, key, args.variant == Variant::All);
            if key == "subclassed" {
                model.save_weights(&path)?
            } else {
                model.save(&path)?
            }
            println!("saved to {}", path.display());
        }
        for (name, value) in &result.evaluate {
            println!("test {name}: {value:.4}");
        }
        if let Some(same) = result.named_inputs_match {
            println!("inputs by name predict the same as inputs by position: {same}");
        }
        seconds.push(result.seconds_per_epoch);
        let evaluate: serde_json::Map<String, serde_json::Value> =
            result.evaluate.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect();
        let mut entry = serde_json::json!({ "test_rmse": result.test_rmse, "evaluate": evaluate, "layers": result.layers });
        if let Some(same) = result.named_inputs_match {
            entry["named_inputs_match"] = serde_json::json!(same);
        }
        json.insert(key.to_string(), entry);
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN);
    println!("{median:.3} s per epoch");
    if args.json {
        json.insert("epochs".into(), serde_json::json!(args.epochs));
        json.insert("seconds_per_epoch".into(), serde_json::json!(median));
        println!("{}", serde_json::Value::Object(json));
    }
    Ok(())
}

//! Regenerates every figure of the book into `book/src/figures/`, and every
//! program output the book shows into `book/src/outputs/`.
//!
//! `cargo figures` (an alias for `cargo run --release -p neurons --bin figures`).
//! Every item is attempted; the command fails if any of them fails (for
//! example when the data directory lacks a dataset: the message says how to
//! fetch it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use neurons::datasets::DataDir;

/// The chapter's Keras examples, shared with `crates/keras/examples`.
#[path = "../../crates/keras/examples/chapter/mod.rs"]
mod chapter;

/// The chapter's hyperparameter guidelines, shared with `crates/tuning/examples`.
#[path = "../../crates/tuning/examples/guidelines/mod.rs"]
mod guidelines;

/// The chapter's Keras Tuner searches, shared with `crates/tuning/examples/fashion_mnist.rs`.
#[path = "../../crates/tuning/examples/search/mod.rs"]
mod search;

/// `book/src`, where figures and outputs go.
fn book_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src")
}

/// Writes text to a temporary file beside `path`, then renames it, so a
/// failure never leaves half an output behind.
fn write_text(path: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let dir = path.parent().context("an output path has a folder")?;
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.persist(path)?;
    Ok(path.to_path_buf())
}

/// The chapter's Figure 10-10: the first 40 Fashion-MNIST training images
/// with their class names, 4 rows of 10.
fn fashion_mnist_samples(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let path = book.join("figures/fashion_mnist_samples.png");
    chapter::sample_images(&path, &DataDir::from_env())?;
    Ok(vec![path])
}

/// The Keras-like examples (`cargo run --release -p keras --example
/// fashion_mnist`, `… california_regression`): summaries, progress lines
/// (without times), results, and the learning curves (Figure 10-11).
fn keras_examples(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use chapter::RunOptions;
    use neurons::keras::{ProgbarLogger, Verbosity};
    let dir = DataDir::from_env();
    let mut progress = ProgbarLogger::recording();
    let options =
        RunOptions { seed: 42, epochs: 30, verbose: Verbosity::Silent, callbacks: vec![&mut progress] };
    let fashion = chapter::fashion_mnist(&dir, options)?;
    let curves = book.join("figures/fashion_mnist_learning_curves.svg");
    chapter::learning_curves(&curves, &fashion.history)?;
    let text = format!("{}\n{}\n{}", fashion.summary, progress.lines().join("\n"), fashion.report());
    let fashion_text = write_text(&book.join("outputs/keras_fashion_mnist.txt"), &text)?;
    // The chapter goes on training the same model: here it is saved,
    // loaded back and trained 30 more epochs.
    let work = tempfile::tempdir()?;
    let (before, after) =
        chapter::saving::continue_fashion(&dir, &fashion.model, &work.path().join("fashion.keras"), 30)?;
    let text = format!(
        "validation accuracy of the saved 30-epoch model, loaded back: {before:.4}\n\
         after 30 more epochs: {after:.4} (chapter: about 0.898)\n"
    );
    let continued = write_text(&book.join("outputs/keras_continue_training.txt"), &text)?;
    let text = chapter::saving::saving_and_callbacks(&dir, work.path(), 42)?;
    let saving = write_text(&book.join("outputs/keras_saving_callbacks.txt"), &text)?;
    let predicted: Vec<String> = fashion.first_predictions.iter().map(|(_, top)| top[0].0.clone()).collect();
    let first_three = book.join("figures/fashion_mnist_predictions.png");
    chapter::predicted_test_images(&first_three, &dir, &predicted)?;

    let mut progress = ProgbarLogger::recording();
    let options =
        RunOptions { seed: 42, epochs: 20, verbose: Verbosity::Silent, callbacks: vec![&mut progress] };
    let housing = chapter::california_regression(&dir, options)?;
    let text = format!("{}\n{}\n{}", housing.summary, progress.lines().join("\n"), housing.report());
    let california_text = write_text(&book.join("outputs/keras_california.txt"), &text)?;
    let errors = write_text(&book.join("outputs/keras_errors.txt"), &chapter::error_gallery()?)?;
    Ok(vec![curves, fashion_text, continued, saving, first_three, california_text, errors])
}

/// The Functional and Subclassing examples (`cargo run --release -p keras
/// --example wide_and_deep`): each model's summary and test results.
fn keras_functional(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use chapter::functional;
    use neurons::keras::Verbosity;
    let dir = DataDir::from_env();
    type Run = fn(&DataDir, u64, usize, Verbosity) -> anyhow::Result<functional::VariantResult>;
    let variants: [(&str, Run); 4] = [
        ("wide_deep", functional::wide_deep),
        ("two_inputs", functional::two_inputs),
        ("aux_output", functional::aux_output),
        ("subclassed", functional::subclassed),
    ];
    let mut paths = Vec::new();
    for (name, run) in variants {
        let result = run(&dir, 42, 20, Verbosity::Silent)?;
        let mut text = result.summary.clone();
        text += "
evaluate on the test set:
";
        for (key, value) in &result.evaluate {
            text += &format!("  {key}: {value:.4}\n");
        }
        paths.push(write_text(&book.join(format!("outputs/keras_{name}.txt")), &text)?);
    }
    Ok(paths)
}

/// The truth tables of Figure 10-3's networks (`cargo run -p mcculloch-pitts`).
fn mcculloch_pitts_tables(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let report = neurons::mcculloch_pitts::figure_10_3::report()?;
    Ok(vec![write_text(&book.join("outputs/mcculloch_pitts.txt"), &report)?])
}

/// What `cargo run -p perceptron` prints for the chapter's iris example.
fn perceptron_output(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let example = neurons::perceptron::iris::iris_example()?;
    Ok(vec![write_text(&book.join("outputs/perceptron.txt"), &example.summary())?])
}

/// The perceptron's iris decision boundary and its failure on XOR (left of
/// Figure 10-6).
fn perceptron_figures(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(neurons::perceptron::figures(&book.join("figures"))?)
}

/// The activation functions and their derivatives (Figure 10-8).
fn activation_functions(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(neurons::mlp::figures::activation_functions(&book.join("figures"))?)
}

/// The MLP examples' output (`cargo run -p mlp`) and the XOR regions
/// (Figure 10-6, right).
fn mlp_examples(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use neurons::mlp::chapter;
    let xor = chapter::xor_example(42)?;
    let figure = book.join("figures/mlp_xor.svg");
    chapter::xor_figure(&figure, &xor)?;
    let text = [
        chapter::xor_summary(&xor),
        chapter::symmetry_summary(&chapter::zero_init_example()?),
        chapter::california_summary(&chapter::california_example(&DataDir::from_env())?),
        chapter::iris_summary(&chapter::iris_example()?),
    ]
    .concat();
    Ok(vec![write_text(&book.join("outputs/mlp.txt"), &text)?, figure])
}

/// The computation graph of a small network as the autodiff tape records
/// it, the tape's listing, and its gradients beside stage 3's
/// (`book/src/ch3-mlp/autodiff.md`).
fn autodiff_graph(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use neurons::autodiff::graph;
    let small = graph::small_network_graph()?;
    let figure = book.join("figures/autodiff_graph.svg");
    neurons::plotting::graph::dot_figure(&figure, &small.dot)?;
    let comparison = graph::compare_with_stage3()?;
    Ok(vec![
        figure,
        write_text(&book.join("outputs/autodiff_tape.txt"), &small.listing)?,
        write_text(&book.join("outputs/autodiff_vs_backprop.txt"), &comparison)?,
    ])
}

/// The learning-rate finder on Fashion-MNIST (`cargo run --release -p
/// tuning --example lr_finder`): what it found, without times, and the loss
/// against the learning rate.
fn tuning_lr_finder(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let run = guidelines::lr_finder_fashion(&DataDir::from_env(), 42, guidelines::LR_FINDER_EPOCHS)?;
    let figure = book.join("figures/lr_finder_fashion.svg");
    guidelines::lr_figure(&figure, &run)?;
    Ok(vec![write_text(&book.join("outputs/tuning_lr_finder.txt"), &run.report())?, figure])
}

/// One hidden layer against two on MNIST (`cargo run --release -p tuning
/// --example hidden_layers`), without times.
fn tuning_hidden_layers(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let comparison = guidelines::hidden_layers(&DataDir::from_env(), 42, guidelines::HIDDEN_LAYERS_EPOCHS)?;
    Ok(vec![write_text(&book.join("outputs/tuning_hidden_layers.txt"), &comparison.report())?])
}

/// A pyramid against equal layers on Fashion-MNIST (`cargo run --release -p
/// tuning --example neurons_per_layer`), without times.
fn tuning_neurons_per_layer(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = DataDir::from_env();
    let comparison = guidelines::neurons_per_layer(&dir, 42, guidelines::NEURONS_PER_LAYER_EPOCHS)?;
    Ok(vec![write_text(&book.join("outputs/tuning_neurons_per_layer.txt"), &comparison.report())?])
}

/// The chapter's random search, Hyperband and Bayesian optimization on
/// Fashion-MNIST, reduced (`cargo run --release -p tuning --example
/// fashion_mnist -- --book-outputs book/src`), without times.
fn tuning_searches(book: &Path) -> anyhow::Result<Vec<PathBuf>> {
    search::book_outputs(&DataDir::from_env(), book)
}

fn main() -> ExitCode {
    let book = book_src();
    type Item = fn(&Path) -> anyhow::Result<Vec<PathBuf>>;
    let items: [(&str, Item); 13] = [
        ("Figure 10-3 truth tables", mcculloch_pitts_tables),
        ("perceptron: the chapter's iris example", perceptron_output),
        ("perceptron: iris boundary and XOR (Figure 10-6, left)", perceptron_figures),
        ("activation functions and their derivatives (Figure 10-8)", activation_functions),
        ("MLP examples and XOR regions (Figure 10-6, right)", mlp_examples),
        ("autodiff: the computation graph of a small network and its tape", autodiff_graph),
        ("Fashion-MNIST samples (Figure 10-10)", fashion_mnist_samples),
        ("Keras-like examples: Fashion-MNIST (Figures 10-11, 10-12) and California housing", keras_examples),
        ("Keras-like Functional and Subclassing examples (Figures 10-13 to 10-15)", keras_functional),
        ("tuning: the learning-rate finder on Fashion-MNIST", tuning_lr_finder),
        ("tuning: one hidden layer against two on MNIST", tuning_hidden_layers),
        ("tuning: a pyramid against equal layers on Fashion-MNIST", tuning_neurons_per_layer),
        ("tuning: random search, Hyperband and Bayesian optimization on Fashion-MNIST", tuning_searches),
    ];
    let mut failed = 0;
    for (name, make) in items {
        match make(&book).context(name) {
            Ok(paths) => paths.iter().for_each(|p| println!("wrote {}", p.display())),
            Err(e) => {
                failed += 1;
                eprintln!("error: {e:#}");
            }
        }
    }
    if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

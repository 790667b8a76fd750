//! The chapter's last Keras sections: saving and restoring a model, and
//! callbacks (checkpoints, early stopping, a custom callback), on the
//! California housing regression MLP; and going on training the saved
//! Fashion-MNIST classifier after loading it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use datasets::DataDir;
use keras::callbacks::{Callback, Control, EarlyStopping, Logs, ModelCheckpoint};
use keras::{FitOptions, Model, Verbosity};

use super::{california_model, california_splits, fashion_splits};

// ANCHOR: ratio_callback
/// Prints the ratio of the validation loss to the training loss after
/// each epoch: above 1 and growing, the model starts to overfit.
struct PrintValTrainRatio {
    lines: Vec<String>,
}

impl Callback for PrintValTrainRatio {
    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, _model: &mut Model) -> Control {
        if let (Some(val_loss), Some(loss)) = (logs.get("val_loss"), logs.get("loss")) {
            self.lines.push(format!("Epoch={epoch}, val/train={:.2}", val_loss / loss));
        }
        Control::Continue
    }
}
// ANCHOR_END: ratio_callback

fn max_abs_difference(a: &nalgebra::DMatrix<f32>, b: &nalgebra::DMatrix<f32>) -> f32 {
    a.iter().zip(b.iter()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Saves, loads, checkpoints and stops early, writing into `work`; the
/// report says what happened (no times, so the same run prints the same).
pub fn saving_and_callbacks(dir: &DataDir, work: &Path, seed: u64) -> Result<String> {
    let [(x_train, y_train), (x_valid, y_valid), (x_test, _)] = california_splits(dir)?;
    let mut out = String::new();
    let mut model = california_model(&x_train, seed)?;
    let silent = || FitOptions { verbose: Verbosity::Silent, ..FitOptions::default() };
    model.fit(
        &x_train,
        &y_train,
        FitOptions { epochs: 10, validation_data: Some((&x_valid, &y_valid).into()), ..silent() },
    )?;
    let path = work.join("my_keras_model.keras");
    // ANCHOR: save_load
    model.save(&path)?;
    let loaded = keras::load_model(&path)?;
    // ANCHOR_END: save_load
    let (before, after) = (model.predict(&x_test)?, loaded.predict(&x_test)?);
    writeln!(out, "saved {} and loaded it back:", path.file_name().unwrap_or_default().to_string_lossy())?;
    writeln!(
        out,
        "  layers: {}",
        loaded.layers().iter().map(|l| l.name().to_string()).collect::<Vec<_>>().join(", ")
    )?;
    writeln!(
        out,
        "  predictions on the {} test districts: max abs difference {}",
        x_test.len(),
        max_abs_difference(&before, &after)
    )?;
    writeln!(
        out,
        "  optimizer: {} steps taken, learning rate {}",
        loaded.iterations(),
        loaded.learning_rate().unwrap_or(f64::NAN)
    )?;
    let normalization = loaded.get_layer("normalization")?.get_weights();
    writeln!(
        out,
        "  normalization mean of the first feature (median income): {:.4}",
        normalization[0][(0, 0)]
    )?;

    // ANCHOR: save_weights
    model.save_weights(work.join("my_weights.weights.h5"))?;
    let mut restored = california_model(&x_train, seed + 1)?;
    restored.load_weights(work.join("my_weights.weights.h5"))?;
    // ANCHOR_END: save_weights
    writeln!(
        out,
        "weights restored into a new model: equal = {}",
        restored.get_weights()? == model.get_weights()?
    )?;

    // ANCHOR: checkpoint_early_stopping
    let mut model = california_model(&x_train, seed)?;
    let mut checkpoint = ModelCheckpoint::new(work.join("my_checkpoints.weights.h5")).save_weights_only(true);
    let mut early_stopping = EarlyStopping::new().patience(10).restore_best_weights(true);
    let history = model.fit(
        &x_train,
        &y_train,
        FitOptions {
            epochs: 100,
            validation_data: Some((&x_valid, &y_valid).into()),
            callbacks: vec![&mut checkpoint, &mut early_stopping],
            verbose: Verbosity::Silent,
            ..FitOptions::default()
        },
    )?;
    // ANCHOR_END: checkpoint_early_stopping
    let val_loss = history.get("val_loss");
    let best = early_stopping.best_epoch();
    writeln!(
        out,
        "early stopping: {} of 100 epochs run, best val_loss {:.4} at epoch {}, restored",
        history.epoch.len(),
        val_loss.get(best).copied().unwrap_or(f64::NAN),
        best + 1
    )?;
    let now = model.evaluate(&x_valid, &y_valid)?.get("loss").unwrap_or(f64::NAN);
    writeln!(out, "  val_loss of the restored model: {now:.4}")?;
    writeln!(out, "  checkpoint written: {}", work.join("my_checkpoints.weights.h5").exists())?;

    let mut ratio = PrintValTrainRatio { lines: Vec::new() };
    let mut loaded = keras::load_model(&path)?;
    loaded.fit(
        &x_train,
        &y_train,
        FitOptions {
            epochs: 13,
            initial_epoch: 10,
            validation_data: Some((&x_valid, &y_valid).into()),
            callbacks: vec![&mut ratio],
            ..silent()
        },
    )?;
    writeln!(out, "the custom callback, going on with the loaded model (epochs 10 to 12):")?;
    for line in &ratio.lines {
        writeln!(out, "  {line}")?;
    }
    Ok(out)
}

/// Saves the trained classifier, loads it back and trains it `epochs`
/// more epochs; the validation accuracy before and after.
pub fn continue_fashion(dir: &DataDir, model: &Model, path: &Path, epochs: usize) -> Result<(f64, f64)> {
    let (_, [(x_train, y_train), (x_valid, y_valid), _]) = fashion_splits(dir)?;
    model.save(path)?;
    // ANCHOR: continue_training
    let mut model = keras::load_model(path)?;
    let before = model.evaluate(&x_valid, &y_valid)?.get("accuracy").unwrap_or(f64::NAN);
    let done = model.iterations() as usize / x_train.len().div_ceil(32);
    let history = model.fit(
        &x_train,
        &y_train,
        FitOptions {
            initial_epoch: done,
            epochs: done + epochs,
            validation_data: Some((&x_valid, &y_valid).into()),
            verbose: Verbosity::Silent,
            ..FitOptions::default()
        },
    )?;
    // ANCHOR_END: continue_training
    Ok((before, history.get("val_accuracy").last().copied().unwrap_or(f64::NAN)))
}

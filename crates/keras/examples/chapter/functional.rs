//! The chapter's Functional and Subclassing examples on California
//! housing: Wide & Deep (Figure 10-13), two inputs (Figure 10-14), an
//! auxiliary output (Figure 10-15), and the subclassed `WideAndDeepModel`.
//! Adam (1e-3), MSE, 20 epochs, the chapter's splits.

use anyhow::Result;
use datasets::DataDir;
use keras::layers::{Concatenate, Dense, Input, Layer, LayerCall, Normalization, concatenate};
use keras::optimizers::Adam;
use keras::subclass::{Forward, Subclass, Value};
use keras::{CompileOptions, FitOptions, KerasTensor, Labels, Logs, Model, Tensor, Verbosity};
use serde::Serialize;

use super::{EpochTimer, california_splits};

/// What one variant found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VariantResult {
    /// `model.summary()`.
    pub summary: String,
    /// RMSE of the main output on the test set.
    pub test_rmse: f64,
    /// What `evaluate` returned, by Keras's names, in its order.
    pub evaluate: Vec<(String, f64)>,
    /// The names of `model.layers`, in order.
    pub layers: Vec<String>,
    /// Median seconds per epoch.
    pub seconds_per_epoch: f64,
    /// For two inputs: whether inputs given by name predict exactly what
    /// the same inputs given as a pair predict.
    pub named_inputs_match: Option<bool>,
    /// The trained model (to save it).
    #[serde(skip)]
    pub model: Option<Model>,
}

fn record(model: &Model, logs: &Logs, rmse_key: &str, timer: &EpochTimer) -> Result<VariantResult> {
    Ok(VariantResult {
        summary: model.summary()?,
        test_rmse: logs.get(rmse_key).unwrap_or(f64::NAN),
        evaluate: logs.iter().map(|(k, v)| (k.to_string(), v)).collect(),
        layers: model.layers().iter().map(|l| l.name().to_string()).collect(),
        seconds_per_epoch: timer.median(),
        named_inputs_match: None,
        model: Some(model.clone()),
    })
}

fn fit_options<'a>(epochs: usize, verbose: Verbosity, timer: &'a mut EpochTimer) -> FitOptions<'a> {
    FitOptions { epochs, verbose, callbacks: vec![timer], ..FitOptions::default() }
}

/// Wide & Deep (Figure 10-13): every feature goes both through the deep
/// stack and straight to the output.
pub fn wide_deep(dir: &DataDir, seed: u64, epochs: usize, verbose: Verbosity) -> Result<VariantResult> {
    let [(x_train, y_train), (x_valid, y_valid), (x_test, y_test)] = california_splits(dir)?;
    // ANCHOR: wide_deep_model
    keras::clear_session();
    keras::set_random_seed(seed);
    let mut normalization_layer = Normalization::new();
    normalization_layer.adapt(&x_train)?;
    let hidden_layer1 = Dense::new(30).activation("relu");
    let hidden_layer2 = Dense::new(30).activation("relu");
    let concat_layer = Concatenate::new();
    let output_layer = Dense::new(1);

    let input_ = Input::new(&[8]);
    let normalized = normalization_layer.apply(&input_)?;
    let hidden1 = hidden_layer1.apply(&normalized)?;
    let hidden2 = hidden_layer2.apply(&hidden1)?;
    let concat = concat_layer.apply_many(&[&normalized, &hidden2])?;
    let output = output_layer.apply(&concat)?;

    let mut model = Model::functional(&input_, &output)?;
    // ANCHOR_END: wide_deep_model
    let mut timer = EpochTimer::default();
    // ANCHOR: wide_deep_fit
    let optimizer = Adam { learning_rate: 1e-3, ..Adam::default() };
    model.compile("mse", optimizer, ["RootMeanSquaredError"])?;
    let mut options = fit_options(epochs, verbose, &mut timer);
    options.validation_data = Some((&x_valid, &y_valid).into());
    model.fit(&x_train, &y_train, options)?;
    let test = model.evaluate(&x_test, &y_test)?; // loss (MSE), RootMeanSquaredError
    // ANCHOR_END: wide_deep_fit
    record(&model, &test, "RootMeanSquaredError", &timer)
}

/// The wide input is features 0–4, the deep input features 2–7.
fn wide_and_deep_columns(x: &Tensor) -> Result<(Tensor, Tensor)> {
    Ok((x.columns(0..5)?, x.columns(2..8)?))
}

/// Training, validation and test sets split into wide and deep inputs.
type WideDeepSplits = [((Tensor, Tensor), Labels); 3];

fn wide_and_deep_splits(dir: &DataDir) -> Result<WideDeepSplits> {
    let [(x_train, y_train), (x_valid, y_valid), (x_test, y_test)] = california_splits(dir)?;
    Ok([
        (wide_and_deep_columns(&x_train)?, y_train),
        (wide_and_deep_columns(&x_valid)?, y_valid),
        (wide_and_deep_columns(&x_test)?, y_test),
    ])
}

/// The symbolic tensors the two-input models share.
struct TwoInputPaths {
    input_wide: KerasTensor,
    input_deep: KerasTensor,
    hidden2: KerasTensor,
    concat: KerasTensor,
}

/// The chapter's two inputs (Figure 10-14): a Normalization each, the
/// deep path, and the wide input concatenated with it.
fn two_input_paths(x_train_wide: &Tensor, x_train_deep: &Tensor, seed: u64) -> Result<TwoInputPaths> {
    // ANCHOR: two_inputs_model
    keras::clear_session();
    keras::set_random_seed(seed);
    let input_wide = Input::new(&[5]).named("input_wide"); // features 0 to 4
    let input_deep = Input::new(&[6]).named("input_deep"); // features 2 to 7
    let mut norm_layer_wide = Normalization::new();
    let mut norm_layer_deep = Normalization::new();
    norm_layer_wide.adapt(x_train_wide)?;
    norm_layer_deep.adapt(x_train_deep)?;
    let norm_wide = norm_layer_wide.apply(&input_wide)?;
    let norm_deep = norm_layer_deep.apply(&input_deep)?;
    let hidden1 = Dense::new(30).activation("relu").apply(&norm_deep)?;
    let hidden2 = Dense::new(30).activation("relu").apply(&hidden1)?;
    let concat = concatenate(&[&norm_wide, &hidden2])?;
    // ANCHOR_END: two_inputs_model
    Ok(TwoInputPaths { input_wide, input_deep, hidden2, concat })
}

/// Two inputs (Figure 10-14), fed as a pair and by input name.
pub fn two_inputs(dir: &DataDir, seed: u64, epochs: usize, verbose: Verbosity) -> Result<VariantResult> {
    let [(x_train, y_train), (x_valid, y_valid), (x_test, y_test)] = california_splits(dir)?;
    // ANCHOR: two_inputs_data
    let (x_train_wide, x_train_deep) = wide_and_deep_columns(&x_train)?;
    let (x_valid_wide, x_valid_deep) = wide_and_deep_columns(&x_valid)?;
    let (x_test_wide, x_test_deep) = wide_and_deep_columns(&x_test)?;
    let (x_new_wide, x_new_deep) = (x_test_wide.slice(0, 3)?, x_test_deep.slice(0, 3)?);
    // ANCHOR_END: two_inputs_data
    let paths = two_input_paths(&x_train_wide, &x_train_deep, seed)?;
    let (input_wide, input_deep, concat) = (&paths.input_wide, &paths.input_deep, &paths.concat);
    // ANCHOR: two_inputs_head
    let output = Dense::new(1).apply(concat)?;
    let mut model = Model::functional([input_wide, input_deep], &output)?;
    // ANCHOR_END: two_inputs_head
    let mut timer = EpochTimer::default();
    // ANCHOR: two_inputs_fit
    let optimizer = Adam { learning_rate: 1e-3, ..Adam::default() };
    model.compile("mse", optimizer, ["RootMeanSquaredError"])?;
    let mut options = fit_options(epochs, verbose, &mut timer);
    options.validation_data = Some(((&x_valid_wide, &x_valid_deep), &y_valid).into());
    model.fit((&x_train_wide, &x_train_deep), &y_train, options)?;
    let test = model.evaluate((&x_test_wide, &x_test_deep), &y_test)?;
    let y_pred = model.predict((&x_new_wide, &x_new_deep))?;
    let y_pred_by_name = model.predict([("input_wide", &x_new_wide), ("input_deep", &x_new_deep)])?;
    // ANCHOR_END: two_inputs_fit
    let mut result = record(&model, &test, "RootMeanSquaredError", &timer)?;
    result.named_inputs_match = Some(y_pred == y_pred_by_name);
    Ok(result)
}

/// An auxiliary output for regularization (Figure 10-15).
pub fn aux_output(dir: &DataDir, seed: u64, epochs: usize, verbose: Verbosity) -> Result<VariantResult> {
    let [
        ((x_train_wide, x_train_deep), y_train),
        ((x_valid_wide, x_valid_deep), y_valid),
        ((x_test_wide, x_test_deep), y_test),
    ] = wide_and_deep_splits(dir)?;
    let paths = two_input_paths(&x_train_wide, &x_train_deep, seed)?;
    let (input_wide, input_deep, hidden2, concat) =
        (&paths.input_wide, &paths.input_deep, &paths.hidden2, &paths.concat);
    // ANCHOR: aux_output_model
    let output = Dense::new(1).named("output").apply(concat)?;
    let aux_output = Dense::new(1).named("aux_output").apply(hidden2)?;
    let mut model = Model::functional([input_wide, input_deep], [&output, &aux_output])?;
    // ANCHOR_END: aux_output_model
    let mut timer = EpochTimer::default();
    // ANCHOR: aux_output_fit
    model.compile_with(CompileOptions {
        loss: ["mse", "mse"].into(),
        loss_weights: Some([0.9, 0.1].into()),
        optimizer: Adam { learning_rate: 1e-3, ..Adam::default() }.into(),
        metrics: [["RootMeanSquaredError"], ["RootMeanSquaredError"]].into(),
    })?;
    let mut options = fit_options(epochs, verbose, &mut timer);
    options.validation_data = Some(((&x_valid_wide, &x_valid_deep), (&y_valid, &y_valid)).into());
    model.fit((&x_train_wide, &x_train_deep), (&y_train, &y_train), options)?;
    let eval_results = model.evaluate((&x_test_wide, &x_test_deep), (&y_test, &y_test))?;
    // loss, output_loss, aux_output_loss, aux_output_RootMeanSquaredError, output_RootMeanSquaredError
    let weighted_sum_of_losses = eval_results.get("loss");
    let main_rmse = eval_results.get("output_RootMeanSquaredError");
    // ANCHOR_END: aux_output_fit
    let _ = weighted_sum_of_losses;
    let mut result = record(&model, &eval_results, "output_RootMeanSquaredError", &timer)?;
    result.test_rmse = main_rmse.unwrap_or(f64::NAN);
    Ok(result)
}

// ANCHOR: subclass
/// The chapter's `WideAndDeepModel`: the layers are created in the
/// constructor and used in `call`, which is plain Rust.
#[derive(Clone, Debug)]
pub struct WideAndDeepModel {
    /// Standardizes the wide input.
    pub norm_layer_wide: Normalization,
    /// Standardizes the deep input.
    pub norm_layer_deep: Normalization,
    hidden1: Dense,
    hidden2: Dense,
    main_output: Dense,
    aux_output: Dense,
}

impl WideAndDeepModel {
    /// Two hidden layers of `units` neurons with this activation.
    pub fn new(units: usize, activation: &str) -> WideAndDeepModel {
        WideAndDeepModel {
            norm_layer_wide: Normalization::new(),
            norm_layer_deep: Normalization::new(),
            hidden1: Dense::new(units).activation(activation),
            hidden2: Dense::new(units).activation(activation),
            main_output: Dense::new(1),
            aux_output: Dense::new(1),
        }
    }
}

impl Subclass for WideAndDeepModel {
    fn class_name(&self) -> &'static str {
        "WideAndDeepModel"
    }

    fn layers(&self) -> Vec<&dyn Layer> {
        vec![
            &self.norm_layer_wide,
            &self.norm_layer_deep,
            &self.hidden1,
            &self.hidden2,
            &self.main_output,
            &self.aux_output,
        ]
    }

    fn layers_mut(&mut self) -> Vec<&mut dyn Layer> {
        vec![
            &mut self.norm_layer_wide,
            &mut self.norm_layer_deep,
            &mut self.hidden1,
            &mut self.hidden2,
            &mut self.main_output,
            &mut self.aux_output,
        ]
    }

    fn call(&self, f: &mut Forward<'_, '_>, inputs: &[Value]) -> keras::Result<Vec<Value>> {
        let (input_wide, input_deep) = (inputs[0], inputs[1]);
        let norm_wide = f.call(&self.norm_layer_wide, &[input_wide])?;
        let norm_deep = f.call(&self.norm_layer_deep, &[input_deep])?;
        let hidden1 = f.call(&self.hidden1, &[norm_deep])?;
        let hidden2 = f.call(&self.hidden2, &[hidden1])?;
        let concat = f.concatenate(&[norm_wide, hidden2])?;
        let output = f.call(&self.main_output, &[concat])?;
        let aux_output = f.call(&self.aux_output, &[hidden2])?;
        Ok(vec![output, aux_output])
    }
}
// ANCHOR_END: subclass

/// The subclassed model, trained as the auxiliary-output model.
pub fn subclassed(dir: &DataDir, seed: u64, epochs: usize, verbose: Verbosity) -> Result<VariantResult> {
    let [
        ((x_train_wide, x_train_deep), y_train),
        ((x_valid_wide, x_valid_deep), y_valid),
        ((x_test_wide, x_test_deep), y_test),
    ] = wide_and_deep_splits(dir)?;
    // ANCHOR: subclass_use
    keras::clear_session();
    keras::set_random_seed(seed);
    let mut wide_and_deep = WideAndDeepModel::new(30, "relu");
    wide_and_deep.norm_layer_wide.adapt(&x_train_wide)?;
    wide_and_deep.norm_layer_deep.adapt(&x_train_deep)?;
    let mut model = Model::subclassed("my_cool_model", wide_and_deep);
    model.compile_with(CompileOptions {
        loss: ["mse", "mse"].into(),
        loss_weights: Some([0.9, 0.1].into()),
        optimizer: Adam { learning_rate: 1e-3, ..Adam::default() }.into(),
        metrics: [["RootMeanSquaredError"], ["RootMeanSquaredError"]].into(),
    })?;
    // ANCHOR_END: subclass_use
    let mut timer = EpochTimer::default();
    let mut options = fit_options(epochs, verbose, &mut timer);
    options.validation_data = Some(((&x_valid_wide, &x_valid_deep), (&y_valid, &y_valid)).into());
    model.fit((&x_train_wide, &x_train_deep), (&y_train, &y_train), options)?;
    let eval_results = model.evaluate((&x_test_wide, &x_test_deep), (&y_test, &y_test))?;
    record(&model, &eval_results, "output_1_RootMeanSquaredError", &timer)
}

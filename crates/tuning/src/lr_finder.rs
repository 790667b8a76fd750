//! The chapter's way to find a good learning rate: train for a few hundred
//! batches while the learning rate grows by a constant factor after each
//! batch, from a rate far too small to one far too large, and look at the
//! loss against the rate.
//!
//! With the chapter's numbers the sweep starts at 10⁻⁵ and grows by
//! f = (10 / 10⁻⁵)^(1/500) ≈ 1.028 per batch, so that batch k (from 0)
//! trains at 10⁻⁵ · fᵏ and 500 batches cover six powers of ten. At first
//! the rate is too small for the loss to move; then the loss falls faster
//! and faster; past some rate the steps overshoot and the loss shoots up.
//! The chapter's rule of thumb takes a rate about ten times below the
//! turning point, where the loss starts to climb.
//!
//! [`ExponentialLearningRate`] is the callback that does it: it multiplies
//! the rate after each batch. [`LrFinder::find`] runs it on a model and
//! puts the model back as it was. [`LrFinder::suggestion`] states the
//! rule of thumb precisely:
//!
//! 1. the loss of each batch is averaged over a window of
//!    [`LrFinderOptions::window`] consecutive batches (21 by default),
//!    because a single batch's loss is noisy;
//! 2. the turning point is the rate at the middle of the window with the
//!    lowest mean loss: the last place where the loss still goes down;
//! 3. the suggestion is that rate divided by 10.
//!
//! The minimum is used rather than "the first rate where the loss exceeds
//! k times its minimum" because that rate depends on k and on how
//! steeply the loss climbs, while the minimum is the chapter's turning
//! point itself and needs no second constant. The sweep stops early once
//! the loss has exploded, when a batch's loss is not finite or the mean of
//! the last window exceeds [`LrFinderOptions::stop_factor`] (4) times the
//! lowest window mean so far: the batches after that would only add noise
//! far to the right of the turning point.
//!
//! A line fitted to 64 noisy points, swept from 10⁻⁴ to 10 in 200 batches:
//!
//! ```
//! use keras::layers::{Dense, Input};
//! use keras::{Labels, Sequential, Tensor};
//! use tuning::lr_finder::{LrFinder, LrFinderOptions};
//!
//! keras::clear_session();
//! keras::set_random_seed(42);
//! let xs: Vec<f32> = (0..64).map(|i| i as f32 / 32.0 - 1.0).collect();
//! let ys: Vec<f32> = xs.iter().enumerate().map(|(i, x)| 3.0 * x - 1.0 + 0.3 * (7.0 * i as f32).sin()).collect();
//! let (x, y) = (Tensor::new(xs, &[64, 1])?, Labels::from(&ys[..]));
//! let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()])?;
//! model.compile("mse", "sgd", &[])?;
//! let before = model.get_weights()?;
//!
//! let options = LrFinderOptions { min_rate: 1e-4, max_rate: 10.0, batches: 200, batch_size: 8, ..Default::default() };
//! let finder = LrFinder::find(&mut model, &x, &y, &options)?;
//! let suggestion = finder.suggestion().expect("some batches ran");
//! // The loss exploded before the end of the sweep, and the suggested rate
//! // is ten times below the turning point, itself below the explosion.
//! let exploded = finder.stopped_at.expect("a rate of 10 diverges here");
//! assert!(suggestion < exploded / 10.0);
//! assert_eq!(finder.rates[0], 1e-4);
//! // The model is as it was: train it from there with the suggested rate.
//! assert_eq!(model.get_weights()?, before);
//! assert_eq!(model.learning_rate(), Some(0.01));
//! model.set_learning_rate(suggestion)?;
//! # Ok::<(), tuning::TuningError>(())
//! ```

use std::collections::BTreeMap;

use keras::callbacks::{Callback, Control, Logs};
use keras::{FitOptions, Inputs, KerasError, Model, Targets, Verbosity};

use crate::error::{Result, TuningError};

/// How [`LrFinder::find`] sweeps the learning rate, with the chapter's
/// values as defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct LrFinderOptions {
    /// The rate of the first batch (default 10⁻⁵).
    pub min_rate: f64,
    /// The rate reached after [`LrFinderOptions::batches`] batches (default
    /// 10): the rate grows by `(max_rate / min_rate)^(1 / batches)` per
    /// batch, so the last batch trains at `max_rate` divided by that factor.
    pub max_rate: f64,
    /// Batches in the sweep (default 500); the data are gone through as
    /// many times as needed.
    pub batches: usize,
    /// Samples per batch (default 32, as `fit`'s).
    pub batch_size: usize,
    /// Batches averaged together to smooth the loss (default 21; an odd
    /// number has a middle batch).
    pub window: usize,
    /// The sweep stops once the mean loss of the last window exceeds this
    /// many times the lowest window mean so far (default 4).
    pub stop_factor: f64,
}

impl Default for LrFinderOptions {
    fn default() -> Self {
        LrFinderOptions {
            min_rate: 1e-5,
            max_rate: 10.0,
            batches: 500,
            batch_size: 32,
            window: 21,
            stop_factor: 4.0,
        }
    }
}

impl LrFinderOptions {
    /// The factor the rate is multiplied by after each batch:
    /// `(max_rate / min_rate)^(1 / batches)` (≈ 1.028 for the defaults).
    pub fn factor(&self) -> f64 {
        (self.max_rate / self.min_rate).powf(1.0 / self.batches as f64)
    }

    /// An error unless the rates are positive and finite with
    /// `min_rate < max_rate`, and the counts are at least 1 and the stop
    /// factor is above 1.
    pub fn check(&self) -> Result<()> {
        let fail = |message: String| Err(TuningError::Config(format!("learning-rate finder: {message}")));
        if !(self.min_rate.is_finite() && self.min_rate > 0.0) {
            return fail(format!("min_rate must be a finite number above 0, got {}", self.min_rate));
        }
        if !(self.max_rate.is_finite() && self.max_rate > self.min_rate) {
            return fail(format!(
                "max_rate must be finite and above min_rate = {}, got {}",
                self.min_rate, self.max_rate
            ));
        }
        if self.batches == 0 || self.batch_size == 0 || self.window == 0 {
            return fail(format!(
                "batches, batch_size and window must be at least 1, got {}, {} and {}",
                self.batches, self.batch_size, self.window
            ));
        }
        if !(self.stop_factor.is_finite() && self.stop_factor > 1.0) {
            return fail(format!("stop_factor must be a finite number above 1, got {}", self.stop_factor));
        }
        Ok(())
    }
}

/// The callback behind [`LrFinder`]: sets the learning rate to `min_rate`
/// when training begins, records the rate and the loss of every batch, and
/// multiplies the rate by [`LrFinderOptions::factor`] after each one. It
/// stops training after `batches` batches, or earlier once the loss has
/// exploded (see the [module documentation](self)).
///
/// `fit` hands a batch hook the mean loss of the epoch so far, not the
/// batch's own loss; the callback gets the batch's loss back from two
/// successive means (the sum over the epoch so far minus the previous
/// sum), which is why it needs the number of training samples.
pub struct ExponentialLearningRate {
    options: LrFinderOptions,
    factor: f64,
    samples: usize,
    /// Sum of the losses of the epoch's batches so far, each batch's
    /// weighted by its size (as `fit`'s running mean).
    epoch_sum: f64,
    /// The learning rate of each batch, in order.
    pub rates: Vec<f64>,
    /// The loss of each batch, in order.
    pub losses: Vec<f64>,
    /// The lowest mean of a full window so far.
    best_mean: f64,
    /// The rate of the batch at which the loss exploded, if it did.
    pub stopped_at: Option<f64>,
    error: Option<KerasError>,
}

impl ExponentialLearningRate {
    /// A sweep of `options` over data of `samples` training samples.
    pub fn new(options: &LrFinderOptions, samples: usize) -> Result<ExponentialLearningRate> {
        options.check()?;
        Ok(ExponentialLearningRate {
            options: options.clone(),
            factor: options.factor(),
            samples,
            epoch_sum: 0.0,
            rates: Vec::with_capacity(options.batches),
            losses: Vec::with_capacity(options.batches),
            best_mean: f64::INFINITY,
            stopped_at: None,
            error: None,
        })
    }

    /// The rate of batch `k` of the sweep: `min_rate · factor^k`.
    fn rate(&self, k: usize) -> f64 {
        self.options.min_rate * self.factor.powi(k as i32)
    }

    /// Samples seen in the epoch after `batches` batches.
    fn seen(&self, batches: usize) -> usize {
        (batches * self.options.batch_size).min(self.samples)
    }

    /// Whether the loss has exploded, once the batch's loss is recorded:
    /// the mean of the last window above `stop_factor` times the lowest
    /// mean of a window so far.
    fn exploded(&mut self) -> bool {
        let w = self.options.window;
        if self.losses.len() < w {
            return false;
        }
        let mean = self.losses[self.losses.len() - w..].iter().sum::<f64>() / w as f64;
        self.best_mean = self.best_mean.min(mean);
        mean > self.options.stop_factor * self.best_mean
    }
}

// ANCHOR: callback
impl Callback for ExponentialLearningRate {
    fn on_train_begin(&mut self, _params: &BTreeMap<String, usize>, model: &mut Model) {
        if let Err(e) = model.set_learning_rate(self.options.min_rate) {
            self.error = Some(e);
        }
    }

    fn on_epoch_begin(&mut self, _epoch: usize, _model: &mut Model) {
        self.epoch_sum = 0.0;
    }

    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, model: &mut Model) -> Control {
        let Some(mean) = logs.get("loss") else {
            self.error = Some(KerasError::Argument("the batch logs have no loss".to_string()));
            return Control::Stop;
        };
        // The batch's own loss, from the running mean of the epoch.
        let (before, after) = (self.seen(batch), self.seen(batch + 1));
        let sum = mean * after as f64;
        let loss = (sum - self.epoch_sum) / (after - before).max(1) as f64;
        self.epoch_sum = sum;
        let rate = self.rate(self.rates.len());
        if !loss.is_finite() {
            self.stopped_at = Some(rate);
            return Control::Stop;
        }
        self.rates.push(rate);
        self.losses.push(loss);
        if self.exploded() {
            self.stopped_at = Some(rate);
            return Control::Stop;
        }
        if self.rates.len() == self.options.batches {
            return Control::Stop;
        }
        match model.set_learning_rate(self.rate(self.rates.len())) {
            Ok(()) => Control::Continue,
            Err(e) => {
                self.error = Some(e);
                Control::Stop
            }
        }
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}
// ANCHOR_END: callback

/// The result of a learning-rate sweep: each batch's rate and loss, and
/// the rate they suggest.
#[derive(Clone, Debug, PartialEq)]
pub struct LrFinder {
    /// The learning rate of each batch, in order: `min_rate · factor^k`.
    pub rates: Vec<f64>,
    /// The loss of each batch (all finite: a batch whose loss is not a
    /// number ends the sweep and is left out).
    pub losses: Vec<f64>,
    /// The rate at which the loss exploded and the sweep stopped early, or
    /// `None` if every batch ran.
    pub stopped_at: Option<f64>,
    /// Batches averaged together to smooth the loss.
    pub window: usize,
}

impl LrFinder {
    // ANCHOR: find
    /// Sweeps the learning rate on `model` (compiled; its optimizer is
    /// kept, only its rate changes) over `x`, `y`, as
    /// [`ExponentialLearningRate`] does, then puts the model back as it
    /// was: its weights, its optimizer's state and rate, and the generator
    /// that shuffles its batches. The chapter then trains the model from
    /// there with the rate found.
    ///
    /// Errors: bad options, an uncompiled model, data `fit` refuses.
    pub fn find<'a>(
        model: &mut Model,
        x: impl Into<Inputs<'a>>,
        y: impl Into<Targets<'a>>,
        options: &LrFinderOptions,
    ) -> Result<LrFinder> {
        let x: Inputs<'a> = x.into();
        let samples = match &x {
            Inputs::List(list) => list.first().map(|t| t.len()),
            Inputs::Named(named) => named.first().map(|(_, t)| t.len()),
        };
        let samples = samples.filter(|&n| n > 0).ok_or_else(|| {
            TuningError::Config("learning-rate finder: there are no training samples".to_string())
        })?;
        if model.learning_rate().is_none() {
            return Err(KerasError::NotCompiled(model.name().to_string()).into());
        }
        let mut sweep = ExponentialLearningRate::new(options, samples)?;
        let saved = model.clone();
        let fit = model.fit(
            x,
            y,
            FitOptions {
                epochs: options.batches.div_ceil(samples.div_ceil(options.batch_size)),
                batch_size: options.batch_size,
                verbose: Verbosity::Silent,
                callbacks: vec![&mut sweep],
                ..FitOptions::default()
            },
        );
        *model = saved;
        fit?;
        Ok(LrFinder {
            rates: sweep.rates,
            losses: sweep.losses,
            stopped_at: sweep.stopped_at,
            window: options.window,
        })
    }
    // ANCHOR_END: find

    // ANCHOR: suggestion
    /// The loss averaged over each run of [`LrFinder::window`] consecutive
    /// batches, each mean paired with the rate of the run's middle batch
    /// (one pair when fewer batches ran than a window holds).
    pub fn smoothed(&self) -> Vec<(f64, f64)> {
        let n = self.losses.len().min(self.rates.len());
        let w = self.window.clamp(1, n.max(1));
        if n == 0 {
            return Vec::new();
        }
        self.losses[..n]
            .windows(w)
            .enumerate()
            .map(|(i, run)| (self.rates[i + (w - 1) / 2], run.iter().sum::<f64>() / w as f64))
            .collect()
    }

    /// The turning point: the rate at the middle of the window with the
    /// lowest mean loss, where the loss stops going down (`None` if no
    /// batch ran).
    pub fn turning_point(&self) -> Option<f64> {
        self.smoothed().into_iter().min_by(|a, b| a.1.total_cmp(&b.1)).map(|(rate, _)| rate)
    }

    /// The suggested learning rate: ten times below the turning point.
    pub fn suggestion(&self) -> Option<f64> {
        self.turning_point().map(|rate| rate / 10.0)
    }
    // ANCHOR_END: suggestion
}

#[cfg(test)]
mod tests {
    use keras::layers::{Dense, Input};
    use keras::optimizers::{Adam, SGD};
    use keras::{Labels, Sequential, Tensor};

    use super::*;

    /// A line to fit, `y = 2x + 0.5` on 96 points with some noise (so that
    /// the loss cannot fall to 0), and a one-neuron model.
    fn line(
        seed: u64,
        optimizer: impl Into<keras::Arg<keras::optimizers::Optimizer>>,
    ) -> (Model, Tensor, Labels) {
        keras::clear_session();
        keras::set_random_seed(seed);
        let xs: Vec<f32> = (0..96).map(|i| i as f32 / 48.0 - 1.0).collect();
        let ys: Vec<f32> =
            xs.iter().enumerate().map(|(i, x)| 2.0 * x + 0.5 + 0.2 * (5.0 * i as f32).sin()).collect();
        let x = Tensor::new(xs, &[96, 1]).expect("tensor");
        let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()]).expect("model");
        model.compile("mse", optimizer, &[]).expect("compile");
        (model, x, Labels::from(&ys[..]))
    }

    #[test]
    fn the_rates_form_the_chapters_geometric_sequence() {
        let options = LrFinderOptions::default();
        let f = options.factor();
        assert!((f - 1.0280).abs() < 1e-4, "factor {f}");
        assert!((f.powi(500) * 1e-5 - 10.0).abs() < 1e-9);

        // A sweep too gentle to explode: every batch runs, over several
        // epochs of the 96 samples (12 batches of 8 each).
        let (mut model, x, y) = line(1, "sgd");
        let options =
            LrFinderOptions { min_rate: 1e-4, max_rate: 1e-2, batches: 50, batch_size: 8, ..options };
        let finder = LrFinder::find(&mut model, &x, &y, &options).expect("sweep");
        assert_eq!(finder.rates.len(), 50);
        assert_eq!(finder.losses.len(), 50);
        assert_eq!(finder.stopped_at, None);
        let f = options.factor();
        for (k, pair) in finder.rates.windows(2).enumerate() {
            assert!((pair[1] / pair[0] - f).abs() < 1e-12, "ratio at {k}: {}", pair[1] / pair[0]);
        }
        assert_eq!(finder.rates[0], 1e-4);
        assert!((finder.rates[49] * f - 1e-2).abs() < 1e-15);
        // The loss went down over the sweep.
        assert!(finder.losses[49] < finder.losses[0], "{:?}", finder.losses);
    }

    #[test]
    fn each_batch_loss_is_recovered_from_the_running_means() {
        let (mut model, _, _) = line(2, "sgd");
        let options = LrFinderOptions { batch_size: 10, batches: 6, ..LrFinderOptions::default() };
        // 25 samples: batches of 10, 10 and 5 per epoch; two epochs.
        let mut sweep = ExponentialLearningRate::new(&options, 25).expect("callback");
        sweep.on_train_begin(&BTreeMap::new(), &mut model);
        assert_eq!(model.learning_rate(), Some(1e-5));
        let batch_losses = [3.0, 2.0, 1.0, 6.0, 4.0, 2.0];
        for epoch in 0..2 {
            sweep.on_epoch_begin(epoch, &mut model);
            let (mut sum, mut seen) = (0.0, 0);
            for batch in 0..3 {
                let size = [10, 10, 5][batch];
                sum += batch_losses[3 * epoch + batch] * size as f64;
                seen += size;
                let mut logs = Logs::new();
                logs.set("loss", sum / seen as f64);
                let control = sweep.on_train_batch_end(batch, &logs, &mut model);
                let last = epoch == 1 && batch == 2;
                assert_eq!(control, if last { Control::Stop } else { Control::Continue });
            }
        }
        for (got, want) in sweep.losses.iter().zip(batch_losses) {
            assert!((got - want).abs() < 1e-12, "{:?}", sweep.losses);
        }
        let f = options.factor();
        // Six batches from 1e-5 to 10: a factor of 10 per batch; the model
        // keeps the rate of the last batch.
        assert!((f - 10.0).abs() < 1e-12, "factor {f}");
        let last = model.learning_rate().expect("compiled");
        assert!((last / 1.0 - 1.0).abs() < 1e-12, "{last} after {:?}", sweep.rates);
        assert!(sweep.take_error().is_none());
    }

    #[test]
    fn an_exploding_loss_stops_the_sweep() {
        let (mut model, _, _) = line(3, "sgd");
        let options = LrFinderOptions { window: 3, stop_factor: 4.0, ..LrFinderOptions::default() };
        let mut sweep = ExponentialLearningRate::new(&options, 1_000_000).expect("callback");
        sweep.on_train_begin(&BTreeMap::new(), &mut model);
        sweep.on_epoch_begin(0, &mut model);
        // Batch losses 1, 1, 1, 1, 2, 8, 30: the mean of (2, 8, 30) is
        // 13.3 > 4 × 1; the mean of (1, 2, 8) is 3.7, not yet.
        let losses = [1.0, 1.0, 1.0, 1.0, 2.0, 8.0, 30.0, 100.0];
        let mut sum = 0.0;
        let mut stopped = None;
        for (batch, loss) in losses.iter().enumerate() {
            sum += loss * 32.0;
            let mut logs = Logs::new();
            logs.set("loss", sum / (32.0 * (batch + 1) as f64));
            if sweep.on_train_batch_end(batch, &logs, &mut model) == Control::Stop {
                stopped = Some(batch);
                break;
            }
        }
        assert_eq!(stopped, Some(6));
        assert_eq!(sweep.losses.len(), 7);
        assert_eq!(sweep.stopped_at, Some(sweep.rates[6]));

        // A loss that is not a number stops it at once, and is left out.
        let mut sweep = ExponentialLearningRate::new(&options, 1_000_000).expect("callback");
        sweep.on_train_begin(&BTreeMap::new(), &mut model);
        sweep.on_epoch_begin(0, &mut model);
        let mut logs = Logs::new();
        logs.set("loss", 1.0);
        assert_eq!(sweep.on_train_batch_end(0, &logs, &mut model), Control::Continue);
        logs.set("loss", f64::NAN);
        assert_eq!(sweep.on_train_batch_end(1, &logs, &mut model), Control::Stop);
        assert_eq!(sweep.losses, [1.0]);
        assert_eq!(sweep.stopped_at, Some(1e-5 * options.factor()));
    }

    /// The loss of a typical sweep, without noise: flat at 2.3 below
    /// 1e-3, falling (linearly in log rate) to 0.4 at 0.1, then climbing
    /// steeply.
    fn synthetic_loss(rate: f64) -> f64 {
        let l = rate.log10();
        if l < -3.0 {
            2.3
        } else if l < -1.0 {
            2.3 - 1.9 * (l + 3.0) / 2.0
        } else {
            0.4 * (1.0 + 30.0 * (l + 1.0).powi(2))
        }
    }

    #[test]
    fn the_suggestion_is_ten_times_below_the_turning_point() {
        let options = LrFinderOptions::default();
        let rates: Vec<f64> = (0..500).map(|k| 1e-5 * options.factor().powi(k)).collect();
        // Deterministic noise of ±0.15 around the curve.
        let losses: Vec<f64> = rates
            .iter()
            .enumerate()
            .map(|(k, &r)| synthetic_loss(r) + 0.15 * ((k as f64) * 2.4).sin())
            .collect();
        let finder = LrFinder { rates, losses, stopped_at: None, window: 21 };
        let turning = finder.turning_point().expect("a curve");
        assert!((turning.log10() + 1.0).abs() < 0.1, "turning point {turning}");
        let suggestion = finder.suggestion().expect("a curve");
        assert!((suggestion * 10.0 - turning).abs() < 1e-15);
        assert!((suggestion.log10() + 2.0).abs() < 0.1, "suggestion {suggestion}");

        // Without smoothing, a noisy dip is enough to move the minimum.
        let mut losses: Vec<f64> = finder.rates.iter().map(|&r| synthetic_loss(r)).collect();
        losses[100] = 0.1; // one lucky batch at 1e-3
        let noisy = LrFinder { losses: losses.clone(), window: 1, ..finder.clone() };
        assert!((noisy.turning_point().expect("curve") / finder.rates[100] - 1.0).abs() < 1e-12);
        let smoothed = LrFinder { losses, ..finder };
        assert!((smoothed.turning_point().expect("curve").log10() + 1.0).abs() < 0.1);
    }

    #[test]
    fn smoothing_pairs_each_mean_with_the_middle_rate() {
        let finder = LrFinder {
            rates: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            losses: vec![5.0, 4.0, 3.0, 7.0, 8.0],
            stopped_at: None,
            window: 3,
        };
        assert_eq!(finder.smoothed(), [(2.0, 4.0), (3.0, 14.0 / 3.0), (4.0, 6.0)]);
        assert_eq!(finder.turning_point(), Some(2.0));
        // Fewer batches than a window: one mean of all of them.
        let short = LrFinder { window: 21, ..finder.clone() };
        assert_eq!(short.smoothed(), [(3.0, 5.4)]);
        let none = LrFinder { rates: vec![], losses: vec![], ..finder };
        assert_eq!(none.suggestion(), None);
    }

    #[test]
    fn the_model_is_put_back_as_it_was() {
        let adam = Adam { learning_rate: 0.003, ..Adam::default() };
        let (mut model, x, y) = line(4, adam);
        let mut twin = model.clone();
        // One epoch first, so the optimizer has slots and a step count.
        let quiet = || FitOptions { verbose: Verbosity::Silent, batch_size: 16, ..FitOptions::default() };
        model.fit(&x, &y, quiet()).expect("fit");
        twin.fit(&x, &y, quiet()).expect("fit");
        let (weights, iterations) = (model.get_weights().expect("weights"), model.iterations());

        let options = LrFinderOptions { min_rate: 1e-4, max_rate: 100.0, batches: 100, ..Default::default() };
        let finder = LrFinder::find(&mut model, &x, &y, &options).expect("sweep");
        assert!(!finder.rates.is_empty());
        assert_eq!(model.get_weights().expect("weights"), weights);
        assert_eq!(model.learning_rate(), Some(0.003));
        assert_eq!(model.iterations(), iterations);
        // Training on gives what it gives without the sweep: the optimizer's
        // moments and the shuffling generator are back too.
        let after = model.fit(&x, &y, quiet()).expect("fit");
        let without = twin.fit(&x, &y, quiet()).expect("fit");
        assert_eq!(after.get("loss"), without.get("loss"));
        assert_eq!(model.get_weights().expect("weights"), twin.get_weights().expect("weights"));
    }

    #[test]
    fn a_sweep_to_a_huge_rate_stops_where_the_loss_explodes() {
        let (mut model, x, y) = line(5, SGD::default());
        let options = LrFinderOptions {
            min_rate: 1e-4,
            max_rate: 1e4,
            batches: 400,
            batch_size: 8,
            ..Default::default()
        };
        let finder = LrFinder::find(&mut model, &x, &y, &options).expect("sweep");
        let stopped = finder.stopped_at.expect("SGD diverges long before 1e4 on this line");
        assert!(finder.rates.len() < 400);
        assert!(stopped < 1e4);
        let suggestion = finder.suggestion().expect("batches ran");
        assert!(suggestion < stopped / 10.0, "suggestion {suggestion}, stopped at {stopped}");
        // On this problem SGD is stable up to a rate of about 1 (the mean
        // of x² is 1/3, so the curvature of the MSE is 2/3 and steps
        // diverge above 3); the turning point lies below.
        let turning = finder.turning_point().expect("batches ran");
        assert!(turning > 1e-2 && turning < 4.0, "turning point {turning}");
    }

    #[test]
    fn bad_options_and_uncompiled_models_are_errors() {
        let (mut model, x, y) = line(6, "sgd");
        let bad = [
            LrFinderOptions { min_rate: 0.0, ..Default::default() },
            LrFinderOptions { min_rate: f64::NAN, ..Default::default() },
            LrFinderOptions { max_rate: 1e-6, ..Default::default() },
            LrFinderOptions { max_rate: f64::INFINITY, ..Default::default() },
            LrFinderOptions { batches: 0, ..Default::default() },
            LrFinderOptions { batch_size: 0, ..Default::default() },
            LrFinderOptions { window: 0, ..Default::default() },
            LrFinderOptions { stop_factor: 1.0, ..Default::default() },
        ];
        for options in bad {
            let err = LrFinder::find(&mut model, &x, &y, &options).expect_err("bad options");
            assert!(matches!(err, TuningError::Config(_)), "{err}");
            assert!(err.to_string().starts_with("learning-rate finder: "), "{err}");
        }
        let mut raw = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()]).expect("model");
        let err = LrFinder::find(&mut raw, &x, &y, &LrFinderOptions::default()).expect_err("not compiled");
        assert!(matches!(err, TuningError::Keras(KerasError::NotCompiled(_))), "{err}");
        let empty = Tensor::new(vec![], &[0, 1]).expect("tensor");
        let err = LrFinder::find(&mut model, &empty, &y, &LrFinderOptions::default()).expect_err("no data");
        assert!(err.to_string().contains("no training samples"), "{err}");
        // Data fit refuses: the error is fit's, and the model is unchanged.
        let before = model.get_weights().expect("weights");
        let short = Labels::from(&[1.0f32; 3][..]);
        assert!(LrFinder::find(&mut model, &x, &short, &LrFinderOptions::default()).is_err());
        assert_eq!(model.get_weights().expect("weights"), before);
    }
}

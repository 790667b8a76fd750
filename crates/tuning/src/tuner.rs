//! The tuner: builds, trains and scores a model for each trial the oracle
//! creates, on every core, and keeps the search on disk so that it can be
//! stopped and resumed (Keras Tuner's `Tuner`).
//!
//! ```
//! use keras::layers::{Dense, Input, Layer};
//! use keras::optimizers::{Adam, Optimizer, SGD};
//! use keras::{Labels, Sequential, Tensor};
//! use tuning::tuner::{SearchOptions, TunerOptions};
//! use tuning::{Choice, Float, HyperParameters, Int, RandomSearch, Sampling};
//!
//! // The chapter's build_model, for 2 features and 2 classes.
//! fn build_model(hp: &mut HyperParameters) -> tuning::Result<keras::Model> {
//!     let n_hidden = hp.int(Int::new("n_hidden", 0, 2).default(1))?;
//!     let n_neurons = hp.int(Int::new("n_neurons", 4, 16))?;
//!     let learning_rate = hp.float(Float::new("learning_rate", 1e-3, 1e-1).sampling(Sampling::Log))?;
//!     let optimizer: Optimizer = match hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?.as_str() {
//!         Some("sgd") => SGD { learning_rate, ..Default::default() }.into(),
//!         _ => Adam { learning_rate, ..Default::default() }.into(),
//!     };
//!     let mut layers: Vec<Box<dyn Layer>> = vec![Input::new(&[2]).into()];
//!     for _ in 0..n_hidden {
//!         layers.push(Dense::new(n_neurons as usize).activation("relu").into());
//!     }
//!     layers.push(Dense::new(2).activation("softmax").into());
//!     let mut model = Sequential::new(layers)?;
//!     model.compile("sparse_categorical_crossentropy", optimizer, &["accuracy".into()])?;
//!     Ok(model)
//! }
//!
//! // Points above or below the diagonal.
//! let points: Vec<f32> = (0..200).map(|i| ((i * 37) % 101) as f32 / 101.0).collect();
//! let classes: Vec<usize> = points.chunks(2).map(|p| usize::from(p[1] > p[0])).collect();
//! let (x, y) = (Tensor::new(points, &[100, 2])?, Labels::Classes(classes));
//! let folder = tempfile::tempdir().map_err(|e| tuning::TuningError::Config(e.to_string()))?;
//! let options = TunerOptions {
//!     max_trials: Some(3),
//!     seed: Some(42),
//!     directory: folder.path().to_path_buf(),
//!     project_name: "my_rnd_search".into(),
//!     overwrite: true,
//!     ..TunerOptions::new("val_accuracy")
//! };
//! let mut tuner = RandomSearch::new(build_model, options)?;
//! tuner.search(&x, &y, SearchOptions {
//!     epochs: 2,
//!     validation_data: Some((&x, &y).into()),
//!     verbose: false,
//!     ..SearchOptions::default()
//! })?;
//! let best = &tuner.get_best_hyperparameters(1)?[0];
//! assert_eq!(tuner.oracle().trials().len(), 3);
//! assert!(best.get("n_hidden").is_ok());
//! assert!(tuner.project_dir().join("trial_0/trial.json").exists());
//! # Ok::<(), tuning::TuningError>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use keras::{Callback, Control, FitOptions, History, Inputs, Logs, Model, Targets, Validation, Verbosity};

use crate::bayesian_optimization::BayesianStrategy;
use crate::error::{Result, TuningError};
use crate::hyperband::HyperbandStrategy;
use crate::hyperparameters::{Condition, HyperParameters, Value, python_float_repr};
use crate::oracle::{Oracle, Strategy};
use crate::random_search::RandomSearchStrategy;
use crate::trial::{Objective, Trial, TrialStatus};

/// What a tuner tunes: a model-building function and, optionally, how to
/// train it (Keras Tuner's `HyperModel`). Any
/// `Fn(&mut HyperParameters) -> Result<Model>` is one, trained with
/// `model.fit`.
pub trait HyperModel: Sync {
    /// Builds and compiles a model with the hyperparameters' values
    /// (declaring them the first time).
    fn build(&self, hp: &mut HyperParameters) -> Result<Model>;

    /// Trains the model; override it to tune preprocessing or `fit`'s
    /// arguments (`options.batch_size = hp.choice(...)`). The default is
    /// `model.fit(x, y, options)`.
    fn fit(
        &self,
        hp: &mut HyperParameters,
        model: &mut Model,
        x: Inputs<'_>,
        y: Targets<'_>,
        options: FitOptions<'_>,
    ) -> Result<History> {
        let _ = hp;
        Ok(model.fit(x, y, options)?)
    }
}

impl<F: Fn(&mut HyperParameters) -> Result<Model> + Sync> HyperModel for F {
    fn build(&self, hp: &mut HyperParameters) -> Result<Model> {
        self(hp)
    }
}

/// The settings every tuner shares (Keras Tuner's constructor
/// arguments).
#[derive(Clone, Debug)]
pub struct TunerOptions {
    /// What to optimize (`"val_accuracy"`: maximized, inferred from the name).
    pub objective: Objective,
    /// How many trials (`None` for Hyperband, which decides).
    pub max_trials: Option<usize>,
    /// The seed of the draws (`None`: a random one from 1 to 10,000).
    pub seed: Option<u64>,
    /// The folder of the searches (default `.`).
    pub directory: PathBuf,
    /// This search's folder inside it (default `untitled_project`).
    pub project_name: String,
    /// Start afresh, deleting a previous search of the same name (default:
    /// resume it).
    pub overwrite: bool,
}

impl TunerOptions {
    /// The defaults, optimizing `objective`: 10 trials, a random seed,
    /// `./untitled_project`, resumed if it exists.
    pub fn new(objective: impl Into<Objective>) -> TunerOptions {
        TunerOptions {
            objective: objective.into(),
            max_trials: Some(10),
            seed: None,
            directory: PathBuf::from("."),
            project_name: "untitled_project".into(),
            overwrite: false,
        }
    }
}

/// A callback for each trial, made fresh for it (a callback keeps state,
/// such as `EarlyStopping`'s best value).
pub type CallbackFactory<'a> = Box<dyn Fn() -> Box<dyn Callback> + Sync + 'a>;

/// `search`'s arguments: those of `fit`, and how to run the trials.
pub struct SearchOptions<'a> {
    /// Epochs per trial (Hyperband sets its own).
    pub epochs: usize,
    /// Samples per gradient step (default 32).
    pub batch_size: usize,
    /// Validation data, for a `val_` objective.
    pub validation_data: Option<Validation<'a>>,
    /// Callbacks for every trial (e.g. `EarlyStopping`).
    pub callbacks: Vec<CallbackFactory<'a>>,
    /// Trials run at once (default: the available cores). With more than
    /// one, each trial uses one thread for inference too
    /// ([`keras::set_threads`]).
    pub workers: Option<usize>,
    /// Print the search's progress (default true).
    pub verbose: bool,
    /// `fit`'s own output (default: one line per epoch with one worker
    /// and `verbose`, else nothing).
    pub fit_verbose: Option<Verbosity>,
    /// Write TensorBoard logs of each trial under this folder, as
    /// `<trial_id>/execution0`, with its hyperparameters for TensorBoard's
    /// HPARAMS tab.
    pub tensorboard: Option<PathBuf>,
}

impl Default for SearchOptions<'_> {
    fn default() -> Self {
        SearchOptions {
            epochs: 1,
            batch_size: 32,
            validation_data: None,
            callbacks: Vec::new(),
            workers: None,
            verbose: true,
            fit_verbose: None,
            tensorboard: None,
        }
    }
}

/// A search: a hypermodel, an oracle and the search's folder.
pub struct Tuner<H: HyperModel> {
    hypermodel: H,
    oracle: Oracle,
    project_dir: PathBuf,
    elapsed: Duration,
}

/// Keras Tuner's `RandomSearch`.
pub struct RandomSearch;

impl RandomSearch {
    /// A random search of `options.max_trials` trials.
    #[allow(clippy::new_ret_no_self)]
    pub fn new<H: HyperModel>(hypermodel: H, options: TunerOptions) -> Result<Tuner<H>> {
        Tuner::new(hypermodel, Box::new(RandomSearchStrategy), options)
    }
}

/// Keras Tuner's `Hyperband`.
pub struct Hyperband;

impl Hyperband {
    /// Hyperband up to `max_epochs` per trial, keeping 1/`factor` per
    /// round, `hyperband_iterations` times (`options.max_trials` is
    /// ignored: Hyperband's brackets decide the number of trials).
    #[allow(clippy::new_ret_no_self)]
    pub fn new<H: HyperModel>(
        hypermodel: H,
        max_epochs: usize,
        factor: usize,
        hyperband_iterations: usize,
        mut options: TunerOptions,
    ) -> Result<Tuner<H>> {
        options.max_trials = None;
        let strategy = HyperbandStrategy::new(max_epochs, factor, hyperband_iterations)?;
        Tuner::new(hypermodel, Box::new(strategy), options)
    }
}

/// Keras Tuner's `BayesianOptimization`.
pub struct BayesianOptimization;

impl BayesianOptimization {
    /// Bayesian optimization with `num_initial_points` random trials first
    /// (`None`: `max(3·d, 3)`), kernel noise `alpha` (1e-4) and
    /// exploration weight `beta` (2.6).
    #[allow(clippy::new_ret_no_self)]
    pub fn new<H: HyperModel>(
        hypermodel: H,
        num_initial_points: Option<usize>,
        alpha: f64,
        beta: f64,
        options: TunerOptions,
    ) -> Result<Tuner<H>> {
        let strategy = BayesianStrategy::new(num_initial_points, alpha, beta)?;
        Tuner::new(hypermodel, Box::new(strategy), options)
    }
}

/// Saves the weights at the objective's best epoch (Keras Tuner's
/// `SaveBestEpoch`), as `trial_<id>/checkpoint.weights.h5`.
struct SaveBestEpoch {
    objective: Objective,
    path: PathBuf,
    best: Option<f64>,
    error: Option<keras::KerasError>,
}

impl Callback for SaveBestEpoch {
    fn on_epoch_end(&mut self, _epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        let better = match (logs.get(&self.objective.name), self.best) {
            (None, _) => true,
            (Some(v), None) => !v.is_nan(),
            (Some(v), Some(best)) => self.objective.direction.better(v, best),
        };
        if better {
            self.best = logs.get(&self.objective.name);
            if let Err(e) = model.save_weights(&self.path) {
                self.error = Some(e);
                return Control::Stop;
            }
        }
        Control::Continue
    }
}

/// `05d 03h 02m 01s`, as Keras Tuner writes durations.
fn format_duration(d: Duration) -> String {
    let mut s = d.as_secs_f64().round() as u64;
    let days = s / 86_400;
    s %= 86_400;
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    if days > 0 { format!("{days}d {h:02}h {m:02}m {s:02}s") } else { format!("{h:02}h {m:02}m {s:02}s") }
}

/// A value as Keras Tuner's table shows it: numbers with 5 significant
/// digits, other values cut to 18 characters.
fn format_value(value: Option<&Value>) -> String {
    match value {
        None => "?".into(),
        Some(Value::Int(i)) => format_g5(*i as f64),
        Some(Value::Float(x)) => format_g5(*x),
        Some(other) => {
            let s = other.to_string();
            if s.chars().count() > 18 { format!("{}...", s.chars().take(15).collect::<String>()) } else { s }
        }
    }
}

/// Python's `f"{x:.5g}"`.
fn format_g5(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x == 0.0 { "0".into() } else { x.to_string() };
    }
    let exponent = x.abs().log10().floor() as i32;
    let rounded: f64 = format!("{x:.4e}").parse().unwrap_or(x);
    let exponent = if rounded.abs() >= 10f64.powi(exponent + 1) { exponent + 1 } else { exponent };
    if (-4..5).contains(&exponent) {
        let decimals = (4 - exponent).max(0) as usize;
        let s = format!("{x:.decimals$}");
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
    } else {
        let s = format!("{x:.4e}");
        let (mantissa, exp) = s.split_once('e').expect("scientific notation");
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        let exp: i32 = exp.parse().expect("an exponent");
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// The table Keras Tuner prints when a trial starts.
fn hyperparameter_table(trial: &Trial, best: Option<&Trial>) -> String {
    let values = trial.hyperparameters.values();
    if values.is_empty() {
        return "default configuration\n".into();
    }
    let mut text = format!("{:18}|{:18}|{}\n", "Value", "Best Value So Far", "Hyperparameter");
    for (name, value) in ordered_values(&trial.hyperparameters) {
        let best_value = best.map(|b| b.hyperparameters.values().get(&name));
        let best_text = match best_value {
            None => "?".to_string(),
            Some(v) => format_value(v),
        };
        text.push_str(&format!("{:18}|{:18}|{name}\n", format_value(Some(&value)), best_text));
    }
    text
}

/// The values in the order of the space, then the others (Hyperband's).
fn ordered_values(hps: &HyperParameters) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for hp in hps.space() {
        if let Some(v) = hps.values().get(hp.name())
            && !out.iter().any(|(n, _)| n == hp.name())
        {
            out.push((hp.name().to_string(), v.clone()));
        }
    }
    for (name, v) in hps.values() {
        if !out.iter().any(|(n, _)| n == name) {
            out.push((name.clone(), v.clone()));
        }
    }
    out
}

/// What a worker reports when its trial ends.
/// The metrics at the best epoch and that epoch, or the error as text;
/// and the hyperparameters as the trial left them (with any declared for
/// the first time in `build` or `fit`).
type TrialOutcome = (std::result::Result<(BTreeMap<String, f64>, usize), String>, HyperParameters);

impl<H: HyperModel> Tuner<H> {
    /// A tuner with this strategy: starts a new search in
    /// `directory/project_name`, or reloads the one there (unless
    /// `overwrite`).
    pub fn new(hypermodel: H, strategy: Box<dyn Strategy>, options: TunerOptions) -> Result<Tuner<H>> {
        if options.max_trials == Some(0) {
            return Err(TuningError::Config("max_trials must be at least 1".into()));
        }
        let project_dir = options.directory.join(&options.project_name);
        if options.overwrite && project_dir.exists() {
            std::fs::remove_dir_all(&project_dir).map_err(|e| TuningError::io(&project_dir, e))?;
        }
        let mut oracle = Oracle::new(options.objective, options.max_trials, options.seed, strategy);
        oracle.set_project_dir(&project_dir);
        if project_dir.join("oracle.json").exists() {
            oracle.reload()?;
        } else {
            std::fs::create_dir_all(&project_dir).map_err(|e| TuningError::io(&project_dir, e))?;
            oracle.save()?;
        }
        // Keras Tuner reloads a project only if its tuner's state file
        // (empty for its tuners) exists: with it, Keras Tuner can resume
        // a search begun here.
        let tuner_file = project_dir.join("tuner0.json");
        if !tuner_file.exists() {
            keras::saving::write_atomically(&tuner_file, |w| w.write_all(b"{}"))?;
        }
        Ok(Tuner { hypermodel, oracle, project_dir, elapsed: Duration::ZERO })
    }

    /// The oracle: the trials, their scores, the space.
    pub fn oracle(&self) -> &Oracle {
        &self.oracle
    }

    /// The oracle, to raise `max_trials` before searching on.
    pub fn oracle_mut(&mut self) -> &mut Oracle {
        &mut self.oracle
    }

    /// The hypermodel.
    pub fn hypermodel(&self) -> &H {
        &self.hypermodel
    }

    /// `directory/project_name`.
    pub fn project_dir(&self) -> &Path {
        &self.project_dir
    }

    /// The time spent in `search` by this tuner.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Builds the model repeatedly until every conditional scope has been
    /// active once, so that the space holds every hyperparameter (Keras
    /// Tuner's `_populate_initial_space`).
    pub fn populate_initial_space(&mut self) -> Result<()> {
        let mut once: Vec<Vec<Condition>> = Vec::new();
        let mut never: Vec<Vec<Condition>> = Vec::new();
        let mut hp = self.oracle.get_space();
        for _ in 0..1000 {
            keras::clear_session();
            hp.clear_scopes();
            self.hypermodel.build(&mut hp)?;
            self.oracle.update_space(&hp);
            let (active, inactive) = hp.scopes();
            for c in active {
                if !once.contains(c) {
                    once.push(c.clone());
                }
                never.retain(|n| n != c);
            }
            for c in inactive {
                if !once.contains(c) && !never.contains(c) {
                    never.push(c.clone());
                }
            }
            let Some(conditions) = never.first().cloned() else {
                keras::clear_session();
                return Ok(());
            };
            hp = self.oracle.get_space();
            for condition in &conditions {
                hp.set(condition.parent(), condition.parent_values()[0].clone());
            }
            // A scope whose parent's value was set and still never runs
            // cannot be activated: stop trying it.
            if once.len() + never.len() > 1000 {
                break;
            }
        }
        keras::clear_session();
        Err(TuningError::Config("the conditional scopes of the model could not all be activated".into()))
    }

    /// Runs the search: trials until the oracle stops, `workers` at a
    /// time. A search stopped half-way (even killed) resumes where it
    /// stopped when a tuner is made again with `overwrite: false`.
    pub fn search<'a>(
        &mut self,
        x: impl Into<Inputs<'a>>,
        y: impl Into<Targets<'a>>,
        options: SearchOptions<'a>,
    ) -> Result<()> {
        let (x, y) = (x.into(), y.into());
        let started = Instant::now();
        self.populate_initial_space()?;
        self.oracle.save()?;
        let workers = options
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        let fit_verbose = options.fit_verbose.unwrap_or(if options.verbose && workers == 1 {
            Verbosity::OneLine
        } else {
            Verbosity::Silent
        });
        let Tuner { hypermodel, oracle, project_dir, elapsed } = self;
        let search_seed = oracle.state().seed;
        let shared = Mutex::new((&mut *oracle, None::<TuningError>));
        let wake = Condvar::new();
        let previous = *elapsed;
        std::thread::scope(|scope| {
            for worker in 0..workers {
                let (shared, wake, options, x, y) = (&shared, &wake, &options, &x, &y);
                let hypermodel = &*hypermodel;
                let project_dir = &*project_dir;
                scope.spawn(move || {
                    // One trial per core: each trial's inference stays on its core.
                    if workers > 1 {
                        keras::set_threads(1);
                    }
                    let tuner_id = format!("tuner{worker}");
                    loop {
                        // Ask for a trial, waiting while the oracle is idle.
                        let (trial, number, objective) = {
                            let mut guard = shared.lock().expect("no worker panics holding the oracle");
                            loop {
                                if guard.1.is_some() {
                                    return;
                                }
                                let oracle = &mut guard.0;
                                match oracle.create_trial(&tuner_id) {
                                    Err(e) => {
                                        guard.1 = Some(e);
                                        wake.notify_all();
                                        return;
                                    }
                                    Ok(t) if t.status == TrialStatus::Running => {
                                        let number = oracle.trials().len();
                                        if options.verbose {
                                            let best = oracle.get_best_trials(1).first().map(|t| (*t).clone());
                                            let of = oracle.state().max_trials.map_or(String::new(), |m| format!(" of {m}"));
                                            println!(
                                                "\nSearch: Running Trial #{number}{of}\n\n{}",
                                                hyperparameter_table(&t, best.as_ref().filter(|b| b.score.is_some()))
                                            );
                                        }
                                        let objective = oracle.objective().clone();
                                        break (t, number, objective);
                                    }
                                    Ok(t) if t.status == TrialStatus::Idle => {
                                        if oracle.state().ongoing_trials.is_empty() {
                                            return;
                                        }
                                        guard = wake.wait(guard).expect("no worker panics holding the oracle");
                                    }
                                    Ok(_) => return,
                                }
                            }
                        };
                        let trial_started = Instant::now();
                        let outcome = run_trial(hypermodel, search_seed, project_dir, &trial, &objective, x, y, options, fit_verbose);
                        let mut guard = shared.lock().expect("no worker panics holding the oracle");
                        let oracle = &mut guard.0;
                        let (outcome, hp) = outcome;
                        // As Keras Tuner's end_trial: hyperparameters first
                        // declared during the trial join the space.
                        let synced = oracle.sync_hyperparameters(&trial.trial_id, &hp);
                        let ended = match outcome {
                            Ok((metrics, step)) => synced
                                .and_then(|_| oracle.update_trial(&trial.trial_id, &metrics, step))
                                .and_then(|_| oracle.end_trial(&trial.trial_id, TrialStatus::Completed, None)),
                            Err(message) => {
                                if options.verbose {
                                    println!("Trial {number} failed: {message}");
                                }
                                synced.and_then(|_| {
                                    oracle.end_trial(&trial.trial_id, TrialStatus::Invalid, Some(message))
                                })
                            }
                        };
                        if options.verbose {
                            let score = oracle.trials()[&trial.trial_id].score;
                            let best = oracle.get_best_trials(1).first().and_then(|t| t.score);
                            let show = |s: Option<f64>| s.map_or("None".to_string(), python_float_repr);
                            println!(
                                "Trial {number} Complete [{}]\n{}: {}\n\nBest {} So Far: {}\nTotal elapsed time: {}",
                                format_duration(trial_started.elapsed()),
                                objective.name,
                                show(score),
                                objective.name,
                                show(best),
                                format_duration(previous + started.elapsed()),
                            );
                        }
                        if let Err(e) = ended {
                            guard.1 = Some(e);
                        }
                        wake.notify_all();
                    }
                });
            }
        });
        let (_, error) = shared.into_inner().expect("no worker panicked holding the oracle");
        *elapsed += started.elapsed();
        match error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The hyperparameters of the `n` best trials, best first.
    pub fn get_best_hyperparameters(&self, n: usize) -> Result<Vec<HyperParameters>> {
        Ok(self.oracle.get_best_trials(n).into_iter().map(|t| t.hyperparameters.clone()).collect())
    }

    /// The models of the `n` best trials, with the weights of their best
    /// epoch (rebuilt, then loaded from the trial's checkpoint).
    pub fn get_best_models(&self, n: usize) -> Result<Vec<Model>> {
        let mut models = Vec::new();
        for trial in self.oracle.get_best_trials(n) {
            models.push(self.load_model(trial)?);
        }
        Ok(models)
    }

    /// The model of a trial at its best epoch.
    pub fn load_model(&self, trial: &Trial) -> Result<Model> {
        let mut hp = trial.hyperparameters.clone();
        keras::clear_session();
        keras::set_random_seed(trial_seed(self.oracle.state().seed, &trial.trial_id));
        let mut model = self.hypermodel.build(&mut hp)?;
        let path = self.project_dir.join(format!("trial_{}", trial.trial_id)).join("checkpoint.weights.h5");
        model.load_weights(&path)?;
        Ok(model)
    }

    /// The rebuilt (untrained) model of some hyperparameters, e.g. the
    /// best ones, to train it on the full training set.
    pub fn build(&self, hp: &HyperParameters) -> Result<Model> {
        let mut hp = hp.clone();
        self.hypermodel.build(&mut hp)
    }

    /// What Keras Tuner's `results_summary()` prints: the folder, the
    /// objective and the `n` best trials' summaries.
    pub fn results_summary(&self, n: usize) -> String {
        let objective = self.oracle.objective();
        let direction = match objective.direction {
            crate::trial::Direction::Min => "min",
            crate::trial::Direction::Max => "max",
        };
        let mut text = format!(
            "Results summary\nResults in {}\nShowing {n} best trials\nObjective(name=\"{}\", direction=\"{direction}\")\n",
            self.project_dir.display(),
            objective.name
        );
        for trial in self.oracle.get_best_trials(n) {
            text.push('\n');
            text.push_str(&trial.summary());
        }
        text
    }

    /// What Keras Tuner's `search_space_summary()` prints.
    pub fn search_space_summary(&self) -> String {
        let space = self.oracle.get_space();
        let mut text = format!("Search space summary\nDefault search space size: {}\n", space.space().len());
        for hp in space.space() {
            let config = serde_json::to_value(hp).expect("a hyperparameter serializes");
            text.push_str(&format!("{} ({})\n{}\n", hp.name(), hp.class_name(), config["config"]));
        }
        text
    }
}

/// The seed of a trial's weights and shuffling: the search's seed and
/// the trial's number, so that a trial trains the same whichever worker
/// runs it, and whenever.
pub fn trial_seed(search_seed: u64, trial_id: &str) -> u64 {
    let number: u64 = trial_id.parse().unwrap_or(0);
    search_seed.wrapping_mul(1_000_003).wrapping_add(number)
}

/// Builds, trains and scores one trial (the work a worker does outside
/// the oracle's lock). Returns the metrics at the objective's best epoch
/// and that epoch, or the error as text.
#[allow(clippy::too_many_arguments)]
fn run_trial<H: HyperModel>(
    hypermodel: &H,
    search_seed: u64,
    project_dir: &Path,
    trial: &Trial,
    objective: &Objective,
    x: &Inputs<'_>,
    y: &Targets<'_>,
    options: &SearchOptions<'_>,
    fit_verbose: Verbosity,
) -> TrialOutcome {
    let mut hp = trial.hyperparameters.clone();
    let result = (|| -> Result<(BTreeMap<String, f64>, usize)> {
        keras::clear_session();
        keras::set_random_seed(trial_seed(search_seed, &trial.trial_id));
        let hp = &mut hp;
        let mut model = hypermodel.build(hp)?;
        let trial_dir = project_dir.join(format!("trial_{}", trial.trial_id));
        std::fs::create_dir_all(&trial_dir).map_err(|e| TuningError::io(&trial_dir, e))?;
        let value = |name: &str| hp.values().get(name).and_then(Value::as_i64);
        let (mut epochs, mut initial_epoch) = (options.epochs, 0);
        if let (Some(e), Some(i)) = (value("tuner/epochs"), value("tuner/initial_epoch")) {
            (epochs, initial_epoch) = (e as usize, i as usize);
        }
        if let Some(Value::Str(parent)) = hp.values().get("tuner/trial_id") {
            let path = project_dir.join(format!("trial_{parent}")).join("checkpoint.weights.h5");
            model.load_weights(&path)?;
        }
        let mut save_best = SaveBestEpoch {
            objective: objective.clone(),
            path: trial_dir.join("checkpoint.weights.h5"),
            best: None,
            error: None,
        };
        let mut own: Vec<Box<dyn Callback>> = options.callbacks.iter().map(|make| make()).collect();
        let mut logging: Vec<Box<dyn Callback>> = Vec::new();
        if let Some(log_dir) = &options.tensorboard {
            let run = log_dir.join(&trial.trial_id).join("execution0");
            logging.push(Box::new(keras::tensorboard::TensorBoard::new(&run)));
            logging.push(Box::new(crate::hparams::HParamsCallback::new(
                &run,
                &trial.trial_id,
                &ordered_values(hp),
            )?));
        }
        let mut callbacks: Vec<&mut dyn Callback> = Vec::new();
        for c in own.iter_mut().chain(logging.iter_mut()) {
            callbacks.push(c.as_mut());
        }
        callbacks.push(&mut save_best);
        let fit_options = FitOptions {
            epochs,
            initial_epoch,
            batch_size: options.batch_size,
            validation_data: options.validation_data.clone(),
            callbacks,
            verbose: fit_verbose,
            ..FitOptions::default()
        };
        let history = hypermodel.fit(hp, &mut model, x.clone(), y.clone(), fit_options)?;
        if let Some(e) = save_best.error.take() {
            return Err(e.into());
        }
        best_epoch_metrics(&history, objective)
    })();
    (result.map_err(|e| e.to_string()), hp)
}

/// The metrics of the epoch where the objective was best (the first such
/// epoch), and that epoch's number (Keras Tuner's
/// `convert_to_metrics_dict` of a `History`).
fn best_epoch_metrics(history: &History, objective: &Objective) -> Result<(BTreeMap<String, f64>, usize)> {
    let values = history.history.get(&objective.name).ok_or_else(|| {
        let found: Vec<&String> = history.history.keys().collect();
        TuningError::Config(format!(
            "the objective '{}' is not among the metrics fit reports: {found:?} (validation data missing?)",
            objective.name
        ))
    })?;
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if objective.direction.better(*v, values[best]) || values[best].is_nan() {
            best = i;
        }
    }
    let metrics = history.history.iter().filter_map(|(k, v)| v.get(best).map(|x| (k.clone(), *x))).collect();
    let step = history.epoch.get(best).copied().unwrap_or(best);
    Ok((metrics, step))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keras_tuner_formats() {
        assert_eq!(format_g5(0.000412345678), "0.00041235");
        assert_eq!(format_g5(70.0), "70");
        assert_eq!(format_g5(123456.0), "1.2346e+05");
        assert_eq!(format_g5(1e-5), "1e-05");
        assert_eq!(format_g5(0.87360001), "0.8736");
        assert_eq!(format_duration(Duration::from_secs(3 * 3600 + 125)), "03h 02m 05s");
        assert_eq!(format_duration(Duration::from_secs(90_061)), "1d 01h 01m 01s");
    }
}

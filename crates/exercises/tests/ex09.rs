//! Checks for exercise 9: the hyperparameters of a basic MLP, and how to
//! tweak them when it overfits.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex09
//! ```
//!
//! The first checks compare the list of hyperparameters with the chapter's
//! and look at what each remedy changes. The last three train MLPs with the
//! `keras` crate: on a small noisy data set, every configuration drawn from
//! a region where the network overfits is trained as it is and as the
//! remedy changes it, with the same seeds, and the remedy must narrow the
//! generalization gap, the loss on new data minus the loss on the training
//! data.

use exercises::ex09::{
    Activation, Candidate, Loss, MlpConfig, Optimizer, against_overfitting, hyperparameters,
};
use keras::callbacks::EarlyStopping;
use keras::layers::{Dense, Input, Layer};
use keras::optimizers::{Adam, SGD};
use keras::{FitOptions, Labels, Sequential, Tensor, Verbosity};
use proptest::prelude::*;

/// Proptest settings for the checks that train nothing: the usual number
/// of cases, and no `proptest-regressions/` files written next to the tests
/// when a check fails (the checks are meant to fail on the stubs, and must
/// leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// The same for the checks that train: 12 configurations each (each one
/// trains six small networks, in a fraction of a second), unless
/// `PROPTEST_CASES` asks for another number; no shrinking, which would
/// train again and again for a configuration the message already shows.
fn training_config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    ProptestConfig { cases, max_shrink_iters: 0, ..config() }
}

/// The hyperparameters of the chapter's answer, with why each one is.
const CHAPTER: [(Candidate, &str); 9] = [
    (Candidate::HiddenLayers, "the number of hidden layers is the first choice of an MLP's architecture"),
    (Candidate::NeuronsPerLayer, "the number of neurons of each hidden layer is chosen, not learned"),
    (
        Candidate::HiddenActivation,
        "the hidden layers' activation function is chosen (ReLU is a good default)",
    ),
    (
        Candidate::OutputActivation,
        "the output layer's activation function is chosen, after the task (none, sigmoid, softmax, …)",
    ),
    (Candidate::Loss, "the loss that training minimizes is chosen, after the task"),
    (Candidate::LearningRate, "the learning rate is chosen, and it is the most important hyperparameter"),
    (Candidate::Optimizer, "the optimizer (SGD, Adam, …) is chosen"),
    (Candidate::BatchSize, "the batch size is chosen"),
    (Candidate::Epochs, "the number of epochs (or early stopping instead) is chosen"),
];

// ---------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------

#[test]
fn ex09_the_list_holds_every_hyperparameter_of_the_chapter() {
    let listed = hyperparameters();
    for (candidate, why) in CHAPTER {
        assert!(listed.contains(&candidate), "{candidate:?} is missing from your list: {why}");
    }
    for (i, c) in listed.iter().enumerate() {
        assert!(!listed[..i].contains(c), "{c:?} appears twice in your list");
    }
}

#[test]
fn ex09_weights_and_biases_are_parameters_not_hyperparameters() {
    let listed = hyperparameters();
    for candidate in [Candidate::Weights, Candidate::Biases] {
        assert!(
            !listed.contains(&candidate),
            "{candidate:?} is in your list, but training learns the weights and the biases: they \
             are the model's parameters. A hyperparameter is what you choose before training"
        );
    }
}

// ---------------------------------------------------------------------------
// What each remedy changes
// ---------------------------------------------------------------------------

/// The fields in which two configurations differ.
fn changed_fields(a: &MlpConfig, b: &MlpConfig) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut check = |name, same: bool| {
        if !same {
            fields.push(name);
        }
    };
    check("hidden_layers", a.hidden_layers == b.hidden_layers);
    check("neurons", a.neurons == b.neurons);
    check("hidden_activation", a.hidden_activation == b.hidden_activation);
    check("output_activation", a.output_activation == b.output_activation);
    check("loss", a.loss == b.loss);
    check("optimizer", a.optimizer == b.optimizer);
    check("learning_rate", a.learning_rate.to_bits() == b.learning_rate.to_bits());
    check("batch_size", a.batch_size == b.batch_size);
    check("epochs", a.epochs == b.epochs);
    check("early_stopping", a.early_stopping == b.early_stopping);
    fields
}

/// The fields of `config` that stand for `candidate`.
fn fields_of(candidate: Candidate) -> &'static [&'static str] {
    match candidate {
        Candidate::HiddenLayers => &["hidden_layers"],
        Candidate::NeuronsPerLayer => &["neurons"],
        Candidate::HiddenActivation => &["hidden_activation"],
        Candidate::OutputActivation => &["output_activation"],
        Candidate::Loss => &["loss"],
        Candidate::LearningRate => &["learning_rate"],
        Candidate::Optimizer => &["optimizer"],
        Candidate::BatchSize => &["batch_size"],
        Candidate::Epochs => &["epochs", "early_stopping"],
        Candidate::Weights | Candidate::Biases => &[],
    }
}

/// Checks that the remedy for `candidate` is there and changes nothing
/// but `candidate`'s fields, and returns it.
fn remedy(candidate: Candidate, config: &MlpConfig) -> MlpConfig {
    let Some(changed) = against_overfitting(candidate, config) else {
        panic!(
            "against_overfitting({candidate:?}, …) returned None, but the chapter's answer tweaks \
             this hyperparameter when an MLP overfits; the configuration was {config:?}"
        )
    };
    let fields = changed_fields(config, &changed);
    let own = fields_of(candidate);
    let others: Vec<&str> = fields.iter().copied().filter(|f| !own.contains(f)).collect();
    assert!(
        others.is_empty(),
        "against_overfitting({candidate:?}, …) changed {others:?} too; a remedy through one \
         hyperparameter changes only that one ({own:?}), so that its effect can be measured\n\
         before: {config:?}\nafter:  {changed:?}"
    );
    changed
}

/// Any configuration with at least two hidden layers of at least two
/// neurons, trained for a fixed number of epochs (no early stopping): an
/// MLP with room to shrink.
fn any_config() -> impl Strategy<Value = MlpConfig> {
    let activations = prop::sample::select(vec![Activation::Relu, Activation::Tanh, Activation::Sigmoid]);
    let outputs = prop::sample::select(vec![
        (Activation::Softmax, Loss::CategoricalCrossEntropy),
        (Activation::Sigmoid, Loss::BinaryCrossEntropy),
        (Activation::Identity, Loss::Mse),
        (Activation::Identity, Loss::Huber { delta: 1.0 }),
    ]);
    let optimizers = prop::sample::select(vec![Optimizer::Sgd, Optimizer::Adam]);
    (2..=10usize, 2..=1024usize, activations, outputs, optimizers, -5.0..0.0f64, 1..=512usize, 2..=1000usize)
        .prop_map(
            |(hidden_layers, neurons, hidden, (output, loss), optimizer, log_rate, batch_size, epochs)| {
                MlpConfig {
                    hidden_layers,
                    neurons,
                    hidden_activation: hidden,
                    output_activation: output,
                    loss,
                    optimizer,
                    learning_rate: 10f64.powf(log_rate),
                    batch_size,
                    epochs,
                    early_stopping: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex09_the_task_decides_the_output_layer_and_the_loss(config in any_config()) {
        for candidate in [Candidate::OutputActivation, Candidate::Loss] {
            let answer = against_overfitting(candidate, &config);
            prop_assert!(
                answer.is_none(),
                "against_overfitting({candidate:?}, …) returned {answer:?}; the output activation \
                 and the loss follow from the task (what the outputs must mean, see exercise 7), \
                 not from how well the model generalizes: changing them is no remedy for \
                 overfitting, so return None"
            );
        }
        for candidate in [Candidate::Weights, Candidate::Biases] {
            let answer = against_overfitting(candidate, &config);
            prop_assert!(
                answer.is_none(),
                "against_overfitting({candidate:?}, …) returned {answer:?}; the weights and the \
                 biases are parameters, which training sets: there is nothing to tweak, return None"
            );
        }
    }

    #[test]
    fn ex09_each_remedy_changes_its_own_hyperparameter_only(config in any_config()) {
        let fewer_layers = remedy(Candidate::HiddenLayers, &config);
        prop_assert!(
            fewer_layers.hidden_layers < config.hidden_layers,
            "against_overfitting(HiddenLayers, …) went from {} to {} hidden layers; an MLP that \
             overfits has too much capacity, and fewer layers give it less",
            config.hidden_layers, fewer_layers.hidden_layers
        );

        let fewer_neurons = remedy(Candidate::NeuronsPerLayer, &config);
        prop_assert!(
            fewer_neurons.neurons >= 1 && 2 * fewer_neurons.neurons <= config.neurons,
            "against_overfitting(NeuronsPerLayer, …) went from {} to {} neurons per layer; fewer \
             neurons give the MLP less capacity, but a few less make no difference you could \
             measure: the checks expect at most half as many (and at least one)",
            config.neurons, fewer_neurons.neurons
        );

        let earlier = remedy(Candidate::Epochs, &config);
        match earlier.early_stopping {
            Some(_) => prop_assert!(
                earlier.epochs <= config.epochs,
                "against_overfitting(Epochs, …) turned early stopping on but raised the epochs \
                 from {} to {}; early stopping ends training when the validation loss stops \
                 improving, it needs no more epochs than before",
                config.epochs, earlier.epochs
            ),
            None => prop_assert!(
                earlier.epochs >= 1 && 2 * earlier.epochs <= config.epochs,
                "against_overfitting(Epochs, …) went from {} to {} epochs without early stopping; \
                 train clearly less (the checks expect at most half the epochs), or turn early \
                 stopping on",
                config.epochs, earlier.epochs
            ),
        }

        for candidate in [Candidate::HiddenActivation, Candidate::LearningRate, Candidate::Optimizer, Candidate::BatchSize] {
            // No remedy is fine; a remedy must tweak that hyperparameter, and only it.
            if let Some(changed) = against_overfitting(candidate, &config) {
                let fields = changed_fields(&config, &changed);
                prop_assert!(
                    fields == fields_of(candidate),
                    "against_overfitting({candidate:?}, …) changed {fields:?}; a remedy through \
                     {candidate:?} changes {:?} and nothing else (return None if you would not \
                     tweak it)\nbefore: {config:?}\nafter:  {changed:?}",
                    fields_of(candidate)
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Training: does each remedy narrow the gap?
// ---------------------------------------------------------------------------

/// SplitMix64: a small generator for the data set, the same on every
/// machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
}

/// Features per instance; only the first two carry the class.
const FEATURES: usize = 5;
/// The fraction of labels flipped at random.
const LABEL_NOISE: f64 = 0.15;

/// `n` instances of two classes: the class is whether `x₀ + x₁ > 0`, for
/// five standard normal features, with 15% of the labels flipped.
fn noisy_classes(n: usize, rng: &mut SplitMix) -> (Tensor, Labels) {
    let mut xs = Vec::with_capacity(n * FEATURES);
    let mut ys = Vec::with_capacity(n);
    for _ in 0..n {
        let row: Vec<f64> = (0..FEATURES).map(|_| rng.normal()).collect();
        let class = usize::from(row[0] + row[1] > 0.0);
        ys.push(if rng.uniform() < LABEL_NOISE { 1 - class } else { class });
        xs.extend(row.iter().map(|&v| v as f32));
    }
    (Tensor::new(xs, &[n, FEATURES]).expect("n × 5 values"), Labels::Classes(ys))
}

/// A small training set that is easy to overfit, a validation set for
/// early stopping, and a large set of new instances to measure the gap on.
struct Data {
    train: (Tensor, Labels),
    valid: (Tensor, Labels),
    new: (Tensor, Labels),
}

fn data() -> Data {
    let mut rng = SplitMix(9);
    Data {
        train: noisy_classes(100, &mut rng),
        valid: noisy_classes(200, &mut rng),
        new: noisy_classes(1000, &mut rng),
    }
}

/// The `keras` loss for a loss of the vocabulary, for class labels.
fn keras_loss(loss: Loss) -> keras::losses::Loss {
    match loss {
        Loss::CategoricalCrossEntropy => keras::losses::Loss::SparseCategoricalCrossentropy,
        Loss::BinaryCrossEntropy => keras::losses::Loss::BinaryCrossentropy,
        Loss::Mse => keras::losses::Loss::MeanSquaredError,
        Loss::Mae => keras::losses::Loss::MeanAbsoluteError,
        Loss::Huber { delta } => keras::losses::Loss::Huber { delta: delta as f32 },
    }
}

/// Trains `config` on `data` from `seed`, and returns its generalization
/// gap: the loss on the new instances minus the loss on the training set,
/// both measured after training.
fn gap(config: &MlpConfig, seed: u64, data: &Data) -> f64 {
    keras::clear_session();
    keras::set_random_seed(seed);
    let mut layers: Vec<Box<dyn Layer>> = vec![Input::new(&[FEATURES]).into()];
    for _ in 0..config.hidden_layers {
        layers.push(Dense::new(config.neurons).activation(config.hidden_activation).into());
    }
    layers.push(Dense::new(2).activation(config.output_activation).into());
    let mut model = Sequential::new(layers).expect("an MLP");
    let rate = config.learning_rate;
    let loss = keras_loss(config.loss);
    match config.optimizer {
        Optimizer::Sgd => model.compile(loss, SGD { learning_rate: rate, ..SGD::default() }, &[]),
        Optimizer::Adam => model.compile(loss, Adam { learning_rate: rate, ..Adam::default() }, &[]),
    }
    .expect("compiled");
    let mut early_stopping =
        EarlyStopping::new().patience(config.early_stopping.unwrap_or(0)).restore_best_weights(true);
    let (x, y) = &data.train;
    model
        .fit(
            x,
            y,
            FitOptions {
                epochs: config.epochs,
                batch_size: config.batch_size,
                validation_data: config.early_stopping.map(|_| (&data.valid.0, &data.valid.1).into()),
                callbacks: match config.early_stopping {
                    Some(_) => vec![&mut early_stopping],
                    None => Vec::new(),
                },
                verbose: Verbosity::Silent,
                ..FitOptions::default()
            },
        )
        .expect("training runs");
    let loss_on =
        |(x, y): &(Tensor, Labels)| model.evaluate(x, y).expect("evaluated").get("loss").expect("a loss");
    loss_on(&data.new) - loss_on(&data.train)
}

/// Seeds per configuration: the gap is averaged over three trainings.
const SEEDS: u64 = 3;

/// The mean gap of `config` over the seeds `seed`, `seed + 1`, …, and each
/// seed's gap.
fn mean_gap(config: &MlpConfig, seed: u64, data: &Data) -> (f64, Vec<f64>) {
    let gaps: Vec<f64> = (0..SEEDS).map(|k| gap(config, seed.wrapping_add(k), data)).collect();
    (gaps.iter().sum::<f64>() / gaps.len() as f64, gaps)
}

/// Configurations that overfit the 100 training instances: two or three
/// hidden layers of 48 to 80 ReLU neurons, Adam with a learning rate of
/// 0.001 to 0.0015, batches of 32, 100 to 150 epochs. They reach 93 to
/// 100% accuracy on the training set but about 70% on new data (a model
/// that learned only the true boundary would get 85%), and a loss on new
/// data 3 to 150 times their training loss. And a seed for the first of
/// the trainings.
///
/// Where the chapter's remedies are checked matters: in this region,
/// halving the neurons, removing a layer, halving the epochs or stopping
/// early each narrows the gap by 20% or more (measured over thousands of
/// trainings), while one seed's gap varies by about 10%. With larger
/// learning rates or many more epochs, every network ends up memorizing
/// the training set, the loss on new data grows erratically, and width
/// changes it less than chance does.
fn overfitting() -> impl Strategy<Value = (MlpConfig, u64)> {
    (2..=3usize, 48..=80usize, 100..=150usize, 1e-3..1.5e-3f64, any::<u64>()).prop_map(
        |(hidden_layers, neurons, epochs, learning_rate, seed)| {
            let config = MlpConfig {
                hidden_layers,
                neurons,
                hidden_activation: Activation::Relu,
                output_activation: Activation::Softmax,
                loss: Loss::CategoricalCrossEntropy,
                optimizer: Optimizer::Adam,
                learning_rate,
                batch_size: 32,
                epochs,
                early_stopping: None,
            };
            (config, seed)
        },
    )
}

/// Trains `config` and the remedy for `candidate`, and checks that the
/// remedy narrows the mean gap.
fn narrows_the_gap(candidate: Candidate, config: &MlpConfig, seed: u64) -> Result<(), TestCaseError> {
    let changed = remedy(candidate, config);
    let data = data();
    let (before, before_each) = mean_gap(config, seed, &data);
    let (after, after_each) = mean_gap(&changed, seed, &data);
    prop_assert!(
        after < before,
        "against_overfitting({candidate:?}, …) did not narrow the generalization gap (the loss on \
         new data minus the loss on the training data, averaged over {SEEDS} trainings with the \
         same seeds): {before:.3} before, {after:.3} after\n\
         before: {config:?}\n        gaps {before_each:.3?}\n\
         after:  {changed:?}\n        gaps {after_each:.3?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(training_config())]

    #[test]
    fn ex09_fewer_hidden_layers_narrow_the_gap((config, seed) in overfitting()) {
        narrows_the_gap(Candidate::HiddenLayers, &config, seed)?;
    }

    #[test]
    fn ex09_fewer_neurons_narrow_the_gap((config, seed) in overfitting()) {
        narrows_the_gap(Candidate::NeuronsPerLayer, &config, seed)?;
    }

    #[test]
    fn ex09_stopping_earlier_narrows_the_gap((config, seed) in overfitting()) {
        narrows_the_gap(Candidate::Epochs, &config, seed)?;
    }
}

//! Checks for exercise 7: the output layer a task calls for.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex07
//! ```
//!
//! The first group checks the choice of neurons, activation and loss; the
//! second group checks `predict`, on every output layer the chapter accepts,
//! so that a wrong `output_layer` does not also make the `predict` checks fail.

use exercises::ex07::{
    Activation, Apply, Loss, OutputLayer, OutputRange, Task, house_prices, mnist, output_layer, predict,
    spam_ham,
};
use nalgebra::DVector;
use proptest::prelude::*;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

fn output_range() -> impl Strategy<Value = OutputRange> {
    prop_oneof![
        Just(OutputRange::Unbounded),
        Just(OutputRange::Positive),
        (-1e4..1e4f64, 1e-2..1e4f64).prop_map(|(low, width)| OutputRange::Bounded { low, high: low + width }),
    ]
}

fn regression() -> impl Strategy<Value = Task> {
    (1..=16usize, output_range(), any::<bool>()).prop_map(|(outputs, range, outliers)| Task::Regression {
        outputs,
        range,
        outliers,
    })
}

/// Logits for `n` neurons, wide enough to saturate sigmoid and tanh.
fn logits(n: impl Strategy<Value = usize>) -> impl Strategy<Value = DVector<f64>> {
    n.prop_flat_map(|n| prop::collection::vec(-30.0..30.0f64, n)).prop_map(DVector::from_vec)
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn is_robust_to_outliers(loss: Loss) -> bool {
    match loss {
        Loss::Mae => true,
        Loss::Huber { delta } => delta.is_finite() && delta > 0.0,
        _ => false,
    }
}

/// The output activations the chapter accepts for a regression target.
fn accepted_activations(range: OutputRange) -> &'static [Activation] {
    match range {
        OutputRange::Unbounded => &[Activation::Identity],
        OutputRange::Positive => &[Activation::Relu, Activation::Softplus],
        OutputRange::Bounded { .. } => &[Activation::Sigmoid, Activation::Tanh],
    }
}

// ---------------------------------------------------------------------------
// Group 1: neurons, activation and loss
// ---------------------------------------------------------------------------

#[test]
fn ex07_spam_ham_is_one_sigmoid_neuron_with_binary_cross_entropy() {
    let layer = spam_ham();
    assert_eq!(
        layer.neurons, 1,
        "spam/ham is a binary classification: a single output neuron can estimate \
         the probability of spam (ham is one minus it)"
    );
    assert_eq!(
        layer.activation,
        Activation::Sigmoid,
        "that single output is a probability: the logistic (sigmoid) function maps any \
         weighted sum into (0, 1)"
    );
    assert_eq!(
        layer.loss,
        Loss::BinaryCrossEntropy,
        "a probability of the positive class is trained with binary cross-entropy (log loss)"
    );
}

#[test]
fn ex07_mnist_is_ten_softmax_neurons_with_categorical_cross_entropy() {
    let layer = mnist();
    assert_eq!(
        layer.neurons, 10,
        "MNIST has 10 exclusive classes (the digits 0 to 9): one output neuron per class"
    );
    assert_eq!(
        layer.activation,
        Activation::Softmax,
        "each image shows exactly one digit, so the 10 outputs must form a probability \
         distribution (positive, summing to 1): that is softmax"
    );
    assert_eq!(
        layer.loss,
        Loss::CategoricalCrossEntropy,
        "a distribution over exclusive classes is trained with categorical cross-entropy"
    );
}

#[test]
fn ex07_house_prices_is_one_unsquashed_neuron_with_a_regression_loss() {
    let layer = house_prices();
    assert_eq!(layer.neurons, 1, "a house price is one number per house: one output neuron");
    assert!(
        [Activation::Identity, Activation::Relu, Activation::Softplus].contains(&layer.activation),
        "a price can be any size, so its output must not be squashed into a range: use no \
         activation (or ReLU/softplus, since prices are never negative), not {:?}",
        layer.activation
    );
    assert!(
        layer.loss == Loss::Mse || is_robust_to_outliers(layer.loss),
        "predicting a price is regression: its loss measures a distance between numbers \
         (MSE, or Huber/MAE if there are many outliers), not {:?}",
        layer.loss
    );
}

#[test]
fn ex07_binary_task_needs_one_sigmoid_neuron() {
    let layer = output_layer(&Task::Binary);
    assert_eq!(
        layer,
        OutputLayer { neurons: 1, activation: Activation::Sigmoid, loss: Loss::BinaryCrossEntropy },
        "binary classification: one neuron, whose sigmoid output estimates the probability \
         of the positive class, trained with binary cross-entropy"
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex07_multilabel_needs_one_sigmoid_neuron_per_label(labels in 1..=1000usize) {
        let layer = output_layer(&Task::Multilabel { labels });
        prop_assert_eq!(
            layer.neurons, labels,
            "each of the {} labels is its own yes/no question: one output neuron per label",
            labels
        );
        prop_assert_eq!(
            layer.activation, Activation::Sigmoid,
            "the labels are independent probabilities (several can be likely at once), so \
             each neuron gets its own sigmoid; softmax would force them to compete"
        );
        prop_assert_eq!(
            layer.loss, Loss::BinaryCrossEntropy,
            "independent per-label probabilities are trained with binary cross-entropy"
        );
    }

    #[test]
    fn ex07_multiclass_needs_one_softmax_neuron_per_class(classes in 2..=1000usize) {
        let layer = output_layer(&Task::Multiclass { classes });
        if classes == 2 && layer == output_layer(&Task::Binary) {
            // Two exclusive classes are a binary task: one sigmoid neuron is
            // as good an answer as two softmax neurons.
            return Ok(());
        }
        prop_assert_eq!(
            layer.neurons, classes,
            "{} exclusive classes: one output neuron per class, each estimating the \
             probability of its class",
            classes
        );
        prop_assert_eq!(
            layer.activation, Activation::Softmax,
            "exactly one class is true, so the outputs must form a probability distribution \
             (positive, summing to 1): softmax does that over the whole layer"
        );
        prop_assert_eq!(
            layer.loss, Loss::CategoricalCrossEntropy,
            "a distribution over exclusive classes is trained with categorical cross-entropy"
        );
    }

    #[test]
    fn ex07_regression_needs_one_output_neuron_per_predicted_value(task in regression()) {
        let Task::Regression { outputs, .. } = task else { unreachable!() };
        let layer = output_layer(&task);
        prop_assert_eq!(
            layer.neurons, outputs,
            "a regression MLP has one output neuron per value it predicts ({:?})",
            task
        );
    }

    #[test]
    fn ex07_regression_output_activation_matches_the_target_range(task in regression()) {
        let Task::Regression { range, .. } = task else { unreachable!() };
        let layer = output_layer(&task);
        let accepted = accepted_activations(range);
        prop_assert!(
            accepted.contains(&layer.activation),
            "for {:?}, the output activation must produce exactly the values the target can \
             take: {:?} is not among the accepted {:?} (unbounded: no activation; positive: \
             ReLU or softplus; bounded: sigmoid or tanh, with the targets scaled to its range)",
            range, layer.activation, accepted
        );
    }

    #[test]
    fn ex07_regression_loss_depends_on_outliers(task in regression()) {
        let Task::Regression { outliers, .. } = task else { unreachable!() };
        let loss = output_layer(&task).loss;
        if outliers {
            prop_assert!(
                is_robust_to_outliers(loss),
                "with many outliers, squaring the errors lets a few of them dominate \
                 training: use the Huber loss (positive delta) or MAE, not {:?}",
                loss
            );
        } else {
            prop_assert_eq!(
                loss, Loss::Mse,
                "without outliers, mean squared error is the usual regression loss"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Group 2: predictions
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex07_binary_and_multilabel_predictions_are_independent_probabilities(
        (z, i, delta) in logits(1..=50usize).prop_flat_map(|z| {
            let n = z.len();
            (Just(z), 0..n, 0.5..10.0f64)
        })
    ) {
        let n = z.len();
        let task = if n == 1 { Task::Binary } else { Task::Multilabel { labels: n } };
        let layer = OutputLayer {
            neurons: n,
            activation: Activation::Sigmoid,
            loss: Loss::BinaryCrossEntropy,
        };
        let p = predict(&task, &layer, &z);
        prop_assert_eq!(p.len(), n, "one prediction per output neuron");
        for (k, &pk) in p.iter().enumerate() {
            prop_assert!(
                pk > 0.0 && pk < 1.0,
                "prediction {} is {}: a sigmoid output is a probability strictly between \
                 0 and 1 (logit {})",
                k, pk, z[k]
            );
        }

        // Raising one label's logit must raise that label's probability and
        // leave every other label untouched.
        let mut raised = z.clone();
        raised[i] += delta;
        let q = predict(&task, &layer, &raised);
        prop_assert!(
            q[i] >= p[i],
            "raising logit {} from {} to {} lowered its probability from {} to {}",
            i, z[i], raised[i], p[i], q[i]
        );
        for k in (0..n).filter(|&k| k != i) {
            prop_assert_eq!(
                q[k], p[k],
                "labels are independent: changing logit {} must not change the probability \
                 of label {} (they need not sum to 1, unlike softmax outputs)",
                i, k
            );
        }
    }

    #[test]
    fn ex07_multiclass_predictions_form_a_probability_distribution(z in logits(2..=1000usize)) {
        let classes = z.len();
        let task = Task::Multiclass { classes };
        let layer = OutputLayer {
            neurons: classes,
            activation: Activation::Softmax,
            loss: Loss::CategoricalCrossEntropy,
        };
        let p = predict(&task, &layer, &z);
        prop_assert_eq!(p.len(), classes, "one probability per class");
        prop_assert!(
            p.iter().all(|&pk| (0.0..=1.0).contains(&pk)),
            "every class probability must lie in [0, 1]: {}",
            p
        );
        prop_assert!(
            (p.sum() - 1.0).abs() < 1e-9,
            "the classes are exclusive, so their probabilities must sum to 1, not {}",
            p.sum()
        );
        let best_logit = z.argmax().0;
        prop_assert!(
            p.iter().all(|&pk| pk <= p[best_logit]),
            "softmax keeps the order of the logits: the class with the largest logit ({}) \
             must get the largest probability",
            best_logit
        );
    }

    #[test]
    fn ex07_unbounded_regression_predicts_the_raw_logits(
        (z, outliers) in (logits(1..=16usize), any::<bool>())
    ) {
        let outputs = z.len();
        let task = Task::Regression { outputs, range: OutputRange::Unbounded, outliers };
        let layer = OutputLayer { neurons: outputs, activation: Activation::Identity, loss: Loss::Mse };
        let y = predict(&task, &layer, &z);
        prop_assert_eq!(
            &y, &z,
            "an unbounded target can be any real number: with no output activation the \
             prediction is the neuron's weighted sum itself"
        );
    }

    #[test]
    fn ex07_positive_regression_predicts_no_negative_values(
        (z, activation) in (
            logits(1..=16usize),
            prop_oneof![Just(Activation::Relu), Just(Activation::Softplus)],
        )
    ) {
        let outputs = z.len();
        let task = Task::Regression { outputs, range: OutputRange::Positive, outliers: false };
        let layer = OutputLayer { neurons: outputs, activation, loss: Loss::Mse };
        let y = predict(&task, &layer, &z);
        prop_assert_eq!(y.len(), outputs, "one prediction per output neuron");
        for (k, &yk) in y.iter().enumerate() {
            prop_assert!(
                yk >= 0.0,
                "with {:?} the prediction for a positive target must never be negative, but \
                 output {} is {} (logit {})",
                activation, k, yk, z[k]
            );
        }
        prop_assert_eq!(
            y, activation.apply(&z),
            "a positive target needs no rescaling: the prediction is the activation's output"
        );
    }

    #[test]
    fn ex07_bounded_regression_predictions_span_low_to_high(
        (z, activation, low, width) in (
            logits(1..=16usize),
            prop_oneof![Just(Activation::Sigmoid), Just(Activation::Tanh)],
            -1e4..1e4f64,
            1e-2..1e4f64,
        )
    ) {
        let high = low + width;
        let range = OutputRange::Bounded { low, high };
        let eps = 1e-9 * (low.abs() + high.abs() + 1.0);

        // The random logits, followed by three landmarks: very negative,
        // zero and very positive.
        let mut all = z.iter().copied().collect::<Vec<_>>();
        all.extend([-40.0, 0.0, 40.0]);
        let outputs = all.len();
        let z = DVector::from_vec(all);
        let task = Task::Regression { outputs, range, outliers: false };
        let layer = OutputLayer { neurons: outputs, activation, loss: Loss::Mse };
        let y = predict(&task, &layer, &z);
        prop_assert_eq!(y.len(), outputs, "one prediction per output neuron");
        for (k, &yk) in y.iter().enumerate() {
            prop_assert!(
                yk >= low - eps && yk <= high + eps,
                "with {:?}, output {} is {} for logit {}: the network was trained on targets \
                 scaled to the activation's range, so its outputs must be scaled back onto \
                 [{}, {}]",
                activation, k, yk, z[k], low, high
            );
        }
        let (bottom, middle, top) = (y[outputs - 3], y[outputs - 2], y[outputs - 1]);
        prop_assert!(
            (bottom - low).abs() <= eps && (top - high).abs() <= eps,
            "with {:?}, a saturated output must reach the ends of the range: logits -40 and \
             40 gave {} and {}, expected {} and {} (sigmoid spans 0 to 1, tanh -1 to 1)",
            activation, bottom, top, low, high
        );
        prop_assert!(
            (middle - (low + high) / 2.0).abs() <= eps,
            "with {:?}, logit 0 sits at the middle of the activation's range, so it must \
             predict the middle of [{}, {}], not {}",
            activation, low, high, middle
        );
    }
}

//! The hand-derived gradients of `backprop.rs` against central finite
//! differences, on random networks, activations, losses and batches.

use mlp::{Activation, Loss, Mlp, Targets, Workspace};
use nalgebra::DMatrix;
use proptest::prelude::*;

/// The output layer and loss pairs of Tables 10-1 and 10-2, and a few more.
#[derive(Clone, Copy, Debug)]
enum Head {
    Regression(Activation, Loss),
    Binary,
    MulticlassOneHot,
    MulticlassSparse,
}

fn head() -> impl Strategy<Value = Head> {
    prop_oneof![
        Just(Head::Regression(Activation::Identity, Loss::Mse)),
        Just(Head::Regression(Activation::Identity, Loss::HalfMse)),
        Just(Head::Regression(Activation::Identity, Loss::Huber { delta: 1.0 })),
        Just(Head::Regression(Activation::Softplus, Loss::Mse)),
        Just(Head::Regression(Activation::Tanh, Loss::Mae)),
        Just(Head::Regression(Activation::Sigmoid, Loss::BinaryCrossEntropy)),
        Just(Head::Binary),
        Just(Head::MulticlassOneHot),
        Just(Head::MulticlassSparse),
    ]
}

fn hidden() -> impl Strategy<Value = Activation> {
    prop_oneof![
        Just(Activation::Sigmoid),
        Just(Activation::Tanh),
        Just(Activation::Relu),
        Just(Activation::Softplus),
        Just(Activation::Identity),
    ]
}

/// A random case: layer sizes, activations, a batch and its targets.
#[derive(Clone, Debug)]
struct Case {
    sizes: Vec<usize>,
    hidden: Activation,
    head: Head,
    x: DMatrix<f64>,
    y: DMatrix<f64>,
    labels: Vec<usize>,
    alpha: f64,
    seed: u64,
}

fn case() -> impl Strategy<Value = Case> {
    (proptest::collection::vec(1usize..17, 2..10), hidden(), head(), 1usize..9, any::<u64>(), 0.0f64..0.1)
        .prop_flat_map(|(mut sizes, hidden, head, batch, seed, alpha)| {
            let last = sizes.len() - 1;
            if matches!(head, Head::MulticlassOneHot | Head::MulticlassSparse) {
                sizes[last] = sizes[last].max(2);
            }
            let (inputs, outputs) = (sizes[0], sizes[last]);
            let x = proptest::collection::vec(-2.0f64..2.0, batch * inputs);
            let labels = proptest::collection::vec(0..outputs, batch);
            let values = proptest::collection::vec(-1.5f64..1.5, batch * outputs);
            (x, labels, values).prop_map(move |(x, labels, values)| {
                let y = match head {
                    Head::Regression(Activation::Sigmoid, _) | Head::Binary => {
                        DMatrix::from_fn(batch, outputs, |r, c| {
                            f64::from(u8::from(values[r * outputs + c] > 0.0))
                        })
                    }
                    Head::MulticlassOneHot | Head::MulticlassSparse => {
                        DMatrix::from_fn(batch, outputs, |r, c| f64::from(u8::from(labels[r] == c)))
                    }
                    Head::Regression(Activation::Softplus, _) => {
                        DMatrix::from_fn(batch, outputs, |r, c| values[r * outputs + c].abs())
                    }
                    Head::Regression(..) => DMatrix::from_fn(batch, outputs, |r, c| values[r * outputs + c]),
                };
                Case {
                    sizes: sizes.clone(),
                    hidden,
                    head,
                    x: DMatrix::from_row_slice(batch, inputs, &x),
                    y,
                    labels,
                    alpha,
                    seed,
                }
            })
        })
}

impl Case {
    fn head(&self) -> (Activation, Loss) {
        match self.head {
            Head::Regression(a, l) => (a, l),
            Head::Binary => (Activation::Sigmoid, Loss::BinaryCrossEntropy),
            Head::MulticlassOneHot | Head::MulticlassSparse => {
                (Activation::Softmax, Loss::CategoricalCrossEntropy)
            }
        }
    }

    fn targets(&self) -> Targets<'_, f64> {
        match self.head {
            Head::MulticlassSparse => Targets::Sparse(&self.labels),
            _ => Targets::Dense(&self.y),
        }
    }
}

/// True when some hidden weighted sum sits near a kink (ReLU at 0) or a
/// residual near a kink of the loss (MAE, Huber): finite differences are
/// meaningless there.
fn near_a_kink(mlp: &Mlp, case: &Case) -> bool {
    let mut ws = Workspace::default();
    mlp.forward(&case.x, &mut ws).unwrap();
    let relu_kink = case.hidden == Activation::Relu
        && ws.activations()[..mlp.layers.len() - 1].iter().any(|a| a.iter().any(|&v| v > 0.0 && v < 1e-4));
    let relu_zero = if case.hidden == Activation::Relu {
        // z slightly below 0 gives a = 0: recompute z to see it.
        let mut input = case.x.clone();
        let mut near = false;
        for layer in &mlp.layers[..mlp.layers.len() - 1] {
            let z = mcculloch_pitts::affine(&input, &layer.w, &layer.b).unwrap();
            near |= z.iter().any(|v| v.abs() < 1e-4);
            input = z.map(|v| v.max(0.0));
        }
        near
    } else {
        false
    };
    let out = ws.output().unwrap();
    let residual_kink = matches!(case.head, Head::Regression(_, Loss::Mae | Loss::Huber { .. }))
        && out
            .iter()
            .zip(case.y.iter())
            .any(|(a, y)| ((a - y).abs() - 1.0).abs() < 1e-4 || (a - y).abs() < 1e-4);
    relu_kink || relu_zero || residual_kink
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn backprop_equals_central_finite_differences(case in case()) {
        let (output, loss) = case.head();
        let mut mlp = Mlp::new(&case.sizes, case.hidden, output, case.seed).unwrap();
        prop_assume!(!near_a_kink(&mlp, &case));
        let y = case.targets();
        let (_, grads) = mlp.loss_and_gradients(&case.x, y, loss, case.alpha).unwrap();
        let h = 1e-6;
        for l in 0..mlp.layers.len() {
            // ANCHOR: finite_differences
            for i in 0..mlp.layers[l].w.len() {
                let original = mlp.layers[l].w[i];
                mlp.layers[l].w[i] = original + h;
                let plus = mlp.loss(&case.x, y, loss, case.alpha).unwrap();
                mlp.layers[l].w[i] = original - h;
                let minus = mlp.loss(&case.x, y, loss, case.alpha).unwrap();
                mlp.layers[l].w[i] = original;
                let numeric = (plus - minus) / (2.0 * h);
                let exact = grads.w[l][i];
                prop_assert!(
                    (numeric - exact).abs() <= 1e-5 * numeric.abs().max(exact.abs()).max(1e-2),
                    "layer {l} weight {i}: backprop {exact}, finite differences {numeric}"
                );
            }
            // ANCHOR_END: finite_differences
            for j in 0..mlp.layers[l].b.len() {
                let original = mlp.layers[l].b[j];
                mlp.layers[l].b[j] = original + h;
                let plus = mlp.loss(&case.x, y, loss, case.alpha).unwrap();
                mlp.layers[l].b[j] = original - h;
                let minus = mlp.loss(&case.x, y, loss, case.alpha).unwrap();
                mlp.layers[l].b[j] = original;
                let numeric = (plus - minus) / (2.0 * h);
                let exact = grads.b[l][j];
                prop_assert!(
                    (numeric - exact).abs() <= 1e-5 * numeric.abs().max(exact.abs()).max(1e-2),
                    "layer {l} bias {j}: backprop {exact}, finite differences {numeric}"
                );
            }
        }
    }

    #[test]
    fn losses_are_non_negative_and_zero_at_a_perfect_prediction(case in case()) {
        let (output, loss) = case.head();
        let mlp = Mlp::new(&case.sizes, case.hidden, output, case.seed).unwrap();
        let value = mlp.loss(&case.x, case.targets(), loss, 0.0).unwrap();
        prop_assert!(value >= 0.0 && value.is_finite(), "{value}");
        if let Head::Regression(_, l @ (Loss::Mse | Loss::HalfMse | Loss::Mae | Loss::Huber { .. })) = case.head {
            // Predicting the targets themselves.
            let a = case.y.clone();
            prop_assert_eq!(l.value(Activation::Identity, &a, &a, Targets::Dense(&case.y)).unwrap(), 0.0);
        }
    }

    #[test]
    fn a_small_step_against_the_gradient_lowers_the_loss(case in case()) {
        let (output, loss) = case.head();
        let mut mlp = Mlp::new(&case.sizes, case.hidden, output, case.seed).unwrap();
        prop_assume!(!near_a_kink(&mlp, &case));
        let y = case.targets();
        let (before, grads) = mlp.loss_and_gradients(&case.x, y, loss, case.alpha).unwrap();
        let norm2: f64 = grads.w.iter().map(|g| g.norm_squared()).sum::<f64>()
            + grads.b.iter().map(|g| g.norm_squared()).sum::<f64>();
        prop_assume!(norm2 > 1e-12);
        let eta = 1e-4 / norm2.sqrt().max(1.0);
        for (layer, (gw, gb)) in mlp.layers.iter_mut().zip(grads.w.iter().zip(&grads.b)) {
            layer.w -= gw * eta;
            layer.b -= gb * eta;
        }
        let after = mlp.loss(&case.x, y, loss, case.alpha).unwrap();
        prop_assert!(after < before, "loss went from {before} to {after}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Class and sample weights: the weighted loss is Σ wᵢ·lossᵢ / m, and
    /// its gradient is each instance's own gradient times its weight, / m.
    #[test]
    fn weighted_losses_weigh_each_instance(case in case(), weights in proptest::collection::vec(0.0f64..3.0, 8)) {
        let (act, loss) = case.head();
        let (m, k) = case.y.shape();
        let z = nalgebra::DMatrix::from_fn(m, k, |r, c| ((3 * r + 7 * c + case.seed as usize) as f64).sin() * 2.0);
        let mut a = z.clone();
        act.forward_mut(&mut a);
        let w: Vec<f64> = (0..m).map(|r| weights[r % weights.len()]).collect();
        let value = loss.weighted_value(act, &z, &a, case.targets(), Some(&w)).unwrap();
        let mut dz = nalgebra::DMatrix::zeros(0, 0);
        loss.weighted_gradient(act, &z, &a, case.targets(), Some(&w), &mut dz).unwrap();
        let mut expected = 0.0;
        for r in 0..m {
            let (zr, ar) = (z.rows(r, 1).into_owned(), a.rows(r, 1).into_owned());
            let yr = case.y.rows(r, 1).into_owned();
            let label = [case.labels.get(r).copied().unwrap_or(0)];
            let target = match case.head {
                Head::MulticlassSparse => Targets::Sparse(&label),
                _ => Targets::Dense(&yr),
            };
            expected += w[r] * loss.value(act, &zr, &ar, target).unwrap();
            let mut row_grad = nalgebra::DMatrix::zeros(0, 0);
            loss.gradient(act, &zr, &ar, target, &mut row_grad).unwrap();
            for c in 0..k {
                let want = w[r] * row_grad[(0, c)] / m as f64;
                prop_assert!((dz[(r, c)] - want).abs() <= 1e-12 * (1.0 + want.abs()), "row {r}: {} vs {want}", dz[(r, c)]);
            }
        }
        expected /= m as f64;
        prop_assert!((value - expected).abs() <= 1e-12 * (1.0 + expected.abs()), "{value} vs {expected}");
        // Unit weights change nothing.
        let ones = vec![1.0; m];
        prop_assert_eq!(
            loss.weighted_value(act, &z, &a, case.targets(), Some(&ones)).unwrap(),
            loss.value(act, &z, &a, case.targets()).unwrap()
        );
    }
}

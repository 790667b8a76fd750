//! The perceptron learning rule (Equation 10-3), one instance at a time.
//!
//! Rosenblatt's rule is inspired by Hebb's: a connection is reinforced when
//! it helps give the right answer. The perceptron sees one training
//! instance, makes its predictions, and corrects every output unit that got
//! it wrong:
//!
//! $$w_{i,j}^{(\text{next step})} = w_{i,j} + \eta\,(y_j - \hat{y}_j)\,x_i$$
//!
//! where `x_i` is input `i` of the instance, `ŷ_j` the output of unit `j`,
//! `y_j` its target output and `η` the learning rate. The bias `b_j` moves
//! the same way, as the weight of an input that is always 1. A unit that was
//! right (`y_j = ŷ_j`) is left alone; a unit that should have fired moves
//! its weights toward the instance, one that should not have moves them
//! away.
//!
//! As in scikit-learn, a unit whose weighted sum is exactly zero is treated
//! as undecided and corrected toward its target. This only matters when a
//! unit sits exactly on its boundary, as every unit does at the start, when
//! all weights are zero.
//!
//! ```
//! use perceptron::{Layer, Step, learning_rule};
//! let mut layer = Layer::zeros(2, 1, Step::Heaviside);
//! // The unit should fire for (1, 2): it is moved toward it.
//! assert!(learning_rule::learn(&mut layer, &[1.0, 2.0], &[true], 0.5)?);
//! assert_eq!(layer.weights.as_slice(), &[0.5, 1.0]);
//! assert_eq!(layer.bias[0], 0.5);
//! // Now it does: nothing changes.
//! assert!(!learning_rule::learn(&mut layer, &[1.0, 2.0], &[true], 0.5)?);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use mcculloch_pitts::ShapeError;

use crate::tlu::dot;
use crate::{Layer, PerceptronError, Result};

/// Applies Equation 10-3 to `layer` for one instance `x` whose target
/// outputs are `y` (`true`: the unit should fire), with learning rate
/// `eta`. Returns whether any weight changed.
///
/// # Errors
/// [`ShapeError`] if `x` does not have one value per input of the layer or
/// `y` one target per unit; [`PerceptronError::InvalidOption`] if `eta` is
/// not a positive finite number.
pub fn learn(layer: &mut Layer, x: &[f64], y: &[bool], eta: f64) -> Result<bool> {
    if x.len() != layer.inputs() || y.len() != layer.units() {
        return Err(ShapeError {
            operation: "perceptron learning rule",
            detail: format!(
                "the layer has {} inputs and {} units, but the instance has {} inputs and {} targets",
                layer.inputs(),
                layer.units(),
                x.len(),
                y.len()
            ),
        }
        .into());
    }
    if !(eta.is_finite() && eta > 0.0) {
        return Err(PerceptronError::InvalidOption {
            name: "eta0",
            value: eta.to_string(),
            reason: "the learning rate must be a positive finite number",
        });
    }
    let targets: Vec<f64> = y.iter().map(|&fires| if fires { 1.0 } else { -1.0 }).collect();
    let correction = correct(layer.weights.as_mut_slice(), layer.bias.as_mut_slice(), true, x, &targets, eta);
    Ok(correction.updates > 0)
}

/// What the rule did for one instance.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Correction {
    /// How many units were corrected.
    pub(crate) updates: usize,
    /// The perceptron loss of the instance before the correction:
    /// `Σⱼ max(0, −tⱼ zⱼ)`, how far the wrong units were on the wrong side.
    pub(crate) loss: f64,
    /// Whether the layer misclassified the instance before the correction:
    /// for one unit, its step output is wrong; for several (one-vs-rest),
    /// the unit with the largest `z` is not the target class.
    pub(crate) misclassified: bool,
}

/// The rule on raw parameters, as the trainer keeps them: `weights` holds
/// the units' weight vectors one after the other (the column-major storage
/// of `W`), `bias` one entry per unit, and `targets` is `+1` for a unit that
/// should fire and `−1` for one that should not. No allocation, no checks:
/// the callers guarantee the lengths.
pub(crate) fn correct(
    weights: &mut [f64],
    bias: &mut [f64],
    fit_intercept: bool,
    x: &[f64],
    targets: &[f64],
    eta: f64,
) -> Correction {
    let mut correction = Correction::default();
    let (mut best_z, mut best_unit, mut target_unit) = (f64::NEG_INFINITY, 0, 0);
    let units = weights.chunks_exact_mut(x.len()).zip(bias.iter_mut()).zip(targets);
    for (j, ((w_j, b_j), &t_j)) in units.enumerate() {
        let z = dot(w_j, x) + *b_j;
        if z > best_z {
            (best_z, best_unit) = (z, j);
        }
        if t_j > 0.0 {
            target_unit = j;
        }
        // ANCHOR: learning_rule
        // t_j · z ≤ 0: unit j is wrong, or undecided (z = 0).
        if t_j * z <= 0.0 {
            // y_j − ŷ_j is +1 if the unit should have fired, −1 if not: t_j.
            let step = eta * t_j;
            for (w_ij, &x_i) in w_j.iter_mut().zip(x) {
                *w_ij += step * x_i;
            }
            if fit_intercept {
                *b_j += step;
            }
            correction.updates += 1;
            correction.loss -= t_j * z;
        }
        // ANCHOR_END: learning_rule
    }
    correction.misclassified = match targets {
        [t] => (*t > 0.0) != (best_z >= 0.0),
        _ => best_unit != target_unit,
    };
    correction
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Step;

    #[test]
    fn only_wrong_units_move() {
        let mut layer = Layer::zeros(2, 2, Step::Heaviside);
        layer.bias[0] = 1.0; // unit 0 fires already, unit 1 is undecided
        let changed = learn(&mut layer, &[2.0, -1.0], &[true, false], 1.0).unwrap();
        assert!(changed);
        assert_eq!(layer.weights.column(0).as_slice(), &[0.0, 0.0]);
        assert_eq!(layer.weights.column(1).as_slice(), &[-2.0, 1.0]);
        assert_eq!(layer.bias.as_slice(), &[1.0, -1.0]);
    }

    #[test]
    fn loss_and_misclassification_are_measured_before_the_update() {
        let (mut w, mut b) = (vec![1.0, 0.0, 0.0, 1.0], vec![0.0, 0.0]);
        // Class 1 is the target, but unit 0 has the larger z.
        let c = correct(&mut w, &mut b, false, &[3.0, 1.0], &[-1.0, 1.0], 1.0);
        assert_eq!((c.updates, c.loss, c.misclassified), (1, 3.0, true));
        assert_eq!((w, b), (vec![-2.0, -1.0, 0.0, 1.0], vec![0.0, 0.0]));
    }

    #[test]
    fn bad_shapes_and_rates_are_errors() {
        let mut layer = Layer::zeros(2, 1, Step::Heaviside);
        assert!(learn(&mut layer, &[1.0], &[true], 1.0).is_err());
        assert!(learn(&mut layer, &[1.0, 2.0], &[true, false], 1.0).is_err());
        let err = learn(&mut layer, &[1.0, 2.0], &[true], 0.0).unwrap_err();
        assert!(err.to_string().contains("eta0"), "{err}");
    }
}

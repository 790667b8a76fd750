//! Activation functions and their derivatives (Figure 10-8).
//!
//! Backpropagation needs an activation with a useful derivative: the step
//! of the perceptron has derivative 0 almost everywhere, so gradient
//! descent gets no signal through it. The sigmoid (logistic) function was
//! the key change; tanh and ReLU followed.
//!
//! | activation | φ(z) | φ′(z) |
//! |---|---|---|
//! | identity | z | 1 |
//! | heaviside | 0 if z < 0, else 1 | 0 (undefined at 0) |
//! | sigmoid | 1 / (1 + e^(−z)) | σ(z)(1 − σ(z)) |
//! | tanh | tanh z = 2σ(2z) − 1 | 1 − tanh² z |
//! | ReLU | max(0, z) | 0 if z ≤ 0, else 1 |
//! | softplus | ln(1 + e^z) | σ(z) |
//! | softmax (per row) | e^(z_i) / Σ_k e^(z_k) | Jacobian a_i (δ_ik − a_k) |
//!
//! Every function is written to stay finite for any finite `z` (the tests
//! go to |z| = 10⁴), and is generic over `f32` and `f64`, so the later
//! stages reuse these kernels.
//!
//! ```
//! use mlp::Activation;
//! assert_eq!(Activation::Sigmoid.value(0.0), 0.5);
//! assert_eq!(Activation::Sigmoid.derivative(0.0), 0.25);
//! assert_eq!(Activation::Relu.value(-3.0f32), 0.0);
//! assert!(Activation::Softplus.value(1e4f64).is_finite());
//! ```

use nalgebra::{DMatrix, RealField};
use serde::{Deserialize, Serialize};

/// The activation functions of the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// φ(z) = z: no activation (regression outputs).
    Identity,
    /// The step of the perceptron (Equation 10-1), from stage 1.
    Heaviside,
    /// The logistic function σ(z) = 1 / (1 + e^(−z)).
    Sigmoid,
    /// The hyperbolic tangent, 2σ(2z) − 1.
    Tanh,
    /// The rectified linear unit, max(0, z).
    Relu,
    /// A smooth ReLU, ln(1 + e^z).
    Softplus,
    /// Row-wise exponentials normalised to sum to 1 (multiclass outputs).
    Softmax,
}

// ANCHOR: stable_sigmoid_softplus
/// The logistic function, computed so that `e^x` never overflows.
pub fn sigmoid<T: RealField + Copy>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::one() + e)
    }
}

/// `ln(1 + e^z)` as `max(z, 0) + ln(1 + e^(−|z|))`, finite for any finite z.
pub fn softplus<T: RealField + Copy>(z: T) -> T {
    z.max(T::zero()) + (-z.abs()).exp().ln_1p()
}
// ANCHOR_END: stable_sigmoid_softplus

impl Activation {
    /// Every activation, in the order of Figure 10-8 and then the others.
    pub const ALL: [Activation; 7] = [
        Activation::Heaviside,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Softplus,
        Activation::Identity,
        Activation::Softmax,
    ];

    /// The name scikit-learn and Keras use (`"logistic"` is accepted for
    /// the sigmoid when parsing).
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Heaviside => "heaviside",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Softplus => "softplus",
            Activation::Softmax => "softmax",
        }
    }

    /// Parses a name as [`Activation::name`] gives it (also `logistic`, `linear`).
    pub fn from_name(name: &str) -> Option<Activation> {
        match name {
            "logistic" => Some(Activation::Sigmoid),
            "linear" | "none" => Some(Activation::Identity),
            "step" => Some(Activation::Heaviside),
            _ => Activation::ALL.into_iter().find(|a| a.name() == name),
        }
    }

    /// True for the activations that act on each entry alone (all but softmax).
    pub fn is_elementwise(self) -> bool {
        self != Activation::Softmax
    }

    /// φ(z) for one value. Softmax of a single value is 1.
    pub fn value<T: RealField + Copy>(self, z: T) -> T {
        match self {
            Activation::Identity => z,
            Activation::Heaviside => mcculloch_pitts::heaviside(z),
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(T::zero()),
            Activation::Softplus => softplus(z),
            Activation::Softmax => T::one(),
        }
    }

    /// φ′(z) for one value. At the kinks the conventions are those of the
    /// libraries: heaviside′(0) = 0 and ReLU′(0) = 0. For softmax, whose
    /// derivative is a Jacobian, this is the diagonal term for a single
    /// value, 0.
    pub fn derivative<T: RealField + Copy>(self, z: T) -> T {
        match self {
            Activation::Identity => T::one(),
            Activation::Heaviside | Activation::Softmax => T::zero(),
            Activation::Sigmoid => {
                let s = sigmoid(z);
                s * (T::one() - s)
            }
            Activation::Tanh => {
                let t = z.tanh();
                T::one() - t * t
            }
            Activation::Relu => {
                if z > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::Softplus => sigmoid(z),
        }
    }

    /// φ′ expressed from the output `a = φ(z)` where that is cheaper than
    /// from `z` (sigmoid: a(1 − a); tanh: 1 − a²; ReLU: a > 0).
    fn derivative_from_output<T: RealField + Copy>(self, z: T, a: T) -> T {
        match self {
            Activation::Sigmoid => a * (T::one() - a),
            Activation::Tanh => T::one() - a * a,
            Activation::Relu => {
                if a > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            _ => self.derivative(z),
        }
    }

    /// `a = φ(z)` for a batch, written into `a` (resized only if its shape
    /// differs). Softmax acts on each row, through the largest entry of the
    /// row so that no exponential overflows.
    pub fn forward<T: RealField + Copy>(self, z: &DMatrix<T>, a: &mut DMatrix<T>) {
        if a.shape() != z.shape() {
            *a = z.clone();
        } else {
            a.copy_from(z);
        }
        self.forward_mut(a);
    }

    /// `φ` applied in place. Each activation has its own loop over the
    /// contiguous storage, so the choice of function is made once per
    /// matrix, not once per entry.
    pub fn forward_mut<T: RealField + Copy>(self, a: &mut DMatrix<T>) {
        let values = a.as_mut_slice();
        match self {
            Activation::Identity => {}
            Activation::Softmax => softmax_rows_mut(a),
            Activation::Relu => values.iter_mut().for_each(|v| *v = v.max(T::zero())),
            Activation::Sigmoid => values.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Activation::Tanh => values.iter_mut().for_each(|v| *v = v.tanh()),
            Activation::Softplus => values.iter_mut().for_each(|v| *v = softplus(*v)),
            Activation::Heaviside => values.iter_mut().for_each(|v| *v = mcculloch_pitts::heaviside(*v)),
        }
    }

    /// Backpropagates through the activation: turns `grad`, holding
    /// ∂L/∂a on entry, into ∂L/∂z, given the layer's `z` and `a = φ(z)`.
    /// Elementwise: ∂L/∂z = ∂L/∂a ⊙ φ′(z). Softmax, per row:
    /// ∂L/∂z_i = a_i (∂L/∂a_i − Σ_k a_k ∂L/∂a_k).
    pub fn backward_mut<T: RealField + Copy>(self, z: &DMatrix<T>, a: &DMatrix<T>, grad: &mut DMatrix<T>) {
        match self {
            Activation::Identity => {}
            Activation::Softmax => {
                for r in 0..a.nrows() {
                    let dot = (0..a.ncols()).fold(T::zero(), |s, c| s + a[(r, c)] * grad[(r, c)]);
                    for c in 0..a.ncols() {
                        grad[(r, c)] = a[(r, c)] * (grad[(r, c)] - dot);
                    }
                }
            }
            Activation::Relu => {
                // An unconditional store of a select, so that the loop
                // vectorizes instead of mispredicting a branch per entry.
                for (g, &a) in grad.as_mut_slice().iter_mut().zip(a.as_slice()) {
                    *g = if a > T::zero() { *g } else { T::zero() };
                }
            }
            Activation::Sigmoid | Activation::Tanh => {
                for (g, &a) in grad.as_mut_slice().iter_mut().zip(a.as_slice()) {
                    *g *= self.derivative_from_output(T::zero(), a);
                }
            }
            Activation::Heaviside | Activation::Softplus => {
                for (g, &z) in grad.as_mut_slice().iter_mut().zip(z.as_slice()) {
                    *g *= self.derivative(z);
                }
            }
        }
    }
}

// ANCHOR: softmax_log_sum_exp
/// Softmax of every row, in place: `e^(z − max)` normalised, so the largest
/// exponent is 0 and nothing overflows.
pub fn softmax_rows_mut<T: RealField + Copy>(z: &mut DMatrix<T>) {
    for mut row in z.row_iter_mut() {
        let max = row.iter().fold(T::min_value().unwrap_or(-T::one()), |m, &v| m.max(v));
        row.apply(|v| *v = (*v - max).exp());
        let sum = row.sum();
        row.apply(|v| *v /= sum);
    }
}

/// `ln Σ_k e^(z_k)` of one row, through its largest entry (log-sum-exp).
pub fn log_sum_exp<T: RealField + Copy>(row: impl Iterator<Item = T> + Clone) -> T {
    let max = row.clone().fold(T::min_value().unwrap_or(-T::one()), |m, v| m.max(v));
    max + row.fold(T::zero(), |s, v| s + (v - max).exp()).ln()
}
// ANCHOR_END: softmax_log_sum_exp

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_round_trip() {
        for a in Activation::ALL {
            assert_eq!(Activation::from_name(a.name()), Some(a));
        }
        assert_eq!(Activation::from_name("logistic"), Some(Activation::Sigmoid));
        assert_eq!(Activation::from_name("swish"), None);
    }

    proptest! {
        #[test]
        fn values_and_derivatives_stay_finite(z in -1e4f64..1e4) {
            for a in Activation::ALL {
                prop_assert!(a.value(z).is_finite(), "{:?}({z})", a);
                prop_assert!(a.derivative(z).is_finite(), "{:?}'({z})", a);
            }
            prop_assert!((0.0..=1.0).contains(&sigmoid(z)));
            prop_assert!(softplus(z) >= z.max(0.0));
        }

        #[test]
        fn derivatives_match_finite_differences(z in -8.0f64..8.0) {
            let h = 1e-6;
            for a in [Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::Softplus] {
                let numeric = (a.value(z + h) - a.value(z - h)) / (2.0 * h);
                prop_assert!((numeric - a.derivative(z)).abs() < 1e-6, "{:?} at {z}", a);
            }
            prop_assume!(z.abs() > 1e-3);
            let numeric = (Activation::Relu.value(z + h) - Activation::Relu.value(z - h)) / (2.0 * h);
            prop_assert!((numeric - Activation::Relu.derivative(z)).abs() < 1e-6);
        }

        #[test]
        fn softmax_rows_sum_to_one(values in proptest::collection::vec(-1e4f64..1e4, 1..40), cols in 1usize..8) {
            let rows = values.len().div_ceil(cols);
            let mut z = DMatrix::from_fn(rows, cols, |r, c| values[(r * cols + c) % values.len()]);
            softmax_rows_mut(&mut z);
            for row in z.row_iter() {
                prop_assert!((row.sum() - 1.0).abs() < 1e-12);
                prop_assert!(row.iter().all(|&p| (0.0..=1.0).contains(&p)));
            }
        }
    }
}

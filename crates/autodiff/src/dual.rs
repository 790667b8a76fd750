//! Forward-mode automatic differentiation with dual numbers, for contrast
//! with the tape's reverse mode.
//!
//! A dual number `a + bε` carries a value `a` and a derivative `b`, with the
//! rule `ε² = 0`. Then `f(a + bε) = f(a) + f′(a)·b·ε` for every smooth `f`
//! (Taylor's formula stops after the first-order term), so evaluating a
//! function on dual numbers applies the chain rule as it goes: each
//! operation maps the (value, derivative) pairs of its inputs to the
//! (value, derivative) pair of its output, and the derivative comes out of
//! the same pass as the value. Nothing is stored, and there is no backward
//! pass.
//!
//! ```
//! use autodiff::Dual;
//! // f(x) = x² · sin x, at x = 2: f′(x) = 2x sin x + x² cos x.
//! let x = Dual::variable(2.0);
//! let f = x * x * x.sin();
//! assert_eq!(f.value, 4.0 * 2f64.sin());
//! assert!((f.derivative - (4.0 * 2f64.sin() + 4.0 * 2f64.cos())).abs() < 1e-15);
//! ```
//!
//! # One input per pass
//!
//! The derivative part is a single number: the rate of change of every
//! intermediate result along *one* direction of the input space, the one
//! the inputs' derivative parts were seeded with. Seeding input `xᵢ` with 1
//! and the others with 0 gives `∂f/∂xᵢ`, for every output at once. A
//! function of `n` inputs therefore needs `n` forward passes for its
//! gradient ([`gradient`]). Reverse mode (the [`Tape`](crate::Tape)) does
//! the opposite: one forward pass and one backward pass give the derivative
//! of *one* output with respect to *every* input, which is why it trains
//! networks (many parameters, one loss). Forward mode wins in the opposite
//! case, one input and many outputs ([`derivatives`]), where reverse mode
//! would need one backward pass per output.

use std::ops::{Add, Div, Mul, Neg, Sub};

use mlp::activation::{sigmoid, softplus};

/// `value + derivative·ε`, with `ε² = 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual {
    /// The value of the expression.
    pub value: f64,
    /// Its derivative along the direction the inputs were seeded with.
    pub derivative: f64,
}

impl Dual {
    /// `value + derivative·ε`.
    pub const fn new(value: f64, derivative: f64) -> Self {
        Dual { value, derivative }
    }

    /// The input we differentiate with respect to: `dx/dx = 1`.
    pub const fn variable(x: f64) -> Self {
        Dual::new(x, 1.0)
    }

    /// A constant, or an input held fixed: derivative 0.
    pub const fn constant(x: f64) -> Self {
        Dual::new(x, 0.0)
    }

    // ANCHOR: dual_chain
    /// The chain rule: `f(a + bε) = f(a) + f′(a)·b·ε`.
    fn chain(self, value: f64, slope: f64) -> Self {
        Dual::new(value, slope * self.derivative)
    }

    /// `tanh x`; `(tanh x)′ = 1 − tanh² x`.
    pub fn tanh(self) -> Self {
        let t = self.value.tanh();
        self.chain(t, 1.0 - t * t)
    }
    // ANCHOR_END: dual_chain

    /// `eˣ`; `(eˣ)′ = eˣ`.
    pub fn exp(self) -> Self {
        let e = self.value.exp();
        self.chain(e, e)
    }

    /// `ln x`; `(ln x)′ = 1/x`.
    pub fn ln(self) -> Self {
        self.chain(self.value.ln(), 1.0 / self.value)
    }

    /// `sin x`; `(sin x)′ = cos x`.
    pub fn sin(self) -> Self {
        self.chain(self.value.sin(), self.value.cos())
    }

    /// `cos x`; `(cos x)′ = −sin x`.
    pub fn cos(self) -> Self {
        self.chain(self.value.cos(), -self.value.sin())
    }

    /// `σ(x) = 1/(1 + e⁻ˣ)`; `σ′ = σ(1 − σ)`.
    pub fn sigmoid(self) -> Self {
        let s = sigmoid(self.value);
        self.chain(s, s * (1.0 - s))
    }

    /// `ln(1 + eˣ)`; its derivative is `σ(x)`.
    pub fn softplus(self) -> Self {
        self.chain(softplus(self.value), sigmoid(self.value))
    }

    /// `max(0, x)`; derivative 1 for `x > 0`, else 0 (0 at the kink, as the
    /// `mlp` crate and the libraries choose).
    pub fn relu(self) -> Self {
        if self.value > 0.0 { self } else { Dual::constant(0.0) }
    }

    /// `xⁿ`; `(xⁿ)′ = n·xⁿ⁻¹`.
    pub fn powi(self, n: i32) -> Self {
        let slope = if n == 0 { 0.0 } else { f64::from(n) * self.value.powi(n - 1) };
        self.chain(self.value.powi(n), slope)
    }

    /// `√x`; `(√x)′ = 1/(2√x)`.
    pub fn sqrt(self) -> Self {
        let r = self.value.sqrt();
        self.chain(r, 0.5 / r)
    }
}

impl Add for Dual {
    type Output = Dual;
    /// `(a + bε) + (c + dε) = (a + c) + (b + d)ε`.
    fn add(self, o: Dual) -> Dual {
        Dual::new(self.value + o.value, self.derivative + o.derivative)
    }
}

impl Sub for Dual {
    type Output = Dual;
    /// `(a + bε) − (c + dε) = (a − c) + (b − d)ε`.
    fn sub(self, o: Dual) -> Dual {
        Dual::new(self.value - o.value, self.derivative - o.derivative)
    }
}

// ANCHOR: dual_mul
impl Mul for Dual {
    type Output = Dual;
    /// `(a + bε)(c + dε) = ac + (ad + bc)ε`, since `ε² = 0`: the product rule.
    fn mul(self, o: Dual) -> Dual {
        Dual::new(self.value * o.value, self.value * o.derivative + self.derivative * o.value)
    }
}
// ANCHOR_END: dual_mul

impl Div for Dual {
    type Output = Dual;
    /// `(a + bε)/(c + dε) = a/c + (bc − ad)/c² ε`: the quotient rule.
    fn div(self, o: Dual) -> Dual {
        let value = self.value / o.value;
        Dual::new(value, (self.derivative - value * o.derivative) / o.value)
    }
}

impl Neg for Dual {
    type Output = Dual;
    /// `−(a + bε) = −a − bε`.
    fn neg(self) -> Dual {
        Dual::new(-self.value, -self.derivative)
    }
}

/// Arithmetic with plain numbers, which act as constants: `x * 3.0`,
/// `1.0 - x`.
macro_rules! with_f64 {
    ($($trait:ident $method:ident),*) => {$(
        impl $trait<f64> for Dual {
            type Output = Dual;
            fn $method(self, o: f64) -> Dual {
                $trait::$method(self, Dual::constant(o))
            }
        }
        impl $trait<Dual> for f64 {
            type Output = Dual;
            fn $method(self, o: Dual) -> Dual {
                $trait::$method(Dual::constant(self), o)
            }
        }
    )*};
}
with_f64!(Add add, Sub sub, Mul mul, Div div);

// ANCHOR: gradient
/// The gradient of `f` at `x` by forward mode: one pass per input, each
/// seeding that input with derivative 1 and the others with 0.
pub fn gradient(f: impl Fn(&[Dual]) -> Dual, x: &[f64]) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let seeded: Vec<Dual> =
                x.iter().enumerate().map(|(j, &v)| Dual::new(v, if i == j { 1.0 } else { 0.0 })).collect();
            f(&seeded).derivative
        })
        .collect()
}
// ANCHOR_END: gradient

/// The derivatives of all of `f`'s outputs with respect to its one input,
/// from a single forward pass: the case forward mode is made for.
pub fn derivatives(f: impl Fn(Dual) -> Vec<Dual>, x: f64) -> Vec<f64> {
    f(Dual::variable(x)).into_iter().map(|y| y.derivative).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central finite difference of `f` at `x`.
    fn numeric(f: impl Fn(Dual) -> Dual, x: f64) -> f64 {
        let h = 1e-6;
        (f(Dual::constant(x + h)).value - f(Dual::constant(x - h)).value) / (2.0 * h)
    }

    #[test]
    fn every_function_matches_a_finite_difference() {
        type F = fn(Dual) -> Dual;
        let cases: [(&str, F); 14] = [
            ("exp", |x| x.exp()),
            ("ln", |x| x.ln()),
            ("sin", |x| x.sin()),
            ("cos", |x| x.cos()),
            ("tanh", |x| x.tanh()),
            ("sigmoid", |x| x.sigmoid()),
            ("softplus", |x| x.softplus()),
            ("relu", |x| x.relu()),
            ("powi", |x| x.powi(3)),
            ("sqrt", |x| x.sqrt()),
            ("div", |x| (x + 1.0) / (x * x + 2.0)),
            ("neg", |x| -x * 2.0),
            ("sub", |x| 1.0 - x * x),
            ("mixed", |x| 3.0 / x + x.sin() * x.exp() - 2.0 * x),
        ];
        for (name, f) in cases {
            for x in [0.3, 0.8, 1.7, 2.5] {
                let (exact, approx) = (f(Dual::variable(x)).derivative, numeric(f, x));
                assert!(
                    (exact - approx).abs() < 1e-7 * exact.abs().max(1.0),
                    "{name} at {x}: {exact} vs {approx}"
                );
                assert_eq!(f(Dual::variable(x)).value, f(Dual::constant(x)).value);
            }
        }
    }

    #[test]
    fn constants_have_no_derivative_and_relu_is_zero_at_the_kink() {
        assert_eq!((Dual::constant(2.0) * 5.0).exp().derivative, 0.0);
        assert_eq!(Dual::variable(0.0).relu(), Dual::constant(0.0));
        assert_eq!(Dual::variable(-1.0).relu().derivative, 0.0);
        assert_eq!(Dual::variable(4.0).powi(0), Dual::constant(1.0));
    }

    #[test]
    fn a_gradient_takes_one_pass_per_input() {
        let passes = std::cell::Cell::new(0);
        let f = |x: &[Dual]| {
            passes.set(passes.get() + 1);
            x[0] * x[1] + x[2].sin()
        };
        let g = gradient(f, &[2.0, 3.0, 0.0]);
        assert_eq!(g, vec![3.0, 2.0, 1.0]);
        assert_eq!(passes.get(), 3);
    }

    #[test]
    fn one_pass_differentiates_every_output() {
        let d = derivatives(|x| vec![x * x, x.sin(), x.exp()], 0.0);
        assert_eq!(d, vec![0.0, 1.0, 1.0]);
    }
}

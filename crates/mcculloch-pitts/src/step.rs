//! The step functions of Equation 10-1, the activations of threshold logic
//! units:
//!
//! $$\operatorname{heaviside}(z) = \begin{cases} 0 & z < 0 \\ 1 & z \ge 0 \end{cases}
//! \qquad
//! \operatorname{sgn}(z) = \begin{cases} -1 & z < 0 \\ 0 & z = 0 \\ +1 & z > 0 \end{cases}$$
//!
//! ```
//! use mcculloch_pitts::{heaviside, sign};
//! assert_eq!([heaviside(-0.5), heaviside(0.0), heaviside(2.0)], [0.0, 1.0, 1.0]);
//! assert_eq!([sign(-0.5), sign(0.0), sign(2.0)], [-1.0, 0.0, 1.0]);
//! ```

use nalgebra::{DMatrix, RealField};

/// The Heaviside step: 0 for negative `z`, 1 otherwise (so a unit whose
/// weighted sum just reaches its threshold fires).
pub fn heaviside<T: RealField + Copy>(z: T) -> T {
    if z < T::zero() { T::zero() } else { T::one() }
}

/// The sign function: −1, 0 or +1.
pub fn sign<T: RealField + Copy>(z: T) -> T {
    if z < T::zero() {
        -T::one()
    } else if z > T::zero() {
        T::one()
    } else {
        T::zero()
    }
}

/// Applies [`heaviside`] to every entry, in place.
pub fn heaviside_mut<T: RealField + Copy>(z: &mut DMatrix<T>) {
    z.apply(|v| *v = heaviside(*v));
}

/// Applies [`sign`] to every entry, in place.
pub fn sign_mut<T: RealField + Copy>(z: &mut DMatrix<T>) {
    z.apply(|v| *v = sign(*v));
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::dmatrix;

    #[test]
    fn steps_act_entrywise() {
        let mut h = dmatrix![-3.0f32, 0.0; 0.25, -0.0];
        let mut s = h.clone();
        heaviside_mut(&mut h);
        sign_mut(&mut s);
        assert_eq!(h, dmatrix![0.0, 1.0; 1.0, 1.0]);
        assert_eq!(s, dmatrix![-1.0, 0.0; 1.0, 0.0]);
    }
}

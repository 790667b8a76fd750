//! The Gaussian-process surrogate and the acquisition of Keras Tuner's
//! `BayesianOptimization`.
//!
//! Training a model for one set of hyperparameters is expensive, so Bayesian
//! optimization does not try configurations blindly as random search does.
//! It keeps a cheap *surrogate* of the objective: a Gaussian process (GP)
//! fitted to the trials run so far. Each configuration is a point of the unit
//! box [0, 1)^d (every hyperparameter mapped to its cumulative probability)
//! and its score a target to minimize. At any new point the GP predicts a
//! Gaussian: a mean μ(x), its best guess of the score, and a standard
//! deviation σ(x), how unsure it is. Near a tried point σ is close to 0;
//! far from every tried point σ grows back to the spread of the scores.
//!
//! How alike two points' scores are is the *kernel*, here Matern ν = 5/2 of
//! the distance r between them: k(r) = (1 + √5 r/ℓ + 5r²/(3ℓ²)) exp(−√5 r/ℓ).
//! The length-scale ℓ says how far the objective stays correlated; it is
//! fitted to the data by maximizing the *log marginal likelihood*, the
//! probability density of the observed scores under the GP, which balances
//! fitting the data against the complexity of the explanation.
//!
//! The next trial is the point that minimizes the *lower confidence bound*
//! μ(x) − β·σ(x). A low μ means "the model expects a good score here"
//! (exploitation), a large σ means "nobody has looked here" (exploration);
//! β (2.6 by default in Keras Tuner) sets the balance. Taking the minimum of an
//! optimistic estimate makes the search try unexplored regions until they
//! are known to be worse, and then settle on the best one.
//!
//! Keras Tuner uses scikit-learn's `GaussianProcessRegressor(kernel=Matern(nu=2.5),
//! n_restarts_optimizer=20, normalize_y=True, alpha=alpha)` and minimizes
//! the bound with `scipy.optimize.minimize(method="L-BFGS-B")` from 50
//! uniform random starts in the box [0, 1]^d (Keras Tuner 1.4.8,
//! `keras_tuner/src/tuners/bayesian.py`: `num_restarts = 50`, whatever d). This module reproduces that behaviour:
//! the same kernel (one isotropic length-scale, no amplitude term), `alpha`
//! on the diagonal, standardized targets, and the length-scale of largest
//! log marginal likelihood in [1e-5, 1e5]; the optimizers differ (see
//! [`GaussianProcess::fit`] and [`GaussianProcess::minimize_lcb`]), the
//! optimum they look for does not.
//!
//! ```
//! use rand::SeedableRng;
//! use tuning::gaussian_process::GaussianProcess;
//!
//! // Five evaluations of a 1-D objective.
//! let f = |x: f64| (6.0 * x).sin();
//! let x: Vec<Vec<f64>> = [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|&v| vec![v]).collect();
//! let y: Vec<f64> = x.iter().map(|p| f(p[0])).collect();
//! let gp = GaussianProcess::fit(&x, &y, 1e-4)?;
//!
//! // Next to a training point the surrogate knows the value, and is sure of it.
//! let (mean, std) = gp.predict(&[0.51]);
//! assert!((mean - f(0.51)).abs() < 0.05, "mean {mean}");
//! assert!(std < 0.05, "std {std}");
//!
//! // The next point to try, reproducible from the seed.
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
//! let next = gp.minimize_lcb(2.6, 50, &mut rng);
//! assert!(next[0] >= 0.0 && next[0] < 1.0);
//! # Ok::<(), tuning::gaussian_process::GpError>(())
//! ```

use nalgebra::{DMatrix, DVector};

/// Bounds of the length-scale, scikit-learn's default `length_scale_bounds`.
const LENGTH_SCALE_BOUNDS: (f64, f64) = (1e-5, 1e5);
/// Points of the grid over log ℓ that brackets the maxima of the likelihood
/// (odd, so that ℓ = 1, scikit-learn's initial value, is on it).
const GRID_POINTS: usize = 161;
/// How many of the best local maxima of the grid are refined.
const REFINED_PEAKS: usize = 3;
/// Width in log ℓ at which golden-section refinement stops.
const LOG_LENGTH_SCALE_TOLERANCE: f64 = 1e-9;
/// Largest coordinate returned by [`GaussianProcess::minimize_lcb`]: the box is
/// [0, 1) so that a probability never maps one past the last value.
const MAX_COORDINATE: f64 = 1.0 - 1e-9;
/// Largest diagonal jitter tried when the kernel matrix is not numerically
/// positive definite.
const MAX_JITTER: f64 = 1e-2;
/// Iterations of the bounded local optimizer from each start.
const MAX_LOCAL_ITERATIONS: usize = 200;
/// The local optimizer stops when the projected gradient is this small (as
/// L-BFGS-B's `pgtol`, on the standardized scale).
const PROJECTED_GRADIENT_TOLERANCE: f64 = 1e-7;
/// ... or when an iteration improves the bound by this relative amount
/// (L-BFGS-B's default `ftol`).
const RELATIVE_DECREASE_TOLERANCE: f64 = 2.220446049250313e-09;

/// Why a Gaussian process could not be fitted.
#[derive(Debug, thiserror::Error)]
pub enum GpError {
    /// `fit` was given no points.
    #[error("cannot fit a Gaussian process to no points")]
    NoPoints,
    /// There are not as many targets as points.
    #[error("{points} points but {targets} targets")]
    LengthMismatch {
        /// Number of points.
        points: usize,
        /// Number of targets.
        targets: usize,
    },
    /// A point's dimension differs from the first point's.
    #[error("point {index} has {found} coordinates, but point 0 has {expected}")]
    DimensionMismatch {
        /// Index of the offending point.
        index: usize,
        /// Dimension of point 0.
        expected: usize,
        /// Dimension of the offending point.
        found: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("point {index} has a non-finite coordinate {value} at position {coordinate}")]
    NonFinitePoint {
        /// Index of the offending point.
        index: usize,
        /// Position of the coordinate in the point.
        coordinate: usize,
        /// The coordinate.
        value: f64,
    },
    /// A target is NaN or infinite. (Keras Tuner 1.4.8 replaces NaN and ±inf
    /// scores and coordinates by 0, `np.nan_to_num(posinf=0, neginf=0)`,
    /// before fitting: a caller that wants the same does it first.)
    #[error("the target of point {index} is not finite: {value}")]
    NonFiniteTarget {
        /// Index of the offending point.
        index: usize,
        /// The target.
        value: f64,
    },
    /// `alpha` is negative or not finite.
    #[error("alpha must be finite and non-negative, got {0}")]
    InvalidAlpha(f64),
    /// The kernel matrix could not be factorized even with jitter (only
    /// reachable with extreme coordinates).
    #[error("the kernel matrix is not positive definite, even with a jitter of {MAX_JITTER} on its diagonal")]
    NotPositiveDefinite,
}

/// A Gaussian process regressor with a Matern 5/2 kernel of one fitted
/// length-scale, fitted to standardized targets: the surrogate of Keras
/// Tuner's `BayesianOptimizationOracle`.
#[derive(Debug, Clone)]
pub struct GaussianProcess {
    /// The training points, row after row.
    points: Vec<f64>,
    /// Dimension of the points.
    dim: usize,
    /// Fitted length-scale ℓ.
    length_scale: f64,
    /// Mean of the targets.
    y_mean: f64,
    /// Standard deviation of the targets (1 if they are constant).
    y_std: f64,
    /// Factorization of the kernel matrix at ℓ.
    factor: Factor,
}

/// The Cholesky factorization of K + (α + jitter)·I and what follows from it.
#[derive(Debug, Clone)]
struct Factor {
    /// Lower-triangular L with L·Lᵀ = K + (α + jitter)·I.
    l: DMatrix<f64>,
    /// (K + (α + jitter)·I)⁻¹ · y, y standardized.
    weights: DVector<f64>,
    /// Log marginal likelihood of the standardized targets.
    log_marginal_likelihood: f64,
}

/// The Matern ν = 5/2 kernel at distance `r` for length-scale `length_scale`.
fn matern52(r: f64, length_scale: f64) -> f64 {
    let s = 5f64.sqrt() * r / length_scale;
    // Past s ≈ 745 exp underflows to 0; past f64::MAX, s² would make inf·0.
    if s > 1e3 {
        return 0.0;
    }
    (1.0 + s + s * s / 3.0) * (-s).exp()
}

/// Euclidean distance between two points.
fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(u, v)| (u - v) * (u - v)).sum::<f64>().sqrt()
}

/// Factorizes the kernel matrix of the pairwise `distances` at `length_scale`
/// plus `alpha` on the diagonal, and computes the weights and the log
/// marginal likelihood of the standardized targets `y`.
///
/// scikit-learn refuses the fit (or scores the length-scale −∞ while
/// optimizing) when the Cholesky factorization fails. Here a failure, or a
/// pivot smaller than half of the diagonal addition (in exact arithmetic
/// every pivot is at least the smallest eigenvalue, itself at least
/// α + jitter, so a smaller one is round-off), adds jitter to the diagonal:
/// 1e-12, then ten times more each time, up to [`MAX_JITTER`]. This happens
/// with a tiny `alpha` and duplicate points or a very long length-scale; the
/// likelihood is then that of the jittered model.
fn factorize(distances: &DMatrix<f64>, y: &DVector<f64>, alpha: f64, length_scale: f64) -> Option<Factor> {
    let n = distances.nrows();
    let kernel = distances.map(|r| matern52(r, length_scale));
    let mut jitter = 0.0;
    loop {
        let noise = alpha + jitter;
        let mut matrix = kernel.clone();
        for i in 0..n {
            matrix[(i, i)] += noise;
        }
        if let Some(cholesky) = matrix.cholesky() {
            let l = cholesky.l();
            if (0..n).all(|i| l[(i, i)] * l[(i, i)] > 0.5 * noise) {
                let weights = cholesky.solve(y);
                if weights.iter().all(|w| w.is_finite()) {
                    let log_det_half: f64 = (0..n).map(|i| l[(i, i)].ln()).sum();
                    let log_marginal_likelihood = -0.5 * y.dot(&weights)
                        - log_det_half
                        - 0.5 * n as f64 * (2.0 * std::f64::consts::PI).ln();
                    return Some(Factor { l, weights, log_marginal_likelihood });
                }
            }
        }
        jitter = if jitter == 0.0 { 1e-12 } else { jitter * 10.0 };
        if jitter > MAX_JITTER * (1.0 + 1e-9) {
            return None;
        }
    }
}

/// The log marginal likelihood at `log_length_scale`, −∞ where the kernel
/// matrix cannot be factorized.
fn log_marginal_likelihood_at(
    distances: &DMatrix<f64>,
    y: &DVector<f64>,
    alpha: f64,
    log_length_scale: f64,
) -> f64 {
    factorize(distances, y, alpha, log_length_scale.exp())
        .map_or(f64::NEG_INFINITY, |factor| factor.log_marginal_likelihood)
}

/// Golden-section search for a maximum of `f` in [a, b]; returns the best
/// point it evaluated and its value.
fn golden_section_max(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64, tolerance: f64) -> (f64, f64) {
    let inverse_phi = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - inverse_phi * (b - a);
    let mut d = a + inverse_phi * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    while b - a > tolerance {
        if fc >= fd {
            b = d;
            d = c;
            fd = fc;
            c = b - inverse_phi * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + inverse_phi * (b - a);
            fd = f(d);
        }
    }
    if fc >= fd { (c, fc) } else { (d, fd) }
}

/// The log length-scale of largest log marginal likelihood in the bounds:
/// the best points of a grid over log ℓ, each refined by golden-section
/// search between its grid neighbours.
fn fit_log_length_scale(distances: &DMatrix<f64>, y: &DVector<f64>, alpha: f64) -> Option<f64> {
    let (low, high) = (LENGTH_SCALE_BOUNDS.0.ln(), LENGTH_SCALE_BOUNDS.1.ln());
    let lml = |t: f64| log_marginal_likelihood_at(distances, y, alpha, t);
    let grid: Vec<f64> =
        (0..GRID_POINTS).map(|i| low + (high - low) * i as f64 / (GRID_POINTS - 1) as f64).collect();
    let values: Vec<f64> = grid.iter().map(|&t| lml(t)).collect();
    // Local maxima of the grid, best first (the sort is stable: ties keep
    // the smaller length-scale first).
    let mut peaks: Vec<usize> = (0..GRID_POINTS)
        .filter(|&i| {
            values[i].is_finite()
                && (i == 0 || values[i] >= values[i - 1])
                && (i + 1 == GRID_POINTS || values[i] >= values[i + 1])
        })
        .collect();
    peaks.sort_by(|&i, &j| values[j].total_cmp(&values[i]));
    let mut best: Option<(f64, f64)> = None;
    for &i in peaks.iter().take(REFINED_PEAKS) {
        let a = grid[i.saturating_sub(1)];
        let b = grid[(i + 1).min(GRID_POINTS - 1)];
        let (t, v) = golden_section_max(lml, a, b, LOG_LENGTH_SCALE_TOLERANCE);
        let candidate = if v > values[i] { (t, v) } else { (grid[i], values[i]) };
        if best.is_none_or(|(_, bv)| candidate.1 > bv) {
            best = Some(candidate);
        }
    }
    best.map(|(t, _)| t.clamp(low, high))
}

impl GaussianProcess {
    /// Fits the GP to points `x` (each a `Vec<f64>` of length d, in [0, 1])
    /// and targets `y` (to MINIMIZE), with `alpha` added to the diagonal of
    /// the kernel matrix (the expected noise of the scores; Keras Tuner's
    /// default is 1e-4).
    ///
    /// The targets are standardized (scikit-learn's `normalize_y=True`: minus
    /// their mean, divided by their standard deviation, or by 1 if they are
    /// constant). The length-scale maximizes the log marginal likelihood over
    /// log ℓ in [ln 1e-5, ln 1e5]: scikit-learn runs L-BFGS-B from ℓ = 1 and
    /// 20 random restarts; here a grid of 161 values of log ℓ brackets the
    /// maxima and golden-section search refines the three best, which is
    /// deterministic and finds the global maximum as long as the grid
    /// separates the peaks.
    ///
    /// # Errors
    ///
    /// No points, not as many targets as points, points of different dimensions,
    /// a non-finite coordinate or target (naming the point), a negative or
    /// non-finite `alpha`, or a kernel matrix that cannot be factorized.
    pub fn fit(x: &[Vec<f64>], y: &[f64], alpha: f64) -> Result<GaussianProcess, GpError> {
        if x.is_empty() {
            return Err(GpError::NoPoints);
        }
        if x.len() != y.len() {
            return Err(GpError::LengthMismatch { points: x.len(), targets: y.len() });
        }
        if !alpha.is_finite() || alpha < 0.0 {
            return Err(GpError::InvalidAlpha(alpha));
        }
        let dim = x[0].len();
        for (index, point) in x.iter().enumerate() {
            if point.len() != dim {
                return Err(GpError::DimensionMismatch { index, expected: dim, found: point.len() });
            }
            if let Some((coordinate, &value)) = point.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(GpError::NonFinitePoint { index, coordinate, value });
            }
        }
        if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(GpError::NonFiniteTarget { index, value });
        }

        let n = x.len() as f64;
        let y_mean = y.iter().sum::<f64>() / n;
        let y_std = (y.iter().map(|v| (v - y_mean) * (v - y_mean)).sum::<f64>() / n).sqrt();
        // scikit-learn's `_handle_zeros_in_scale`: a (near) zero scale is 1.
        let y_std = if y_std < 10.0 * f64::EPSILON { 1.0 } else { y_std };
        let targets = DVector::from_iterator(y.len(), y.iter().map(|v| (v - y_mean) / y_std));
        let distances = DMatrix::from_fn(x.len(), x.len(), |i, j| distance(&x[i], &x[j]));

        let log_length_scale =
            fit_log_length_scale(&distances, &targets, alpha).ok_or(GpError::NotPositiveDefinite)?;
        // exp(ln 1e-5) is a hair below 1e-5.
        let length_scale = log_length_scale.exp().clamp(LENGTH_SCALE_BOUNDS.0, LENGTH_SCALE_BOUNDS.1);
        let factor =
            factorize(&distances, &targets, alpha, length_scale).ok_or(GpError::NotPositiveDefinite)?;
        Ok(GaussianProcess { points: x.concat(), dim, length_scale, y_mean, y_std, factor })
    }

    /// The fitted length-scale ℓ of the kernel.
    pub fn length_scale(&self) -> f64 {
        self.length_scale
    }

    /// The log marginal likelihood of the standardized targets at the fitted
    /// length-scale (scikit-learn's `log_marginal_likelihood_value_`).
    pub fn log_marginal_likelihood(&self) -> f64 {
        self.factor.log_marginal_likelihood
    }

    /// The training points, one slice each.
    fn training_points(&self) -> impl Iterator<Item = &[f64]> {
        // With d = 0 every point is the empty slice.
        let n = self.factor.weights.len();
        (0..n).map(move |i| &self.points[i * self.dim..(i + 1) * self.dim])
    }

    /// The kernel between `x` and every training point.
    fn cross_kernel(&self, x: &[f64]) -> DVector<f64> {
        assert_eq!(x.len(), self.dim, "the point has {} coordinates, the GP {}", x.len(), self.dim);
        DVector::from_iterator(
            self.factor.weights.len(),
            self.training_points().map(|p| matern52(distance(x, p), self.length_scale)),
        )
    }

    /// Mean and variance at `x` on the standardized scale, and v = L⁻¹·k*.
    fn standardized_prediction(&self, x: &[f64]) -> (f64, f64, DVector<f64>) {
        let k = self.cross_kernel(x);
        let mean = k.dot(&self.factor.weights);
        let mut v = k;
        // L is lower-triangular with a positive diagonal: the solve succeeds.
        self.factor.l.solve_lower_triangular_mut(&mut v);
        // k(x, x) = 1; negative variances are round-off, clamped as scikit-learn does.
        let variance = (1.0 - v.norm_squared()).max(0.0);
        (mean, variance, v)
    }

    /// The predicted mean and standard deviation of the target at `x`
    /// (scikit-learn's `predict(x, return_std=True)`, un-standardized:
    /// mean·std_y + mean_y and σ·std_y; σ ≥ 0).
    ///
    /// # Panics
    ///
    /// If `x` does not have the dimension of the training points.
    pub fn predict(&self, x: &[f64]) -> (f64, f64) {
        let (mean, variance, _) = self.standardized_prediction(x);
        (mean * self.y_std + self.y_mean, variance.sqrt() * self.y_std)
    }

    /// The lower confidence bound μ(x) − β·σ(x), the acquisition that Keras
    /// Tuner minimizes (it calls it `_upper_confidence_bound`: the upper
    /// bound of the negated score).
    ///
    /// # Panics
    ///
    /// If `x` does not have the dimension of the training points.
    pub fn lower_confidence_bound(&self, x: &[f64], beta: f64) -> f64 {
        let (mean, std) = self.predict(x);
        mean - beta * std
    }

    /// The bound on the standardized scale, (LCB − mean_y)/std_y, which has
    /// the same minimizers.
    fn standardized_bound(&self, x: &[f64], beta: f64) -> f64 {
        let (mean, variance, _) = self.standardized_prediction(x);
        mean - beta * variance.sqrt()
    }

    /// The standardized bound and its gradient.
    fn standardized_bound_and_gradient(&self, x: &[f64], beta: f64) -> (f64, Vec<f64>) {
        let (mean, variance, v) = self.standardized_prediction(x);
        let std = variance.sqrt();
        // u = K⁻¹·k* = L⁻ᵀ·v.
        let mut u = v;
        self.factor.l.tr_solve_lower_triangular_mut(&mut u);
        // ∂k/∂x = −(5/(3ℓ²))·(1 + s)·exp(−s)·(x − xᵢ), s = √5·r/ℓ (smooth at r = 0).
        // ∇μ = Σ wᵢ ∂kᵢ/∂x; ∇σ² = −2 Σ uᵢ ∂kᵢ/∂x; ∇σ = ∇σ²/(2σ).
        // σ has no gradient where it is 0 (at a training point with α = 0):
        // there only the mean's gradient is used.
        let sigma_factor = if std > 1e-12 { beta / std } else { 0.0 };
        let ell = self.length_scale;
        let mut gradient = vec![0.0; self.dim];
        for (i, p) in self.training_points().enumerate() {
            let r = distance(x, p);
            let s = 5f64.sqrt() * r / ell;
            let dk = if s > 1e3 { 0.0 } else { -(5.0 / (3.0 * ell * ell)) * (1.0 + s) * (-s).exp() };
            // d(μ − βσ) = wᵢ·∂kᵢ + (β/σ)·uᵢ·∂kᵢ.
            let coefficient = dk * (self.factor.weights[i] + sigma_factor * u[i]);
            for (g, (a, b)) in gradient.iter_mut().zip(x.iter().zip(p)) {
                *g += coefficient * (a - b);
            }
        }
        (mean - beta * std, gradient)
    }

    /// Minimizes the standardized bound in the box [0, MAX_COORDINATE]^d from
    /// `start` by spectral projected gradient (Barzilai–Borwein steps with an
    /// Armijo backtracking line search along the projected direction).
    fn minimize_from(&self, start: &[f64], beta: f64) -> (Vec<f64>, f64) {
        let project = |v: f64| v.clamp(0.0, MAX_COORDINATE);
        let mut x: Vec<f64> = start.iter().map(|&v| project(v)).collect();
        let (mut f, mut g) = self.standardized_bound_and_gradient(&x, beta);
        // Initial step: one that moves the largest projected coordinate by ≤ 0.1.
        let largest = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut step = if largest > 0.0 { (0.1 / largest).clamp(1e-10, 1e10) } else { 1.0 };
        for _ in 0..MAX_LOCAL_ITERATIONS {
            // Projected-gradient stationarity, as L-BFGS-B's `pgtol`.
            let projected_gradient =
                x.iter().zip(&g).map(|(&xi, &gi)| (project(xi - gi) - xi).abs()).fold(0.0, f64::max);
            if projected_gradient < PROJECTED_GRADIENT_TOLERANCE || !f.is_finite() {
                break;
            }
            let direction: Vec<f64> =
                x.iter().zip(&g).map(|(&xi, &gi)| project(xi - step * gi) - xi).collect();
            let slope: f64 = direction.iter().zip(&g).map(|(d, gi)| d * gi).sum();
            if slope >= 0.0 {
                break;
            }
            let mut t = 1.0;
            let accepted = loop {
                let candidate: Vec<f64> =
                    x.iter().zip(&direction).map(|(xi, d)| project(xi + t * d)).collect();
                let value = self.standardized_bound(&candidate, beta);
                if value <= f + 1e-4 * t * slope {
                    break Some((candidate, value));
                }
                t *= 0.5;
                if t < 1e-12 {
                    break None;
                }
            };
            let Some((next, next_f)) = accepted else { break };
            let (_, next_g) = self.standardized_bound_and_gradient(&next, beta);
            let s: Vec<f64> = next.iter().zip(&x).map(|(a, b)| a - b).collect();
            let sy: f64 = s.iter().zip(next_g.iter().zip(&g)).map(|(si, (a, b))| si * (a - b)).sum();
            let ss: f64 = s.iter().map(|si| si * si).sum();
            step = if sy > 0.0 { (ss / sy).clamp(1e-10, 1e10) } else { 1e10 };
            let decrease = (f - next_f) / f.abs().max(next_f.abs()).max(1.0);
            x = next;
            f = next_f;
            g = next_g;
            if decrease <= RELATIVE_DECREASE_TOLERANCE {
                break;
            }
        }
        (x, f)
    }

    /// Minimizes the LCB over [0, 1)^d from `starts` random starts (Keras
    /// Tuner 1.4.8: 50, whatever the dimension) and returns the best point, every coordinate in
    /// [0, 1 − 1e-9] so that mapping it back to a hyperparameter value never
    /// sees a probability of 1.
    ///
    /// As Keras Tuner, all starts are drawn first, uniformly, start after
    /// start and coordinate after coordinate, from `rng` (so the result is
    /// reproducible from its seed); each is refined by a bounded local
    /// optimizer and the lowest bound wins (the first in case of ties).
    /// Keras Tuner refines with L-BFGS-B; here it is a spectral projected
    /// gradient descent with the analytic gradient, stopped by the same kind
    /// of tests (projected gradient, relative decrease). At least one start
    /// is used even if `starts` is 0. With d = 0 the result is empty.
    pub fn minimize_lcb(&self, beta: f64, starts: usize, rng: &mut impl rand::Rng) -> Vec<f64> {
        let seeds: Vec<Vec<f64>> =
            (0..starts.max(1)).map(|_| (0..self.dim).map(|_| rng.random::<f64>()).collect()).collect();
        let mut best: Option<(Vec<f64>, f64)> = None;
        for seed in &seeds {
            let (x, f) = self.minimize_from(seed, beta);
            if best.as_ref().is_none_or(|(_, bf)| f < *bf) {
                best = Some((x, f));
            }
        }
        // `seeds` is not empty, so neither is `best`.
        best.map(|(x, _)| x).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_points(rng: &mut ChaCha8Rng, n: usize, d: usize) -> Vec<Vec<f64>> {
        (0..n).map(|_| (0..d).map(|_| rng.random::<f64>()).collect()).collect()
    }

    /// The log marginal likelihood of a fitted GP's data at any length-scale.
    fn lml_of(x: &[Vec<f64>], y: &[f64], alpha: f64, length_scale: f64) -> f64 {
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let std = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        let std = if std < 10.0 * f64::EPSILON { 1.0 } else { std };
        let targets = DVector::from_iterator(y.len(), y.iter().map(|v| (v - mean) / std));
        let distances = DMatrix::from_fn(x.len(), x.len(), |i, j| distance(&x[i], &x[j]));
        log_marginal_likelihood_at(&distances, &targets, alpha, length_scale.ln())
    }

    #[test]
    fn kernel_matches_hand_computed_matern_five_halves() {
        // python3: s = sqrt(5) r / l; (1 + s + s*s/3) * exp(-s)
        let cases = [
            (0.0, 1.0, 1.0),
            (0.5, 1.0, 0.8286491424181255),
            (1.0, 1.0, 0.5239941088318203),
            (2.0, 1.0, 0.13866021913850426),
            (0.3, 0.1, 0.027723421914625825),
            (1.0, 2.5, 0.8835453294128766),
        ];
        for (r, l, expected) in cases {
            let k = matern52(r, l);
            assert!((k - expected).abs() < 1e-14, "k({r}; ℓ={l}) = {k}, expected {expected}");
        }
        assert_eq!(matern52(1e300, 1e-5), 0.0);
        // The GP uses it: with three training points the prediction is
        // k*ᵀK⁻¹y and 1 − k*ᵀK⁻¹k*, K = [k(|xᵢ − xⱼ|)] + α·I, solved here by Cramer's rule.
        let alpha = 1e-3;
        let x = [vec![0.0, 0.0], vec![0.3, 0.4], vec![0.6, 0.8]];
        let y = [1.0, 2.0, 3.5];
        let gp = GaussianProcess::fit(&x, &y, alpha).unwrap();
        let l = gp.length_scale();
        let k = |r: f64| matern52(r, l);
        let matrix =
            [[1.0 + alpha, k(0.5), k(1.0)], [k(0.5), 1.0 + alpha, k(0.5)], [k(1.0), k(0.5), 1.0 + alpha]];
        let det3 = |m: [[f64; 3]; 3]| {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        };
        let solve = |b: [f64; 3]| -> [f64; 3] {
            let mut out = [0.0; 3];
            for (c, o) in out.iter_mut().enumerate() {
                let mut m = matrix;
                for r in 0..3 {
                    m[r][c] = b[r];
                }
                *o = det3(m) / det3(matrix);
            }
            out
        };
        let mean_y = 6.5 / 3.0;
        let std_y = (y.iter().map(|v| (v - mean_y) * (v - mean_y)).sum::<f64>() / 3.0).sqrt();
        let standardized = y.map(|v| (v - mean_y) / std_y);
        // The probe (0.45, 0.6) is 0.75, 0.25 and 0.25 from the points.
        let k_star = [k(0.75), k(0.25), k(0.25)];
        let w = solve(standardized);
        let u = solve(k_star);
        let expected_mean = mean_y + std_y * (0..3).map(|i| k_star[i] * w[i]).sum::<f64>();
        let expected_var = std_y * std_y * (1.0 - (0..3).map(|i| k_star[i] * u[i]).sum::<f64>());
        let (mean, std) = gp.predict(&[0.45, 0.6]);
        assert!((mean - expected_mean).abs() < 1e-9, "μ {mean} vs {expected_mean} (ℓ = {l})");
        assert!((std * std - expected_var).abs() < 1e-9, "σ² {} vs {expected_var} (ℓ = {l})", std * std);
        assert!(k(0.25) > 0.05 && k(0.25) < 0.95, "ℓ = {l} makes the check trivial");
    }

    #[test]
    fn interpolates_training_points_with_tiny_alpha() {
        let x: Vec<Vec<f64>> = [0.0, 0.1, 0.2, 0.3, 0.4].iter().map(|&v| vec![v]).collect();
        let y: Vec<f64> = x.iter().map(|p| (6.0 * p[0]).sin() + 2.0).collect();
        let gp = GaussianProcess::fit(&x, &y, 1e-10).unwrap();
        let mut largest_train_std = 0.0f64;
        for (p, &target) in x.iter().zip(&y) {
            let (mean, std) = gp.predict(p);
            assert!((mean - target).abs() < 1e-5, "mean {mean} at {p:?}, target {target}");
            assert!(std < 1e-3, "σ {std} at training point {p:?}");
            largest_train_std = largest_train_std.max(std);
        }
        let (_, std_between) = gp.predict(&[0.15]);
        let (_, std_far) = gp.predict(&[1.0]);
        assert!(std_between > largest_train_std, "σ between points {std_between}");
        assert!(std_far > 5.0 * std_between, "σ far {std_far}, between {std_between}");
        assert!(std_far > 0.1, "σ far {std_far}");
    }

    #[test]
    fn fitted_length_scale_maximizes_the_log_marginal_likelihood() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let functions: [fn(&[f64]) -> f64; 3] = [
            |p| (p[0] - 0.3).powi(2) + (p[1] - 0.7).powi(2),
            |p| (12.0 * p[0]).sin() * (9.0 * p[1]).cos(),
            |p| p[0] + 0.5 * p[1],
        ];
        for (case, f) in functions.iter().enumerate() {
            for &(n, alpha) in &[(8, 1e-4), (20, 1e-4), (12, 1e-8)] {
                let x = random_points(&mut rng, n, 2);
                let y: Vec<f64> = x.iter().map(|p| f(p)).collect();
                let gp = GaussianProcess::fit(&x, &y, alpha).unwrap();
                let fitted = gp.log_marginal_likelihood();
                let recomputed = lml_of(&x, &y, alpha, gp.length_scale());
                assert!((fitted - recomputed).abs() < 1e-9, "case {case}: {fitted} vs {recomputed}");
                let (low, high) = (1e-5f64.ln(), 1e5f64.ln());
                let scan = 4001;
                let (best_t, best) = (0..scan)
                    .map(|i| {
                        let t = low + (high - low) * i as f64 / (scan - 1) as f64;
                        (t, lml_of(&x, &y, alpha, t.exp()))
                    })
                    .fold((0.0, f64::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
                assert!(
                    fitted >= best - 1e-9,
                    "case {case}, n {n}: fitted ℓ {} has LML {fitted}, scan ℓ {} has {best}",
                    gp.length_scale(),
                    best_t.exp()
                );
                assert!(gp.length_scale() >= 1e-5 && gp.length_scale() <= 1e5);
            }
        }
    }

    #[test]
    fn constant_targets_predict_the_constant() {
        let x = vec![vec![0.1, 0.2], vec![0.5, 0.5], vec![0.9, 0.1]];
        let gp = GaussianProcess::fit(&x, &[4.0, 4.0, 4.0], 1e-4).unwrap();
        let (mean, std) = gp.predict(&[0.3, 0.3]);
        assert!((mean - 4.0).abs() < 1e-9 && std.is_finite() && std >= 0.0, "{mean} ± {std}");
    }

    #[test]
    fn duplicate_points_with_no_alpha_are_jittered() {
        let x = vec![vec![0.5], vec![0.5], vec![0.2]];
        let gp = GaussianProcess::fit(&x, &[1.0, 1.0, 0.0], 0.0).unwrap();
        let (mean, std) = gp.predict(&[0.5]);
        assert!((mean - 1.0).abs() < 1e-3 && std < 1e-2, "{mean} ± {std}");
    }

    #[test]
    fn errors_name_the_point() {
        let err = |x: &[Vec<f64>], y: &[f64]| GaussianProcess::fit(x, y, 1e-4).unwrap_err().to_string();
        assert_eq!(err(&[], &[]), "cannot fit a Gaussian process to no points");
        assert_eq!(err(&[vec![0.0]], &[1.0, 2.0]), "1 points but 2 targets");
        assert_eq!(
            err(&[vec![0.0, 1.0], vec![0.5, 0.5], vec![0.1]], &[1.0, 2.0, 3.0]),
            "point 2 has 1 coordinates, but point 0 has 2"
        );
        assert_eq!(
            err(&[vec![0.0], vec![f64::NAN]], &[1.0, 2.0]),
            "point 1 has a non-finite coordinate NaN at position 0"
        );
        assert_eq!(
            err(&[vec![0.0], vec![0.5]], &[1.0, f64::INFINITY]),
            "the target of point 1 is not finite: inf"
        );
        assert!(matches!(GaussianProcess::fit(&[vec![0.0]], &[1.0], -1.0), Err(GpError::InvalidAlpha(_))));
    }

    #[test]
    fn minimize_lcb_beats_its_starts_and_a_fine_grid() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let x = random_points(&mut rng, 10, 2);
        let y: Vec<f64> = x.iter().map(|p| (5.0 * p[0]).sin() + (4.0 * p[1]).cos()).collect();
        let gp = GaussianProcess::fit(&x, &y, 1e-4).unwrap();
        let beta = 2.6;
        let mut starts_rng = ChaCha8Rng::seed_from_u64(5);
        let mut replay = starts_rng.clone();
        let best = gp.minimize_lcb(beta, 100, &mut starts_rng);
        assert!(best.iter().all(|&v| (0.0..1.0).contains(&v)), "{best:?}");
        let value = gp.lower_confidence_bound(&best, beta);
        for _ in 0..100 {
            let start = [replay.random::<f64>(), replay.random::<f64>()];
            assert!(value <= gp.lower_confidence_bound(&start, beta));
        }
        // The starts were all the draws.
        assert_eq!(replay.random::<u64>(), starts_rng.random::<u64>());
        let steps = 200;
        let grid_min = (0..=steps)
            .flat_map(|i| (0..=steps).map(move |j| [i as f64 / steps as f64, j as f64 / steps as f64]))
            .map(|p| gp.lower_confidence_bound(&[p[0].min(MAX_COORDINATE), p[1].min(MAX_COORDINATE)], beta))
            .fold(f64::INFINITY, f64::min);
        assert!(value <= grid_min + 1e-6, "optimizer {value}, grid {grid_min}");
        // Same seed, same point.
        assert_eq!(gp.minimize_lcb(beta, 100, &mut ChaCha8Rng::seed_from_u64(5)), best);
    }

    /// Evaluations of f(x, y) = (x − 0.3)² + (y − 0.7)² until one is within
    /// `target` of the minimum 0: Bayesian optimization (6 random points,
    /// then the LCB minimizers, as Keras Tuner: α = 1e-4, β = 2.6, 50
    /// starts; at most `bo_cap` evaluations) and uniform random search, both
    /// from `seed` (so they share the 6 initial points).
    fn evaluations_to_reach(seed: u64, target: f64, bo_cap: usize) -> (usize, usize) {
        let f = |p: &[f64]| (p[0] - 0.3).powi(2) + (p[1] - 0.7).powi(2);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = random_points(&mut rng, 6, 2);
        let mut y: Vec<f64> = x.iter().map(|p| f(p)).collect();
        while y.iter().all(|&v| v > target) && x.len() < bo_cap {
            let gp = GaussianProcess::fit(&x, &y, 1e-4).unwrap();
            let next = gp.minimize_lcb(2.6, 50, &mut rng);
            y.push(f(&next));
            x.push(next);
        }
        let bo = y.iter().position(|&v| v <= target).map_or(bo_cap, |i| i + 1);

        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let random_cap = 100_000;
        let random = (1..=random_cap)
            .find(|_| f(&[rng.random::<f64>(), rng.random::<f64>()]) <= target)
            .unwrap_or(random_cap);
        (bo, random)
    }

    /// Mean evaluations to reach `target` over 10 seeds, BO and random.
    fn mean_evaluations(target: f64, bo_cap: usize) -> (f64, f64) {
        let (bo, random): (Vec<usize>, Vec<usize>) =
            (0..10).map(|seed| evaluations_to_reach(seed, target, bo_cap)).unzip();
        let mean = |v: &[usize]| v.iter().sum::<usize>() as f64 / v.len() as f64;
        let (bo_mean, random_mean) = (mean(&bo), mean(&random));
        println!("f ≤ {target}: BO {bo:?} (mean {bo_mean}), random {random:?} (mean {random_mean})");
        (bo_mean, random_mean)
    }

    #[test]
    fn bayesian_optimization_beats_random_search() {
        // A value within 0.01 of the minimum (a disc of radius 0.1, 3 % of the box).
        let (bo, random) = mean_evaluations(0.01, 60);
        assert!(bo < random, "BO {bo}, random {random}");
        // A point within 0.01 of the minimizer (f ≤ 1e-4, 0.03 % of the box):
        // random search needs thousands of evaluations, BO a few dozen.
        let (bo, random) = mean_evaluations(1e-4, 60);
        assert!(bo < 0.1 * random, "BO {bo}, random {random}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
        #[test]
        fn predictions_are_finite_and_the_minimizer_stays_in_the_box(
            seed in 0u64..1000,
            n in 1usize..12,
            d in 1usize..4,
        ) {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let x = random_points(&mut rng, n, d);
            let y: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 10.0 - 5.0).collect();
            let gp = GaussianProcess::fit(&x, &y, 1e-4).unwrap();
            let probe: Vec<f64> = (0..d).map(|_| rng.random::<f64>()).collect();
            let (mean, std) = gp.predict(&probe);
            proptest::prop_assert!(mean.is_finite() && std.is_finite() && std >= 0.0);
            let best = gp.minimize_lcb(2.6, 10, &mut rng);
            proptest::prop_assert_eq!(best.len(), d);
            proptest::prop_assert!(best.iter().all(|&v| (0.0..1.0).contains(&v)));
        }
    }
}

//! Hyperparameters, as Keras Tuner declares and samples them.
//!
//! A model-building function asks a [`HyperParameters`] object for each
//! value it needs: `hp.int(Int::new("n_hidden", 0, 8).default(2))`. The
//! first time, the call *declares* the hyperparameter (its name, range and
//! sampling join the search space) and returns its default; during a
//! search, the oracle has already chosen a value for every declared name
//! and the same call returns that value.
//!
//! Every oracle searches the same space: the unit interval. Each
//! hyperparameter maps a probability `p` in [0, 1) to a value
//! ([`HyperParameter::prob_to_value`]) and back
//! ([`HyperParameter::value_to_prob`]), exactly as Keras Tuner does, so a
//! random search is "draw `p` uniformly for each hyperparameter" and a
//! Bayesian optimization is "fit a model on [0, 1)^d".
//!
//! ```
//! use tuning::{Choice, Float, HyperParameters, Int, Sampling};
//!
//! let mut hp = HyperParameters::new();
//! let n_hidden = hp.int(Int::new("n_hidden", 0, 8).default(2))?;
//! let learning_rate =
//!     hp.float(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log))?;
//! let optimizer = hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
//! // Declared for the first time: the defaults.
//! assert_eq!((n_hidden, learning_rate, optimizer.as_str()), (2, 1e-4, Some("sgd")));
//!
//! // A log-sampled float spends as much probability on [1e-4, 1e-3) as on [1e-3, 1e-2).
//! let lr = &hp.space()[1];
//! assert!((lr.prob_to_value(0.5).as_f64().unwrap() - 1e-3).abs() < 1e-12);
//! # Ok::<(), tuning::TuningError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TuningError};
use crate::python_random::first_random;

/// The value of one hyperparameter: a boolean, an integer, a float or a
/// string (JSON `true`, `5`, `0.001`, `"adam"`, as in Keras Tuner's
/// `trial.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// `Boolean`, or a `Choice` / `Fixed` of booleans.
    Bool(bool),
    /// `Int`, or a `Choice` / `Fixed` of integers.
    Int(i64),
    /// `Float`, or a `Choice` / `Fixed` of floats.
    Float(f64),
    /// A `Choice` / `Fixed` of strings.
    Str(String),
}

impl Value {
    /// The integer, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a float, if this is an integer or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Python's `==` between two hyperparameter values: numbers compare by
    /// value (`1 == 1.0`), booleans and strings by identity of kind and
    /// content. This is what a condition's `value in values` tests.
    pub fn matches(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }

    /// The kind's name, for error messages.
    fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
        }
    }
}

/// Written as Python's `str()` writes it (`True`, `5`, `0.001`, `1e-05`,
/// `adam`), which is also what Keras Tuner hashes to detect duplicates.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&python_float_repr(*x)),
            Value::Str(s) => f.write_str(s),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i64::from(i))
    }
}
impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::Int(i as i64)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

/// Python's `repr()` of a float: the shortest digits that read back the
/// same, in fixed notation for exponents −4 to 15 and scientific notation
/// (`1e-05`, `1.5e+16`) outside.
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` writes an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` writes an integer exponent");
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    if x == 0.0 {
        return format!("{sign}0.0");
    }
    if (-4..16).contains(&exponent) {
        if exponent >= 0 {
            let point = exponent as usize + 1;
            let padded = format!("{digits:0<point$}");
            let (int, frac) = padded.split_at(point);
            let frac = if frac.is_empty() { "0" } else { frac };
            format!("{sign}{int}.{frac}")
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-exponent - 1) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}e{esign}{:02}", exponent.abs())
    }
}

/// Python's `a // b` for floats (floor division as CPython computes it,
/// from `fmod`), so that the number of values of a stepped `Float` is the
/// same as in Keras Tuner (`1.0 // 0.1` is 9 there).
fn python_floordiv(a: f64, b: f64) -> f64 {
    let mut rem = a % b;
    let mut div = (a - rem) / b;
    if rem != 0.0 && ((b < 0.0) != (rem < 0.0)) {
        rem += b;
        div -= 1.0;
    }
    let _ = rem;
    if div != 0.0 {
        let mut floordiv = div.floor();
        if div - floordiv > 0.5 {
            floordiv += 1.0;
        }
        floordiv
    } else {
        0.0_f64.copysign(a / b)
    }
}

/// How a numeric hyperparameter spreads over its range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Uniform over `[min, max]`.
    #[default]
    Linear,
    /// Uniform in the logarithm: as likely in `[1e-4, 1e-3)` as in
    /// `[1e-3, 1e-2)`. Needs `min > 0`.
    Log,
    /// Dense near `max` instead of near `min` (for values such as a
    /// momentum close to 1). Needs `min > 0`.
    ReverseLog,
}

impl Sampling {
    fn name(self) -> &'static str {
        match self {
            Sampling::Linear => "linear",
            Sampling::Log => "log",
            Sampling::ReverseLog => "reverse_log",
        }
    }
}

/// A condition on a hyperparameter: it is active only while its parent
/// has one of the listed values (Keras Tuner's `Parent`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
pub enum Condition {
    /// Active iff the hyperparameter `name` has one of `values`.
    Parent {
        /// The parent hyperparameter.
        name: String,
        /// The parent's values under which the child is active.
        values: Vec<Value>,
    },
}

impl Condition {
    /// Whether the condition holds for these active values.
    pub fn is_active(&self, values: &BTreeMap<String, Value>) -> bool {
        let Condition::Parent { name, values: allowed } = self;
        values.get(name).is_some_and(|v| allowed.iter().any(|a| a.matches(v)))
    }

    /// The parent's name.
    pub fn parent(&self) -> &str {
        let Condition::Parent { name, .. } = self;
        name
    }

    /// The parent's values under which the condition holds.
    pub fn parent_values(&self) -> &[Value] {
        let Condition::Parent { values, .. } = self;
        values
    }
}

/// An integer in `[min_value, max_value]` (both included), Keras Tuner's
/// `hp.Int`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Int {
    /// The name, unique in the search space.
    pub name: String,
    /// The value returned before any search; `min_value` if not given.
    #[serde(default)]
    pub default: Option<i64>,
    /// The conditions under which it is active (set by the scope it is
    /// declared in).
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The smallest value.
    pub min_value: i64,
    /// The largest value, included.
    pub max_value: i64,
    /// The distance between two values (linear), or their ratio (log);
    /// linear sampling without a step uses 1.
    #[serde(default)]
    pub step: Option<i64>,
    /// How the values spread over the range.
    #[serde(default)]
    pub sampling: Sampling,
}

impl Int {
    /// An integer from `min_value` to `max_value` included, linear, step 1.
    pub fn new(name: &str, min_value: i64, max_value: i64) -> Int {
        Int {
            name: name.to_string(),
            default: None,
            conditions: Vec::new(),
            min_value,
            max_value,
            step: None,
            sampling: Sampling::Linear,
        }
    }

    /// With this step (the ratio between values for log sampling).
    pub fn step(mut self, step: i64) -> Int {
        self.step = Some(step);
        self
    }

    /// With this sampling.
    pub fn sampling(mut self, sampling: Sampling) -> Int {
        self.sampling = sampling;
        self
    }

    /// With this default.
    pub fn default(mut self, default: i64) -> Int {
        self.default = Some(default);
        self
    }

    fn numeric(&self) -> Numeric {
        Numeric {
            min: self.min_value as f64,
            max: self.max_value as f64,
            step: self.step.map(|s| s as f64),
            sampling: self.sampling,
        }
    }
}

/// A float in `[min_value, max_value]`, Keras Tuner's `hp.Float`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Float {
    /// The name, unique in the search space.
    pub name: String,
    /// The value returned before any search; `min_value` if not given.
    #[serde(default)]
    pub default: Option<f64>,
    /// The conditions under which it is active.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The smallest value.
    pub min_value: f64,
    /// The largest value.
    pub max_value: f64,
    /// If given, only `min + k·step` (linear) or `min·step^k` (log) are
    /// drawn.
    #[serde(default)]
    pub step: Option<f64>,
    /// How the values spread over the range.
    #[serde(default)]
    pub sampling: Sampling,
}

impl Float {
    /// A float from `min_value` to `max_value`, linear, without a step.
    pub fn new(name: &str, min_value: f64, max_value: f64) -> Float {
        Float {
            name: name.to_string(),
            default: None,
            conditions: Vec::new(),
            min_value,
            max_value,
            step: None,
            sampling: Sampling::Linear,
        }
    }

    /// With this step.
    pub fn step(mut self, step: f64) -> Float {
        self.step = Some(step);
        self
    }

    /// With this sampling.
    pub fn sampling(mut self, sampling: Sampling) -> Float {
        self.sampling = sampling;
        self
    }

    /// With this default.
    pub fn default(mut self, default: f64) -> Float {
        self.default = Some(default);
        self
    }

    fn numeric(&self) -> Numeric {
        Numeric { min: self.min_value, max: self.max_value, step: self.step, sampling: self.sampling }
    }
}

/// One of a list of values, all of one type, Keras Tuner's `hp.Choice`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The name, unique in the search space.
    pub name: String,
    /// The value returned before any search; the first value if not given.
    #[serde(default)]
    pub default: Option<Value>,
    /// The conditions under which it is active.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The values to choose from.
    pub values: Vec<Value>,
    /// Whether the values have an order (numbers do, by default).
    #[serde(default)]
    pub ordered: Option<bool>,
}

impl Choice {
    /// A choice among `values`; the first one is the default.
    pub fn new<V: Into<Value>>(name: &str, values: impl IntoIterator<Item = V>) -> Choice {
        Choice {
            name: name.to_string(),
            default: None,
            conditions: Vec::new(),
            values: values.into_iter().map(Into::into).collect(),
            ordered: None,
        }
    }

    /// With this default (one of the values).
    pub fn default(mut self, default: impl Into<Value>) -> Choice {
        self.default = Some(default.into());
        self
    }

    /// Whether the values are ordered.
    pub fn ordered(mut self, ordered: bool) -> Choice {
        self.ordered = Some(ordered);
        self
    }
}

/// `True` or `False`, Keras Tuner's `hp.Boolean`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Boolean {
    /// The name, unique in the search space.
    pub name: String,
    /// The value returned before any search (false unless given).
    #[serde(default)]
    pub default: bool,
    /// The conditions under which it is active.
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

impl Boolean {
    /// A boolean, false by default.
    pub fn new(name: &str) -> Boolean {
        Boolean { name: name.to_string(), default: false, conditions: Vec::new() }
    }

    /// With this default.
    pub fn default(mut self, default: bool) -> Boolean {
        self.default = default;
        self
    }
}

/// A value that is not searched but recorded with the trial, Keras
/// Tuner's `hp.Fixed`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fixed {
    /// The name, unique in the search space.
    pub name: String,
    /// The conditions under which it is active.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The value.
    pub value: Value,
}

impl Fixed {
    /// A fixed value.
    pub fn new(name: &str, value: impl Into<Value>) -> Fixed {
        Fixed { name: name.to_string(), conditions: Vec::new(), value: value.into() }
    }
}

/// One hyperparameter of a search space. Serialized as Keras Tuner does
/// in `oracle.json`: `{"class_name": "Int", "config": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class_name", content = "config")]
pub enum HyperParameter {
    /// An integer.
    Int(Int),
    /// A float.
    Float(Float),
    /// One of a list of values.
    Choice(Choice),
    /// A boolean.
    Boolean(Boolean),
    /// A fixed value.
    Fixed(Fixed),
}

/// The numeric part of `Int` and `Float`: Keras Tuner's `Numerical`.
struct Numeric {
    min: f64,
    max: f64,
    step: Option<f64>,
    sampling: Sampling,
}

impl Numeric {
    /// A value for `prob` in `[min, max]` (or `[min, max_value)`).
    fn sample(&self, prob: f64, max: f64) -> f64 {
        let min = self.min;
        match self.sampling {
            Sampling::Linear => prob * (max - min) + min,
            Sampling::Log => min * (max / min).powf(prob),
            Sampling::ReverseLog => max + min - min * (max / min).powf(1.0 - prob),
        }
    }

    fn to_prob(&self, value: f64, max: f64) -> f64 {
        let min = self.min;
        if max == min {
            return 0.5;
        }
        match self.sampling {
            Sampling::Linear => (value - min) / (max - min),
            Sampling::Log => (value / min).ln() / (max / min).ln(),
            Sampling::ReverseLog => 1.0 - ((max + min - value) / min).ln() / (max / min).ln(),
        }
    }

    fn n_values(&self, step: f64) -> usize {
        match self.sampling {
            Sampling::Linear => (python_floordiv(self.max - self.min, step) + 1.0) as usize,
            _ => ((self.max / self.min).ln() / step.ln() + 1e-8) as usize + 1,
        }
    }

    fn value_by_index(&self, index: usize, step: f64) -> f64 {
        match self.sampling {
            Sampling::Linear => self.min + index as f64 * step,
            Sampling::Log => self.min * step.powf(index as f64),
            Sampling::ReverseLog => self.max + self.min - self.min * step.powf(index as f64),
        }
    }

    fn sample_with_step(&self, prob: f64, step: f64) -> f64 {
        self.value_by_index(prob_to_index(prob, self.n_values(step)), step)
    }

    fn to_prob_with_step(&self, value: f64, step: f64) -> f64 {
        let index = match self.sampling {
            Sampling::Linear => python_floordiv(value - self.min, step),
            Sampling::Log => (value / self.min).ln() / step.ln(),
            Sampling::ReverseLog => ((self.max - value + self.min) / self.min).ln() / step.ln(),
        };
        index_to_prob(index, self.n_values(step))
    }

    fn check(&self, name: &str) -> Result<()> {
        if !(self.min.is_finite() && self.max.is_finite()) {
            return Err(TuningError::hp(name, "min_value and max_value must be finite numbers"));
        }
        if self.min > self.max {
            return Err(TuningError::hp(
                name,
                format!("min_value {} is greater than the max_value {}", self.min, self.max),
            ));
        }
        if self.sampling != Sampling::Linear && self.min <= 0.0 {
            return Err(TuningError::hp(
                name,
                format!(
                    "sampling='{}' does not support negative values, found min_value: {}",
                    self.sampling.name(),
                    self.min
                ),
            ));
        }
        match self.step {
            Some(step) if self.sampling != Sampling::Linear && step <= 1.0 => Err(TuningError::hp(
                name,
                format!("expected step > 1 with sampling='{}', received step={step}", self.sampling.name()),
            )),
            Some(step) if !(step > 0.0 && step.is_finite()) => {
                Err(TuningError::hp(name, format!("step must be a positive number, received step={step}")))
            }
            _ => Ok(()),
        }
    }
}

/// The index of the bucket `prob` falls in, out of `n` equal buckets of
/// [0, 1) (Keras Tuner's `prob_to_index`).
pub fn prob_to_index(prob: f64, n: usize) -> usize {
    let index = (prob / (1.0 / n as f64)).floor().max(0.0) as usize;
    if index >= n { n - 1 } else { index }
}

/// The centre of bucket `index` out of `n` (Keras Tuner's
/// `index_to_prob`); the index may be fractional, as Keras Tuner's
/// log-stepped values give.
pub fn index_to_prob(index: f64, n: usize) -> f64 {
    (index + 0.5) * (1.0 / n as f64)
}

impl HyperParameter {
    /// Its name.
    pub fn name(&self) -> &str {
        match self {
            HyperParameter::Int(h) => &h.name,
            HyperParameter::Float(h) => &h.name,
            HyperParameter::Choice(h) => &h.name,
            HyperParameter::Boolean(h) => &h.name,
            HyperParameter::Fixed(h) => &h.name,
        }
    }

    /// The conditions under which it is active.
    pub fn conditions(&self) -> &[Condition] {
        match self {
            HyperParameter::Int(h) => &h.conditions,
            HyperParameter::Float(h) => &h.conditions,
            HyperParameter::Choice(h) => &h.conditions,
            HyperParameter::Boolean(h) => &h.conditions,
            HyperParameter::Fixed(h) => &h.conditions,
        }
    }

    fn conditions_mut(&mut self) -> &mut Vec<Condition> {
        match self {
            HyperParameter::Int(h) => &mut h.conditions,
            HyperParameter::Float(h) => &mut h.conditions,
            HyperParameter::Choice(h) => &mut h.conditions,
            HyperParameter::Boolean(h) => &mut h.conditions,
            HyperParameter::Fixed(h) => &mut h.conditions,
        }
    }

    /// Keras Tuner's class name: `Int`, `Float`, `Choice`, `Boolean`, `Fixed`.
    pub fn class_name(&self) -> &'static str {
        match self {
            HyperParameter::Int(_) => "Int",
            HyperParameter::Float(_) => "Float",
            HyperParameter::Choice(_) => "Choice",
            HyperParameter::Boolean(_) => "Boolean",
            HyperParameter::Fixed(_) => "Fixed",
        }
    }

    /// Whether it is a `Fixed` value (the oracles do not search those).
    pub fn is_fixed(&self) -> bool {
        matches!(self, HyperParameter::Fixed(_))
    }

    /// The value before any search.
    pub fn default_value(&self) -> Value {
        match self {
            HyperParameter::Int(h) => Value::Int(h.default.unwrap_or(h.min_value)),
            HyperParameter::Float(h) => Value::Float(h.default.unwrap_or(h.min_value)),
            HyperParameter::Choice(h) => h.default.clone().unwrap_or_else(|| h.values[0].clone()),
            HyperParameter::Boolean(h) => Value::Bool(h.default),
            HyperParameter::Fixed(h) => h.value.clone(),
        }
    }

    /// Checks the arguments as Keras Tuner's constructors do (and fills
    /// in the defaults they fill in: step 1 for a linear `Int`, `ordered`
    /// for a `Choice`).
    pub fn validate(&mut self) -> Result<()> {
        match self {
            HyperParameter::Int(h) => {
                if h.step.is_none() && h.sampling == Sampling::Linear {
                    h.step = Some(1);
                }
                h.numeric().check(&h.name)
            }
            HyperParameter::Float(h) => h.numeric().check(&h.name),
            HyperParameter::Choice(h) => {
                let Some(first) = h.values.first() else {
                    return Err(TuningError::hp(&h.name, "`values` must be provided for `Choice`"));
                };
                if let Some(other) = h.values.iter().find(|v| v.kind() != first.kind()) {
                    return Err(TuningError::hp(
                        &h.name,
                        format!(
                            "a Choice can contain only one type of value, found {} ({other}) among {} values",
                            other.kind(),
                            first.kind().trim_start_matches("a ").trim_start_matches("an ")
                        ),
                    ));
                }
                if let Some(default) = &h.default
                    && !h.values.contains(default)
                {
                    return Err(TuningError::hp(
                        &h.name,
                        format!("the default value should be one of the choices, got {default}"),
                    ));
                }
                let numeric = matches!(first, Value::Int(_) | Value::Float(_));
                match h.ordered {
                    Some(true) if !numeric => {
                        Err(TuningError::hp(&h.name, "`ordered` must be false for non-numeric values"))
                    }
                    Some(_) => Ok(()),
                    None => {
                        h.ordered = Some(numeric);
                        Ok(())
                    }
                }
            }
            HyperParameter::Boolean(_) => Ok(()),
            HyperParameter::Fixed(h) => match &h.value {
                Value::Float(x) if !x.is_finite() => {
                    Err(TuningError::hp(&h.name, "a Fixed value must be a finite number"))
                }
                _ => Ok(()),
            },
        }
    }

    /// The value for a probability in [0, 1), as Keras Tuner maps it.
    pub fn prob_to_value(&self, prob: f64) -> Value {
        match self {
            HyperParameter::Int(h) => {
                let n = h.numeric();
                let v = match h.step {
                    None => n.sample(prob, n.max + 1.0),
                    Some(step) => n.sample_with_step(prob, step as f64),
                };
                Value::Int(v.trunc() as i64)
            }
            HyperParameter::Float(h) => {
                let n = h.numeric();
                Value::Float(match h.step {
                    None => n.sample(prob, n.max),
                    Some(step) => n.sample_with_step(prob, step),
                })
            }
            HyperParameter::Choice(h) => h.values[prob_to_index(prob, h.values.len())].clone(),
            HyperParameter::Boolean(_) => Value::Bool(prob >= 0.5),
            HyperParameter::Fixed(h) => h.value.clone(),
        }
    }

    /// The probability of a value (the centre of its bucket for stepped
    /// and discrete hyperparameters), as Keras Tuner maps it back.
    pub fn value_to_prob(&self, value: &Value) -> Result<f64> {
        let wrong = || {
            TuningError::hp(self.name(), format!("{} is not a value of this {}", value, self.class_name()))
        };
        match self {
            HyperParameter::Int(h) => {
                let v = value.as_f64().ok_or_else(wrong)?;
                let n = h.numeric();
                Ok(match h.step {
                    None => n.to_prob(v + 0.5, n.max + 1.0),
                    Some(step) => n.to_prob_with_step(v, step as f64),
                })
            }
            HyperParameter::Float(h) => {
                let v = value.as_f64().ok_or_else(wrong)?;
                let n = h.numeric();
                Ok(match h.step {
                    None => n.to_prob(v, n.max),
                    Some(step) => n.to_prob_with_step(v, step),
                })
            }
            HyperParameter::Choice(h) => {
                let index = h.values.iter().position(|c| c.matches(value)).ok_or_else(wrong)?;
                Ok(index_to_prob(index as f64, h.values.len()))
            }
            HyperParameter::Boolean(_) => Ok(if value.as_bool().ok_or_else(wrong)? { 0.75 } else { 0.25 }),
            HyperParameter::Fixed(_) => Ok(0.5),
        }
    }

    /// Keras Tuner's `random_sample(seed)`: the value for the first draw
    /// of Python's `random.Random(seed)`.
    pub fn random_sample(&self, seed: u64) -> Value {
        self.prob_to_value(first_random(seed))
    }
}

/// A search space and the current values of its active hyperparameters
/// (Keras Tuner's `HyperParameters`).
///
/// Only active hyperparameters have values: one declared inside a
/// [`conditional_scope`](HyperParameters::conditional_scope) whose parent
/// has another value has none, so a model cannot depend on it by mistake.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HyperParameters {
    space: Vec<HyperParameter>,
    values: BTreeMap<String, Value>,
    conditions: Vec<Condition>,
    active_scopes: Vec<Vec<Condition>>,
    inactive_scopes: Vec<Vec<Condition>>,
}

/// `HyperParameters` as Keras Tuner writes it in `oracle.json` and
/// `trial.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HyperParametersConfig {
    /// The search space, in declaration order.
    pub space: Vec<HyperParameter>,
    /// The active values.
    pub values: BTreeMap<String, Value>,
}

impl HyperParameters {
    /// An empty space.
    pub fn new() -> HyperParameters {
        HyperParameters::default()
    }

    /// The declared hyperparameters, in declaration order.
    pub fn space(&self) -> &[HyperParameter] {
        &self.space
    }

    /// The values of the active hyperparameters.
    pub fn values(&self) -> &BTreeMap<String, Value> {
        &self.values
    }

    /// The value of an active hyperparameter.
    pub fn get(&self, name: &str) -> Result<&Value> {
        if let Some(v) = self.values.get(name) {
            return Ok(v);
        }
        if self.space.iter().any(|h| h.name() == name) {
            Err(TuningError::hp(name, "is currently inactive"))
        } else {
            Err(TuningError::hp(name, "does not exist"))
        }
    }

    /// Sets the value of a hyperparameter (the oracles do this; a user may
    /// too, to try one configuration by hand).
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        self.values.insert(name.to_string(), value.into());
    }

    /// Removes the value of a hyperparameter (it becomes inactive).
    pub fn unset(&mut self, name: &str) {
        self.values.remove(name);
    }

    /// Whether every condition of `hp` holds for the current values.
    pub fn is_active(&self, hp: &HyperParameter) -> bool {
        hp.conditions().iter().all(|c| c.is_active(&self.values))
    }

    /// Whether some hyperparameter of that name is active.
    pub fn is_active_name(&self, name: &str) -> bool {
        self.space.iter().any(|h| h.name() == name && self.is_active(h))
    }

    fn exists(&self, name: &str, conditions: &[Condition]) -> bool {
        self.space.iter().any(|h| h.name() == name && h.conditions() == conditions)
    }

    /// Declares `hp` (under the current scope's conditions) or returns the
    /// value of the one already declared with that name and conditions.
    fn retrieve(&mut self, mut hp: HyperParameter) -> Result<Value> {
        *hp.conditions_mut() = self.conditions.clone();
        hp.validate()?;
        if self.exists(hp.name(), hp.conditions()) {
            if !self.is_active(&hp) {
                return Err(TuningError::hp(hp.name(), "is currently inactive"));
            }
            let default = hp.default_value();
            return Ok(self.values.entry(hp.name().to_string()).or_insert(default).clone());
        }
        self.register(hp, false)
    }

    /// Adds `hp` to the space; sets its value to the default if it is
    /// active and has none yet (or always, with `overwrite`).
    fn register(&mut self, hp: HyperParameter, overwrite: bool) -> Result<Value> {
        if self.conditions.iter().any(|c| c.parent() == hp.name()) {
            return Err(TuningError::hp(hp.name(), "a hyperparameter cannot be its own condition's parent"));
        }
        let active = self.is_active(&hp);
        let name = hp.name().to_string();
        let default = hp.default_value();
        self.space.push(hp);
        if !active {
            return Err(TuningError::hp(&name, "is currently inactive"));
        }
        if overwrite || !self.values.contains_key(&name) {
            self.values.insert(name.clone(), default);
        }
        Ok(self.values[&name].clone())
    }

    /// Adds to this space the hyperparameters of `other` it lacks (same
    /// name and conditions), with their defaults as values where active
    /// (Keras Tuner's `merge(hps, overwrite=False)`, what an oracle's
    /// `update_space` does).
    pub fn merge_new(&mut self, other: &[HyperParameter]) {
        for hp in other {
            if !self.exists(hp.name(), hp.conditions()) {
                let saved = std::mem::take(&mut self.conditions);
                let _ = self.register(hp.clone(), true);
                self.conditions = saved;
            }
        }
    }

    /// Declares or reads an integer hyperparameter.
    pub fn int(&mut self, spec: Int) -> Result<i64> {
        let name = spec.name.clone();
        match self.retrieve(HyperParameter::Int(spec))? {
            Value::Int(i) => Ok(i),
            Value::Float(x) if x.fract() == 0.0 => Ok(x as i64),
            other => Err(TuningError::hp(&name, format!("holds {} ({other}), not an integer", other.kind()))),
        }
    }

    /// Declares or reads a float hyperparameter.
    pub fn float(&mut self, spec: Float) -> Result<f64> {
        let name = spec.name.clone();
        let value = self.retrieve(HyperParameter::Float(spec))?;
        value
            .as_f64()
            .ok_or_else(|| TuningError::hp(&name, format!("holds {} ({value}), not a number", value.kind())))
    }

    /// Declares or reads a choice.
    pub fn choice(&mut self, spec: Choice) -> Result<Value> {
        self.retrieve(HyperParameter::Choice(spec))
    }

    /// Declares or reads a boolean hyperparameter.
    pub fn boolean(&mut self, spec: Boolean) -> Result<bool> {
        let name = spec.name.clone();
        let value = self.retrieve(HyperParameter::Boolean(spec))?;
        value
            .as_bool()
            .ok_or_else(|| TuningError::hp(&name, format!("holds {} ({value}), not a boolean", value.kind())))
    }

    /// Declares or reads a fixed value.
    pub fn fixed(&mut self, spec: Fixed) -> Result<Value> {
        self.retrieve(HyperParameter::Fixed(spec))
    }

    /// Runs `body` with the hyperparameters it declares active only while
    /// `parent_name` has one of `parent_values`. The body runs only when
    /// the condition holds (`Some(result)`); either way the scope is
    /// recorded, so that a tuner can later activate it and learn the
    /// hyperparameters declared inside.
    pub fn conditional_scope<V: Into<Value>, R>(
        &mut self,
        parent_name: &str,
        parent_values: impl IntoIterator<Item = V>,
        body: impl FnOnce(&mut HyperParameters) -> Result<R>,
    ) -> Result<Option<R>> {
        if !self.exists(parent_name, &self.conditions) {
            return Err(TuningError::hp(
                parent_name,
                "is not defined: declare it before a conditional scope that depends on it",
            ));
        }
        let condition = Condition::Parent {
            name: parent_name.to_string(),
            values: parent_values.into_iter().map(Into::into).collect(),
        };
        let active = condition.is_active(&self.values);
        self.conditions.push(condition);
        if active {
            self.active_scopes.push(self.conditions.clone());
        } else {
            self.inactive_scopes.push(self.conditions.clone());
        }
        let result = if active { body(self).map(Some) } else { Ok(None) };
        self.conditions.pop();
        result
    }

    /// The scopes whose condition held, and those whose condition did not,
    /// since the last [`clear_scopes`](Self::clear_scopes).
    pub fn scopes(&self) -> (&[Vec<Condition>], &[Vec<Condition>]) {
        (&self.active_scopes, &self.inactive_scopes)
    }

    /// Forgets the recorded scopes.
    pub fn clear_scopes(&mut self) {
        self.active_scopes.clear();
        self.inactive_scopes.clear();
    }

    /// A copy with the same space and no values.
    pub fn space_only(&self) -> HyperParameters {
        HyperParameters { space: self.space.clone(), ..HyperParameters::default() }
    }

    /// The configuration Keras Tuner writes (`{"space": [...], "values": {...}}`).
    pub fn to_config(&self) -> HyperParametersConfig {
        HyperParametersConfig { space: self.space.clone(), values: self.values.clone() }
    }

    /// Reads a configuration back, checking every hyperparameter.
    pub fn from_config(config: HyperParametersConfig) -> Result<HyperParameters> {
        let mut space = config.space;
        for hp in &mut space {
            hp.validate()?;
        }
        Ok(HyperParameters { space, values: config.values, ..HyperParameters::default() })
    }

    /// Keras Tuner's hash of the values, used to skip a configuration
    /// already tried: the SHA-256 of `name=value` pairs sorted by name,
    /// joined without separator, first 32 hex digits.
    pub fn values_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let text: String = self.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        hex::encode(Sha256::digest(text.as_bytes()))[..32].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hp(h: impl Into<HyperParameter>) -> HyperParameter {
        let mut h = h.into();
        h.validate().unwrap();
        h
    }

    impl From<Int> for HyperParameter {
        fn from(h: Int) -> Self {
            HyperParameter::Int(h)
        }
    }
    impl From<Float> for HyperParameter {
        fn from(h: Float) -> Self {
            HyperParameter::Float(h)
        }
    }
    impl From<Choice> for HyperParameter {
        fn from(h: Choice) -> Self {
            HyperParameter::Choice(h)
        }
    }

    #[test]
    fn python_reprs() {
        for (x, repr) in [
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (0.001, "0.001"),
            (1.0, "1.0"),
            (123.5, "123.5"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-2.5e-7, "-2.5e-07"),
            (1234567890123456.0, "1234567890123456.0"),
            (0.0, "0.0"),
        ] {
            assert_eq!(python_float_repr(x), repr, "{x:e}");
        }
        assert_eq!(Value::Bool(true).to_string(), "True");
    }

    #[test]
    fn python_floor_division() {
        assert_eq!(python_floordiv(1.0, 0.1), 9.0);
        assert_eq!(python_floordiv(7.0, 2.0), 3.0);
        assert_eq!(python_floordiv(-7.0, 2.0), -4.0);
        assert_eq!(python_floordiv(0.9, 0.3), 3.0);
    }

    // The expected values below are Keras Tuner 1.4.8's own, computed by
    // hand from its formulas (numerical.py, int_hp.py, hp_utils.py).
    #[test]
    fn int_maps_like_keras_tuner() {
        let n_hidden = hp(Int::new("n_hidden", 0, 8));
        // Linear Int: step 1 by index, 9 values.
        assert_eq!(n_hidden.prob_to_value(0.0), Value::Int(0));
        assert_eq!(n_hidden.prob_to_value(0.5), Value::Int(4));
        assert_eq!(n_hidden.prob_to_value(0.999_999), Value::Int(8));
        assert!((n_hidden.value_to_prob(&Value::Int(4)).unwrap() - 4.5 / 9.0).abs() < 1e-15);
        // Log Int without step: truncation of min·((max+1)/min)^p.
        let units = hp(Int::new("units", 16, 256).sampling(Sampling::Log));
        let expected = (16.0 * (257.0_f64 / 16.0).powf(0.3)).trunc() as i64;
        assert_eq!(units.prob_to_value(0.3), Value::Int(expected));
        // Log Int with step 2: 16, 32, 64, 128, 256.
        let stepped = hp(Int::new("units", 16, 256).sampling(Sampling::Log).step(2));
        let values: Vec<Value> = (0..5).map(|i| stepped.prob_to_value((i as f64 + 0.5) / 5.0)).collect();
        assert_eq!(values, [16, 32, 64, 128, 256].map(Value::Int));
        assert!((stepped.value_to_prob(&Value::Int(64)).unwrap() - 0.5).abs() < 1e-12);
        // Linear with step 3 from 6 to 13: 6, 9, 12.
        let layers = hp(Int::new("n_layers", 6, 13).step(3));
        assert_eq!(layers.prob_to_value(0.99), Value::Int(12));
    }

    #[test]
    fn float_maps_like_keras_tuner() {
        let lr = hp(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log));
        let v = lr.prob_to_value(0.25).as_f64().unwrap();
        assert!((v - 1e-4 * 100f64.powf(0.25)).abs() < 1e-18);
        assert!((lr.value_to_prob(&Value::Float(v)).unwrap() - 0.25).abs() < 1e-12);
        let momentum = hp(Float::new("momentum", 0.5, 0.999).sampling(Sampling::ReverseLog));
        let m = momentum.prob_to_value(0.9).as_f64().unwrap();
        assert!((m - (0.999 + 0.5 - 0.5 * (0.999f64 / 0.5).powf(0.1))).abs() < 1e-15);
        assert!((momentum.value_to_prob(&Value::Float(m)).unwrap() - 0.9).abs() < 1e-12);
        // Reverse-log crowds the values near the maximum.
        assert!(momentum.prob_to_value(0.5).as_f64().unwrap() > (0.5 + 0.999) / 2.0);
        // 0 to 1 by 0.1: Python's 1.0 // 0.1 is 9, so 10 values, the last 0.9.
        let dropout = hp(Float::new("dropout", 0.0, 1.0).step(0.1));
        assert!((dropout.prob_to_value(0.999).as_f64().unwrap() - 0.9).abs() < 1e-12);
    }

    #[test]
    fn choice_and_boolean() {
        let opt = hp(Choice::new("optimizer", ["sgd", "adam"]));
        assert_eq!(opt.prob_to_value(0.49), Value::from("sgd"));
        assert_eq!(opt.prob_to_value(0.5), Value::from("adam"));
        assert_eq!(opt.value_to_prob(&Value::from("adam")).unwrap(), 0.75);
        assert!(opt.value_to_prob(&Value::from("rmsprop")).is_err());
        let b = HyperParameter::Boolean(Boolean::new("normalize"));
        assert_eq!(b.prob_to_value(0.5), Value::Bool(true));
        assert_eq!(b.value_to_prob(&Value::Bool(false)).unwrap(), 0.25);
        assert_eq!(b.default_value(), Value::Bool(false));
    }

    #[test]
    fn bad_arguments_are_errors_naming_the_hyperparameter() {
        let mut hps = HyperParameters::new();
        let e = hps.int(Int::new("n", 5, 2)).unwrap_err().to_string();
        assert!(e.contains("'n'") && e.contains("greater"), "{e}");
        let e = hps.float(Float::new("lr", 0.0, 1.0).sampling(Sampling::Log)).unwrap_err().to_string();
        assert!(e.contains("'lr'") && e.contains("log"), "{e}");
        let e = hps.int(Int::new("u", 1, 64).sampling(Sampling::Log).step(1)).unwrap_err().to_string();
        assert!(e.contains("step > 1"), "{e}");
        let e = hps.choice(Choice::new("c", Vec::<Value>::new())).unwrap_err().to_string();
        assert!(e.contains("'c'"), "{e}");
        let mixed = Choice { values: vec![Value::Int(1), Value::from("a")], ..Choice::new("m", [1]) };
        assert!(hps.choice(mixed).is_err());
        assert!(hps.choice(Choice::new("d", ["a", "b"]).default("z")).is_err());
        assert!(hps.choice(Choice::new("o", ["a", "b"]).ordered(true)).is_err());
    }

    #[test]
    fn declared_values_are_defaults_then_the_set_values() {
        let mut hps = HyperParameters::new();
        assert_eq!(hps.int(Int::new("n_hidden", 0, 8).default(2)).unwrap(), 2);
        assert_eq!(hps.int(Int::new("n_neurons", 16, 256)).unwrap(), 16);
        assert!(!hps.boolean(Boolean::new("normalize")).unwrap());
        hps.set("n_hidden", 5);
        assert_eq!(hps.int(Int::new("n_hidden", 0, 8).default(2)).unwrap(), 5);
        assert_eq!(hps.space().len(), 3, "a second call does not declare again");
        // The same name and scope again reads the declared value: a boolean is not a float.
        let e = hps.float(Float::new("normalize", 0.0, 1.0)).unwrap_err().to_string();
        assert!(e.contains("'normalize'") && e.contains("boolean"), "{e}");
        assert!(hps.get("missing").is_err());
    }

    #[test]
    fn conditional_hyperparameters() {
        let mut hps = HyperParameters::new();
        let kind = hps.choice(Choice::new("model_type", ["mlp", "cnn"])).unwrap();
        assert_eq!(kind, Value::from("mlp"));
        let mlp =
            hps.conditional_scope("model_type", ["mlp"], |hp| hp.int(Int::new("units", 8, 64))).unwrap();
        let cnn =
            hps.conditional_scope("model_type", ["cnn"], |hp| hp.int(Int::new("filters", 8, 64))).unwrap();
        assert_eq!((mlp, cnn), (Some(8), None));
        let (active, inactive) = hps.scopes();
        assert_eq!((active.len(), inactive.len()), (1, 1));
        assert!(hps.get("units").is_ok());
        // "filters" was never declared: its scope did not run.
        assert!(hps.space().iter().all(|h| h.name() != "filters"));
        assert!(hps.conditional_scope("nope", ["x"], |_| Ok(())).is_err());
        // The declared child carries its condition.
        let units = hps.space().iter().find(|h| h.name() == "units").unwrap().clone();
        assert_eq!(units.conditions()[0].parent(), "model_type");
        hps.set("model_type", "cnn");
        assert!(!hps.is_active(&units));
    }

    #[test]
    fn config_round_trips_in_keras_tuner_format() {
        let mut hps = HyperParameters::new();
        hps.int(Int::new("n_hidden", 0, 8).default(2)).unwrap();
        hps.float(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log)).unwrap();
        hps.choice(Choice::new("optimizer", ["sgd", "adam"])).unwrap();
        let json = serde_json::to_value(hps.to_config()).unwrap();
        assert_eq!(json["space"][0]["class_name"], "Int");
        assert_eq!(json["space"][0]["config"]["step"], 1);
        assert_eq!(json["space"][1]["config"]["sampling"], "log");
        assert_eq!(json["values"]["optimizer"], "sgd");
        let back = HyperParameters::from_config(serde_json::from_value(json).unwrap()).unwrap();
        assert_eq!(back.space(), hps.space());
        assert_eq!(back.values(), hps.values());
        // A Keras Tuner file written with an integer bound for a Float reads too.
        let kt = r#"{"space": [{"class_name": "Float", "config": {"name": "x", "default": 0,
            "conditions": [], "min_value": 0, "max_value": 1, "step": null, "sampling": "linear"}}],
            "values": {"x": 0}}"#;
        let read = HyperParameters::from_config(serde_json::from_str(kt).unwrap()).unwrap();
        assert_eq!(read.space()[0].prob_to_value(0.5), Value::Float(0.5));
    }

    #[test]
    fn hash_is_keras_tuners() {
        // hashlib.sha256("a=1b=adamc=0.001".encode()).hexdigest()[:32]
        let mut hps = HyperParameters::new();
        hps.set("b", "adam");
        hps.set("a", 1);
        hps.set("c", 0.001);
        assert_eq!(hps.values_hash(), "b05099758d153b7595c7736c8736e667");
    }
}

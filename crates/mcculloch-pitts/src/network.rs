//! Networks of McCulloch–Pitts units, evaluated a whole batch at a time.
//!
//! Units are added one by one and may only listen to inputs and to units
//! added before them, so a network has no cycles. For evaluation the units
//! are grouped into layers by depth; each layer is one call of the affine
//! kernel ([`crate::affine_into`], Equation 10-2) followed by the Heaviside
//! step (Equation 10-1), on a matrix with one row per input row.
//!
//! ```
//! use mcculloch_pitts::Network;
//! // XOR from AND, OR and NOT units: (A ∨ B) ∧ ¬(A ∧ B).
//! let mut net = Network::new(2);
//! let (a, b) = (net.input(0)?, net.input(1)?);
//! let either = net.or(a, b)?;
//! let both = net.and(a, b)?;
//! let not_both = net.not(both)?;
//! let xor = net.and(either, not_both)?;
//! net.set_outputs(&[xor])?;
//! let table = net.truth_table()?;
//! let outputs: Vec<bool> = table.iter().map(|(_, out)| out[0]).collect();
//! assert_eq!(outputs, [false, true, true, false]); // rows 00, 01, 10, 11
//! # Ok::<(), mcculloch_pitts::NetworkError>(())
//! ```

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::affine::{ShapeError, affine_into};
use crate::step::heaviside_mut;
use crate::unit::{Signal, Unit, write_column};

/// What can be wrong when building or running a network.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum NetworkError {
    /// A connection from a signal that does not exist (yet).
    #[error(
        "unit {unit} listens to {signal:?}, which does not exist: the network has {inputs} inputs and {units} units so far"
    )]
    UnknownSignal {
        /// The unit being added (its future index).
        unit: usize,
        /// The missing source.
        signal: Signal,
        /// Inputs the network has.
        inputs: usize,
        /// Units the network has.
        units: usize,
    },
    /// An input batch with the wrong number of columns.
    #[error("the network has {expected} inputs but the batch has {found} columns")]
    InputWidth {
        /// Inputs the network has.
        expected: usize,
        /// Columns of the batch.
        found: usize,
    },
    /// An input value that is neither 0 nor 1.
    #[error("input row {row}, column {column} is {value}: McCulloch–Pitts inputs are 0 or 1")]
    NotBinary {
        /// Row of the batch.
        row: usize,
        /// Column of the batch.
        column: usize,
        /// The value found.
        value: f64,
    },
    /// A network with no outputs was asked to evaluate.
    #[error("the network has no outputs: call set_outputs first")]
    NoOutputs,
    /// Too many inputs to enumerate a truth table.
    #[error("a truth table of {0} inputs has too many rows (at most 20 inputs)")]
    TooManyInputs(usize),
    /// A kernel rejected its operands (a bug if it ever happens).
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

/// One row of a truth table: the inputs, then the outputs they give.
pub type TruthRow = (Vec<bool>, Vec<bool>);

/// One evaluation step: the units of one depth, as a dense layer over all
/// signals.
#[derive(Clone, Debug)]
struct Layer {
    units: Vec<usize>,
    w: DMatrix<f64>,
    b: DVector<f64>,
}

/// A network of McCulloch–Pitts units with binary inputs.
#[derive(Clone, Debug)]
pub struct Network {
    inputs: usize,
    units: Vec<Unit>,
    depth: Vec<usize>,
    outputs: Vec<Signal>,
    always_on: Option<Signal>,
}

impl Network {
    /// An empty network with `inputs` inputs.
    pub fn new(inputs: usize) -> Self {
        Network { inputs, units: Vec::new(), depth: Vec::new(), outputs: Vec::new(), always_on: None }
    }

    /// The input signal number `i`.
    pub fn input(&self, i: usize) -> Result<Signal, NetworkError> {
        self.check(Signal::Input(i))?;
        Ok(Signal::Input(i))
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The units, in the order they were added.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The output signals.
    pub fn outputs(&self) -> &[Signal] {
        &self.outputs
    }

    fn check(&self, s: Signal) -> Result<(), NetworkError> {
        let exists = match s {
            Signal::Input(i) => i < self.inputs,
            Signal::Unit(k) => k < self.units.len(),
        };
        if exists {
            Ok(())
        } else {
            Err(NetworkError::UnknownSignal {
                unit: self.units.len(),
                signal: s,
                inputs: self.inputs,
                units: self.units.len(),
            })
        }
    }

    fn depth_of(&self, s: Signal) -> usize {
        match s {
            Signal::Input(_) => 0,
            Signal::Unit(k) => self.depth[k],
        }
    }

    /// Adds a unit whose connections come from existing signals; returns its
    /// output signal.
    pub fn add(&mut self, unit: Unit) -> Result<Signal, NetworkError> {
        for s in unit.sources() {
            self.check(s)?;
        }
        let depth = 1 + unit.sources().map(|s| self.depth_of(s)).max().unwrap_or(0);
        self.units.push(unit);
        self.depth.push(depth);
        Ok(Signal::Unit(self.units.len() - 1))
    }

    /// Chooses which signals the network outputs, in order.
    pub fn set_outputs(&mut self, outputs: &[Signal]) -> Result<(), NetworkError> {
        for &s in outputs {
            self.check(s)?;
        }
        self.outputs = outputs.to_vec();
        Ok(())
    }

    /// Adds `A ∧ B` (Figure 10-3: one connection from each, threshold 2).
    pub fn and(&mut self, a: Signal, b: Signal) -> Result<Signal, NetworkError> {
        self.add(Unit::new(2).excite(a, 1).excite(b, 1))
    }

    /// Adds `A ∨ B` (Figure 10-3: two connections from each, threshold 2).
    pub fn or(&mut self, a: Signal, b: Signal) -> Result<Signal, NetworkError> {
        self.add(Unit::new(2).excite(a, 2).excite(b, 2))
    }

    /// Adds `A ∧ ¬B` (Figure 10-3: two connections from A, an inhibitory one
    /// from B, threshold 2).
    pub fn and_not(&mut self, a: Signal, b: Signal) -> Result<Signal, NetworkError> {
        self.add(Unit::new(2).excite(a, 2).inhibit(b))
    }

    /// Adds `¬A`: `A ∧ ¬B` with an always-on unit in place of A, as the
    /// chapter suggests. The always-on unit (threshold 0, no input) is
    /// created once and shared.
    pub fn not(&mut self, a: Signal) -> Result<Signal, NetworkError> {
        self.check(a)?;
        let on = match self.always_on {
            Some(on) => on,
            None => {
                let on = self.add(Unit::new(0))?;
                self.always_on = Some(on);
                on
            }
        };
        self.and_not(on, a)
    }

    /// The units grouped by depth, each group a dense layer over all the
    /// network's signals (inputs first, then units).
    fn layers(&self) -> Vec<Layer> {
        let signals = self.inputs + self.units.len();
        let index = |s: Signal| match s {
            Signal::Input(i) => i,
            Signal::Unit(k) => self.inputs + k,
        };
        let max_depth = self.depth.iter().copied().max().unwrap_or(0);
        (1..=max_depth)
            .map(|d| {
                let units: Vec<usize> = (0..self.units.len()).filter(|&k| self.depth[k] == d).collect();
                let mut w = DMatrix::zeros(signals, units.len());
                let mut b = DVector::zeros(units.len());
                for (column, &k) in units.iter().enumerate() {
                    write_column(&self.units[k], &mut w, &mut b, column, index);
                }
                Layer { units, w, b }
            })
            .collect()
    }

    /// Evaluates a batch: one row per case, one column per input, values
    /// 0 or 1. Returns one row per case, one column per output.
    pub fn evaluate(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>, NetworkError> {
        if self.outputs.is_empty() {
            return Err(NetworkError::NoOutputs);
        }
        if x.ncols() != self.inputs {
            return Err(NetworkError::InputWidth { expected: self.inputs, found: x.ncols() });
        }
        if let Some((k, &value)) = x.iter().enumerate().find(|&(_, &v)| v != 0.0 && v != 1.0) {
            let (row, column) = (k % x.nrows(), k / x.nrows());
            return Err(NetworkError::NotBinary { row, column, value });
        }
        let n = x.nrows();
        let mut signals = DMatrix::zeros(n, self.inputs + self.units.len());
        signals.columns_mut(0, self.inputs).copy_from(x);
        let mut z = DMatrix::zeros(0, 0);
        for layer in self.layers() {
            affine_into(&mut z, &signals, &layer.w, &layer.b)?;
            heaviside_mut(&mut z);
            for (column, &k) in layer.units.iter().enumerate() {
                signals.set_column(self.inputs + k, &z.column(column));
            }
        }
        let mut out = DMatrix::zeros(n, self.outputs.len());
        for (j, &s) in self.outputs.iter().enumerate() {
            let column = match s {
                Signal::Input(i) => i,
                Signal::Unit(k) => self.inputs + k,
            };
            out.set_column(j, &signals.column(column));
        }
        Ok(out)
    }

    /// Every input combination (in binary counting order, input 0 as the
    /// most significant bit) with the outputs it gives.
    pub fn truth_table(&self) -> Result<Vec<TruthRow>, NetworkError> {
        if self.inputs > 20 {
            return Err(NetworkError::TooManyInputs(self.inputs));
        }
        let rows = 1usize << self.inputs;
        let bit = |r: usize, c: usize| (r >> (self.inputs - 1 - c)) & 1 == 1;
        let x = DMatrix::from_fn(rows, self.inputs, |r, c| f64::from(u8::from(bit(r, c))));
        let y = self.evaluate(&x)?;
        Ok((0..rows)
            .map(|r| {
                let inputs = (0..self.inputs).map(|c| bit(r, c)).collect();
                let outputs = y.row(r).iter().map(|&v| v == 1.0).collect();
                (inputs, outputs)
            })
            .collect())
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |s: Signal| match s {
            Signal::Input(i) => input_name(i),
            Signal::Unit(k) => format!("u{k}"),
        };
        for (k, unit) in self.units.iter().enumerate() {
            let sum: Vec<String> = unit
                .excitatory
                .iter()
                .map(|&(s, m)| if m == 1 { name(s) } else { format!("{m}×{}", name(s)) })
                .collect();
            let rule = if sum.is_empty() {
                format!("0 ≥ {}", unit.threshold)
            } else {
                format!("{} ≥ {}", sum.join(" + "), unit.threshold)
            };
            let vetoes: Vec<String> = unit.inhibitory.iter().map(|&s| name(s)).collect();
            let unless = if vetoes.is_empty() {
                String::new()
            } else {
                format!(", unless {} is on", vetoes.join(" or "))
            };
            writeln!(f, "u{k}: fires when {rule}{unless}")?;
        }
        let outs: Vec<String> = self.outputs.iter().map(|&s| name(s)).collect();
        write!(f, "outputs: {}", outs.join(", "))
    }
}

/// `A`, `B`, … for inputs 0, 1, …, then `x26`, `x27`, ….
pub fn input_name(i: usize) -> String {
    match u8::try_from(i) {
        Ok(i) if i < 26 => char::from(b'A' + i).to_string(),
        _ => format!("x{i}"),
    }
}

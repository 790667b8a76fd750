//! The artificial neuron of McCulloch and Pitts (1943): binary inputs, one
//! binary output. It fires when at least `threshold` of its excitatory
//! connections carry an active signal, counting a signal that arrives
//! through several connections once per connection, unless one of its
//! inhibitory connections is active: inhibition is absolute.
//!
//! ```
//! use mcculloch_pitts::{Signal, Unit};
//! let (a, b) = (Signal::Input(0), Signal::Input(1));
//! // C = A ∧ ¬B (Figure 10-3, right): A arrives through two connections.
//! let c = Unit::new(2).excite(a, 2).inhibit(b);
//! assert!(c.fires(|s| s == a));          // A on, B off
//! assert!(!c.fires(|_| true));           // B vetoes
//! ```

use nalgebra::{DMatrix, DVector};

/// A signal inside a network: one of its inputs, or the output of one of
/// its units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// The network's input number `i` (0-based).
    Input(usize),
    /// The output of the network's unit number `k`, in the order added.
    Unit(usize),
}

/// A McCulloch–Pitts unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// How many active excitatory connections make it fire.
    pub threshold: u32,
    /// Excitatory connections: the source and the number of connections
    /// from it (its weight).
    pub excitatory: Vec<(Signal, u32)>,
    /// Inhibitory connections: any active one prevents firing.
    pub inhibitory: Vec<Signal>,
}

impl Unit {
    /// A unit with this threshold and no connections yet. A unit with
    /// threshold 0 and no inhibitory connection always fires.
    pub fn new(threshold: u32) -> Self {
        Unit { threshold, excitatory: Vec::new(), inhibitory: Vec::new() }
    }

    /// Adds `connections` excitatory connections from `source`.
    pub fn excite(mut self, source: Signal, connections: u32) -> Self {
        self.excitatory.push((source, connections));
        self
    }

    /// Adds an inhibitory connection from `source`.
    pub fn inhibit(mut self, source: Signal) -> Self {
        self.inhibitory.push(source);
        self
    }

    /// The rule itself, signal by signal: does the unit fire when the
    /// signals for which `active` is true are on?
    pub fn fires(&self, active: impl Fn(Signal) -> bool) -> bool {
        let vetoed = self.inhibitory.iter().any(|&s| active(s));
        let excitation: u64 =
            self.excitatory.iter().filter(|(s, _)| active(*s)).map(|&(_, m)| u64::from(m)).sum();
        !vetoed && excitation >= u64::from(self.threshold)
    }

    /// Every connection's source.
    pub fn sources(&self) -> impl Iterator<Item = Signal> + '_ {
        self.excitatory.iter().map(|&(s, _)| s).chain(self.inhibitory.iter().copied())
    }

    /// The same unit as a threshold logic unit: `heaviside(w·s + b)` over the
    /// vector `s` of all `signals` (ordered as `index` says) fires exactly
    /// when [`Unit::fires`] does. An excitatory connection weighs its
    /// multiplicity; an inhibitory one weighs minus (all excitation + 1),
    /// which no excitation can outweigh; the bias is minus the threshold.
    pub fn as_tlu(&self, signals: usize, index: impl Fn(Signal) -> usize) -> (DVector<f64>, f64) {
        let mut w = DVector::zeros(signals);
        let total: f64 = self.excitatory.iter().map(|&(_, m)| f64::from(m)).sum();
        for &(s, m) in &self.excitatory {
            w[index(s)] += f64::from(m);
        }
        for &s in &self.inhibitory {
            w[index(s)] -= total + 1.0;
        }
        (w, -f64::from(self.threshold))
    }
}

/// Puts a unit's TLU weights into column `column` of a layer's weight
/// matrix and bias vector.
pub(crate) fn write_column(
    unit: &Unit,
    w: &mut DMatrix<f64>,
    b: &mut DVector<f64>,
    column: usize,
    index: impl Fn(Signal) -> usize,
) {
    let (weights, bias) = unit.as_tlu(w.nrows(), index);
    w.set_column(column, &weights);
    b[column] = bias;
}

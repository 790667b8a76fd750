//! The networks of Figure 10-3, and NOT. Every unit has threshold 2, as in
//! the figure; the input signals are A (input 0) and B (input 1), and C is
//! the output.
//!
//! ```
//! use mcculloch_pitts::figure_10_3;
//! let and = figure_10_3::and();
//! let fired: Vec<bool> = and.truth_table()?.into_iter().map(|(_, out)| out[0]).collect();
//! assert_eq!(fired, [false, false, false, true]);
//! # Ok::<(), mcculloch_pitts::NetworkError>(())
//! ```

use crate::network::Network;
use crate::unit::{Signal, Unit};

const A: Signal = Signal::Input(0);
const B: Signal = Signal::Input(1);

fn one_unit(inputs: usize, unit: Unit) -> Network {
    let mut net = Network::new(inputs);
    let c = net.add(unit).expect("the unit's sources are the network's inputs");
    net.set_outputs(&[c]).expect("the unit was just added");
    net
}

/// `C = A`: A reaches C through two connections, enough for threshold 2.
pub fn identity() -> Network {
    one_unit(1, Unit::new(2).excite(A, 2))
}

/// `C = A ∧ B`: one connection from each; both must be on to reach 2.
pub fn and() -> Network {
    one_unit(2, Unit::new(2).excite(A, 1).excite(B, 1))
}

/// `C = A ∨ B`: two connections from each; either alone reaches 2.
pub fn or() -> Network {
    one_unit(2, Unit::new(2).excite(A, 2).excite(B, 2))
}

/// `C = A ∧ ¬B`: two connections from A, and B inhibits C.
pub fn a_and_not_b() -> Network {
    one_unit(2, Unit::new(2).excite(A, 2).inhibit(B))
}

/// `C = ¬A`: the previous network with its first input always on, here an
/// always-firing unit (threshold 0) so that the network has one input.
pub fn not() -> Network {
    let mut net = Network::new(1);
    let input = net.input(0).expect("the network has one input");
    let c = net.not(input).expect("the input exists");
    net.set_outputs(&[c]).expect("the unit was just added");
    net
}

/// All five, with their names, in the figure's order.
pub fn all() -> Vec<(&'static str, Network)> {
    vec![
        ("Identity: C = A", identity()),
        ("AND: C = A ∧ B", and()),
        ("OR: C = A ∨ B", or()),
        ("A AND NOT B: C = A ∧ ¬B", a_and_not_b()),
        ("NOT: C = ¬A", not()),
    ]
}

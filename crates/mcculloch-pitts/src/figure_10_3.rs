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

// ANCHOR: and_or
/// `C = A ∧ B`: one connection from each; both must be on to reach 2.
pub fn and() -> Network {
    one_unit(2, Unit::new(2).excite(A, 1).excite(B, 1))
}

/// `C = A ∨ B`: two connections from each; either alone reaches 2.
pub fn or() -> Network {
    one_unit(2, Unit::new(2).excite(A, 2).excite(B, 2))
}
// ANCHOR_END: and_or

// ANCHOR: and_not
/// `C = A ∧ ¬B`: two connections from A, and B inhibits C.
pub fn a_and_not_b() -> Network {
    one_unit(2, Unit::new(2).excite(A, 2).inhibit(B))
}
// ANCHOR_END: and_not

/// `C = ¬A`: the previous network with its first input always on, here an
/// always-firing unit (threshold 0) so that the network has one input.
pub fn not() -> Network {
    let mut net = Network::new(1);
    let input = net.input(0).expect("the network has one input");
    let c = net.not(input).expect("the input exists");
    net.set_outputs(&[c]).expect("the unit was just added");
    net
}

/// Every network's rules and truth table, as `cargo run -p mcculloch-pitts`
/// prints them.
pub fn report() -> Result<String, crate::NetworkError> {
    use std::fmt::Write;
    let mut out = String::new();
    for (name, net) in all() {
        let header: Vec<String> = (0..net.inputs()).map(crate::network::input_name).collect();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{name}\n{net}\n  {} | C", header.join(" "));
        for (inputs, outputs) in net.truth_table()? {
            let bits: Vec<&str> = inputs.iter().map(|&b| if b { "1" } else { "0" }).collect();
            let _ = writeln!(out, "  {} | {}", bits.join(" "), u8::from(outputs[0]));
        }
        out.push('\n');
    }
    Ok(out)
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

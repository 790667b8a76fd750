//! `cargo run -p mcculloch-pitts`: the truth table of every network of
//! Figure 10-3, and of NOT.

use std::process::ExitCode;

use mcculloch_pitts::network::input_name;
use mcculloch_pitts::{NetworkError, figure_10_3};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), NetworkError> {
    // ANCHOR: truth_tables
    for (name, net) in figure_10_3::all() {
        println!("{name}\n{net}");
        let header: Vec<String> = (0..net.inputs()).map(input_name).collect();
        println!("  {} | C", header.join(" "));
        for (inputs, outputs) in net.truth_table()? {
            let bits: Vec<&str> = inputs.iter().map(|&b| if b { "1" } else { "0" }).collect();
            println!("  {} | {}", bits.join(" "), u8::from(outputs[0]));
        }
        println!();
    }
    // ANCHOR_END: truth_tables
    Ok(())
}

//! `cargo run -p mcculloch-pitts`: the truth table of every network of
//! Figure 10-3, and of NOT.

use std::process::ExitCode;

fn main() -> ExitCode {
    match mcculloch_pitts::figure_10_3::report() {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

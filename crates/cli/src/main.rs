//! `unicat`: the command-line tool. It owns argument parsing, progress
//! display and wiring; every piece of work is done by the library crates.

mod marc;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Unicat: one catalog for a network of libraries.
#[derive(Parser)]
#[command(name = "unicat", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// MARC tools.
    #[command(subcommand)]
    Marc(marc::MarcCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Marc(cmd) => marc::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("unicat: {e:#}");
            ExitCode::FAILURE
        }
    }
}

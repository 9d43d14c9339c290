//! The `antre` command: serve (default), migrate, user add.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = antre::cli::Cli::parse();
    match antre::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("antre: {reason}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! The `antre` command: serve (default), migrate, user add.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match antre::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One line: the stable interface promises a one-line reason.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            eprintln!(
                "antre: {} (see antre --help)",
                first.trim_start_matches("error: ")
            );
            return std::process::ExitCode::from(2);
        }
    };
    match antre::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("antre: {reason}");
            std::process::ExitCode::FAILURE
        }
    }
}

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = wbl::cli::Cli::parse();
    ExitCode::from(wbl::run(cli))
}

//! wbl: adapt and publish the Micro-internship Toolkit.
//!
//! The pipeline is a pure core with IO at the edges:
//! [`content`] loads files into the toolkit model, [`adapt`] applies a
//! district's overrides, [`render`] turns the adapted toolkit into
//! in-memory files, and [`output`] writes them to a folder or a zip.

pub mod adapt;
pub mod cli;
pub mod cmd;
pub mod content;
pub mod diag;
pub mod embedded;
pub mod fs;
pub mod i18n;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;

use cli::{Cli, Command};
use report::Reporter;

/// Exit code: content or configuration error.
pub const EXIT_ERROR: u8 = 1;
/// Exit code: the command line was wrong.
pub const EXIT_USAGE: u8 = 2;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    let Some(command) = cli.command else {
        println!(
            "wbl adapts the Micro-internship Toolkit for your district.\n\n{}",
            cli::GUIDE
        );
        return EXIT_USAGE;
    };
    let mut reporter = Reporter::new(cli.quiet, cli.verbose);
    let result = match command {
        Command::Adapt(args) => cmd::adapt::run(args, &mut reporter),
        Command::List(args) => cmd::list::run(args, &mut reporter),
        Command::Init(command) => cmd::init::run(command, &mut reporter),
        Command::Serve(args) => cmd::serve::run(args, cli.quiet, cli.verbose),
        Command::Completions(args) => cmd::completions::completions(args),
        Command::Man => cmd::completions::man(),
        Command::Check(args) => cmd::check::run(args, &mut reporter),
        Command::Diff(args) => cmd::diff::run(args, &mut reporter),
        Command::Publish(args) => cmd::publish::run(args, &mut reporter),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            reporter.fatal(&e);
            EXIT_ERROR
        }
    }
}

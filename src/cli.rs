//! The command line, as clap parses it. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Formats;

#[derive(Debug, Parser)]
#[command(
    name = "wbl",
    version,
    about = "Adapt and publish the Micro-internship Toolkit for your district",
    long_about = "wbl turns the Micro-internship Toolkit (guides, templates and forms for \
running 90-minute online micro-internships) into your district's own accessible website, \
printable handbook and handouts, and a zip bundle for teachers.",
    after_help = "The usual flow:\n  wbl adapt --out out                      the generic toolkit\n  wbl adapt --district my-district --out out   your district's version\n  wbl list                                 every page and section address, for overrides"
)]
pub struct Cli {
    /// Say more about what wbl is doing
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print only errors and warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site, handbook, handouts and zip for a district
    #[command(
        after_help = "Examples:\n  wbl adapt --out out\n  wbl adapt --district examples/desert-valley-usd --out out\n  wbl adapt --district my-district --format site --out preview"
    )]
    Adapt(AdaptArgs),
    /// Print every page and section address, for writing overrides
    #[command(
        after_help = "Examples:\n  wbl list\n  wbl list --district examples/desert-valley-usd\n  wbl list --toolkit my-toolkit"
    )]
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ToolkitArg {
    /// Toolkit source folder (default: the toolkit built into wbl)
    #[arg(long, value_name = "DIR")]
    pub toolkit: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AdaptArgs {
    #[command(flatten)]
    pub toolkit: ToolkitArg,

    /// District folder with district.toml (default: the generic toolkit)
    #[arg(long, value_name = "DIR")]
    pub district: Option<PathBuf>,

    /// Output folder; replaced entirely on success, untouched on failure
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,

    /// Outputs to build, comma-separated
    #[arg(long, value_name = "LIST", default_value = "site,print,handouts,zip", value_parser = Formats::parse)]
    pub format: Formats,

    /// Also print the handbook to print/handbook.pdf with Chrome, Edge or Chromium
    #[arg(long)]
    pub pdf: bool,

    /// Treat warnings as errors
    #[arg(long)]
    pub deny_warnings: bool,

    /// How to print errors and warnings
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub toolkit: ToolkitArg,

    /// Show the addresses as adapted for this district folder
    #[arg(long, value_name = "DIR")]
    pub district: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// error: …, the file, line and column, the line and a caret
    Human,
    /// One JSON object per line, for CI
    Json,
}

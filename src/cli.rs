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
    /// Check the toolkit and district folders for mistakes, writing nothing
    #[command(
        after_help = "Examples:\n  wbl check --district my-district\n  wbl check --district districts/a --district districts/b --deny-warnings\n  wbl check --toolkit my-toolkit --message-format json"
    )]
    Check(CheckArgs),
    /// Show what a district changes, and what changed upstream under its overrides
    #[command(
        after_help = "Examples:\n  wbl diff --district my-district\n  wbl diff --district my-district --accept online-safety#recording\n  wbl diff --district my-district --accept-all"
    )]
    Diff(DiffArgs),
    /// Build a release: the generic bundle and one per district, with checksums
    #[command(
        after_help = "Examples:\n  wbl publish --districts districts --out release\n  wbl publish --districts districts --out release --jobs 2 --deny-warnings\n  wbl publish --districts districts --out release-1 --shard 1/4"
    )]
    Publish(PublishArgs),
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

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub toolkit: ToolkitArg,

    /// District folder to check (repeat for several; none checks the generic toolkit)
    #[arg(long = "district", value_name = "DIR")]
    pub districts: Vec<PathBuf>,

    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,

    /// How to print errors and warnings
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub toolkit: ToolkitArg,

    /// District folder with district.toml and wbl.lock
    #[arg(long, value_name = "DIR")]
    pub district: PathBuf,

    /// Record the current toolkit text of TARGET as reviewed (repeatable)
    #[arg(long, value_name = "TARGET", conflicts_with = "accept_all")]
    pub accept: Vec<String>,

    /// Record the current toolkit text of every override as reviewed
    #[arg(long)]
    pub accept_all: bool,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub toolkit: ToolkitArg,

    /// Folder holding one district folder (with a district.toml) per district
    #[arg(long, value_name = "DIR")]
    pub districts: PathBuf,

    /// Release folder; replaced entirely when the run ends
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Districts built at once (default: the number of CPU cores)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// Build only slice K of N of the districts (the generic bundle is in slice 1)
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    pub shard: Option<Shard>,

    /// A district with warnings fails like one with errors
    #[arg(long)]
    pub deny_warnings: bool,

    /// How to print errors and warnings
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

/// One of N disjoint slices of a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or("write the shard as K/N, for example 2/4")?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a whole number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a whole number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {index}/{count}: K must be between 1 and N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether the `i`-th district (0-based, in name order) is in this shard.
    pub fn contains(&self, i: usize) -> bool {
        i % self.count == self.index - 1
    }
}

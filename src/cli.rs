//! The command line, as clap parses it. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::render::Formats;
pub use crate::report::MessageFormat;

#[derive(Debug, Parser)]
#[command(
    name = "wbl",
    version,
    about = "Adapt and publish the Micro-internship Toolkit for your district",
    long_about = "wbl turns the Micro-internship Toolkit (guides, templates and forms for \
running 90-minute online micro-internships) into your district's own accessible website, \
printable handbook and handouts, and a zip bundle for teachers.",
    after_help = GUIDE
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
    /// Show what a district changes, and what changed upstream under its overrides or translations
    #[command(
        after_help = "Examples:\n  wbl diff --district my-district\n  wbl diff --district my-district --accept online-safety#recording\n  wbl diff --district my-district --accept-all\n  wbl diff --district my-district --lang es\n  wbl diff --toolkit my-toolkit --lang es --accept family-letter#safety"
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
    /// Start a district folder, or write the toolkit out to edit it
    #[command(
        subcommand,
        after_help = "Examples:\n  wbl init district lake-county --name \"Lake County Schools\"\n  wbl init district districts/pine-ridge --name \"Pine Ridge SD\" --id pine-ridge-sd\n  wbl init toolkit my-toolkit"
    )]
    Init(InitCommand),
    /// Preview the site in your browser; it rebuilds and reloads on every save
    #[command(
        after_help = "Examples:\n  wbl serve --district lake-county --open\n  wbl serve --toolkit my-toolkit --district lake-county\n  wbl serve --port 8080"
    )]
    Serve(ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  wbl completions bash > ~/.local/share/bash-completion/completions/wbl\n  wbl completions zsh > ~/.zfunc/_wbl\n  wbl completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), for `man`
    #[command(
        after_help = "Examples:\n  wbl man > wbl.1 && man ./wbl.1\n  wbl man > /usr/local/share/man/man1/wbl.1"
    )]
    Man,
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

    /// Outputs to build, comma-separated: site, print, handouts, zip, lms (the LMS cartridges)
    #[arg(long, value_name = "LIST", default_value = "site,print,handouts,zip,lms", value_parser = Formats::parse)]
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
    #[arg(long, value_name = "DIR", required_unless_present = "lang")]
    pub district: Option<PathBuf>,

    /// Review the translations into LANG (e.g. `es`) instead: the district's
    /// with --district, else the toolkit's (translations.lock)
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,

    /// Record the current toolkit text of TARGET as reviewed (repeatable);
    /// with --lang, the current English text of a translated section
    #[arg(long, value_name = "TARGET", conflicts_with = "accept_all")]
    pub accept: Vec<String>,

    /// Record the current toolkit text of every override as reviewed (with
    /// --lang: of every translated section)
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

    /// Also print every bundle's handbook and handouts to PDF with Chrome, Edge or Chromium (one browser per job)
    #[arg(long)]
    pub pdf: bool,

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

/// The usual flow, shown by `wbl` alone and at the end of `wbl --help`.
pub const GUIDE: &str = "Getting started:
  1. wbl init district my-district --name \"Lake County Schools\"
                                        make your district folder
  2. edit my-district/district.toml     your name, logo, contacts and changes
  3. wbl serve --district my-district   preview in your browser; reloads on save
  4. wbl check --district my-district   find mistakes before you publish
  5. wbl adapt --district my-district --out out
                                        the site, handbook, handouts and zip

`wbl list` prints every page and section you can change.
`wbl COMMAND --help` explains a command, with examples.";

#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// Write a new district folder: a commented district.toml, pages/, sections/, assets/ and a README
    #[command(
        after_help = "Examples:\n  wbl init district lake-county --name \"Lake County Schools\"\n  wbl init district districts/pine-ridge --name \"Pine Ridge SD\" --id pine-ridge-sd\n  wbl init district my-district --toolkit my-toolkit"
    )]
    District(InitDistrictArgs),
    /// Write the built-in toolkit's source (toolkit.toml, pages, assets) to edit it
    #[command(
        after_help = "Examples:\n  wbl init toolkit my-toolkit\n  wbl adapt --toolkit my-toolkit --out out\n  wbl serve --toolkit my-toolkit"
    )]
    Toolkit(InitToolkitArgs),
}

#[derive(Debug, Args)]
pub struct InitDistrictArgs {
    /// Folder to create; wbl refuses if it already holds a district.toml
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// The district's full name (default: made from the folder name)
    #[arg(long, value_name = "NAME", value_parser = parse_name)]
    pub name: Option<String>,

    /// The id used in file names (default: made from the name)
    #[arg(long, value_name = "ID", value_parser = parse_district_id)]
    pub id: Option<String>,

    /// Toolkit whose sections the commented examples point at
    #[command(flatten)]
    pub toolkit: ToolkitArg,
}

#[derive(Debug, Args)]
pub struct InitToolkitArgs {
    /// Folder to write the toolkit to; existing files are never overwritten
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub toolkit: ToolkitArg,

    /// District folder to preview (default: the generic toolkit)
    #[arg(long, value_name = "DIR")]
    pub district: Option<PathBuf>,

    /// Port to listen on; 0 picks a free one (default: the first free of 3000–3009)
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,

    /// Address to listen on; anything but 127.0.0.1 or ::1 lets other computers read the preview
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Open the site in your web browser
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Checks `--id` as clap parses it, so a bad id is a usage error.
pub fn parse_district_id(s: &str) -> Result<String, String> {
    if crate::content::is_valid_id(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a valid district id: use lower-case letters, digits, `-` and `_`, for example lake-county-schools"
        ))
    }
}

/// Checks `--name`: it is shown everywhere, so it cannot be blank.
pub fn parse_name(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("the district name cannot be empty".to_string())
    } else {
        Ok(s.trim().to_string())
    }
}

//! Printing to the terminal: human diagnostics and progress on stderr,
//! coloured only on a terminal and never with `NO_COLOR`; JSON diagnostics
//! on stdout, one object a line, so CI can pipe them (`| tee diags.jsonl`)
//! as it does cargo's.

use std::io::{IsTerminal, Write};

use crate::diag::{Code, Diagnostic, Diagnostics, Severity};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// error: …, the file, line and column, the line and a caret (on stderr)
    Human,
    /// One JSON object per line on stdout, for CI
    Json,
}

pub struct Reporter {
    quiet: bool,
    verbose: u8,
    color: bool,
    pub format: MessageFormat,
    errors: usize,
    warnings: usize,
}

impl Reporter {
    pub fn new(quiet: bool, verbose: u8) -> Self {
        let color =
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Reporter {
            quiet,
            verbose,
            color,
            format: MessageFormat::Human,
            errors: 0,
            warnings: 0,
        }
    }

    /// Prints every diagnostic, errors first, in the order found.
    pub fn diagnostics(&mut self, diags: &Diagnostics) {
        let mut items: Vec<&Diagnostic> = diags.items().iter().collect();
        items.sort_by_key(|d| d.severity);
        let mut out: Box<dyn Write> = match self.format {
            MessageFormat::Human => Box::new(std::io::stderr().lock()),
            MessageFormat::Json => Box::new(std::io::stdout().lock()),
        };
        for d in items {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            let text = match self.format {
                MessageFormat::Human => format!("{}\n", d.render(self.color)),
                MessageFormat::Json => format!("{}\n", d.to_json()),
            };
            let _ = out.write_all(text.as_bytes());
        }
        let _ = out.flush();
    }

    /// The closing line: how many errors and warnings.
    pub fn summary(&self, what: &str) {
        if self.format == MessageFormat::Json || (self.errors == 0 && self.warnings == 0) {
            return;
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let line = match (self.errors, self.warnings) {
            (0, w) => format!("{what}: {}", plural(w, "warning")),
            (e, 0) => format!("{what} failed: {}", plural(e, "error")),
            (e, w) => format!("{what} failed: {}, {}", plural(e, "error"), plural(w, "warning")),
        };
        eprintln!("{line}");
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// A progress or result line, unless `--quiet`.
    pub fn status(&self, message: &str) {
        if !self.quiet && self.format == MessageFormat::Human {
            eprintln!("{message}");
        }
    }

    /// Detail shown with `-v`.
    pub fn verbose(&self, message: &str) {
        if self.verbose > 0 && !self.quiet {
            eprintln!("{message}");
        }
    }

    /// An error from the environment (a folder that cannot be written…).
    pub fn fatal(&mut self, e: &anyhow::Error) {
        self.errors += 1;
        let mut message = e.to_string();
        for cause in e.chain().skip(1) {
            message.push_str(&format!(": {cause}"));
        }
        match self.format {
            MessageFormat::Json => println!("{}", Diagnostic::error(Code::Io, message).to_json()),
            MessageFormat::Human => {
                let d = Diagnostic::error(Code::Io, message);
                eprint!("{}", d.render(self.color));
            }
        }
    }
}

//! Diagnostics: errors and warnings about content, pointing at a file, line
//! and column, printed for people (with the source line and a caret) or as
//! one JSON object per line for CI.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

/// A text file wbl has read, kept so diagnostics can quote it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (relative to where they pointed wbl).
    pub path: String,
    /// The text with a byte-order mark removed and CRLF folded to LF, so
    /// byte offsets line up with what the parsers see.
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
        })
    }

    /// Line (1-based), column (1-based, in characters) and the text of the
    /// line holding `offset`.
    pub fn locate(&self, offset: usize) -> (usize, usize, &str) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        let line = self.text[..line_start].matches('\n').count() + 1;
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column, &self.text[line_start..line_end])
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Width of the caret underline, in characters.
    #[serde(skip)]
    pub width: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message.into())
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message.into())
    }

    fn new(severity: Severity, message: String) -> Self {
        Diagnostic {
            severity,
            message,
            file: None,
            line: None,
            column: None,
            source_line: None,
            width: 1,
            help: None,
        }
    }

    /// Points the diagnostic at a byte range of a source file.
    pub fn at(mut self, file: &SourceFile, span: Range<usize>) -> Self {
        let (line, column, text) = file.locate(span.start);
        let end = span.end.max(span.start).min(file.text.len());
        let start = floor_char_boundary(&file.text, span.start.min(file.text.len()));
        let end = floor_char_boundary(&file.text, end);
        let on_line = file.text[start..end].split('\n').next().unwrap_or("");
        self.file = Some(file.path.clone());
        self.line = Some(line);
        self.column = Some(column);
        self.source_line = Some(text.to_string());
        self.width = on_line.chars().count().max(1);
        self
    }

    /// Names a file without a position (a missing file, a binary file).
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.file = Some(path.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The human form: `error: …`, `--> file:line:col`, the line, a caret.
    pub fn render(&self, color: bool) -> String {
        let (label, paint) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (bold, blue, reset) = if color {
            ("\x1b[1m", "\x1b[1;34m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        let paint = if color { paint } else { "" };
        let mut out = format!("{paint}{label}{reset}{bold}: {}{reset}\n", self.message);
        if let Some(file) = &self.file {
            let gutter = self.line.map_or(1, |l| l.to_string().len());
            let pad = " ".repeat(gutter);
            match (self.line, self.column) {
                (Some(line), Some(column)) => {
                    let _ = writeln!(out, "{pad}{blue}-->{reset} {file}:{line}:{column}");
                    if let Some(text) = &self.source_line {
                        let text = text.trim_end();
                        let caret_pad: String = text
                            .chars()
                            .take(column - 1)
                            .map(|c| if c == '\t' { '\t' } else { ' ' })
                            .collect();
                        let _ = writeln!(out, "{pad} {blue}|{reset}");
                        let _ = writeln!(out, "{blue}{line} |{reset} {text}");
                        let _ = writeln!(
                            out,
                            "{pad} {blue}|{reset} {caret_pad}{paint}{}{reset}",
                            "^".repeat(self.width)
                        );
                    }
                }
                _ => {
                    let _ = writeln!(out, "{pad}{blue}-->{reset} {file}");
                }
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {bold}= help:{reset} {help}");
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a diagnostic always serialises")
    }
}

/// Collects diagnostics while a stage runs; a stage keeps going after an
/// error where it can, so one run reports as many mistakes as possible.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if !self.items.contains(&diagnostic) {
            self.items.push(diagnostic);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
    }

    pub fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely
/// typo; used for every "did you mean" help.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" when a close candidate exists.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let file = SourceFile::new("a.md", "first\nsé cond line\n");
        let (line, col, text) = file.locate(10);
        assert_eq!((line, col, text), (2, 4, "sé cond line"));
    }

    #[test]
    fn renders_caret_under_the_span() {
        let file = SourceFile::new("pages/a.md", "title\nUse {{ vars.x }} here\n");
        let d = Diagnostic::error("unknown variable `vars.x`")
            .at(&file, 10..16)
            .with_help("did you mean `vars.y`?");
        assert_eq!(
            d.render(false),
            "error: unknown variable `vars.x`\n \
             --> pages/a.md:2:5\n  |\n\
             2 | Use {{ vars.x }} here\n  |     ^^^^^^\n  = help: did you mean `vars.y`?\n"
        );
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(
            closest("platfrom", ["platform", "session_minutes"]),
            Some("platform")
        );
        assert_eq!(closest("zzz", ["platform"]), None);
    }
}

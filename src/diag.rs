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

/// Source lines longer than this are shown cut to a window around the
/// caret: a 400-character paragraph with the caret at column 409 tells a
/// reader nothing.
const MAX_SHOWN: usize = 100;

/// The part of `line` to show, where the caret starts in it (in
/// characters) and how wide it is, for a caret at character `caret` that
/// is `width` characters wide. Cut ends are marked with `…`.
fn window(line: &str, caret: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let caret = caret.min(chars.len());
    if chars.len() <= MAX_SHOWN {
        return (line.to_string(), caret, width.max(1));
    }
    // A third of the window before the caret, so the text it points at
    // reads on after it.
    let start = caret.saturating_sub(MAX_SHOWN / 3).min(chars.len() - MAX_SHOWN);
    let end = start + MAX_SHOWN;
    let mut shown = String::new();
    let lead = usize::from(start > 0);
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    let width = width.min(end.saturating_sub(caret)).max(1);
    (shown, caret - start + lead, width)
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
                        let (text, caret_at, width) = window(text.trim_end(), column - 1, self.width);
                        let caret_pad: String = text
                            .chars()
                            .take(caret_at)
                            .map(|c| if c == '\t' { '\t' } else { ' ' })
                            .collect();
                        let _ = writeln!(out, "{pad} {blue}|{reset}");
                        let _ = writeln!(out, "{blue}{line} |{reset} {text}");
                        let _ = writeln!(
                            out,
                            "{pad} {blue}|{reset} {caret_pad}{paint}{}{reset}",
                            "^".repeat(width)
                        );
                    }
                }
                _ => {
                    let _ = writeln!(out, "{pad}{blue}-->{reset} {file}");
                }
            }
        }
        if let Some(help) = &self.help {
            // Later lines of a help are printed as they are, not indented:
            // they are often a block to copy into a file, where indentation
            // would change its meaning.
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
    fn cuts_long_lines_to_a_window_around_the_caret() {
        let line = format!("{}[the forms](forms.md){}", "a".repeat(300), "b".repeat(200));
        let file = SourceFile::new("pages/welcome.md", format!("+++\n{line}\n"));
        let at = 4 + 300 + "[the forms](".len();
        let rendered = Diagnostic::warning("link").at(&file, at..at + 8).render(false);
        let shown: Vec<&str> = rendered.lines().collect();
        assert_eq!(shown[1], " --> pages/welcome.md:2:313");
        let text = shown[3].strip_prefix("2 | ").unwrap();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert_eq!(text.chars().count(), MAX_SHOWN + 2);
        let caret = shown[4].strip_prefix("  | ").unwrap();
        let under: String = text.chars().skip(caret.find('^').unwrap()).take(8).collect();
        assert_eq!(under, "forms.md");
        assert_eq!(caret.trim(), "^^^^^^^^");

        // Near the end of the line, the window ends with the line.
        let (shown, at, width) = window(&"x".repeat(150), 149, 1);
        assert!(shown.starts_with('…') && !shown.ends_with('…'));
        assert_eq!((shown.chars().nth(at), width), (Some('x'), 1));
        // Short lines are left alone.
        assert_eq!(window("short", 2, 3), ("short".to_string(), 2, 3));
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

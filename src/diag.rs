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

/// A class of problem, named for docs (`docs/diagnostics.md`), JSON
/// consumers and allow-lists. The name is stable; the message text is
/// free to improve.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// A file is not UTF-8 text.
    InvalidUtf8 = "invalid-utf8",
    /// `toolkit.toml` or `district.toml` is not where wbl looked.
    MissingFile = "missing-file",
    /// `toolkit.toml` or `district.toml` holds nothing.
    EmptyFile = "empty-file",
    /// A TOML file (toolkit.toml, district.toml, front matter, wbl.lock) does not parse.
    TomlSyntax = "toml-syntax",
    /// A TOML table has a key wbl does not know.
    UnknownKey = "unknown-key",
    /// A TOML key has a value outside the ones allowed.
    UnknownValue = "unknown-value",
    /// A required TOML key is missing.
    MissingKey = "missing-key",
    /// A value has the wrong type (text where a number is needed, a table where a list is needed).
    WrongType = "wrong-type",
    /// The toolkit's version is not a semantic version.
    InvalidVersion = "invalid-version",
    /// An id (toolkit, part, page, district) uses characters ids cannot hold.
    InvalidId = "invalid-id",
    /// Two `[[parts]]` have the same id.
    DuplicatePart = "duplicate-part",
    /// `[[parts]]` lists a page that does not exist.
    MissingPage = "missing-page",
    /// A page appears twice in the reading order.
    PageListedTwice = "page-listed-twice",
    /// A page is in `pages/` but in no part, so it is left out.
    UnlistedPage = "unlisted-page",
    /// Two page files have the same id.
    DuplicatePageId = "duplicate-page-id",
    /// A page does not start with `+++` front matter.
    MissingFrontMatter = "missing-front-matter",
    /// A page's front matter has no closing `+++`.
    UnclosedFrontMatter = "unclosed-front-matter",
    /// Two headings of one page have the same explicit id.
    DuplicateHeadingId = "duplicate-heading-id",
    /// Page text or district.toml names a variable the toolkit does not have.
    UnknownVariable = "unknown-variable",
    /// A `{{ … }}` or `{% … %}` in page text is malformed or not closed.
    TemplateSyntax = "template-syntax",
    /// Filling in a page's variables failed.
    TemplateError = "template-error",
    /// A link names a page that does not exist.
    LinkToMissingPage = "link-to-missing-page",
    /// A link names a section that does not exist.
    LinkToMissingSection = "link-to-missing-section",
    /// A link names a section the district's overrides removed; it leads to the page instead.
    LinkToRemovedSection = "link-to-removed-section",
    /// A link names a page the district hides; it becomes plain text.
    LinkToHiddenPage = "link-to-hidden-page",
    /// A link is neither a page, an asset nor a web address.
    BadLink = "bad-link",
    /// A link or image names a file that is in no `assets/` folder.
    MissingAsset = "missing-asset",
    /// An image is not in `assets/` (the site must work offline).
    ImageOutsideAssets = "image-outside-assets",
    /// An image has no alternative text for screen readers.
    ImageWithoutAlt = "image-without-alt",
    /// The district's `color` is not a hex colour.
    InvalidColour = "invalid-colour",
    /// White text on the district's colour fails WCAG AA contrast.
    LowContrast = "low-contrast",
    /// A `[[sections]]` entry has an action other than replace, append, prepend or remove.
    UnknownAction = "unknown-action",
    /// A `[[sections]]` entry gives both `file` and `text`.
    FileAndText = "file-and-text",
    /// A `remove` entry gives text it cannot use.
    RemoveWithText = "remove-with-text",
    /// A replace, append or prepend entry gives no text.
    MissingText = "missing-text",
    /// A path in district.toml leads outside the district folder.
    PathOutsideDistrict = "path-outside-district",
    /// A file named in district.toml is not in the district folder.
    FileNotFound = "file-not-found",
    /// A file named in district.toml is there only with other capitals.
    WrongCase = "wrong-case",
    /// A file named in district.toml cannot be read.
    UnreadableFile = "unreadable-file",
    /// `[pages] hide` names a page that does not exist.
    HideUnknownPage = "hide-unknown-page",
    /// A `[[sections]]` target names a page or section that does not exist.
    MissingTarget = "missing-target",
    /// A target is a heading inside a list or quote, which is not a section.
    NestedTarget = "nested-target",
    /// A target is on a page the district replaces with its own.
    TargetOnReplacedPage = "target-on-replaced-page",
    /// A target is on a page the district hides, so it has no effect.
    TargetOnHiddenPage = "target-on-hidden-page",
    /// Two `[[sections]]` entries change the same text.
    ConflictingOverrides = "conflicting-overrides",
    /// A section is left with nothing but its heading after the overrides.
    EmptySection = "empty-section",
    /// A district page's `part` or `after` names no part or visible page.
    BadPlacement = "bad-placement",
    /// toolkit.toml's variable schema, relations or platforms are malformed.
    BadSchema = "bad-schema",
    /// A district's value is outside the values the toolkit allows.
    ValueNotAllowed = "value-not-allowed",
    /// The district's values break a relation between variables.
    BrokenRelation = "broken-relation",
    /// `[vars.<lang>]` sets a variable that is the same in every language.
    NotAWordsVariable = "not-a-words-variable",
    /// Page text includes a snippet that does not exist.
    MissingSnippet = "missing-snippet",
    /// A snippet file is malformed (for example, it has front matter).
    BadSnippet = "bad-snippet",
    /// A snippet no page includes.
    UnusedSnippet = "unused-snippet",
    /// A URL in district.toml or a link in page text is not `https:`, `http:`, `mailto:` or `tel:`.
    UnsafeUrl = "unsafe-url",
    /// Raw HTML in a district's page or section was removed or reduced to its text.
    RawHtml = "raw-html",
    /// A logo or image is not the type its name says, or is an SVG with scripts or links.
    BadImage = "bad-image",
    /// Two files differ only by case, or a name is reserved on Windows.
    BadFileName = "bad-file-name",
    /// wbl.lock (or translations.lock) is empty, damaged, for another toolkit, or from a newer toolkit version.
    BadLock = "bad-lock",
    /// Page text uses a template feature pages may not, or a loop or value grew past wbl's limits.
    TemplateLimit = "template-limit",
    /// Two district folders of one release have the same `id`.
    DuplicateDistrict = "duplicate-district",
    /// The toolkit's text under an override changed since the override was made.
    UpstreamChanged = "upstream-changed",
    /// The text recorded in wbl.lock or translations.lock was edited by hand.
    LockEdited = "lock-edited",
    /// The English text of a translated section changed since the translation was recorded.
    TranslationStale = "translation-stale",
    /// A toolkit translation has sections `translations.lock` records nothing for.
    TranslationUnrecorded = "translation-unrecorded",
    /// A language (in `languages`, or in a translation's file name) is not one the toolkit has, or not a language code.
    UnknownLanguage = "unknown-language",
    /// `pages/<id>.<lang>.md` or `snippets/<name>.<lang>.md` translates a page or snippet that does not exist.
    TranslationOfMissingPage = "translation-of-missing-page",
    /// A translation lacks a section its source page has.
    TranslationMissingSection = "translation-missing-section",
    /// A translation has a section its source page lacks.
    TranslationExtraSection = "translation-extra-section",
    /// A district override of a translated section is given in one language only.
    OverrideInOneLanguage = "override-in-one-language",
    /// wbl could not read or write a file or folder (permissions, disk, a missing folder).
    Io = "io",
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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
    pub code: Code,
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
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message.into())
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message.into())
    }

    fn new(severity: Severity, code: Code, message: String) -> Self {
        Diagnostic {
            severity,
            code,
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
        let mut out = format!(
            "{paint}{label}[{}]{reset}{bold}: {}{reset}\n",
            self.code, self.message
        );
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
        let d = Diagnostic::error(Code::UnknownVariable, "unknown variable `vars.x`")
            .at(&file, 10..16)
            .with_help("did you mean `vars.y`?");
        assert_eq!(
            d.render(false),
            "error[unknown-variable]: unknown variable `vars.x`\n \
             --> pages/a.md:2:5\n  |\n\
             2 | Use {{ vars.x }} here\n  |     ^^^^^^\n  = help: did you mean `vars.y`?\n"
        );
    }

    #[test]
    fn cuts_long_lines_to_a_window_around_the_caret() {
        let line = format!("{}[the forms](forms.md){}", "a".repeat(300), "b".repeat(200));
        let file = SourceFile::new("pages/welcome.md", format!("+++\n{line}\n"));
        let at = 4 + 300 + "[the forms](".len();
        let rendered = Diagnostic::warning(Code::LinkToHiddenPage, "link")
            .at(&file, at..at + 8)
            .render(false);
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
    fn every_code_is_documented_once_and_every_documented_code_exists() {
        let doc = include_str!("../docs/diagnostics.md");
        let documented: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("## `")?.strip_suffix('`'))
            .collect();
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(
            documented, names,
            "docs/diagnostics.md lists the codes in Code::ALL order"
        );
    }

    #[test]
    fn json_carries_the_code() {
        let d = Diagnostic::warning(Code::LinkToHiddenPage, "x");
        assert!(
            d.to_json().contains("\"code\":\"link-to-hidden-page\""),
            "{}",
            d.to_json()
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

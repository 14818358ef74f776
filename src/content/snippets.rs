//! Snippets: text written once in `snippets/<name>.md` and included by
//! several pages with `{% include "snippets/<name>.md" %}`, so a rule that
//! many pages state cannot drift between them.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use super::Page;
use super::load::read_text;
use super::source::SourceTree;
use crate::diag::{Diagnostic, Diagnostics, SourceFile};

/// Snippets by file name under `snippets/` (`display-names.md`). Renderers
/// take this as a parameter, so a language can bring its own versions.
pub type Snippets = BTreeMap<String, Arc<SourceFile>>;

/// The folder snippets live in, and the prefix of their template names.
pub const PREFIX: &str = "snippets/";

/// One `{% include "…" %}` tag in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include<'a> {
    /// The name as written: `snippets/display-names.md`.
    pub name: &'a str,
    /// Where the name (without its quotes) is in the text.
    pub name_span: Range<usize>,
}

impl<'a> Include<'a> {
    /// The snippet's key in [`Snippets`], if the name is under `snippets/`.
    pub fn snippet(&self) -> Option<&'a str> {
        self.name.strip_prefix(PREFIX)
    }
}

/// Every include tag of `text`, in order. Tera's own syntax: `{%`, an
/// optional `-`, `include`, a quoted name, an optional `-`, `%}`.
pub fn includes(text: &str) -> Vec<Include<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find("{%") {
        let start = i + found;
        i = start + 2;
        let mut j = start + 2;
        if bytes.get(j) == Some(&b'-') {
            j += 1;
        }
        j = skip_blanks(bytes, j);
        if !text[j..].starts_with("include") {
            continue;
        }
        j += "include".len();
        if !bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        j = skip_blanks(bytes, j);
        let Some(&quote) = bytes.get(j).filter(|b| matches!(b, b'"' | b'\'' | b'`')) else {
            continue;
        };
        let name_start = j + 1;
        let Some(len) = text[name_start..].find(quote as char) else {
            continue;
        };
        let name_end = name_start + len;
        let mut k = skip_blanks(bytes, name_end + 1);
        if bytes.get(k) == Some(&b'-') {
            k += 1;
        }
        if !text[k..].starts_with("%}") {
            continue;
        }
        out.push(Include {
            name: &text[name_start..name_end],
            name_span: name_start..name_end,
        });
        i = k + 2;
    }
    out
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Reads every `snippets/*.md` of `tree`. A snippet is plain Markdown: one
/// that starts with front matter is an error, since the front matter would
/// be printed in every page that includes it.
pub fn load_snippets(tree: &SourceTree, diags: &mut Diagnostics) -> (Snippets, bool) {
    let mut snippets = Snippets::new();
    let mut ok = true;
    for (path, bytes) in tree.under("snippets") {
        if !path.ends_with(".md") {
            continue;
        }
        let display = tree.display(path);
        let Some(file) = read_text(&display, bytes, diags) else {
            ok = false;
            continue;
        };
        if file.text.lines().next().is_some_and(|l| l.trim_end() == "+++") {
            diags.push(
                Diagnostic::error("a snippet has no front matter")
                    .at(&file, 0..3)
                    .with_help("a snippet is plain Markdown: the page that includes it has the title; remove the `+++` block"),
            );
            ok = false;
            continue;
        }
        snippets.insert(path[PREFIX.len()..].to_string(), file);
    }
    (snippets, ok)
}

/// Warns about each snippet no page (or included snippet) includes: it
/// would be text nobody reads. `name.<lang>.md` translates `name.md` and
/// counts as used when that is.
pub fn warn_unused(pages: &BTreeMap<String, Page>, snippets: &Snippets, diags: &mut Diagnostics) {
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let texts = pages
        .values()
        .map(|p| p.body())
        .chain(snippets.values().map(|s| s.text.as_str()));
    for text in texts {
        used.extend(includes(text).iter().filter_map(|i| i.snippet()));
    }
    for (name, file) in snippets {
        if used.contains(name.as_str())
            || translation_of(name).is_some_and(|base| used.contains(base.as_str()))
        {
            continue;
        }
        diags.push(
            Diagnostic::warning(format!("snippet `{PREFIX}{name}` is not included by any page"))
                .at(file, 0..0)
                .with_help(format!(
                    "include it where it belongs with {{% include \"{PREFIX}{name}\" %}}, or delete the file"
                )),
        );
    }
}

/// `display-names.es.md` → `display-names.md`.
fn translation_of(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".md")?;
    let (base, lang) = stem.rsplit_once('.')?;
    let is_lang = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    is_lang.then(|| format!("{base}.md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_include_tags() {
        let text = "A {% include \"snippets/a.md\" %} B {%- include 'snippets/b.md' -%}\n{% if x %}{% endif %}{%include \"c.md\"%}";
        let found: Vec<&str> = includes(text).iter().map(|i| i.name).collect();
        assert_eq!(found, ["snippets/a.md", "snippets/b.md", "c.md"]);
        let first = &includes(text)[0];
        assert_eq!(&text[first.name_span.clone()], "snippets/a.md");
        assert_eq!(first.snippet(), Some("a.md"));
        assert_eq!(includes(text)[2].snippet(), None);
    }

    #[test]
    fn knows_translated_snippets() {
        assert_eq!(
            translation_of("display-names.es.md").as_deref(),
            Some("display-names.md")
        );
        assert_eq!(translation_of("display-names.md"), None);
        assert_eq!(translation_of("v1.2.md"), None);
    }

    #[test]
    fn ignores_text_that_only_looks_like_an_include() {
        assert!(includes("{% includes \"x\" %} {% include x %} {% include \"y\"").is_empty());
    }
}

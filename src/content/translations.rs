//! Translations: `pages/<id>.<lang>.md` beside `pages/<id>.md` and
//! `snippets/<name>.<lang>.md` beside `snippets/<name>.md`.
//!
//! A translation is the same page in another language, so it is not a page
//! of its own: its front matter gives only what is written in words
//! (`title`, `summary`); its kind, audience, layout and place come from the
//! source page, so a translation can never file a form as a guide or put a
//! letter in another part. It reuses the source page's heading ids, which is
//! what makes section addresses, links and overrides the same in every
//! language; a section one side has and the other lacks is a warning.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use super::load::{parse_toml, read_text, scan_headings, split_front_matter};
use super::schema::is_language_code;
use super::snippets::Snippets;
use super::{Page, SourceTree};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, did_you_mean};

/// One language's translations of a toolkit (or of a district's pages).
#[derive(Debug, Clone, Default)]
pub struct Translation {
    /// Translated pages by the source page's id.
    pub pages: BTreeMap<String, Page>,
    /// The snippets as text in this language includes them: each
    /// `name.md` with the text of `name.<lang>.md` when there is one, the
    /// source text otherwise.
    pub snippets: Snippets,
}

/// What the front matter of a translation may give: its words (`title`,
/// `summary`), and, repeated so the file reads like its source, the
/// source's `kind`, `audience`, `layout`, `part` and `after`. Those are
/// always the source's: a translation that gives another value is an
/// error, since one page cannot be a form in English and a guide in
/// Spanish.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslatedFront {
    title: String,
    #[serde(default)]
    summary: Option<String>,
    kind: Option<toml::Spanned<super::Kind>>,
    audience: Option<toml::Spanned<Vec<super::Audience>>>,
    layout: Option<toml::Spanned<super::Layout>>,
    part: Option<toml::Spanned<String>>,
    after: Option<toml::Spanned<String>>,
}

/// `family-letter.es` → `("family-letter", "es")`: a file stem that ends
/// in a language code. Page ids never hold a `.`, so nothing else does.
pub fn split_lang(stem: &str) -> Option<(&str, &str)> {
    let (base, lang) = stem.rsplit_once('.')?;
    (!base.is_empty() && is_language_code(lang)).then_some((base, lang))
}

/// Whether `path` (`pages/x.es.md`) names a translation.
pub fn is_translation_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").and_then(split_lang).is_some()
}

/// Where translations are checked against: the pages they translate and
/// the languages they may be in.
pub struct Sources<'a> {
    /// Page ids that may be translated, with the page (for its front
    /// matter and headings).
    pub pages: &'a dyn Fn(&str) -> Option<&'a Page>,
    /// Every page id, for "did you mean".
    pub ids: Vec<&'a str>,
    /// The languages translations may be in (not the source language).
    pub languages: &'a [String],
    /// The source language, whose `<id>.<lang>.md` would be the page itself.
    pub source: &'a str,
    /// Where the languages are declared, for the help of an error.
    pub declared_in: &'a str,
}

/// Reads every `folder/<id>.<lang>.md` of `tree`. Returns the translated
/// pages by language and whether all loaded cleanly.
pub fn load_pages(
    tree: &SourceTree,
    folder: &str,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, BTreeMap<String, Page>>, bool) {
    let mut files = Vec::new();
    let mut ok = true;
    for (path, bytes) in tree.under(folder) {
        if !is_translation_path(path) {
            continue;
        }
        match read_text(&tree.display(path), bytes, diags) {
            Some(file) => files.push(file),
            None => ok = false,
        }
    }
    let (pages, loaded) = load_files(&files, folder, sources, diags);
    (pages, ok && loaded)
}

/// Checks and parses translation files already read (their paths end in
/// `<id>.<lang>.md`).
pub fn load_files(
    files: &[Arc<SourceFile>],
    folder: &str,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, BTreeMap<String, Page>>, bool) {
    let mut out: BTreeMap<String, BTreeMap<String, Page>> = BTreeMap::new();
    let mut ok = true;
    for file in files {
        let file = file.clone();
        let name = file
            .path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&file.path)
            .to_string();
        let Some((base, lang)) = name.strip_suffix(".md").and_then(split_lang) else {
            continue;
        };
        let display = file.path.clone();
        if !sources.languages.iter().any(|l| l == lang) {
            let help = if lang == sources.source {
                format!("`{lang}` is the source language: the page itself is `{base}.md`")
            } else {
                let known = sources.languages.iter().map(String::as_str);
                match did_you_mean(lang, known) {
                    Some(help) => help,
                    None => format!("add \"{lang}\" to `languages` in {}", sources.declared_in),
                }
            };
            diags.push(
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!("`{display}` is a translation into `{lang}`, which is not one of the languages"),
                )
                .at(&file, 0..0)
                .with_help(help),
            );
            ok = false;
            continue;
        }
        let Some(source) = (sources.pages)(base) else {
            let mut d = Diagnostic::error(
                Code::TranslationOfMissingPage,
                format!("`{display}` translates page `{base}`, which does not exist"),
            )
            .at(&file, 0..0);
            d = d.with_help(
                did_you_mean(base, sources.ids.iter().copied())
                    .map(|h| format!("{h} (name the file `<page-id>.{lang}.md`)"))
                    .unwrap_or_else(|| {
                        format!("a translation is named after its page: `{folder}/<page-id>.{lang}.md`")
                    }),
            );
            diags.push(d);
            ok = false;
            continue;
        };
        match parse(file, source, diags) {
            Some(page) => {
                check_sections(source, &page, lang, diags);
                out.entry(lang.to_string())
                    .or_default()
                    .insert(page.id.clone(), page);
            }
            None => ok = false,
        }
    }
    (out, ok)
}

/// A translation as a page: the source page's id and front matter, with
/// the translated title and summary, and the translation's own text.
fn parse(file: Arc<SourceFile>, source: &Page, diags: &mut Diagnostics) -> Option<Page> {
    let split = split_front_matter(
        &file,
        "translation has no front matter",
        "start the translation with `+++`, then `title = \"…\"` in its language, then another `+++`",
        diags,
    )?;
    let front: TranslatedFront = parse_toml(&file, split.front.clone(), diags)?;
    let base = split.front.start;
    let src = &source.meta;
    let mut differs: Vec<(&str, std::ops::Range<usize>, String)> = Vec::new();
    if let Some(k) = &front.kind
        && *k.get_ref() != src.kind
    {
        differs.push(("kind", k.span(), format!("\"{}\"", src.kind.name())));
    }
    if let Some(a) = &front.audience
        && *a.get_ref() != src.audience
    {
        let names: Vec<String> = src.audience.iter().map(|a| format!("\"{}\"", a.name())).collect();
        differs.push(("audience", a.span(), format!("[{}]", names.join(", "))));
    }
    if let Some(l) = &front.layout
        && Some(*l.get_ref()) != src.layout
    {
        differs.push((
            "layout",
            l.span(),
            src.layout
                .map_or("none".to_string(), |l| format!("\"{}\"", l.name())),
        ));
    }
    for (key, value, own) in [
        ("part", &front.part, &src.part),
        ("after", &front.after, &src.after),
    ] {
        if let Some(v) = value
            && Some(v.get_ref()) != own.as_ref()
        {
            differs.push((
                key,
                v.span(),
                own.as_ref().map_or("none".to_string(), |o| format!("\"{o}\"")),
            ));
        }
    }
    for (key, span, theirs) in &differs {
        diags.push(
            Diagnostic::error(
                Code::WrongType,
                format!("a translation's `{key}` is its source page's, which is {theirs}"),
            )
            .at(&file, base + span.start..base + span.end)
            .with_help(format!(
                "remove `{key}` here (it comes from `{}`), or change it there",
                source.file.path
            )),
        );
    }
    if !differs.is_empty() {
        return None;
    }
    let headings = scan_headings(&file, split.body_start, diags)?;
    let mut meta = source.meta.clone();
    meta.title = front.title;
    // An English summary under a Spanish title would be read in the wrong
    // language; no summary is better.
    meta.summary = front.summary.unwrap_or_default();
    Some(Page {
        id: source.id.clone(),
        meta,
        file,
        body_start: split.body_start,
        headings,
    })
}

/// Warns for each section the source has and the translation lacks, and
/// each the translation has and the source lacks (compared by id, so a
/// translated heading without the source's `{#id}` shows as both).
pub fn check_sections(source: &Page, translation: &Page, lang: &str, diags: &mut Diagnostics) {
    let ids = |p: &Page| -> Vec<String> {
        p.headings
            .iter()
            .filter(|h| !h.nested)
            .map(|h| h.id.clone())
            .collect()
    };
    let (src, tr) = (ids(source), ids(translation));
    for h in source
        .headings
        .iter()
        .filter(|h| !h.nested && !tr.contains(&h.id))
    {
        diags.push(
            Diagnostic::warning(
                Code::TranslationMissingSection,
                format!(
                    "the `{lang}` translation of `{}` has no section `{}` (\"{}\")",
                    source.id, h.id, h.title
                ),
            )
            .at(&translation.file, 0..3)
            .with_help(format!(
                "translate the section, keeping its id: `{} … {{#{}}}`",
                "#".repeat(usize::from(h.level)),
                h.id
            )),
        );
    }
    for h in translation
        .headings
        .iter()
        .filter(|h| !h.nested && !src.contains(&h.id))
    {
        let at = translation.body_start + h.start;
        let help = match did_you_mean(&h.id, src.iter().map(String::as_str)) {
            Some(help) => format!("{help}: a translated heading keeps the source's id, `{{#id}}`"),
            None => format!(
                "a translated heading keeps the source's id (`{{#id}}`); `{}` has no section with this one",
                source.file.path
            ),
        };
        diags.push(
            Diagnostic::warning(
                Code::TranslationExtraSection,
                format!(
                    "the `{lang}` translation of `{}` has a section `{}` its source does not have",
                    source.id, h.id
                ),
            )
            .at(&translation.file, at..at + usize::from(h.level))
            .with_help(help),
        );
    }
}

/// The snippets as text in `lang` includes them.
pub fn snippets_for(all: &Snippets, lang: &str) -> Snippets {
    let mut out = Snippets::new();
    for (name, file) in all {
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        if split_lang(stem).is_some() {
            continue;
        }
        let translated = all.get(&format!("{stem}.{lang}.md")).unwrap_or(file);
        out.insert(name.clone(), translated.clone());
    }
    out
}

/// The snippets of the source language: every snippet that is not a
/// translation.
pub fn source_snippets(all: &Snippets) -> Snippets {
    all.iter()
        .filter(|(name, _)| name.strip_suffix(".md").and_then(split_lang).is_none())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_a_translation_by_its_name() {
        assert_eq!(split_lang("family-letter.es"), Some(("family-letter", "es")));
        assert_eq!(split_lang("family-letter"), None);
        assert!(is_translation_path("pages/a.es.md"));
        assert!(!is_translation_path("pages/a.md"));
    }

    #[test]
    fn language_snippets_fall_back_to_the_source() {
        let mut all = Snippets::new();
        all.insert("a.md".into(), SourceFile::new("a.md", "A"));
        all.insert("a.es.md".into(), SourceFile::new("a.es.md", "A es"));
        all.insert("b.md".into(), SourceFile::new("b.md", "B"));
        let es = snippets_for(&all, "es");
        assert_eq!(es.keys().collect::<Vec<_>>(), ["a.md", "b.md"]);
        assert_eq!(es["a.md"].text, "A es");
        assert_eq!(es["b.md"].text, "B");
        assert_eq!(source_snippets(&all).len(), 2);
    }
}

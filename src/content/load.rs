//! Loading: source tree → toolkit model, with every mistake reported as a
//! diagnostic pointing at its file and line.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::frontmatter::{self, SplitError};
use super::schema;
use super::sections;
use super::translations::{self, Translation};
use super::{FrontMatter, LanguageMeta, Page, Part, SourceTree, Toolkit, ToolkitMeta, is_valid_id};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, did_you_mean};
use crate::fs;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolkitFile {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    version: Spanned<String>,
    #[serde(default = "default_language")]
    language: String,
    /// The languages the toolkit is written in, the source first.
    #[serde(default)]
    languages: Option<Spanned<Vec<Spanned<String>>>>,
    /// Per-language metadata: `[translation.es] title = "…"`.
    #[serde(default)]
    translation: BTreeMap<String, LanguageMetaFile>,
    #[serde(default)]
    license: String,
    #[serde(default)]
    publisher: String,
    /// Read with their spans by [`schema::parse`]; only accepted here.
    #[serde(default)]
    #[allow(dead_code)]
    vars: Option<toml::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    relations: Option<toml::Value>,
    #[serde(default)]
    #[allow(dead_code)]
    platforms: Option<toml::Value>,
    #[serde(default)]
    parts: Vec<PartFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageMetaFile {
    title: Option<String>,
    description: Option<String>,
    /// Part titles by part id.
    #[serde(default)]
    parts: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartFile {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    pages: Vec<Spanned<String>>,
}

fn default_language() -> String {
    "en".to_string()
}

/// Reads a toolkit. Returns `None` when an error was reported.
pub fn load_toolkit(tree: &SourceTree, diags: &mut Diagnostics) -> Option<Toolkit> {
    let manifest_display = tree.display("toolkit.toml");
    let Some(bytes) = tree.get("toolkit.toml") else {
        diags.push(
            Diagnostic::error(Code::MissingFile, format!("`{manifest_display}` not found"))
                .in_file(manifest_display)
                .with_help("a toolkit folder needs a toolkit.toml; `wbl init toolkit DIR` writes one"),
        );
        return None;
    };
    let manifest = read_text(&manifest_display, bytes, diags)?;
    let file: ToolkitFile = parse_toml(&manifest, 0..manifest.text.len(), diags)?;

    let mut ok = true;
    if !is_valid_id(file.id.get_ref()) {
        diags.push(invalid_id(&manifest, &file.id, "toolkit id"));
        ok = false;
    }
    let schema = schema::parse(&manifest, diags);
    ok &= schema.is_some();
    let version = match semver::Version::parse(file.version.get_ref()) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::InvalidVersion,
                    format!("`{}` is not a semantic version: {e}", file.version.get_ref()),
                )
                .at(&manifest, file.version.span())
                .with_help("write the version as MAJOR.MINOR.PATCH, for example \"1.2.0\""),
            );
            None
        }
    };

    let (pages, pages_ok) = load_pages(tree, "pages", diags);
    ok &= pages_ok;
    let languages = check_languages(&manifest, &file, diags);
    ok &= languages.is_some();
    let languages = languages.unwrap_or_else(|| vec![file.language.clone()]);
    // Pages whose file has errors are already reported; do not report them
    // again as missing from the parts.
    // (Every `/…` ending of the loaded pages' paths, so each check is a
    // lookup rather than a scan of every page.)
    let loaded_endings: HashSet<&str> = pages
        .values()
        .flat_map(|p| p.file.path.match_indices('/').map(|(i, _)| &p.file.path[i..]))
        .collect();
    let broken: HashSet<&str> = tree
        .under("pages")
        .filter_map(|(path, _)| path.strip_prefix("pages/")?.strip_suffix(".md"))
        .filter(|stem| !loaded_endings.contains(format!("/{stem}.md").as_str()))
        .collect();

    // Parts: every listed page exists, is listed once; part ids unique.
    let mut listed: HashSet<&str> = HashSet::new();
    let mut part_ids: HashSet<&str> = HashSet::new();
    for part in &file.parts {
        if !is_valid_id(part.id.get_ref()) {
            diags.push(invalid_id(&manifest, &part.id, "part id"));
            ok = false;
        }
        if !part_ids.insert(part.id.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicatePart,
                    format!("part `{}` is defined twice", part.id.get_ref()),
                )
                .at(&manifest, part.id.span()),
            );
            ok = false;
        }
        for page in &part.pages {
            let id = page.get_ref().as_str();
            if !pages.contains_key(id) && broken.contains(id) {
                continue;
            } else if !pages.contains_key(id) {
                let mut d = Diagnostic::error(
                    Code::MissingPage,
                    format!(
                        "part `{}` lists page `{id}`, which does not exist",
                        part.id.get_ref()
                    ),
                )
                .at(&manifest, page.span());
                d = match did_you_mean(id, pages.keys().map(String::as_str)) {
                    Some(help) => d.with_help(help),
                    None => d.with_help(format!("add `pages/{id}.md` or remove `{id}` from the list")),
                };
                diags.push(d);
                ok = false;
            } else if !listed.insert(id) {
                diags.push(
                    Diagnostic::error(
                        Code::PageListedTwice,
                        format!("page `{id}` is listed more than once in [[parts]]"),
                    )
                    .at(&manifest, page.span())
                    .with_help("every page appears once in the reading order"),
                );
                ok = false;
            }
        }
    }
    for page in pages.values() {
        if !listed.contains(page.id.as_str()) {
            diags.push(
                Diagnostic::warning(
                    Code::UnlistedPage,
                    format!(
                        "page `{}` is not listed in any part of toolkit.toml, so it is left out",
                        page.id
                    ),
                )
                .at(&page.file, 0..3)
                .with_help(format!("add \"{}\" to the `pages` of a [[parts]] entry", page.id)),
            );
        }
    }

    let assets = tree
        .under("assets")
        .map(|(path, bytes)| (path["assets/".len()..].to_string(), bytes.clone()))
        .collect();

    let (all_snippets, snippets_ok) = super::snippets::load_snippets(tree, diags);
    ok &= snippets_ok;
    super::snippets::warn_unused(&pages, &all_snippets, diags);
    let snippets = translations::source_snippets(&all_snippets);
    let lookup = |id: &str| pages.get(id);
    let sources = translations::Sources {
        pages: &lookup,
        ids: pages.keys().map(String::as_str).collect(),
        languages: &languages[1..],
        source: &languages[0],
        declared_in: "toolkit.toml",
    };
    let (translated, translations_ok) = translations::load_pages(tree, "pages", &sources, diags);
    ok &= translations_ok;
    ok &= check_snippet_translations(&all_snippets, &languages, diags);
    let translations: BTreeMap<String, Translation> = languages[1..]
        .iter()
        .map(|lang| {
            let t = Translation {
                pages: translated.get(lang).cloned().unwrap_or_default(),
                snippets: translations::snippets_for(&all_snippets, lang),
            };
            (lang.clone(), t)
        })
        .collect();
    let language_meta = file
        .translation
        .iter()
        .map(|(lang, m)| {
            (
                lang.clone(),
                LanguageMeta {
                    title: m.title.clone(),
                    description: m.description.clone(),
                    parts: m.parts.clone(),
                },
            )
        })
        .collect();

    let version = version?;
    let schema = schema?;
    if !ok {
        return None;
    }
    Some(Toolkit {
        meta: ToolkitMeta {
            id: file.id.into_inner(),
            title: file.title,
            description: file.description,
            version,
            language: languages[0].clone(),
            languages,
            language_meta,
            license: file.license,
            publisher: file.publisher,
            vars: schema.defaults(),
            schema: Arc::new(schema),
            parts: file
                .parts
                .into_iter()
                .map(|p| Part {
                    id: p.id.into_inner(),
                    title: p.title,
                    pages: p.pages.into_iter().map(Spanned::into_inner).collect(),
                })
                .collect(),
            dir: tree.root().map(fs::display),
        },
        manifest,
        pages,
        assets,
        snippets,
        translations,
    })
}

/// `languages` as written, checked: language codes, each once, the first
/// the same as `language`. Without it, the toolkit has one language.
fn check_languages(
    manifest: &SourceFile,
    file: &ToolkitFile,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let Some(list) = &file.languages else {
        return Some(vec![file.language.clone()]);
    };
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for lang in list.get_ref() {
        let code = lang.get_ref();
        if !super::schema::is_language_code(code) {
            diags.push(
                Diagnostic::error(Code::UnknownLanguage, format!("`{code}` is not a language code"))
                    .at(manifest, lang.span())
                    .with_help("use a code such as `en`, `es` or `zh-Hant`"),
            );
            ok = false;
        } else if out.contains(code) {
            diags.push(
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!("`{code}` is listed twice in `languages`"),
                )
                .at(manifest, lang.span()),
            );
            ok = false;
        } else {
            out.push(code.clone());
        }
    }
    match out.first() {
        None if ok => {
            diags.push(
                Diagnostic::error(Code::UnknownLanguage, "`languages` is empty")
                    .at(manifest, list.span())
                    .with_help(format!(
                        "list the source language first: languages = [\"{}\"]",
                        file.language
                    )),
            );
            None
        }
        Some(first) if *first != file.language => {
            diags.push(
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!(
                        "the first of `languages` is the source language, but it is `{first}` and `language` is `{}`",
                        file.language
                    ),
                )
                .at(manifest, list.span())
                .with_help(format!("put \"{}\" first", file.language)),
            );
            None
        }
        _ => ok.then_some(out),
    }
}

/// A snippet translation in a language the toolkit does not have, or of
/// a snippet that does not exist, is an error: no page would include it.
fn check_snippet_translations(all: &super::Snippets, languages: &[String], diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    for (name, file) in all {
        let Some((base, lang)) = name.strip_suffix(".md").and_then(translations::split_lang) else {
            continue;
        };
        if !languages[1..].iter().any(|l| l == lang) {
            diags.push(
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!(
                        "`{}` is a translation into `{lang}`, which is not one of the languages",
                        file.path
                    ),
                )
                .at(file, 0..0)
                .with_help(format!("add \"{lang}\" to `languages` in toolkit.toml")),
            );
            ok = false;
        } else if !all.contains_key(&format!("{base}.md")) {
            diags.push(
                Diagnostic::error(
                    Code::TranslationOfMissingPage,
                    format!(
                        "`{}` translates snippet `{base}.md`, which does not exist",
                        file.path
                    ),
                )
                .at(file, 0..0)
                .with_help(
                    did_you_mean(&format!("{base}.md"), all.keys().map(String::as_str)).unwrap_or_else(
                        || {
                            "a snippet translation is named after its snippet: `snippets/<name>.<lang>.md`"
                                .to_string()
                        },
                    ),
                ),
            );
            ok = false;
        }
    }
    ok
}

/// Loads every `*.md` under `folder` of `tree` as a page. Returns the pages
/// by id and whether all loaded cleanly.
pub fn load_pages(
    tree: &SourceTree,
    folder: &str,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, Page>, bool) {
    let mut pages: BTreeMap<String, Page> = BTreeMap::new();
    let mut ok = true;
    for (path, bytes) in tree.under(folder) {
        // Translations are read by `translations::load_pages`.
        if !path.ends_with(".md") || translations::is_translation_path(path) {
            continue;
        }
        let display = tree.display(path);
        let Some(file) = read_text(&display, bytes, diags) else {
            ok = false;
            continue;
        };
        let stem = path
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".md")
            .to_string();
        match parse_page(file, &stem, diags) {
            Some(page) => {
                if let Some(first) = pages.get(&page.id) {
                    diags.push(
                        Diagnostic::error(
                            Code::DuplicatePageId,
                            format!(
                                "page id `{}` is used twice: here and in `{}`",
                                page.id, first.file.path
                            ),
                        )
                        .at(&page.file, 0..3)
                        .with_help(
                            "give one of the pages another `id` in its front matter, or rename its file",
                        ),
                    );
                    ok = false;
                } else {
                    pages.insert(page.id.clone(), page);
                }
            }
            None => ok = false,
        }
    }
    (pages, ok)
}

/// `file` cut at its front matter, or `None` with an error when it has
/// none (`missing` and `help` say so for this kind of file) or does not
/// close it.
pub(super) fn split_front_matter(
    file: &Arc<SourceFile>,
    missing: &str,
    help: &str,
    diags: &mut Diagnostics,
) -> Option<frontmatter::Split> {
    match frontmatter::split(&file.text) {
        Ok(split) => Some(split),
        Err(SplitError::Missing) => {
            diags.push(
                Diagnostic::error(Code::MissingFrontMatter, missing)
                    .at(file, 0..0)
                    .with_help(help),
            );
            None
        }
        Err(SplitError::Unterminated { open }) => {
            diags.push(
                Diagnostic::error(Code::UnclosedFrontMatter, "front matter is not closed")
                    .at(file, open..open + 3)
                    .with_help("end the front matter with a line holding only `+++`"),
            );
            None
        }
    }
}

/// Parses one page file: front matter, id, headings.
pub fn parse_page(file: Arc<SourceFile>, stem: &str, diags: &mut Diagnostics) -> Option<Page> {
    let split = split_front_matter(
        &file,
        "page has no front matter",
        "start the page with a `+++` line, then `title = \"…\"`, then another `+++` line",
        diags,
    )?;
    let meta: FrontMatter = parse_toml(&file, split.front.clone(), diags)?;
    let id = meta.id.clone().unwrap_or_else(|| stem.to_string());
    if !is_valid_id(&id) {
        diags.push(
            Diagnostic::error(Code::InvalidId, format!("`{id}` is not a valid page id"))
                .at(&file, 0..3)
                .with_help("page ids use lower-case letters, digits, `-` and `_` (they become file names)"),
        );
        return None;
    }
    let headings = scan_headings(&file, split.body_start, diags)?;
    Some(Page {
        id,
        meta,
        body_start: split.body_start,
        headings,
        file,
    })
}

/// Decodes a file's bytes as text, reporting encoding problems.
pub fn read_text(display: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<Arc<SourceFile>> {
    match fs::decode_text(display, bytes) {
        Ok(text) => Some(SourceFile::new(display, text)),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Parses TOML held in `range` of `file`, reporting errors at their line.
pub fn parse_toml<T: DeserializeOwned>(
    file: &SourceFile,
    range: std::ops::Range<usize>,
    diags: &mut Diagnostics,
) -> Option<T> {
    let text = &file.text[range.clone()];
    let blank = text.trim().is_empty() || toml::from_str::<toml::Table>(text).is_ok_and(|t| t.is_empty());
    if blank && range.start == 0 {
        diags.push(
            Diagnostic::error(Code::EmptyFile, format!("`{}` is empty", file.path))
                .in_file(file.path.clone())
                .with_help(empty_file_help(&file.path)),
        );
        return None;
    }
    match toml::from_str::<T>(text) {
        Ok(value) => Some(value),
        Err(e) => {
            diags.push(toml_diagnostic(file, range.start, &e));
            None
        }
    }
}

fn empty_file_help(path: &str) -> &'static str {
    if path.ends_with("district.toml") {
        "a district.toml needs at least a [district] table with `id` and `name`; `wbl init district DIR` writes one"
    } else {
        "a toolkit.toml needs at least `id`, `title` and `version`"
    }
}

/// A TOML error as a diagnostic, with the closest key suggested for an
/// unknown one.
pub fn toml_diagnostic(file: &SourceFile, base: usize, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let span = e.span().map_or(base..base, |s| base + s.start..base + s.end);
    // serde words these messages itself (de::Error::unknown_field and
    // friends), whatever the format; toml's error exposes no kind.
    let code = if message.starts_with("unknown field") {
        Code::UnknownKey
    } else if message.starts_with("unknown variant") {
        Code::UnknownValue
    } else if message.starts_with("missing field") {
        Code::MissingKey
    } else if message.starts_with("invalid type") {
        Code::WrongType
    } else {
        Code::TomlSyntax
    };
    if let Some(d) = plain_mistake(file, span.clone(), &message) {
        return d;
    }
    let mut d = Diagnostic::error(code, message.clone()).at(file, span);
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once('`')
    {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        d = match did_you_mean(field, allowed.iter().copied()) {
            Some(help) => d.with_help(help),
            None if !allowed.is_empty() => d.with_help(format!(
                "allowed keys here: {}",
                allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => d,
        };
    } else if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((word, expected)) = rest.split_once('`')
    {
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        if let Some(help) = did_you_mean(word, allowed.iter().copied()) {
            d = d.with_help(help);
        }
    }
    d
}

/// The mistakes people new to TOML make most, said in words they can act
/// on instead of the parser's: a Windows path with `\`, one pair of
/// brackets where a list of tables needs two, text without quotes.
fn plain_mistake(file: &SourceFile, span: std::ops::Range<usize>, message: &str) -> Option<Diagnostic> {
    let (_, column, line) = file.locate(span.start);
    let line_start = span.start - line.char_indices().nth(column - 1).map_or(line.len(), |(i, _)| i);
    let at = span.start - line_start;
    let code = line.split_once(" #").map_or(line, |(code, _)| code).trim();

    if message.starts_with("missing escaped value") || message.starts_with("invalid escape") {
        let open = line[..at].rfind(['"', '\''])?;
        let close = line[at..].find(['"', '\'']).map_or(line.len(), |i| at + i);
        let written = &line[open + 1..close];
        if written.contains('\\') {
            let fixed = written.replace('\\', "/");
            return Some(
                Diagnostic::error(Code::TomlSyntax, format!(
                    "`\\` in \"{written}\" cannot be read: in quoted text a backslash starts a special character"
                ))
                .at(file, line_start + open..line_start + close + 1)
                .with_help(format!(
                    "use `/` in paths, e.g. \"{fixed}\" (it works on Windows too)"
                )),
            );
        }
    }

    let table = |brackets: &str| {
        let inner = code.strip_prefix(brackets)?;
        let closing: String = brackets.chars().map(|_| ']').collect();
        let name = inner.strip_suffix(closing.as_str())?.trim();
        (!name.is_empty() && !name.contains(['[', ']'])).then_some(name)
    };
    if message.starts_with("invalid type: map, expected a sequence")
        && let Some(name) = table("[")
    {
        let each = match name {
            "contacts" => "once for each person",
            "partners" => "once for each partner",
            "sections" => "once for each change",
            "parts" => "once for each part",
            _ => "once for each entry",
        };
        return Some(
            Diagnostic::error(
                Code::WrongType,
                format!("`[{name}]` is a list, so it needs two brackets"),
            )
            .at(file, span)
            .with_help(format!("write `[[{name}]]`, with two brackets, {each}")),
        );
    }
    if message.starts_with("invalid type:")
        && let Some(name) = table("[[")
    {
        return Some(
            Diagnostic::error(
                Code::WrongType,
                format!("`[[{name}]]` is written once, with one bracket"),
            )
            .at(file, span)
            .with_help(format!(
                "write `[{name}]`, with one bracket: two brackets are for lists such as `[[contacts]]`"
            )),
        );
    }

    let (key, value) = code.split_once('=').map(|(k, v)| (k.trim(), v.trim()))?;
    // A `#` starts a comment, so `color = #0b5394` has no value at all.
    let value = if value.is_empty() {
        line.split_once('=').map_or("", |(_, v)| v.trim())
    } else {
        value
    };
    if message.starts_with("string values must be quoted") || message.starts_with("invalid string") {
        let example = if value.is_empty() { "…" } else { value };
        let number = value
            .split_whitespace()
            .next()
            .filter(|w| w.parse::<f64>().is_ok());
        let help = match number {
            Some(n) => format!(
                "write a number on its own ({key} = {n}), or put text in double quotes ({key} = \"{example}\")"
            ),
            None => format!("put text in double quotes: {key} = \"{example}\""),
        };
        return Some(
            Diagnostic::error(Code::TomlSyntax, format!("the value of `{key}` is not in quotes"))
                .at(file, span)
                .with_help(help),
        );
    }
    if message.starts_with("invalid basic string") {
        return Some(
            Diagnostic::error(Code::TomlSyntax, format!("the text of `{key}` has no closing double quote"))
                .at(file, span)
                .with_help(format!(
                    "end the text with `\"` on the same line ({key} = {}\"); for text over several lines, put `\"\"\"` before and after it",
                    value.trim_end()
                )),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: string ")
        && rest.ends_with("expected a sequence")
    {
        return Some(
            Diagnostic::error(Code::WrongType, format!("`{key}` takes a list"))
                .at(file, span)
                .with_help(format!(
                    "put the items in square brackets, separated by commas: {key} = [{value}]"
                )),
        );
    }
    None
}

fn invalid_id(file: &SourceFile, id: &Spanned<String>, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidId,
        format!("`{}` is not a valid {what}", id.get_ref()),
    )
    .at(file, id.span())
    .with_help("ids use lower-case letters, digits, `-` and `_`")
}

/// The headings of a page's body (from `body_start`), or `None` with an
/// error for each heading id used twice.
pub(crate) fn scan_headings(
    file: &Arc<SourceFile>,
    body_start: usize,
    diags: &mut Diagnostics,
) -> Option<Vec<crate::content::Heading>> {
    let (headings, duplicates) = sections::scan(&file.text[body_start..], &HashSet::new());
    for dup in &duplicates {
        let at = body_start + dup.offset;
        diags.push(
            Diagnostic::error(
                Code::DuplicateHeadingId,
                format!("heading id `{}` is used twice in this page", dup.id),
            )
            .at(file, at..at + 1)
            .with_help("every heading id in a page must be unique; change one `{#…}`"),
        );
    }
    duplicates.is_empty().then_some(headings)
}

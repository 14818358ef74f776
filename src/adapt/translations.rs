//! When a translation falls behind its source: for each translated
//! section, the source-language (English) text it was made from is
//! recorded — the toolkit's translations in `translations.lock` beside
//! `toolkit.toml`, a district's in its `wbl.lock` — and a section whose
//! English text changed since is a warning until the translation is
//! reviewed (`wbl diff --lang LANG --accept TARGET`). The old translation
//! stays in use meanwhile: a Spanish reader keeps a Spanish page.
//!
//! What is compared is a *unit*: a page's opening (its title, summary and
//! the text before the first heading, address `page`) or one section's
//! own text, from its heading to the next heading of any level (address
//! `page#section`), so a change in a subsection marks only that
//! subsection. Units are paired by heading id, which a translation reuses.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::lock::{self, Lock, TranslationEntry, find_translation, set_translation};
use super::{Action, District};
use crate::content::load::{parse_page, parse_toml, read_text};
use crate::content::sections::{self, Heading};
use crate::content::{SourceTree, Toolkit, shell_word};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile};
use crate::util::hash::sha256_hex;

/// The toolkit's record of what its translations were made from, beside
/// `toolkit.toml`.
pub const LOCK_FILE: &str = "translations.lock";

const HEADER: &str = "# translations.lock: written by wbl; keep it beside toolkit.toml.\n\
# For each translated section it records the English text the translation\n\
# was made from, so wbl can warn when that English changes. Review such\n\
# changes with `wbl diff --toolkit DIR --lang LANG`; record a review with\n\
# `--accept TARGET` or `--accept-all`. Do not edit by hand.\n";

/// Whether `s` is a language code in a file name (`es` in `x.es.md`).
pub fn is_lang_code(s: &str) -> bool {
    (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase())
}

/// `page.es.md` → (`page`, `es`).
pub fn split_translated_name(file_name: &str) -> Option<(&str, &str)> {
    let stem = file_name.strip_suffix(".md")?;
    let (base, lang) = stem.rsplit_once('.')?;
    (is_lang_code(lang) && !base.is_empty()).then_some((base, lang))
}

/// A language's name in English, for messages.
pub fn language_name(code: &str) -> String {
    let name = match code {
        "en" => "English",
        "es" => "Spanish",
        "fr" => "French",
        "zh" => "Chinese",
        "vi" => "Vietnamese",
        "tl" => "Tagalog",
        "ko" => "Korean",
        "ar" => "Arabic",
        "pa" => "Punjabi",
        "hy" => "Armenian",
        "ru" => "Russian",
        "pt" => "Portuguese",
        _ => return format!("`{code}`"),
    };
    name.to_string()
}

/// One unit of a page or snippet: its opening, or one section's own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `None` for the opening.
    pub section: Option<String>,
    /// The text, with heading ids written out and surrounding blank lines
    /// trimmed, so only a change a reader would see counts.
    pub text: String,
    /// Where the unit starts in the body.
    pub start: usize,
}

/// The units of a page (`head` holds its title and summary) or of a
/// snippet (`head` is `None`).
pub fn units(head: Option<(&str, &str)>, body: &str) -> Vec<Unit> {
    let (headings, _) = sections::scan(body, &HashSet::new());
    let top: Vec<&Heading> = headings.iter().filter(|h| !h.nested).collect();
    let mut out = Vec::new();
    let first = top.first().map_or(body.len(), |h| h.start);
    let mut opening = String::new();
    if let Some((title, summary)) = head {
        opening.push_str(&format!("title = {}\n", toml::Value::String(title.to_string())));
        if !summary.is_empty() {
            opening.push_str(&format!(
                "summary = {}\n",
                toml::Value::String(summary.to_string())
            ));
        }
        opening.push('\n');
    }
    opening.push_str(pinned(body, &headings, 0..first).trim_start_matches(['\n', '\r']));
    if !opening.trim().is_empty() {
        out.push(Unit {
            section: None,
            text: normalize(&opening),
            start: 0,
        });
    }
    for (i, h) in top.iter().enumerate() {
        let end = top.get(i + 1).map_or(body.len(), |next| next.start);
        out.push(Unit {
            section: Some(h.id.clone()),
            text: normalize(&pinned(body, &headings, h.start..end)),
            start: h.start,
        });
    }
    out
}

/// `range` of `body` with the slugged heading ids in it written out, so
/// writing an id explicitly is not a change.
fn pinned(body: &str, headings: &[Heading], range: Range<usize>) -> String {
    let mut out = String::new();
    let mut at = range.start;
    for pin in headings.iter().filter_map(|h| h.pin.as_ref()) {
        if pin.range.start < range.start || pin.range.end > range.end {
            continue;
        }
        out.push_str(&body[at..pin.range.start]);
        out.push_str(&pin.text);
        at = pin.range.end;
    }
    out.push_str(&body[at..range.end]);
    out
}

fn normalize(text: &str) -> String {
    let text = text.trim_start_matches(['\n', '\r']).trim_end();
    format!("{text}\n")
}

fn address(prefix: &str, section: Option<&str>) -> String {
    match section {
        Some(s) => format!("{prefix}#{s}"),
        None => prefix.to_string(),
    }
}

/// A translated unit beside the source unit it translates.
#[derive(Debug, Clone)]
pub struct Pair {
    pub lang: String,
    /// `page`, `page#section`, or for a snippet `snippets/name.md[#section]`.
    pub target: String,
    /// The source-language text now.
    pub source: String,
    /// The translation's text.
    pub translated: String,
    /// Where a warning points: the translation's heading, or the override.
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
    /// The file to edit to update the translation, as shown.
    pub edit: String,
}

/// Pairs the units of a source and its translation (`body_start` is where
/// the translation's body starts in `file`). Units only one side has are
/// not paired: a missing or extra section is another warning's business.
pub fn pair_units(
    lang: &str,
    prefix: &str,
    source: &[Unit],
    translation: &[Unit],
    file: &Arc<SourceFile>,
    body_start: usize,
) -> Vec<Pair> {
    let by_section: BTreeMap<Option<&str>, &Unit> =
        translation.iter().map(|u| (u.section.as_deref(), u)).collect();
    let mut out = Vec::new();
    for unit in source {
        let Some(translated) = by_section.get(&unit.section.as_deref()) else {
            continue;
        };
        let span = match &unit.section {
            None => 0..3,
            Some(_) => {
                let start = body_start + translated.start;
                let line = file.text[start..]
                    .find('\n')
                    .map_or(file.text.len(), |i| start + i);
                start..line
            }
        };
        out.push(Pair {
            lang: lang.to_string(),
            target: address(prefix, unit.section.as_deref()),
            source: unit.text.clone(),
            translated: translated.text.clone(),
            file: file.clone(),
            span,
            edit: file.path.clone(),
        });
    }
    out
}

/// How a translated unit compares with what was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Its source text is the one recorded.
    Fresh,
    /// Its source text changed since the recorded one.
    Stale { recorded: TranslationEntry },
    /// Nothing recorded for it: a new translation.
    Unrecorded,
}

pub fn status(entries: &[TranslationEntry], pair: &Pair) -> Status {
    match find_translation(entries, &pair.lang, &pair.target) {
        None => Status::Unrecorded,
        Some(e) if e.sha256 == sha256_hex(pair.source.as_bytes()) => Status::Fresh,
        Some(e) => Status::Stale { recorded: e.clone() },
    }
}

/// Recorded entries of `lang` that no translated unit matches any more
/// (the section or the translation is gone): `--accept-all` drops them.
pub fn orphans<'a>(entries: &'a [TranslationEntry], lang: &str, pairs: &[Pair]) -> Vec<&'a TranslationEntry> {
    let live: BTreeSet<&str> = pairs
        .iter()
        .filter(|p| p.lang == lang)
        .map(|p| p.target.as_str())
        .collect();
    entries
        .iter()
        .filter(|e| e.lang == lang && !live.contains(e.target.as_str()))
        .collect()
}

/// `translations.lock` as read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationsLock {
    #[serde(default, rename = "translation")]
    pub entries: Vec<TranslationEntry>,
}

impl TranslationsLock {
    pub fn to_toml(&self) -> String {
        let mut sorted = self.clone();
        sorted
            .entries
            .sort_by(|a, b| (&a.lang, &a.target).cmp(&(&b.lang, &b.target)));
        let body = toml::to_string_pretty(&sorted).expect("a lock always serialises");
        if body.trim().is_empty() {
            HEADER.to_string()
        } else {
            format!("{HEADER}\n{body}")
        }
    }

    /// Reads the tree's `translations.lock`; none is an empty one. `None`
    /// when it cannot be read (reported).
    pub fn load(tree: &SourceTree, diags: &mut Diagnostics) -> Option<TranslationsLock> {
        let Some(bytes) = tree.get(LOCK_FILE) else {
            return Some(TranslationsLock::default());
        };
        let file = read_text(&tree.display(LOCK_FILE), bytes, diags)?;
        let blank = file
            .text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        if blank {
            // Written by `wbl init toolkit` before any translation was
            // recorded: nothing to read.
            return Some(TranslationsLock::default());
        }
        let mut parse_diags = Diagnostics::new();
        let parsed = parse_toml::<TranslationsLock>(&file, 0..file.text.len(), &mut parse_diags);
        for mut d in parse_diags.into_items() {
            d.code = Code::BadLock;
            d.message = format!("{LOCK_FILE} cannot be read: {}", d.message);
            d.help = Some(format!(
                "{LOCK_FILE} is written by wbl, and this one is damaged; restore it from version control, or delete it and record every translation again with `wbl diff --toolkit DIR --lang LANG --accept-all` after reviewing them"
            ));
            diags.push(d);
        }
        let mut lock = parsed?;
        lock.entries
            .sort_by(|a, b| (&a.lang, &a.target).cmp(&(&b.lang, &b.target)));
        lock::check_translation_hashes(&lock.entries, &file, LOCK_FILE, diags);
        Some(lock)
    }
}

/// Every translated unit of the toolkit, by language, then page and
/// snippet: the pages and snippets the loader read from
/// `pages/<id>.<lang>.md` and `snippets/<name>.<lang>.md`, beside their
/// source.
pub fn toolkit_pairs(toolkit: &Toolkit) -> Vec<Pair> {
    let mut out = Vec::new();
    for (lang, translation) in &toolkit.translations {
        for (id, translated) in &translation.pages {
            let Some(page) = toolkit.pages.get(id) else {
                continue;
            };
            out.extend(pair_units(
                lang,
                id,
                &units(Some((&page.meta.title, &page.meta.summary)), page.body()),
                &units(
                    Some((&translated.meta.title, &translated.meta.summary)),
                    translated.body(),
                ),
                &translated.file,
                translated.body_start,
            ));
        }
        // A language's snippets fall back to the source text where no
        // translation exists; only those read from a `.<lang>.md` file are
        // translations.
        for (name, file) in &translation.snippets {
            let Some(source) = toolkit.snippets.get(name) else {
                continue;
            };
            if Arc::ptr_eq(source, file) {
                continue;
            }
            out.extend(pair_units(
                lang,
                &format!("snippets/{name}"),
                &units(None, &source.text),
                &units(None, &file.text),
                file,
                0,
            ));
        }
    }
    out
}

/// The `translation-stale` warning at a translated unit: `whose` text
/// stays in use, and `wbl diff ARGS` shows and accepts the change.
fn stale_warning(
    pair: &Pair,
    recorded: &TranslationEntry,
    meta: &crate::content::ToolkitMeta,
    version: &str,
    whose: &str,
    args: &str,
) -> Diagnostic {
    Diagnostic::warning(
        Code::TranslationStale,
        stale_message(pair, recorded, &meta.language, version),
    )
    .at(&pair.file, pair.span.clone())
    .with_help(format!(
        "the {whose}{} text stays as it is until it is updated; see the change with `{}`, update `{}`, then record the review with `{}`",
        language_name(&pair.lang),
        meta.command("diff", args),
        pair.edit,
        meta.command("diff", &format!("{args} --accept {}", pair.target)),
    ))
}

fn stale_message(pair: &Pair, recorded: &TranslationEntry, source_lang: &str, version: &str) -> String {
    let versions = if recorded.version == version {
        format!("recorded with toolkit {version}, the version in use")
    } else {
        format!("toolkit {} → {version}", recorded.version)
    };
    format!(
        "the {} text of `{}` changed since its {} translation was made ({versions})",
        language_name(source_lang),
        pair.target,
        language_name(&pair.lang),
    )
}

/// Warns about each stale unit, and once per translated file about the
/// units `translations.lock` has nothing for. Called once per run on the
/// toolkit.
pub fn check_toolkit(tree: &SourceTree, toolkit: &Toolkit, diags: &mut Diagnostics) {
    let pairs = toolkit_pairs(toolkit);
    if pairs.is_empty() {
        return;
    }
    let Some(lock) = TranslationsLock::load(tree, diags) else {
        return;
    };
    let meta = &toolkit.meta;
    let version = meta.version.to_string();
    let mut unrecorded: BTreeMap<(&str, &str), Vec<&Pair>> = BTreeMap::new();
    for pair in &pairs {
        match status(&lock.entries, pair) {
            Status::Fresh => {}
            Status::Unrecorded => unrecorded
                .entry((pair.edit.as_str(), pair.lang.as_str()))
                .or_default()
                .push(pair),
            Status::Stale { recorded } => {
                let args = format!("--lang {}", pair.lang);
                diags.push(stale_warning(pair, &recorded, meta, &version, "", &args));
            }
        }
    }
    for ((edit, lang), pairs) in unrecorded {
        let targets: Vec<String> = pairs.iter().map(|p| format!("`{}`", p.target)).collect();
        let shown = if targets.len() > 4 {
            format!("{} and {} more", targets[..3].join(", "), targets.len() - 3)
        } else {
            targets.join(", ")
        };
        let lang_arg = format!("--lang {lang}");
        diags.push(
            Diagnostic::warning(
                Code::TranslationUnrecorded,
                format!(
                    "the {} translation in `{edit}` is not recorded in {LOCK_FILE} ({shown}), so wbl cannot tell when its {} text changes",
                    language_name(lang),
                    language_name(&meta.language),
                ),
            )
            .at(&pairs[0].file, pairs[0].span.clone())
            .with_help(format!(
                "once the translation matches the {} text, record it with `{}` (or `--accept-all` for every translated section)",
                language_name(&meta.language),
                meta.command("diff", &format!("{lang_arg} --accept {}", pairs[0].target)),
            )),
        );
    }
}

/// `[[sections]]` as written, with `lang`, read beside the district's own
/// loader so the translations can be found without changing it.
#[derive(Deserialize)]
struct RawManifest {
    #[serde(default)]
    sections: Vec<RawOp>,
}

#[derive(Deserialize)]
struct RawOp {
    target: Spanned<String>,
    action: String,
    file: Option<String>,
    text: Option<String>,
    lang: Option<String>,
}

/// Every translated unit a district brings: its `pages/<id>.<lang>.md`
/// (beside its own `pages/<id>.md`, or the toolkit's), the
/// `sections/<name>.<lang>.md` beside a `[[sections]]` file, and
/// `[[sections]]` entries with a `lang`. An override's English is the
/// district's English override of the same target and action when there
/// is one, else the toolkit's text under the target, so a change to
/// either is noticed. (This is the one place that finds a district's
/// translations; the language model can take its place.)
pub fn district_pairs(toolkit: &Toolkit, d: &District, diags: &mut Diagnostics) -> Result<Vec<Pair>> {
    let source_lang = toolkit.meta.language.as_str();
    let shown_dir = crate::fs::display(&d.dir);
    let translated_files = |folder: &str| -> Result<Vec<(String, String, String)>> {
        let dir = d.dir.join(folder);
        let mut found = Vec::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(found);
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some((base, lang)) = split_translated_name(&name)
                && lang != source_lang
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                found.push((name.clone(), base.to_string(), lang.to_string()));
            }
        }
        found.sort();
        Ok(found)
    };
    let read = |rel: &str, diags: &mut Diagnostics| -> Result<Option<Arc<SourceFile>>> {
        let bytes = crate::fs::read(&crate::fs::join_rel(&d.dir, rel))?;
        let tree = SourceTree::from_memory(&shown_dir, []);
        Ok(read_text(&tree.display(rel), &bytes, diags))
    };

    let mut out = Vec::new();
    let hidden = |id: &str| d.hide.iter().any(|h| h.get_ref() == id);
    for (name, id, lang) in translated_files("pages")? {
        let source = d.pages.get(&id).or_else(|| toolkit.pages.get(&id));
        let Some(source) = source.filter(|_| !hidden(&id)) else {
            continue;
        };
        let Some(file) = read(&format!("pages/{name}"), diags)? else {
            continue;
        };
        let Some(translation) = parse_page(file, &id, diags) else {
            continue;
        };
        out.extend(pair_units(
            &lang,
            &id,
            &units(Some((&source.meta.title, &source.meta.summary)), source.body()),
            &units(
                Some((&translation.meta.title, &translation.meta.summary)),
                translation.body(),
            ),
            &translation.file,
            translation.body_start,
        ));
    }

    let siblings = translated_files("sections")?;
    let has_lang_ops = has_lang_key(&d.manifest.text);
    if siblings.is_empty() && !has_lang_ops {
        return Ok(out);
    }
    let Ok(raw) = toml::from_str::<RawManifest>(&d.manifest.text) else {
        // The loader read it, so this does not happen; if it did, the
        // loader's own error says why.
        return Ok(out);
    };
    let text_of = |op: &RawOp, diags: &mut Diagnostics| -> Result<Option<String>> {
        Ok(match (&op.text, &op.file) {
            (Some(t), _) => Some(t.clone()),
            (None, Some(rel)) => read(&rel.replace('\\', "/"), diags)?.map(|f| f.text.clone()),
            (None, None) => None,
        })
    };
    let is_source = |op: &RawOp| op.lang.as_deref().is_none_or(|l| l == source_lang);
    let mut seen = BTreeSet::new();
    for op in &raw.sections {
        let target = op.target.get_ref().trim();
        if op.action == Action::Remove.name() {
            continue;
        }
        match &op.lang {
            Some(lang) if lang != source_lang => {
                if !seen.insert((lang.clone(), target.to_string())) {
                    continue;
                }
                let english = raw
                    .sections
                    .iter()
                    .find(|o| is_source(o) && o.target.get_ref().trim() == target && o.action == op.action);
                let source = match english {
                    Some(e) => text_of(e, diags)?,
                    None => upstream(toolkit, target),
                };
                let (Some(source), Some(translated)) = (source, text_of(op, diags)?) else {
                    continue;
                };
                out.push(Pair {
                    lang: lang.clone(),
                    target: target.to_string(),
                    source: normalize(&source),
                    translated: normalize(&translated),
                    file: d.manifest.clone(),
                    span: op.target.span(),
                    edit: op
                        .file
                        .as_ref()
                        .map_or_else(|| d.manifest.path.clone(), |f| format!("{shown_dir}/{f}")),
                });
            }
            Some(_) | None => {
                let Some(rel) = &op.file else { continue };
                let rel = rel.replace('\\', "/");
                let Some(name) = rel.strip_prefix("sections/").filter(|n| !n.contains('/')) else {
                    continue;
                };
                let Some(base) = name.strip_suffix(".md") else {
                    continue;
                };
                for (sibling, _, lang) in siblings.iter().filter(|(_, b, _)| b == base) {
                    if !seen.insert((lang.clone(), target.to_string())) {
                        continue;
                    }
                    let (Some(english), Some(file)) =
                        (read(&rel, diags)?, read(&format!("sections/{sibling}"), diags)?)
                    else {
                        continue;
                    };
                    out.push(Pair {
                        lang: lang.clone(),
                        target: target.to_string(),
                        source: normalize(&english.text),
                        translated: normalize(&file.text),
                        edit: file.path.clone(),
                        span: 0..0,
                        file,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Whether TOML text may set a `lang` key, so a release of many districts
/// reads each district.toml a second time only when it can matter
/// (`language = "en"` does not count).
fn has_lang_key(text: &str) -> bool {
    text.match_indices("lang").any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + 4..].trim_start_matches([' ', '\t', '"', '\'']);
        before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-')) && after.starts_with('=')
    })
}

/// The toolkit's text under a target: the section (heading and
/// subsections) or the whole page body.
fn upstream(toolkit: &Toolkit, target: &str) -> Option<String> {
    let (page_id, section) = match target.split_once('#') {
        Some((p, s)) => (p, Some(s)),
        None => (target, None),
    };
    let page = toolkit.pages.get(page_id)?;
    Some(match section {
        Some(s) => page.body()[page.heading(s)?.range()].to_string(),
        None => page.body().to_string(),
    })
}

/// Warns about each of the district's stale translated units, and adds
/// the ones `wbl.lock` has nothing for to `lock_update`, as `wbl adapt`
/// records new overrides: a district's new translation is taken to match
/// the English it is written beside.
pub fn check_district(
    toolkit: &Toolkit,
    d: &District,
    lock_update: &mut Option<Lock>,
    diags: &mut Diagnostics,
) -> Result<()> {
    let pairs = district_pairs(toolkit, d, diags)?;
    if pairs.is_empty() {
        return Ok(());
    }
    let meta = &toolkit.meta;
    let version = meta.version.to_string();
    let recorded = d.lock.as_ref().map_or(&[][..], |l| l.translations.as_slice());
    let district_arg = format!("--district {}", shell_word(&crate::fs::display(&d.dir)));
    let mut next = lock_update
        .clone()
        .or_else(|| d.lock.clone())
        .unwrap_or_else(|| Lock::new(&meta.id));
    for pair in &pairs {
        match status(recorded, pair) {
            Status::Fresh => {}
            Status::Unrecorded => {
                if find_translation(&next.translations, &pair.lang, &pair.target).is_none() {
                    set_translation(
                        &mut next.translations,
                        TranslationEntry::new(&pair.lang, &pair.target, &version, &pair.source),
                    );
                }
            }
            Status::Stale { recorded } => {
                let args = format!("{district_arg} --lang {}", pair.lang);
                diags.push(stale_warning(
                    pair,
                    &recorded,
                    meta,
                    &version,
                    "district's ",
                    &args,
                ));
            }
        }
    }
    if d.lock.as_ref() != Some(&next) {
        *lock_update = Some(next);
    }
    Ok(())
}

/// Writes `bytes` to `path` through a file beside it, so a reader never
/// sees half a file and a failed write leaves the old one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let shown = crate::fs::display(path);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wbl-write.");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file =
        anyhow::Context::with_context(builder.tempfile_in(dir), || format!("could not write `{shown}`"))?;
    anyhow::Context::with_context(file.write_all(bytes).and_then(|()| file.flush()), || {
        format!("could not write `{shown}`")
    })?;
    file.persist(path)
        .map(drop)
        .map_err(|e| anyhow::Error::from(e.error).context(format!("could not write `{shown}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "Intro line.\n\n## Recording {#recording}\n\nNever record.\n\n### Exceptions\n\nNone.\n\n## Reporting {#reporting}\n\nTell us.\n";
    const ES: &str = "Introducción.\n\n## Grabación {#recording}\n\nNunca grabe.\n\n### Excepciones {#exceptions}\n\nNinguna.\n\n## Solo en español {#extra}\n\nExtra.\n";

    fn pairs(en: &str, es: &str) -> Vec<Pair> {
        let file = SourceFile::new("pages/p.es.md", es);
        pair_units(
            "es",
            "p",
            &units(Some(("Title", "Sum")), en),
            &units(Some(("Título", "")), es),
            &file,
            0,
        )
    }

    #[test]
    fn units_are_the_opening_and_each_sections_own_text() {
        let u = units(Some(("Safety", "How")), EN);
        let ids: Vec<Option<&str>> = u.iter().map(|u| u.section.as_deref()).collect();
        assert_eq!(
            ids,
            [None, Some("recording"), Some("exceptions"), Some("reporting")]
        );
        assert_eq!(
            u[0].text,
            "title = \"Safety\"\nsummary = \"How\"\n\nIntro line.\n"
        );
        // A section's own text stops at its subsection; the slugged id is
        // written out.
        assert_eq!(u[1].text, "## Recording {#recording}\n\nNever record.\n");
        assert_eq!(u[2].text, "### Exceptions {#exceptions}\n\nNone.\n");
        // A snippet has no title; text without headings is one unit.
        assert_eq!(
            units(None, "Cameras are optional.")[0].text,
            "Cameras are optional.\n"
        );
        assert!(units(None, "").is_empty());
    }

    #[test]
    fn writing_out_an_id_or_blank_lines_is_not_a_change() {
        let texts = |body: &str| -> Vec<(Option<String>, String)> {
            units(None, body)
                .into_iter()
                .map(|u| (u.section, u.text))
                .collect()
        };
        assert_eq!(
            texts("## Exceptions\n\nNone.\n"),
            texts("\n## Exceptions {#exceptions}\n\nNone.\n\n\n")
        );
    }

    #[test]
    fn pairs_only_units_both_sides_have() {
        let p = pairs(EN, ES);
        let targets: Vec<&str> = p.iter().map(|p| p.target.as_str()).collect();
        assert_eq!(targets, ["p", "p#recording", "p#exceptions"]);
        assert_eq!(p[1].translated, "## Grabación {#recording}\n\nNunca grabe.\n");
        // The warning points at the translation's heading line.
        assert_eq!(&ES[p[1].span.clone()], "## Grabación {#recording}");
    }

    #[test]
    fn fresh_stale_unrecorded_and_orphaned() {
        let p = pairs(EN, ES);
        let mut entries = Vec::new();
        for pair in &p {
            set_translation(
                &mut entries,
                TranslationEntry::new("es", &pair.target, "1.0.0", &pair.source),
            );
        }
        set_translation(
            &mut entries,
            TranslationEntry::new("es", "p#gone", "1.0.0", "old"),
        );
        set_translation(
            &mut entries,
            TranslationEntry::new("fr", "p#gone", "1.0.0", "old"),
        );
        assert!(p.iter().all(|pair| status(&entries, pair) == Status::Fresh));
        let gone: Vec<&str> = orphans(&entries, "es", &p)
            .iter()
            .map(|e| e.target.as_str())
            .collect();
        assert_eq!(gone, ["p#gone"]);

        // The English of one subsection changes: only it is stale, and the
        // recorded text is the old English.
        let changed = EN.replace("None.", "Only with consent.");
        let p2 = pairs(&changed, ES);
        let states: Vec<Status> = p2.iter().map(|pair| status(&entries, pair)).collect();
        assert_eq!(states[0], Status::Fresh);
        assert_eq!(states[1], Status::Fresh);
        match &states[2] {
            Status::Stale { recorded } => {
                assert_eq!(recorded.source, "### Exceptions {#exceptions}\n\nNone.\n");
                assert!(p2[2].source.contains("Only with consent."));
            }
            other => panic!("{other:?}"),
        }
        // A changed title is a change of the opening.
        let p3 = pairs(EN, ES);
        let mut retitled = p3[0].clone();
        retitled.source = units(Some(("New title", "Sum")), EN)[0].text.clone();
        assert!(matches!(status(&entries, &retitled), Status::Stale { .. }));
        assert_eq!(status(&[], &p3[0]), Status::Unrecorded);
    }

    #[test]
    fn finds_a_lang_key_but_not_language() {
        assert!(has_lang_key("[[sections]]\ntarget = \"a\"\nlang = \"es\"\n"));
        assert!(has_lang_key("[[sections]]\nlang=\"es\""));
        assert!(!has_lang_key(
            "[district]\nlanguage = \"en\"\nlanguages = [\"en\", \"es\"]\n"
        ));
        assert!(!has_lang_key("text = \"slang words\""));
    }

    #[test]
    fn translated_names() {
        assert_eq!(
            split_translated_name("family-letter.es.md"),
            Some(("family-letter", "es"))
        );
        assert_eq!(split_translated_name("family-letter.md"), None);
        assert_eq!(split_translated_name("v1.2.md"), None);
        assert_eq!(split_translated_name(".es.md"), None);
        assert_eq!(language_name("es"), "Spanish");
        assert_eq!(language_name("xx"), "`xx`");
    }

    #[test]
    fn translations_lock_round_trips_and_sorts() {
        let mut lock = TranslationsLock::default();
        lock.entries.push(TranslationEntry::new(
            "es",
            "b#x",
            "1.0.0",
            "## B {#x}\n\n\"\"\" and '''\n",
        ));
        lock.entries
            .push(TranslationEntry::new("es", "a", "1.0.0", "title = \"A\"\n"));
        let text = lock.to_toml();
        assert!(text.starts_with("# translations.lock"));
        assert!(text.find("target = \"a\"").unwrap() < text.find("target = \"b#x\"").unwrap());
        let back: TranslationsLock = toml::from_str(&text).unwrap();
        assert_eq!(back.entries.len(), 2);
        assert_eq!(back.entries[1].source, lock.entries[0].source);
        // An empty lock is its header alone, and reads back empty.
        let empty = TranslationsLock::default().to_toml();
        assert_eq!(
            toml::from_str::<TranslationsLock>(&empty).unwrap(),
            TranslationsLock::default()
        );
    }
}

//! Adapting in every language a district publishes.
//!
//! A translation is adapted exactly as the source is: wbl builds a view of
//! the toolkit in that language (its translated pages and snippets, the
//! part titles in the language) and a view of the district (its own
//! translated pages, its `[[sections]]` with the text for that language,
//! its hidden pages), and runs the same `adapt_one` over them. So every
//! override, hide and variable applies in every language by construction,
//! and a renderer handles a translation as it handles the source: the
//! `Adapted` says which language its text is in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{Action, Adapted, District, SectionOp, adapt_one};
use crate::content::translations::{self, Sources};
use crate::content::{Page, Toolkit};
use crate::diag::{Code, Diagnostic, Diagnostics, Severity, did_you_mean};

/// The source language adapted, with each other published language in
/// `translations`.
pub fn adapt_all(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    diags: &mut Diagnostics,
) -> Option<Adapted> {
    let errors = diags.count(Severity::Error);
    let langs = published(toolkit, district.map(|d| &**d), diags);
    let district_translations = district
        .map(|d| district_translations(toolkit, d, diags))
        .unwrap_or_default();
    if let Some(d) = district {
        check_op_languages(toolkit, d, diags);
    }
    // The source language's run sees only the changes for it.
    let source_lang = toolkit.meta.language.as_str();
    let filtered = district
        .filter(|d| d.ops.iter().any(|o| o.lang.is_some()))
        .map(|d| {
            let mut own = (**d).clone();
            own.ops
                .retain(|o| o.lang.as_ref().is_none_or(|(l, _)| l == source_lang));
            Arc::new(own)
        });
    let mut source = adapt_one(toolkit, filtered.as_ref().or(district), true, diags)?;
    if diags.count(Severity::Error) > errors {
        return None;
    }
    let mut views = Vec::new();
    for lang in langs.iter().skip(1) {
        let empty = BTreeMap::new();
        let own = district_translations.get(lang).unwrap_or(&empty);
        let (view, view_district) = language_view(toolkit, district.map(|d| &**d), lang, own, diags);
        let mut scratch = Diagnostics::new();
        let adapted = adapt_one(&view, view_district.as_ref(), false, &mut scratch);
        // The view repeats what the source run checked (variables, the
        // district's targets): report only what is new.
        for d in scratch.into_items() {
            if !diags.items().contains(&d) {
                diags.push(d);
            }
        }
        views.push(adapted?);
    }
    let ids = |a: &Adapted| -> BTreeSet<String> { a.pages.iter().map(|p| p.id.clone()).collect() };
    let all: Vec<(String, BTreeSet<String>)> =
        std::iter::once((source.toolkit.language.clone(), ids(&source)))
            .chain(views.iter().map(|v| (v.toolkit.language.clone(), ids(v))))
            .collect();
    for (i, view) in views.iter_mut().enumerate() {
        // A page hidden in the source is hidden in every language, so a
        // link to it is dropped rather than broken.
        view.hidden.extend(source.hidden.iter().cloned());
        view.source_lang = source.toolkit.language.clone();
        view.counterparts = all
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i + 1)
            .map(|(_, e)| e.clone())
            .collect();
    }
    source.counterparts = all.into_iter().skip(1).collect();
    source.translations = views;
    Some(source)
}

/// The languages to publish: the district's `languages`, checked against
/// the toolkit's, or all the toolkit's. The source language comes first
/// and is always published: untranslated pages lead to it.
fn published(toolkit: &Toolkit, district: Option<&District>, diags: &mut Diagnostics) -> Vec<String> {
    let all = &toolkit.meta.languages;
    let Some(d) = district else { return all.clone() };
    let Some(list) = &d.languages else {
        return all.clone();
    };
    let mut out = vec![all[0].clone()];
    let mut has_source = false;
    for (lang, span) in list {
        if *lang == all[0] {
            has_source = true;
        } else if all.contains(lang) {
            if !out.contains(lang) {
                out.push(lang.clone());
            }
        } else {
            let help = unknown_language_help(lang, all);
            diags.push(
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!("`{lang}` is not a language of the toolkit"),
                )
                .at(&d.manifest, span.clone())
                .with_help(help),
            );
        }
    }
    if !has_source && let Some(span) = &d.languages_span {
        diags.push(
            Diagnostic::error(
                Code::UnknownLanguage,
                format!("`languages` leaves out `{}`, the toolkit's source language", all[0]),
            )
            .at(&d.manifest, span.clone())
            .with_help(format!(
                "the source language is always published (untranslated pages lead to it): write languages = [\"{}\", …]",
                all[0]
            )),
        );
    }
    // Keep the toolkit's order, whatever the district's.
    out.sort_by_key(|l| all.iter().position(|a| a == l));
    out
}

/// The district's `pages/<id>.<lang>.md`, checked against the pages they
/// translate (the district's own, else the toolkit's), by language.
fn district_translations(
    toolkit: &Toolkit,
    d: &District,
    diags: &mut Diagnostics,
) -> BTreeMap<String, BTreeMap<String, Page>> {
    let lookup = |id: &str| d.pages.get(id).or_else(|| toolkit.pages.get(id));
    let mut ids: Vec<&str> = toolkit
        .pages
        .keys()
        .chain(d.pages.keys())
        .map(String::as_str)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let sources = Sources {
        pages: &lookup,
        ids,
        languages: &toolkit.meta.languages[1..],
        source: &toolkit.meta.languages[0],
        declared_in: "the toolkit's toolkit.toml",
    };
    translations::load_files(&d.translation_files, "pages", &sources, diags).0
}

/// `lang = "…"` of each `[[sections]]` entry is a language of the toolkit,
/// and an override of a translated section comes in every published
/// language of the page (a warning otherwise).
fn check_op_languages(toolkit: &Toolkit, d: &District, diags: &mut Diagnostics) {
    let all = &toolkit.meta.languages;
    for op in &d.ops {
        if let Some((lang, span)) = &op.lang
            && !all.contains(lang)
        {
            diags.push(
                Diagnostic::error(
                    Code::UnknownLanguage,
                    format!("`{lang}` is not a language of the toolkit"),
                )
                .at(&d.manifest, span.clone())
                .with_help(unknown_language_help(lang, all)),
            );
        }
    }
}

/// Which languages an op gives text in (`remove` needs none, so it is in
/// every language).
fn op_languages(op: &SectionOp, source: &str) -> Vec<String> {
    match (&op.lang, op.action) {
        (Some((lang, _)), _) => vec![lang.clone()],
        (None, Action::Remove) => vec!["*".to_string()],
        (None, _) => std::iter::once(source.to_string())
            .chain(op.translated.keys().cloned())
            .collect(),
    }
}

/// The toolkit and the district as text in `lang` sees them.
fn language_view(
    toolkit: &Toolkit,
    district: Option<&District>,
    lang: &str,
    own: &BTreeMap<String, Page>,
    diags: &mut Diagnostics,
) -> (Toolkit, Option<Arc<District>>) {
    let source_lang = toolkit.meta.language.as_str();
    let empty = crate::content::translations::Translation::default();
    let tr = toolkit.translations.get(lang).unwrap_or(&empty);
    let replaced = |id: &str| district.is_some_and(|d| d.pages.contains_key(id));

    // The toolkit pages this language has: the district's translation of
    // the page, else the toolkit's, unless the district replaced the page
    // in the source language only (its text would contradict the
    // district's own).
    let mut pages: BTreeMap<String, Page> = BTreeMap::new();
    for (id, page) in &toolkit.pages {
        if let Some(mine) = own.get(id) {
            pages.insert(id.clone(), mine.clone());
        } else if let Some(t) = tr.pages.get(id) {
            if replaced(id) {
                if let Some(d) = district {
                    let file = &d.pages[id].file;
                    diags.push(
                        Diagnostic::warning(
                            Code::OverrideInOneLanguage,
                            format!(
                                "the district replaces page `{id}` in `{source_lang}` only, so the `{lang}` site leaves it out and links to it lead to the `{source_lang}` page"
                            ),
                        )
                        .at(file, 0..3)
                        .with_help(format!("add the `{lang}` version beside it: `pages/{id}.{lang}.md`")),
                    );
                }
            } else {
                pages.insert(id.clone(), t.clone());
            }
        }
        let _ = page;
    }

    let mut meta = toolkit.meta.clone();
    meta.language = lang.to_string();
    if let Some(m) = toolkit.meta.language_meta.get(lang) {
        if let Some(t) = &m.title {
            meta.title = t.clone();
        }
        if let Some(desc) = &m.description {
            meta.description = desc.clone();
        }
        for part in &mut meta.parts {
            if let Some(t) = m.parts.get(&part.id) {
                part.title = t.clone();
            }
        }
    }
    for part in &mut meta.parts {
        part.pages.retain(|id| pages.contains_key(id));
    }
    let view = Toolkit {
        meta,
        manifest: toolkit.manifest.clone(),
        pages,
        assets: toolkit.assets.clone(),
        snippets: tr.snippets.clone(),
        translations: BTreeMap::new(),
    };

    let Some(d) = district else { return (view, None) };
    let mut vd = d.clone();
    vd.lock = None;
    vd.translation_files = Vec::new();
    // The district's own pages in this language: its translations of its
    // replacements and additions. A district page without one is left out.
    vd.pages = own
        .iter()
        .filter(|(id, _)| d.pages.contains_key(*id))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // A translation of a toolkit page the district did not replace is a
    // replacement in this language only.
    for (id, page) in own {
        if !d.pages.contains_key(id) && view.pages.contains_key(id) {
            vd.pages.insert(id.clone(), page.clone());
        }
    }
    // A new page placed after a page this language lacks goes at the end
    // of its part instead: the order of the pages it has is kept.
    let here: BTreeSet<String> = view.pages.keys().chain(vd.pages.keys()).cloned().collect();
    for page in vd.pages.values_mut() {
        if page.meta.after.as_ref().is_some_and(|a| !here.contains(a)) {
            page.meta.after = None;
        }
    }
    let known = |id: &str| view.pages.contains_key(id) || vd.pages.contains_key(id);
    vd.hide.retain(|id| known(id.get_ref()));

    // The changes in this language: those for it alone, those for every
    // language with their text in it, and every removal.
    let mut ops = Vec::new();
    for op in &d.ops {
        let page_here = view.pages.contains_key(op.page()) && !vd.pages.contains_key(op.page());
        let section_here = op
            .section()
            .is_none_or(|s| view.pages.get(op.page()).is_some_and(|p| p.heading(s).is_some()));
        match (&op.lang, op.action) {
            (Some((l, _)), _) if l == lang => {}
            (Some(_), _) => continue,
            (None, Action::Remove) => {}
            (None, _) if op.translated.contains_key(lang) => {}
            (None, _) => {
                if page_here
                    && section_here
                    && !d
                        .ops
                        .iter()
                        .any(|o| o.target == op.target && o.lang.as_ref().is_some_and(|(l, _)| l == lang))
                {
                    one_language_warning(d, op, source_lang, lang, diags);
                }
                continue;
            }
        }
        if !page_here || !section_here {
            continue;
        }
        let mut op = op.clone();
        if op.lang.is_none()
            && let Some(text) = op.translated.get(lang)
        {
            op.content = Some(text.clone());
        }
        ops.push(op);
    }
    // A change given for this language alone, with none in the source
    // language, leaves the source page as the toolkit has it.
    for op in d
        .ops
        .iter()
        .filter(|o| o.lang.as_ref().is_some_and(|(l, _)| l == lang))
    {
        let in_source = d.ops.iter().any(|o| {
            o.target == op.target
                && op_languages(o, source_lang)
                    .iter()
                    .any(|l| l == source_lang || l == "*")
        });
        if !in_source && op.action != Action::Remove {
            one_language_warning(d, op, lang, source_lang, diags);
        }
    }
    vd.ops = ops;
    (view, Some(Arc::new(vd)))
}

/// "The override of `x#y` is in `en` only", with the block that gives it
/// in the other language.
fn one_language_warning(d: &District, op: &SectionOp, given: &str, missing: &str, diags: &mut Diagnostics) {
    let file_hint = op
        .content
        .as_ref()
        .filter(|c| !Arc::ptr_eq(&c.file, &d.manifest))
        .and_then(|c| {
            let name = c.file.path.rsplit(['/', '\\']).next()?;
            Some(format!(
                "; or put the `{missing}` text beside the file, as `sections/{}.{missing}.md`",
                name.strip_suffix(".md").unwrap_or(name)
            ))
        })
        .unwrap_or_default();
    diags.push(
        Diagnostic::warning(
            Code::OverrideInOneLanguage,
            format!(
                "the override of `{}` is in `{given}` only; the `{missing}` page keeps the toolkit's text",
                op.target
            ),
        )
        .at(&d.manifest, op.target_span.clone())
        .with_help(format!(
            "the toolkit translates this section into `{missing}`: add the `{missing}` text with\n\n[[sections]]\ntarget = \"{}\"\naction = \"{}\"\nlang = \"{missing}\"\ntext = \"\"\"\n…\n\"\"\"\n{file_hint}",
            op.target,
            op.action.name(),
        )),
    );
}

/// The help for a language the toolkit does not have: the closest one, or
/// the languages it has.
fn unknown_language_help(lang: &str, all: &[String]) -> String {
    did_you_mean(lang, all.iter().map(String::as_str)).unwrap_or_else(|| {
        format!(
            "the toolkit is written in {}",
            all.iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

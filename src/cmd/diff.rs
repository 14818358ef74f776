//! `wbl diff`: what a district changes, and for each override whose
//! toolkit text changed since it was made, that change as a unified diff
//! beside the district's own text. `--accept` records the review.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::{Result, bail};

use crate::adapt::lock::{self, Entry, Lock, Status, TranslationEntry, set_translation};
use crate::adapt::translations::{self, Pair, Status as TStatus};
use crate::adapt::{self, Action};
use crate::cli::DiffArgs;
use crate::content::{Toolkit, shell_word};
use crate::diag::{Code, Diagnostics, did_you_mean};
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, pipeline};

pub fn run(args: DiffArgs, reporter: &mut Reporter) -> Result<u8> {
    if let Some(lang) = &args.lang {
        return translations(&args, lang, reporter);
    }
    let Some(dir) = args.district.clone() else {
        bail!("give --district DIR (a district's overrides) or --lang LANG (translations)");
    };
    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)?;
    let district = pipeline::load_district(&dir, &mut diags)?;
    let adapted = match (&toolkit, &district) {
        (Some(t), Some(d)) => adapt::adapt(t, Some(d), &mut diags),
        _ => None,
    };
    // The staleness warnings are what this command shows in full below.
    let diags = without_stale_warnings(diags);
    reporter.diagnostics(&diags);
    let (Some(toolkit), Some(district), Some(adapted)) = (toolkit, district, adapted) else {
        reporter.summary("diff");
        return Ok(EXIT_ERROR);
    };
    let version = toolkit.meta.version.to_string();
    let district_arg = format!("--district {}", shell_word(&fs::display(&dir)));
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());

    // One entry per target, in the order the district applies them.
    let mut targets: BTreeMap<&str, (&str, Vec<String>)> = BTreeMap::new();
    for a in &adapted.applied {
        let entry = targets.entry(&a.target).or_insert((&a.upstream, Vec::new()));
        entry.1.push(a.action.clone());
    }
    let current_lock = district.lock.clone();
    let mut out = changes(&toolkit, &district, &adapted);
    if !targets.is_empty() {
        out.push_str("Overrides of the toolkit's text, and what changed upstream under them:\n");
    }
    let mut stale = Vec::new();
    for (target, (upstream, actions)) in &targets {
        let status = lock::status(current_lock.as_ref(), target, upstream);
        let what = actions
            .iter()
            .map(|a| {
                if a == "page" {
                    "replaces the whole page".to_string()
                } else {
                    format!("{a}s")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let state = match &status {
            Status::New => "not yet in wbl.lock (recorded by the next `wbl adapt`)".to_string(),
            Status::Unchanged => {
                let v = current_lock
                    .as_ref()
                    .and_then(|l| l.get(target))
                    .map_or("", |e| e.version.as_str());
                format!("toolkit text unchanged since {v}")
            }
            Status::Changed { baseline } => format!("TOOLKIT TEXT CHANGED {} → {version}", baseline.version),
        };
        let _ = writeln!(
            out,
            "  {}  the district {what}; {state}",
            paint(target, "1", color)
        );
        if let Status::Changed { baseline } = &status {
            stale.push(target.to_string());
            out.push_str("\n  Upstream change:\n");
            line_diff(
                &mut out,
                &baseline.upstream,
                upstream,
                (
                    &format!("{target} (toolkit {})", baseline.version),
                    &format!("{target} (toolkit {version})"),
                ),
                color,
            );
            out.push_str("\n  The district's text:\n");
            for text in district_texts(&district, target) {
                for line in text.lines() {
                    let _ = writeln!(out, "  | {line}");
                }
            }
            out.push('\n');
        }
    }
    if targets.is_empty() {
        out.push_str("The district overrides no toolkit text.\n");
    } else if stale.is_empty() {
        let _ = writeln!(
            out,
            "\nNo upstream changes under the district's overrides (toolkit {version})."
        );
    } else {
        let _ = writeln!(
            out,
            "{} of {} changed upstream. After reviewing, accept with `{}` or `--accept-all`.",
            stale.len(),
            count(targets.len(), "overridden target", "overridden targets"),
            toolkit
                .meta
                .command("diff", &format!("{district_arg} --accept TARGET"))
        );
    }
    if args.accept.is_empty() && !args.accept_all {
        out.push_str(&translations_note(&toolkit, &district, &district_arg));
        print!("{out}");
        return Ok(0);
    }
    // Accepting follows a review of the report above, so it is not shown
    // again: only what was recorded, and what is still left to review.
    let mut next = current_lock.unwrap_or_else(|| Lock::new(&toolkit.meta.id));
    let chosen: Vec<&str> = if args.accept_all {
        targets.keys().copied().collect()
    } else {
        for t in &args.accept {
            if !targets.contains_key(t.as_str()) {
                let help = did_you_mean(t, targets.keys().copied()).unwrap_or_else(|| {
                    let all: Vec<String> = targets.keys().map(|t| format!("`{t}`")).collect();
                    format!("the district overrides {}", all.join(", "))
                });
                bail!("`{t}` is not a target the district overrides; {help}");
            }
        }
        args.accept.iter().map(String::as_str).collect()
    };
    for target in &chosen {
        next.set(Entry::new(target, &version, targets[target].0));
    }
    if args.accept_all {
        // Entries for targets the district no longer overrides go too.
        next.entries.retain(|e| targets.contains_key(e.target.as_str()));
    }
    let path = dir.join(lock::FILE_NAME);
    lock::stage(&dir, &next)?.persist()?;
    reporter.status(&format!(
        "recorded toolkit {version} as reviewed for {} target{} in {}",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        fs::display(&path)
    ));
    let left = stale.iter().filter(|t| !chosen.contains(&t.as_str())).count();
    if left > 0 {
        reporter.status(&format!(
            "{left} other target{} changed upstream and {} not reviewed yet: see `{}`",
            if left == 1 { "" } else { "s" },
            if left == 1 { "is" } else { "are" },
            toolkit.meta.command("diff", &district_arg)
        ));
    }
    Ok(0)
}

/// Everything the district changes besides its overrides of toolkit
/// text: who it is, the variables it sets (beside the toolkit's default),
/// and the pages it hides, adds and replaces.
fn changes(toolkit: &Toolkit, district: &adapt::District, adapted: &adapt::Adapted) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "District `{}` ({}), against toolkit {} {}\n",
        district.id, district.name, toolkit.meta.id, toolkit.meta.version
    );
    let mut own = Vec::new();
    if district.short_name != district.name {
        own.push(format!("short name \"{}\"", district.short_name));
    }
    if let Some((logo, _)) = &district.logo {
        own.push(format!("logo assets/{logo}"));
    }
    if let Some((color, _)) = &district.color {
        own.push(format!("colour {}", color.hex()));
    }
    if !district.website.is_empty() {
        own.push(format!("website {}", district.website));
    }
    if !district.contacts.is_empty() {
        own.push(count(district.contacts.len(), "contact", "contacts"));
    }
    if !district.partners.is_empty() {
        own.push(count(district.partners.len(), "partner", "partners"));
    }
    if !own.is_empty() {
        let _ = writeln!(out, "Its own details: {}\n", own.join(", "));
    }

    if district.vars.is_empty() {
        out.push_str("Variables: none set; every page uses the toolkit's defaults.\n\n");
    } else {
        out.push_str("Variables it sets (the toolkit's default beside each):\n");
        let width = district
            .vars
            .iter()
            .map(|(k, _)| k.get_ref().len())
            .max()
            .unwrap_or(0);
        let values: Vec<String> = district
            .vars
            .iter()
            .map(|(_, v)| v.get_ref().to_string())
            .collect();
        let value_width = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
        let value_of = |key: &str| {
            district
                .vars
                .iter()
                .find(|(k, _)| k.get_ref() == key)
                .map(|(_, v)| v.get_ref())
        };
        for ((key, _), value) in district.vars.iter().zip(&values) {
            let default = toolkit.meta.vars.get(key.get_ref()).map_or_else(
                || "not a toolkit variable".to_string(),
                |d| {
                    if Some(d) == value_of(key.get_ref()) {
                        format!("toolkit: {d}, the same")
                    } else {
                        format!("toolkit: {d}")
                    }
                },
            );
            let pad = " ".repeat(value_width - value.chars().count());
            let _ = writeln!(out, "  {:width$} = {value}{pad}   ({default})", key.get_ref());
        }
        out.push('\n');
    }

    let title = |id: &str| {
        toolkit
            .pages
            .get(id)
            .or_else(|| district.pages.get(id))
            .map_or(String::new(), |p| format!("  \"{}\"", p.meta.title))
    };
    if district.hide.is_empty() {
        out.push_str("Hidden pages: none.\n\n");
    } else {
        out.push_str("Pages it hides (left out everywhere; links to them print as plain text):\n");
        for id in &district.hide {
            let _ = writeln!(out, "  {}{}", id.get_ref(), title(id.get_ref()));
        }
        out.push('\n');
    }

    let part_of = |id: &str| {
        adapted
            .parts
            .iter()
            .find(|part| part.pages.iter().any(|&i| adapted.pages[i].id == id))
            .map_or(String::new(), |part| format!(", in part \"{}\"", part.title))
    };
    let (replaced, added): (Vec<_>, Vec<_>) = district
        .pages
        .values()
        .partition(|p| toolkit.pages.contains_key(&p.id));
    if !added.is_empty() {
        out.push_str("Pages it adds:\n");
        for page in &added {
            let placed = if district.hide.iter().any(|h| h.get_ref() == &page.id) {
                " (hidden)".to_string()
            } else {
                part_of(&page.id)
            };
            let _ = writeln!(
                out,
                "  {}  \"{}\" from {}{placed}",
                page.id, page.meta.title, page.file.path
            );
        }
        out.push('\n');
    }
    if !replaced.is_empty() {
        out.push_str("Pages it replaces with its own:\n");
        for page in &replaced {
            let _ = writeln!(out, "  {}{} with {}", page.id, title(&page.id), page.file.path);
        }
        out.push('\n');
    }
    if added.is_empty() && replaced.is_empty() {
        out.push_str("Pages added or replaced: none.\n\n");
    }
    out
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The text the district puts on `target`.
fn district_texts<'a>(district: &'a adapt::District, target: &str) -> Vec<&'a str> {
    let mut texts: Vec<&str> = district
        .ops
        .iter()
        .filter(|op| op.target == target)
        .map(|op| match (&op.content, op.action) {
            (_, Action::Remove) => "(removed)",
            (Some(c), _) => c.text.as_str(),
            (None, _) => "",
        })
        .collect();
    if let Some(page) = district.pages.get(target) {
        texts.push(page.body());
    }
    texts
}

fn without_stale_warnings(diags: Diagnostics) -> Diagnostics {
    without(diags, &[Code::UpstreamChanged])
}

fn without(diags: Diagnostics, codes: &[Code]) -> Diagnostics {
    let mut kept = Diagnostics::new();
    for d in diags.into_items() {
        if !codes.contains(&d.code) {
            kept.push(d);
        }
    }
    kept
}

/// `old` → `new` as a unified line diff, indented, coloured on a terminal.
fn line_diff(out: &mut String, old: &str, new: &str, (old_label, new_label): (&str, &str), color: bool) {
    let diff = similar::TextDiff::from_lines(old, new);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string();
    for line in unified.lines() {
        let styled = match line.chars().next() {
            Some('+') if !line.starts_with("+++") => paint(line, "32", color),
            Some('-') if !line.starts_with("---") => paint(line, "31", color),
            Some('@') => paint(line, "36", color),
            _ => line.to_string(),
        };
        let _ = writeln!(out, "  {styled}");
    }
}

/// A line pointing at `--lang` when some of the district's translations
/// fell behind their English, since this report is about overrides.
fn translations_note(toolkit: &Toolkit, district: &adapt::District, district_arg: &str) -> String {
    let Ok(pairs) = translations::district_pairs(toolkit, district, &mut Diagnostics::new()) else {
        return String::new();
    };
    let recorded = district
        .lock
        .as_ref()
        .map_or(&[][..], |l| l.translations.as_slice());
    let mut stale: BTreeMap<&str, usize> = BTreeMap::new();
    for pair in &pairs {
        if matches!(translations::status(recorded, pair), TStatus::Stale { .. }) {
            *stale.entry(pair.lang.as_str()).or_default() += 1;
        }
    }
    let mut out = String::new();
    for (lang, n) in stale {
        let _ = writeln!(
            out,
            "\n{} of the district's {} translations fell behind their English: see `{}`.",
            count(n, "section", "sections"),
            translations::language_name(lang),
            toolkit
                .meta
                .command("diff", &format!("{district_arg} --lang {lang}"))
        );
    }
    out
}

/// `wbl diff --lang LANG`: each translated section whose English changed
/// since it was recorded, the change beside the translation; `--accept`
/// records the review in translations.lock (the toolkit's) or wbl.lock
/// (with --district).
fn translations(args: &DiffArgs, lang: &str, reporter: &mut Reporter) -> Result<u8> {
    if !translations::is_lang_code(lang) {
        bail!(
            "`{lang}` is not a language code: give the code translations carry in their file names, for example `--lang es` for `pages/family-letter.es.md`"
        );
    }
    let toolkit_dir = args.toolkit.toolkit.as_deref();
    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(toolkit_dir, &mut diags)?;
    let district = match &args.district {
        Some(dir) => pipeline::load_district(dir, &mut diags)?,
        None => None,
    };
    let Some(toolkit) = toolkit.filter(|_| args.district.is_none() || district.is_some()) else {
        reporter.diagnostics(&without(
            diags,
            &[Code::TranslationStale, Code::TranslationUnrecorded],
        ));
        reporter.summary("diff");
        return Ok(EXIT_ERROR);
    };
    if lang == toolkit.meta.language {
        bail!(
            "`{lang}` is the language the toolkit is written in; give the language of a translation, for example `--lang es`"
        );
    }
    let meta = &toolkit.meta;
    let version = meta.version.to_string();
    let source_name = translations::language_name(&meta.language);
    let lang_name = translations::language_name(lang);
    let tree = pipeline::toolkit_tree(toolkit_dir)?;
    // Loading the toolkit reported what is wrong in its translations
    // already; they are read again here only for the texts.
    let (pairs, recorded, lock_path, scope) = match (&district, &args.district) {
        (Some(d), Some(dir)) => (
            translations::district_pairs(&toolkit, d, &mut diags)?,
            d.lock.as_ref().map_or_else(Vec::new, |l| l.translations.clone()),
            dir.join(lock::FILE_NAME),
            format!("--district {}", shell_word(&fs::display(dir))),
        ),
        _ => {
            let lock =
                translations::TranslationsLock::load(&tree, &mut Diagnostics::new()).unwrap_or_default();
            let root = toolkit_dir.map_or_else(
                || std::path::PathBuf::from(translations::LOCK_FILE),
                |dir| dir.join(translations::LOCK_FILE),
            );
            (
                translations::toolkit_pairs(&toolkit),
                lock.entries,
                root,
                String::new(),
            )
        }
    };
    reporter.diagnostics(&without(
        diags,
        &[Code::TranslationStale, Code::TranslationUnrecorded],
    ));
    let pairs: Vec<&Pair> = pairs.iter().filter(|p| p.lang == lang).collect();
    let lang_arg = if scope.is_empty() {
        format!("--lang {lang}")
    } else {
        format!("{scope} --lang {lang}")
    };
    let lock_shown = if district.is_some() || toolkit_dir.is_some() {
        fs::display(&lock_path)
    } else {
        format!("<embedded>/toolkit-content/{}", translations::LOCK_FILE)
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());

    let mut out = String::new();
    match &district {
        Some(d) => {
            let _ = writeln!(
                out,
                "District `{}`: its {lang_name} ({lang}) translations, against {lock_shown} (toolkit {} {version})\n",
                d.id, meta.id
            );
        }
        None => {
            let _ = writeln!(
                out,
                "Toolkit `{}` {version}: its {lang_name} ({lang}) translations, against {lock_shown}\n",
                meta.id
            );
        }
    }
    let owned: Vec<Pair> = pairs.iter().map(|p| (*p).clone()).collect();
    let gone = translations::orphans(&recorded, lang, &owned);
    let (mut fresh, mut needs_review) = (0, Vec::new());
    for pair in &pairs {
        match translations::status(&recorded, pair) {
            TStatus::Fresh => fresh += 1,
            TStatus::Unrecorded => {
                needs_review.push(pair.target.as_str());
                let state = if district.is_some() {
                    "not in wbl.lock yet (recorded by the next `wbl adapt`)".to_string()
                } else {
                    format!("not recorded yet: check it against the {source_name}, then accept it")
                };
                let _ = writeln!(
                    out,
                    "  {}  {state}  ({})",
                    paint(&pair.target, "1", color),
                    pair.edit
                );
            }
            TStatus::Stale { recorded } => {
                needs_review.push(pair.target.as_str());
                let _ = writeln!(
                    out,
                    "  {}  {} TEXT CHANGED {} → {version}",
                    paint(&pair.target, "1", color),
                    source_name.to_uppercase(),
                    recorded.version
                );
                let _ = writeln!(out, "\n  {source_name} change:");
                line_diff(
                    &mut out,
                    &recorded.source,
                    &pair.source,
                    (
                        &format!("{} ({source_name}, toolkit {})", pair.target, recorded.version),
                        &format!("{} ({source_name}, toolkit {version})", pair.target),
                    ),
                    color,
                );
                let _ = writeln!(out, "\n  The {lang_name} text now, in {}:", pair.edit);
                for line in pair.translated.lines() {
                    let _ = writeln!(out, "  | {line}");
                }
                out.push('\n');
            }
        }
    }
    for entry in &gone {
        let _ = writeln!(
            out,
            "  {}  recorded in {lock_shown}, but no longer a translated section (dropped by --accept-all)",
            paint(&entry.target, "1", color)
        );
    }
    if pairs.is_empty() {
        let _ = writeln!(out, "No {lang_name} translations found.");
    } else if needs_review.is_empty() {
        let _ = writeln!(
            out,
            "All {} up to date with their {source_name} text.",
            count(pairs.len(), "translated section is", "translated sections are")
        );
    } else {
        let _ = writeln!(
            out,
            "{} of {} to review ({fresh} up to date). After reviewing (and updating the {lang_name} text), accept with `{}` or `--accept-all`.",
            needs_review.len(),
            count(pairs.len(), "translated section", "translated sections"),
            meta.command("diff", &format!("{lang_arg} --accept TARGET"))
        );
    }
    if args.accept.is_empty() && !args.accept_all {
        print!("{out}");
        return Ok(0);
    }

    let chosen: Vec<&Pair> = if args.accept_all {
        pairs.clone()
    } else {
        let mut chosen = Vec::new();
        for t in &args.accept {
            let Some(pair) = pairs.iter().find(|p| &p.target == t) else {
                let help = did_you_mean(t, pairs.iter().map(|p| p.target.as_str())).unwrap_or_else(|| {
                    format!(
                        "`{}` lists the translated sections",
                        meta.command("diff", &lang_arg)
                    )
                });
                bail!("`{t}` is not a section with a {lang_name} translation; {help}");
            };
            chosen.push(*pair);
        }
        chosen
    };
    let entries = |mut list: Vec<TranslationEntry>| {
        for pair in &chosen {
            set_translation(
                &mut list,
                TranslationEntry::new(lang, &pair.target, &version, &pair.source),
            );
        }
        if args.accept_all {
            list.retain(|e| !gone.iter().any(|g| g.lang == e.lang && g.target == e.target));
        }
        list
    };
    match (&district, &args.district) {
        (Some(d), Some(dir)) => {
            let mut next = d.lock.clone().unwrap_or_else(|| Lock::new(&meta.id));
            next.translations = entries(next.translations);
            lock::stage(dir, &next)?.persist()?;
        }
        _ => {
            if toolkit_dir.is_none() {
                bail!(
                    "the toolkit built into wbl cannot be changed; write it out with `wbl init toolkit DIR`, then pass `--toolkit DIR`"
                );
            }
            let lock =
                translations::TranslationsLock::load(&tree, &mut Diagnostics::new()).unwrap_or_default();
            let next = translations::TranslationsLock {
                entries: entries(lock.entries),
            };
            translations::write_atomic(&lock_path, next.to_toml().as_bytes())?;
        }
    }
    reporter.status(&format!(
        "recorded the {source_name} text of {} as reviewed (toolkit {version}) in {lock_shown}",
        count(
            chosen.len(),
            &format!("{lang_name} section"),
            &format!("{lang_name} sections")
        )
    ));
    let left = needs_review
        .iter()
        .filter(|t| !chosen.iter().any(|p| p.target == **t))
        .count();
    if left > 0 {
        reporter.status(&format!(
            "{left} other translated section{} still to review: see `{}`",
            if left == 1 { " is" } else { "s are" },
            meta.command("diff", &lang_arg)
        ));
    }
    Ok(0)
}

//! `wbl diff`: what a district changes, and for each override whose
//! toolkit text changed since it was made, that change as a unified diff
//! beside the district's own text. `--accept` records the review.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;

use anyhow::{Result, bail};

use crate::adapt::lock::{self, Entry, Lock, Status};
use crate::adapt::{self, Action};
use crate::cli::DiffArgs;
use crate::content::{Toolkit, shell_word};
use crate::diag::{Diagnostics, did_you_mean};
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, pipeline};

pub fn run(args: DiffArgs, reporter: &mut Reporter) -> Result<u8> {
    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)?;
    let district = pipeline::load_district(&args.district, &mut diags)?;
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
    let district_arg = format!("--district {}", shell_word(&fs::display(&args.district)));
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
            let diff = similar::TextDiff::from_lines(baseline.upstream.as_str(), upstream);
            let unified = diff
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("{target} (toolkit {})", baseline.version),
                    &format!("{target} (toolkit {version})"),
                )
                .to_string();
            out.push_str("\n  Upstream change:\n");
            for line in unified.lines() {
                let styled = match line.chars().next() {
                    Some('+') if !line.starts_with("+++") => paint(line, "32", color),
                    Some('-') if !line.starts_with("---") => paint(line, "31", color),
                    Some('@') => paint(line, "36", color),
                    _ => line.to_string(),
                };
                let _ = writeln!(out, "  {styled}");
            }
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
    let path = args.district.join(lock::FILE_NAME);
    fs::write(&path, next.to_toml().as_bytes())?;
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
    let mut kept = Diagnostics::new();
    for d in diags.into_items() {
        if d.code != crate::diag::Code::UpstreamChanged {
            kept.push(d);
        }
    }
    kept
}

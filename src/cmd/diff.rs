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
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());

    // One entry per target, in the order the district applies them.
    let mut targets: BTreeMap<&str, (&str, Vec<String>)> = BTreeMap::new();
    for a in &adapted.applied {
        let entry = targets.entry(&a.target).or_insert((&a.upstream, Vec::new()));
        entry.1.push(a.action.clone());
    }
    let current_lock = district.lock.clone();
    let mut out = String::new();
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
        let _ = writeln!(out, "{}  the district {what}; {state}", paint(target, "1", color));
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
            "{} of {} overridden targets changed upstream. After reviewing, accept with `wbl diff --district {} --accept TARGET` or `--accept-all`.",
            stale.len(),
            targets.len(),
            fs::display(&args.district)
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
            "{left} other target{} changed upstream and {} not reviewed yet: see `wbl diff --district {}`",
            if left == 1 { "" } else { "s" },
            if left == 1 { "is" } else { "are" },
            fs::display(&args.district)
        ));
    }
    Ok(0)
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

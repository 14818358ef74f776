//! `wbl adapt`: build a district's outputs into a folder.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::AdaptArgs;
use crate::diag::{Diagnostics, Severity};
use crate::output::{Out, Source, Staging};
use crate::render::OutputFile;
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, output, pipeline};

pub fn run(args: AdaptArgs, reporter: &mut Reporter) -> Result<u8> {
    reporter.format = args.message_format;
    // Refuse an output folder wbl may not replace before doing any work.
    let mut sources = Vec::new();
    if let Some(dir) = &args.district {
        sources.push(Source {
            what: "district folder",
            path: dir,
        });
    }
    if let Some(dir) = &args.toolkit.toolkit {
        sources.push(Source {
            what: "toolkit folder",
            path: dir,
        });
    }
    let out = Out::check(&args.out, &sources)?;
    for stale in out.remove_stale() {
        reporter.status(&format!(
            "removed `{stale}`, which an interrupted run left beside `{}`",
            out.shown()
        ));
    }
    if args.pdf && !args.format.contains(crate::render::Output::Print) {
        anyhow::bail!("--pdf prints the handbook, so --format must include `print`");
    }
    let browser = if args.pdf {
        output::stop_cleanly_on_interrupt();
        Some(output::pdf::find_browser()?)
    } else {
        None
    };
    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)?;
    let district = match &args.district {
        Some(dir) => pipeline::load_district(dir, &mut diags)?,
        None => None,
    };
    // With --pdf the documents are printed once rendered and before they
    // are packaged, so the bundle holds the PDFs and the handbook's HTML
    // carries the page numbers its PDF shows.
    let mut print_pdfs = |_: &crate::adapt::Adapted, files: &mut Vec<OutputFile>| -> Result<()> {
        let Some(browser) = &browser else {
            return Ok(());
        };
        reporter.verbose(&format!("printing PDFs with {}", browser.display()));
        let printed = output::pdf::print_all(browser, files, output::bundle::build_time()?)?;
        output::pdf::merge(files, printed);
        Ok(())
    };
    let (files, lock_update, lms_hint) = match (&toolkit, args.district.is_some(), &district) {
        (Some(toolkit), false, _) | (Some(toolkit), true, Some(_)) => {
            let build = pipeline::build_with(
                toolkit,
                district.as_ref(),
                args.format,
                None,
                &mut diags,
                &mut print_pdfs,
            )?;
            let hint = build
                .adapted
                .as_ref()
                .filter(|_| args.format.contains(crate::render::Output::Lms))
                .map(crate::render::lms::import_hint);
            (build.files, build.adapted.and_then(|a| a.lock_update), hint)
        }
        _ => (None, None, None),
    };
    reporter.diagnostics(&diags);
    let denied = args.deny_warnings && diags.count(Severity::Warning) > 0;
    let unchanged = format!("nothing was written; `{}` is unchanged", out.shown());
    let Some(files) = files.filter(|_| !denied && !diags.has_errors()) else {
        if denied {
            reporter.status("error: warnings are denied (--deny-warnings)");
        }
        reporter.summary("adapt");
        reporter.status(&unchanged);
        return Ok(EXIT_ERROR);
    };
    // Everything is written before OUT is replaced, the lock included: it
    // goes to a file beside wbl.lock first, so a district folder that
    // cannot be written stops the run here, with OUT untouched.
    let lock = match (lock_update, &args.district) {
        (Some(lock), Some(dir)) => Some(crate::adapt::lock::stage(dir, &lock).context(unchanged.clone())?),
        _ => None,
    };
    let staged_lock = lock.as_ref().map(|l| l.staged_path().to_path_buf());
    if let Some(path) = &staged_lock {
        output::remove_on_interrupt(path);
    }
    let staging = Staging::new(&out)?;
    for file in &files {
        staging.write(&file.path, &file.bytes)?;
    }
    let lock_path = lock.as_ref().map(|l| l.path().to_path_buf());
    staging.commit_then(|| match lock {
        Some(lock) => lock.persist(),
        None => Ok(()),
    })?;
    if let Some(path) = &staged_lock {
        output::forget_on_interrupt(path);
    }
    if let Some(path) = lock_path {
        reporter.verbose(&format!("updated {}", fs::display(&path)));
    }
    let pages = files
        .iter()
        .filter(|f| f.path.starts_with("site/") && f.path.ends_with(".html"))
        .count();
    reporter.summary("adapt");
    reporter.status(&format!(
        "wrote {} ({}) to {}",
        count(files.len(), "file", "files"),
        count(pages, "site page", "site pages"),
        out.shown()
    ));
    if let Some(hint) = lms_hint {
        reporter.status(&hint);
    }
    // What is on disk now, PDFs included, not only what was rendered.
    let written: Vec<String> = walkdir::WalkDir::new(&args.out)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(&args.out).ok()?;
            Some(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect();
    reporter.status(&next_steps(&args.out, &written));
    Ok(0)
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The end of a run: which file to open, which to print, which to share,
/// and where the LMS cartridges are, from the files in `out` (`written`,
/// `/`-separated paths relative to it, two levels deep at most).
pub fn next_steps(out: &Path, written: &[String]) -> String {
    let has = |p: &str| written.iter().any(|w| w == p);
    let in_folder = |folder: &str, ext: &str| -> Vec<&String> {
        written
            .iter()
            .filter(|w| {
                w.strip_prefix(folder)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|name| !name.contains('/') && name.ends_with(ext))
            })
            .collect()
    };
    let mut steps: Vec<(&str, String, String)> = Vec::new();
    if has("site/index.html") {
        steps.push((
            "open",
            "site/index.html".into(),
            "the site: double-click it; it works without the internet".into(),
        ));
    }
    if has("print/handbook.pdf") {
        steps.push((
            "print",
            "print/handbook.pdf".into(),
            "the handbook as a PDF, to print or send".into(),
        ));
    } else if has("print/handbook.html") {
        steps.push((
            "print",
            "print/handbook.html".into(),
            "the handbook: open it in Chrome or Edge and choose Print (or Save as PDF)".into(),
        ));
    }
    let packets: Vec<&String> = in_folder("print", ".html")
        .into_iter()
        .filter(|p| p.starts_with("print/family-packet"))
        .collect();
    for packet in &packets {
        let mut what = String::from("the documents for families and students");
        // One packet per language: say which (`family-packet.es.html` →
        // "Español").
        if packets.len() > 1 {
            let lang = packet
                .strip_prefix("print/family-packet.")
                .and_then(|rest| rest.strip_suffix(".html"))
                .unwrap_or_default();
            what += &format!(" ({})", crate::i18n::strings(lang).get("language_name"));
        }
        steps.push(("print", (*packet).clone(), what));
    }
    let handout_pages = in_folder("handouts", ".html");
    if !handout_pages.is_empty() {
        let index = has("handouts/index.html");
        let handouts = handout_pages.len() - usize::from(index);
        let pdfs = in_folder("handouts", ".pdf").len();
        let what = match pdfs {
            0 => format!(
                "{}, each to print on its own",
                count(handouts, "handout or form", "handouts and forms")
            ),
            n => format!(
                "{}, each to print on its own ({} beside them)",
                count(handouts, "handout or form", "handouts and forms"),
                count(n, "PDF", "PDFs")
            ),
        };
        let place = if index { "handouts/index.html" } else { "handouts" };
        steps.push(("print", place.into(), what));
    }
    for zip in written.iter().filter(|w| !w.contains('/') && w.ends_with(".zip")) {
        steps.push((
            "share",
            zip.clone(),
            "the bundle for teachers: all of the above, to unzip and use offline".into(),
        ));
    }
    for cartridge in in_folder("lms", ".imscc") {
        let what = if cartridge.ends_with("-canvas.imscc") {
            "for Canvas: import it in Settings → Import Course Content"
        } else {
            "for your LMS (Schoology, Moodle, Brightspace…): import it as a Common Cartridge"
        };
        steps.push(("import", cartridge.clone(), what.into()));
    }
    if steps.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = steps
        .iter()
        .map(|(_, rel, _)| fs::display(&fs::join_rel(out, rel)))
        .collect();
    let width = shown.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let mut text = "Next:".to_string();
    for ((verb, _, what), path) in steps.iter().zip(&shown) {
        let pad = " ".repeat(width - path.chars().count());
        text.push_str(&format!("\n  {verb:<6} {path}{pad}   {what}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps_name_each_file_to_open_print_share_and_import() {
        let written: Vec<String> = [
            "d-t-1.0.0.zip",
            "handouts/consent.html",
            "handouts/consent.pdf",
            "handouts/index.html",
            "handouts/survey.html",
            "lms/d-t-1.0.0-canvas.imscc",
            "lms/d-t-1.0.0.imscc",
            "print/handbook.html",
            "print/handbook.pdf",
            "site/index.html",
        ]
        .map(String::from)
        .to_vec();
        let text = next_steps(Path::new("out"), &written);
        let sep = std::path::MAIN_SEPARATOR;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Next:");
        assert_eq!(
            lines[1],
            format!(
                "  open   out{sep}site{sep}index.html              the site: double-click it; it works without the internet"
            )
        );
        assert!(
            lines[2].starts_with(&format!("  print  out{sep}print{sep}handbook.pdf ")),
            "{text}"
        );
        assert!(
            lines[3].ends_with("2 handouts and forms, each to print on its own (1 PDF beside them)"),
            "{text}"
        );
        assert!(
            lines[4].starts_with(&format!("  share  out{sep}d-t-1.0.0.zip ")),
            "{text}"
        );
        assert!(
            lines[5].contains("-canvas.imscc") && lines[5].ends_with("Import Course Content"),
            "{text}"
        );
        assert!(lines[6].ends_with("import it as a Common Cartridge"), "{text}");
        assert_eq!(lines.len(), 7);

        // A site-only build says only where the site is.
        let text = next_steps(Path::new("preview"), &["site/index.html".to_string()]);
        assert_eq!(text.lines().count(), 2);
        assert_eq!(next_steps(Path::new("x"), &[]), "");
    }
}

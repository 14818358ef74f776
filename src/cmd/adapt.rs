//! `wbl adapt`: build a district's outputs into a folder.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::cli::AdaptArgs;
use crate::diag::{Diagnostics, Severity};
use crate::render::OutputFile;
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, output, pipeline};

pub fn run(args: AdaptArgs, reporter: &mut Reporter) -> Result<u8> {
    reporter.format = args.message_format;
    // Refuse an output folder wbl may not replace before doing any work.
    output::check_replaceable(&args.out)?;
    if args.pdf && !args.format.print {
        anyhow::bail!("--pdf prints the handbook, so --format must include `print`");
    }
    let browser = if args.pdf {
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
    let mut sheets = BTreeMap::new();
    let mut print_pdfs = |_: &crate::adapt::Adapted, files: &mut Vec<OutputFile>| -> Result<()> {
        let Some(browser) = &browser else {
            return Ok(());
        };
        reporter.verbose(&format!("printing PDFs with {}", browser.display()));
        let printed = output::pdf::print_all(browser, files, output::bundle::build_time()?)?;
        for file in printed.files {
            match files.iter_mut().find(|f| f.path == file.path) {
                Some(old) => *old = file,
                None => files.push(file),
            }
        }
        sheets = printed.sheets;
        Ok(())
    };
    let (files, lock_update) = match (&toolkit, args.district.is_some(), &district) {
        (Some(toolkit), false, _) | (Some(toolkit), true, Some(_)) => {
            let build = pipeline::build_then(
                toolkit,
                district.as_ref(),
                args.format,
                &mut diags,
                &mut print_pdfs,
            )?;
            (build.files, build.adapted.and_then(|a| a.lock_update))
        }
        _ => (None, None),
    };
    reporter.diagnostics(&diags);
    let denied = args.deny_warnings && diags.count(Severity::Warning) > 0;
    let Some(files) = files.filter(|_| !denied && !diags.has_errors()) else {
        if denied {
            reporter.status("error: warnings are denied (--deny-warnings)");
        }
        reporter.summary("adapt");
        reporter.status(&format!(
            "nothing was written; `{}` is unchanged",
            fs::display(&args.out)
        ));
        return Ok(EXIT_ERROR);
    };
    output::write_dir(&args.out, &files)?;
    // Record the toolkit text new overrides were made against, once the
    // output is safely written.
    if let (Some(lock), Some(dir)) = (lock_update, &args.district) {
        let path = dir.join(crate::adapt::lock::FILE_NAME);
        fs::write(&path, lock.to_toml().as_bytes())?;
        reporter.verbose(&format!("updated {}", fs::display(&path)));
    }
    reporter.summary("adapt");
    for line in summary(&files, &sheets, &fs::display(&args.out), args.pdf) {
        reporter.status(&line);
    }
    Ok(0)
}

/// What `adapt` wrote, and what to open or print: a count, then one line
/// per output.
fn summary(files: &[OutputFile], sheets: &BTreeMap<String, usize>, out: &str, pdf: bool) -> Vec<String> {
    let has = |path: &str| files.iter().any(|f| f.path == path);
    let count = |prefix: &str, ext: &str| {
        files
            .iter()
            .filter(|f| {
                f.path.starts_with(prefix) && f.path.ends_with(ext) && !f.path.ends_with("index.html")
            })
            .count()
    };
    let mut lines = vec![format!("wrote {} files to {out}", files.len())];
    let mut row = |path: &str, what: String| lines.push(format!("  {path}  {what}"));
    if has("site/index.html") {
        row(
            "site/index.html",
            format!(
                "the site ({} pages): open it in a browser",
                count("site/", ".html") + 1
            ),
        );
    }
    match sheets.get("print/handbook.pdf") {
        Some(n) => row(
            "print/handbook.pdf",
            format!("the handbook, {n} sheets: print it or share it"),
        ),
        None if has("print/handbook.html") => row(
            "print/handbook.html",
            "the handbook: open it in Chrome or Edge and print it (--pdf makes the PDF, with page numbers)"
                .to_string(),
        ),
        None => {}
    }
    let handouts = count("handouts/", ".html");
    if handouts > 0 {
        let pdfs = count("handouts/", ".pdf");
        row(
            "handouts/",
            if pdfs > 0 {
                format!("{handouts} handouts and forms, each as HTML and PDF: print or email one at a time")
            } else {
                format!("{handouts} handouts and forms: open one and print it")
            },
        );
    }
    if let Some(zip) = files.iter().find(|f| f.path.ends_with(".zip")) {
        row(
            &zip.path,
            if pdf {
                "the bundle for teachers, with the PDFs".to_string()
            } else {
                "the bundle for teachers".to_string()
            },
        );
    }
    lines
}

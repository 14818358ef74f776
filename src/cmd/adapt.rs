//! `wbl adapt`: build a district's outputs into a folder.

use anyhow::Result;

use crate::cli::AdaptArgs;
use crate::diag::{Diagnostics, Severity};
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, output, pipeline};

pub fn run(args: AdaptArgs, reporter: &mut Reporter) -> Result<u8> {
    reporter.format = args.message_format;
    // Refuse an output folder wbl may not replace before doing any work.
    output::check_replaceable(&args.out)?;
    if args.pdf && !args.format.contains(crate::render::Output::Print) {
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
    let (files, lock_update, lms_hint) = match (&toolkit, args.district.is_some(), &district) {
        (Some(toolkit), false, _) | (Some(toolkit), true, Some(_)) => {
            let build = pipeline::build(toolkit, district.as_ref(), args.format, &mut diags)?;
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
    match &browser {
        Some(browser) => {
            reporter.verbose(&format!("printing the handbook with {}", browser.display()));
            output::write_dir_then(&args.out, &files, &|dir| {
                output::pdf::print(
                    browser,
                    &dir.join("print/handbook.html"),
                    &dir.join("print/handbook.pdf"),
                )
            })?
        }
        None => output::write_dir(&args.out, &files)?,
    }
    // Record the toolkit text new overrides were made against, once the
    // output is safely written.
    if let (Some(lock), Some(dir)) = (lock_update, &args.district) {
        let path = dir.join(crate::adapt::lock::FILE_NAME);
        fs::write(&path, lock.to_toml().as_bytes())?;
        reporter.verbose(&format!("updated {}", fs::display(&path)));
    }
    let pages = files
        .iter()
        .filter(|f| f.path.starts_with("site/") && f.path.ends_with(".html"))
        .count();
    reporter.summary("adapt");
    reporter.status(&format!(
        "wrote {} files ({pages} site pages) to {}",
        files.len(),
        fs::display(&args.out)
    ));
    if let Some(hint) = lms_hint {
        reporter.status(&hint);
    }
    Ok(0)
}

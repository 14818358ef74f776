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
    let files = match (&toolkit, args.district.is_some(), &district) {
        (Some(toolkit), false, _) | (Some(toolkit), true, Some(_)) => {
            pipeline::build(toolkit, district.as_ref(), args.format, &mut diags)?.files
        }
        _ => None,
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
    Ok(0)
}

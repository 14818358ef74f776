//! `wbl adapt`: build a district's outputs into a folder.

use anyhow::{Context, Result};

use crate::cli::AdaptArgs;
use crate::diag::{Diagnostics, Severity};
use crate::output::{Out, Source, Staging};
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
    let (files, lock_update) = match (&toolkit, args.district.is_some(), &district) {
        (Some(toolkit), false, _) | (Some(toolkit), true, Some(_)) => {
            let build = pipeline::build(toolkit, district.as_ref(), args.format, &mut diags)?;
            (build.files, build.adapted.and_then(|a| a.lock_update))
        }
        _ => (None, None),
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
    if let Some(browser) = &browser {
        reporter.verbose(&format!("printing the handbook with {}", browser.display()));
        let dir = staging.path();
        output::pdf::print(
            browser,
            &dir.join("print/handbook.html"),
            &dir.join("print/handbook.pdf"),
        )
        .context(unchanged.clone())?;
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
        "wrote {} files ({pages} site pages) to {}",
        files.len(),
        out.shown()
    ));
    Ok(0)
}

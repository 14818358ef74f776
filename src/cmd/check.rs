//! `wbl check`: validate the toolkit and districts without writing output.

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::diag::{Diagnostics, Severity};
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, pipeline};

pub fn run(args: CheckArgs, reporter: &mut Reporter) -> Result<u8> {
    reporter.format = args.message_format;
    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)?;
    if let Some(toolkit) = &toolkit {
        if args.districts.is_empty() {
            pipeline::check(toolkit, None, &mut diags)?;
        }
        for dir in &args.districts {
            if let Some(district) = pipeline::load_district(dir, &mut diags)? {
                pipeline::check(toolkit, Some(&district), &mut diags)?;
            }
        }
    }
    reporter.diagnostics(&diags);
    let (errors, warnings) = (diags.count(Severity::Error), diags.count(Severity::Warning));
    let what = match args.districts.len() {
        0 => "the toolkit".to_string(),
        1 => format!("the toolkit and `{}`", fs::display(&args.districts[0])),
        n => format!("the toolkit and {n} districts"),
    };
    if errors == 0 && warnings == 0 {
        reporter.status(&format!("check: no problems found in {what}"));
        return Ok(0);
    }
    reporter.summary("check");
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        if errors == 0 {
            reporter.status("check failed: warnings are denied (--deny-warnings)");
        }
        return Ok(EXIT_ERROR);
    }
    Ok(0)
}

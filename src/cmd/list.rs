//! `wbl list`: every page and section address, for writing overrides.

use std::fmt::Write as _;

use anyhow::Result;

use crate::EXIT_ERROR;
use crate::adapt::Origin;
use crate::cli::ListArgs;
use crate::content::sections;
use crate::diag::Diagnostics;
use crate::pipeline;
use crate::report::Reporter;

pub fn run(args: ListArgs, reporter: &mut Reporter) -> Result<u8> {
    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)?;
    let district = match &args.district {
        Some(dir) => pipeline::load_district(dir, &mut diags)?,
        None => None,
    };
    let adapted = match &toolkit {
        Some(t) if args.district.is_none() || district.is_some() => {
            crate::adapt::adapt(t, district.as_ref(), &mut diags)
        }
        _ => None,
    };
    reporter.diagnostics(&diags);
    let Some(adapted) = adapted else {
        reporter.summary("list");
        return Ok(EXIT_ERROR);
    };
    let mut out = String::new();
    for part in &adapted.parts {
        let _ = writeln!(out, "{} ({})", part.title, part.id);
        for &i in &part.pages {
            let page = &adapted.pages[i];
            let note = match page.origin {
                Origin::Toolkit => "",
                Origin::Replaced => "  [replaced by the district]",
                Origin::Added => "  [added by the district]",
            };
            let _ = writeln!(out, "  {:<44} {}{note}", page.id, page.meta.title);
            let (headings, _) = sections::scan(&page.text.text, &Default::default());
            for h in headings {
                let address = format!("{}#{}", page.id, h.id);
                let indent = "  ".repeat(usize::from(h.level.saturating_sub(1)));
                let _ = writeln!(
                    out,
                    "  {indent}{address:<width$} {}",
                    h.title,
                    width = 44usize.saturating_sub(indent.len())
                );
            }
        }
    }
    print!("{out}");
    Ok(0)
}

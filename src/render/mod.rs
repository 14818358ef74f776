//! Rendering: adapted toolkit → in-memory files. Renderers never touch the
//! disk; the output stage writes what they return to a folder or a zip.

pub mod color;
pub mod markdown;
pub mod print;
pub mod site;
pub mod templates;

use std::sync::Arc;

use anyhow::Result;
use serde_json::{Value, json};

use crate::adapt::Adapted;
use crate::diag::Diagnostics;
pub use markdown::{Body, Hole, RenderedPage};

/// A file an output produces: its path relative to the output folder
/// (always `/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Arc<[u8]>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }

    pub fn text(path: impl Into<String>, text: String) -> Self {
        Self::new(path, text.into_bytes())
    }
}

/// Which outputs to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub site: bool,
    pub print: bool,
    pub handouts: bool,
    pub zip: bool,
}

impl Formats {
    pub const ALL: Formats = Formats {
        site: true,
        print: true,
        handouts: true,
        zip: true,
    };

    pub const NAMES: [&'static str; 4] = ["site", "print", "handouts", "zip"];

    /// Parses `site,print,…`.
    pub fn parse(list: &str) -> Result<Formats, String> {
        let mut f = Formats {
            site: false,
            print: false,
            handouts: false,
            zip: false,
        };
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match name {
                "site" => f.site = true,
                "print" => f.print = true,
                "handouts" => f.handouts = true,
                "zip" => f.zip = true,
                other => {
                    return Err(format!(
                        "unknown format `{other}`; the formats are {}",
                        Self::NAMES.join(", ")
                    ));
                }
            }
        }
        if f == (Formats {
            site: false,
            print: false,
            handouts: false,
            zip: false,
        }) {
            return Err("no format given; the formats are site, print, handouts, zip".to_string());
        }
        Ok(f)
    }
}

/// Renders the outputs `formats` asks for. Content problems are reported
/// to `diags` (and give `Ok(None)`); `Err` is a fault in wbl's own
/// templates.
pub fn render(
    adapted: &Adapted,
    formats: Formats,
    diags: &mut Diagnostics,
) -> Result<Option<Vec<OutputFile>>> {
    let Some(pages) = markdown::render_pages(adapted, diags) else {
        return Ok(None);
    };
    let mut files = Vec::new();
    // The bundle holds every output, so `zip` renders them all.
    if formats.site || formats.zip {
        files.extend(site::render(adapted, &pages, formats)?);
    }
    if formats.print || formats.zip {
        files.push(print::handbook(adapted, &pages)?);
    }
    if formats.handouts || formats.zip {
        files.extend(print::handouts(adapted, &pages)?);
    }
    Ok(Some(files))
}

/// What every template sees about the toolkit and the district.
pub fn common_context(adapted: &Adapted) -> Value {
    let district = adapted.district.as_deref();
    let palette = color::Palette::new(district.and_then(|d| d.color.as_ref().map(|(c, _)| *c)));
    json!({
        "lang": district.and_then(|d| d.language.clone()).unwrap_or_else(|| adapted.toolkit.language.clone()),
        "wbl_version": env!("CARGO_PKG_VERSION"),
        "toolkit": adapted.context["toolkit"],
        "description": adapted.toolkit.description,
        "district_name": district.map_or_else(|| adapted.toolkit.publisher.clone(), |d| d.name.clone()),
        "adapted_for": district.map(|d| d.name.clone()),
        "logo": district.and_then(|d| d.logo.as_ref().map(|(name, _)| name.clone())),
        "contacts": adapted.context["contacts"],
        "partners": adapted.context["partners"],
        "palette_css": palette.css(),
    })
}

/// "Form", "Checklist"… as shown on a page.
pub fn kind_label(kind: crate::content::Kind) -> &'static str {
    use crate::content::Kind::*;
    match kind {
        Guide => "Guide",
        Handout => "Handout",
        Form => "Form",
        Checklist => "Checklist",
        Rubric => "Rubric",
        Template => "Template",
        Letter => "Letter",
    }
}

/// "teachers, partners and families".
pub fn audience_text(audience: &[crate::content::Audience]) -> String {
    let names: Vec<&str> = audience.iter().map(|a| a.name()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

//! Rendering: adapted toolkit → in-memory files. Renderers never touch the
//! disk; the output stage writes what they return to a folder or a zip.

pub mod color;
pub mod markdown;
pub mod print;
pub mod site;
pub mod templates;

use std::sync::Arc;

use anyhow::Result;

use crate::adapt::Adapted;
use crate::diag::Diagnostics;
use crate::i18n::Strings;
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
                // The PDF is printed from the handbook, so it is a flag of
                // its own rather than a format.
                "pdf" => return Err("`pdf` is not a format: add `--pdf` (it prints the handbook)".into()),
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
    render_with(adapted, formats, None, diags)
}

/// Like [`render`], with page templates parsed once for a whole release.
pub fn render_with(
    adapted: &Adapted,
    formats: Formats,
    shared: Option<&markdown::PageTemplates>,
    diags: &mut Diagnostics,
) -> Result<Option<Vec<OutputFile>>> {
    let Some(pages) = markdown::render_pages_with(adapted, shared, diags) else {
        return Ok(None);
    };
    // The bundle holds every output, so `zip` renders them all. The
    // outputs are independent, so they are rendered side by side.
    let pages = &pages;
    let (site, (handbook, handouts)) = rayon::join(
        || (formats.site || formats.zip).then(|| site::render(adapted, pages, formats)),
        || {
            rayon::join(
                || (formats.print || formats.zip).then(|| print::handbook(adapted, pages)),
                || (formats.handouts || formats.zip).then(|| print::handouts(adapted, pages)),
            )
        },
    );
    let mut files = Vec::new();
    files.extend(site.transpose()?.into_iter().flatten());
    files.extend(handbook.transpose()?);
    files.extend(handouts.transpose()?.into_iter().flatten());
    Ok(Some(files))
}

/// What every template sees about the toolkit and the district. Built once
/// per district; each page's context is a clone of it (which shares, not
/// copies, the values).
pub fn common_context(adapted: &Adapted, strings: &Strings) -> tera::Context {
    use templates::value;
    use tera::Value;
    let district = adapted.district.as_deref();
    let palette = palette(adapted);
    templates::context([
        // The language of the text on the page, whatever the district's:
        // English text labelled Spanish fails WCAG 3.1.1.
        ("lang", Value::from(strings.lang())),
        ("t", strings.value()),
        ("wbl_version", Value::from(env!("CARGO_PKG_VERSION"))),
        ("toolkit", value(&adapted.context["toolkit"])),
        ("description", Value::from(adapted.toolkit.description.as_str())),
        ("district_name", Value::from(district_name(adapted))),
        ("adapted_for", Value::from(district.map(|d| d.name.as_str()))),
        (
            "logo",
            Value::from(district.and_then(|d| d.logo.as_ref().map(|(name, _)| name.as_str()))),
        ),
        ("contacts", value(&adapted.context["contacts"])),
        ("partners", value(&adapted.context["partners"])),
        ("palette_css", Value::from(palette.css())),
    ])
}

/// The colours derived from the district's brand colour (or the defaults).
pub fn palette(adapted: &Adapted) -> color::Palette {
    color::Palette::new(
        adapted
            .district
            .as_deref()
            .and_then(|d| d.color.as_ref().map(|(c, _)| *c)),
    )
}

/// Who the outputs are branded for: the district, or the toolkit's
/// publisher.
pub fn district_name(adapted: &Adapted) -> &str {
    adapted
        .district
        .as_deref()
        .map_or(&adapted.toolkit.publisher, |d| &d.name)
}

/// What the layouts show of a page besides its body: `page.title`,
/// `page.kind_label`… (plus `extra`, such as the handbook's rendered
/// content).
pub fn page_meta<const N: usize>(
    page: &crate::adapt::AdaptedPage,
    strings: &Strings,
    extra: [(&'static str, tera::Value); N],
) -> tera::Value {
    let mut entries = std::collections::BTreeMap::from([
        ("id", page.id.as_str().into()),
        ("title", page.meta.title.as_str().into()),
        ("summary", page.meta.summary.as_str().into()),
        ("kind", page.meta.kind.name().into()),
        ("kind_label", kind_label(page.meta.kind, strings).into()),
        ("audience", audience_text(&page.meta.audience, strings).into()),
    ]);
    entries.extend(extra);
    tera::Value::from(entries)
}

/// "Form", "Checklist"… as shown on a page.
pub fn kind_label(kind: crate::content::Kind, strings: &Strings) -> &str {
    strings.get(&format!("kind_{}", kind.name()))
}

/// "teachers, partners and families".
pub fn audience_text(audience: &[crate::content::Audience], strings: &Strings) -> String {
    let names: Vec<&str> = audience
        .iter()
        .map(|a| strings.get(&format!("audience_{}", a.name())))
        .collect();
    strings.list(&names)
}

//! Rendering: adapted toolkit → in-memory files. Renderers never touch the
//! disk; the output stage writes what they return to a folder or a zip.

pub mod handouts_index;
pub mod hidden_links;
pub mod limits;
pub mod lms;
pub mod markdown;
pub mod outputs;
pub mod plural;
pub mod print;
pub mod sanitize;
pub mod search;
pub mod site;
pub mod templates;

use std::sync::Arc;

use anyhow::Result;

use crate::adapt::Adapted;
use crate::diag::Diagnostics;
use crate::i18n::Strings;
use crate::util::color;
pub use markdown::{Body, Hole, RenderedPage};
pub use outputs::{Formats, Links, Output};

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

/// Renders every page, then the outputs of `together` (which link to
/// each other as outputs built together do). Content problems are
/// reported to `diags` (and give `Ok(None)`); `Err` is a fault in wbl's
/// own templates.
pub fn render(
    adapted: &Adapted,
    together: Formats,
    diags: &mut Diagnostics,
) -> Result<Option<Vec<OutputFile>>> {
    render_with(adapted, together, None, diags)
}

/// Like [`render`], with page templates parsed once for a whole release.
pub fn render_with(
    adapted: &Adapted,
    together: Formats,
    shared: Option<&markdown::PageTemplates>,
    diags: &mut Diagnostics,
) -> Result<Option<Vec<OutputFile>>> {
    let Some(pages) = markdown::render_pages_with(adapted, shared, diags) else {
        return Ok(None);
    };
    render_outputs(adapted, &pages, together).map(Some)
}

/// The files of the outputs in `together`, from pages rendered once, in
/// every language: a translation's site pages and handouts go in
/// `site/<lang>/` and `handouts/<lang>/`, each language's family packet
/// in `print/`. The outputs are independent, so they are rendered side by
/// side.
pub fn render_outputs(
    adapted: &Adapted,
    pages: &[RenderedPage],
    together: Formats,
) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    for (one, one_pages) in by_language(adapted, pages) {
        files.extend(render_language(one, one_pages, together)?);
    }
    // Languages share the site's assets: keep one copy of each file.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(files)
}

/// Each language's adaptation with its pages: the source's first, then
/// each translation's, in the order [`markdown::render_pages_with`]
/// renders them.
pub fn by_language<'a>(
    adapted: &'a Adapted,
    pages: &'a [RenderedPage],
) -> Vec<(&'a Adapted, &'a [RenderedPage])> {
    let mut out = Vec::new();
    let mut at = adapted.pages.len().min(pages.len());
    out.push((adapted, &pages[..at]));
    for view in &adapted.translations {
        let end = (at + view.pages.len()).min(pages.len());
        out.push((view, &pages[at..end]));
        at = end;
    }
    out
}

fn render_language(adapted: &Adapted, pages: &[RenderedPage], together: Formats) -> Result<Vec<OutputFile>> {
    let links = Links::new(together);
    let print = together.contains(Output::Print);
    let (site, (handbook, handouts)) = rayon::join(
        || {
            together
                .contains(Output::Site)
                .then(|| site::render(adapted, pages, links))
        },
        || {
            rayon::join(
                || {
                    print.then(|| {
                        let mut files = if adapted.is_translation() {
                            Vec::new()
                        } else {
                            print::handbook(adapted, pages, links)?
                        };
                        files.extend(print::family_packet(adapted, pages, links)?);
                        Ok::<_, anyhow::Error>(files)
                    })
                },
                || {
                    together
                        .contains(Output::Handouts)
                        .then(|| print::handouts(adapted, pages, links))
                },
            )
        },
    );
    let mut files = Vec::new();
    files.extend(site.transpose()?.into_iter().flatten());
    files.extend(handbook.transpose()?.into_iter().flatten());
    files.extend(handouts.transpose()?.into_iter().flatten());
    let beside = site::Beside::of(links);
    if beside.handouts {
        // PDFs are printed after rendering, beside the handbook only so far.
        files.push(handouts_index::render(adapted, beside, false)?);
    }
    Ok(files)
}

/// The cartridges, in the version the district's LMS imports, stamped
/// with the bundle's time.
pub fn cartridges(adapted: &Adapted, pages: &[RenderedPage]) -> Result<Vec<OutputFile>> {
    let platform = adapted.district.as_deref().and_then(|d| d.lms_platform);
    let time = crate::util::time::build_time()?;
    lms::cartridges(adapted, pages, lms::CcVersion::for_platform(platform), time)
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

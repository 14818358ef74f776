//! The print outputs: `print/handbook.html` (every page in one file, made
//! to be printed to PDF) and `handouts/<page>.html` (each handout, form,
//! checklist, rubric, template and letter on its own). Both are pure
//! functions of the rendered pages: ids made unique across the handbook,
//! links rewritten to anchors, images embedded so a file prints right
//! wherever it is opened.

mod paper;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;
use tera::Value;

use super::markdown::{Hole, RenderedPage, escape_into};
use super::templates::{self, map};
use super::{Links, Output, OutputFile, common_context, district_name, page_meta};
use crate::adapt::district::Paper;
use crate::adapt::{Adapted, AdaptedPage};
use crate::content::{Audience, Layout};
use crate::embedded;
use crate::i18n::Strings;
pub use paper::fill_page_numbers;

type Assets = BTreeMap<String, Arc<[u8]>>;

/// The handbook's id for a section of a page: two pages may both have an
/// `#overview`, so every id is prefixed with its page's.
pub fn handbook_id(page: &str, section: &str) -> String {
    format!("{page}--{section}")
}

/// Fills a hole in the handbook, where every page lives in one file.
pub fn handbook_hole(hole: &Hole, page: &str, assets: &Assets, links: Links, out: &mut String) {
    match hole {
        // The page title is a level-3 heading (under the cover's h1 and the
        // part's h2), so page headings move down two levels.
        Hole::HeadingOpen { level, id } => {
            out.push_str(&format!("<h{} id=\"", (level + 2).min(6)));
            escape_into(out, &handbook_id(page, id));
            out.push_str("\">");
        }
        Hole::HeadingClose { level } => out.push_str(&format!("</h{}>", (level + 2).min(6))),
        Hole::Link {
            page: target,
            section,
        } => {
            out.push('#');
            match section {
                Some(s) => escape_into(out, &handbook_id(target, s)),
                None => escape_into(out, target),
            }
        }
        Hole::Asset(name) => escape_into(out, &links.asset(Output::Print, name)),
        Hole::Image(name) => data_uri(name, assets, out),
    }
}

/// Fills a hole in a standalone handout (which sits in `handouts/`, beside
/// `site/` in the bundle).
fn handout_hole(hole: &Hole, page: &str, assets: &Assets, links: Links, out: &mut String) {
    match hole {
        Hole::HeadingOpen { level, id } => {
            out.push_str(&format!("<h{level} id=\""));
            escape_into(out, id);
            out.push_str("\">");
        }
        Hole::HeadingClose { level } => out.push_str(&format!("</h{level}>")),
        Hole::Link {
            page: target,
            section,
        } => match section {
            Some(s) if target == page => {
                out.push('#');
                escape_into(out, s);
            }
            // With neither the site nor the handbook beside the handouts,
            // a link to another page can only lead to the top of this one.
            _ => escape_into(
                out,
                &links
                    .page_elsewhere(target, section.as_deref())
                    .unwrap_or_else(|| "#".to_string()),
            ),
        },
        Hole::Asset(name) => escape_into(out, &links.asset(Output::Handouts, name)),
        Hole::Image(name) => data_uri(name, assets, out),
    }
}

/// The copies of downloadable assets an output ships when the site,
/// which holds them otherwise, is not built beside it.
fn own_asset_copies(
    adapted: &Adapted,
    pages: &[&RenderedPage],
    from: Output,
    links: Links,
) -> Vec<OutputFile> {
    if !links.own_assets(from) {
        return Vec::new();
    }
    let folder = from.folder().unwrap_or_default();
    let names: std::collections::BTreeSet<&str> = pages
        .iter()
        .flat_map(|p| p.body.holes())
        .filter_map(|h| match h {
            Hole::Asset(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    names
        .into_iter()
        .filter_map(|name| {
            let bytes = adapted.assets.get(name)?;
            Some(OutputFile::new(format!("{folder}/assets/{name}"), bytes.clone()))
        })
        .collect()
}

fn data_uri(name: &str, assets: &Assets, out: &mut String) {
    let bytes = assets.get(name).map_or(&[][..], |b| &b[..]);
    out.push_str("data:");
    out.push_str(crate::util::mime::of(name));
    out.push_str(";base64,");
    base64_into(bytes, out);
}

/// Standard base64, as data URIs want it.
fn base64_into(bytes: &[u8], out: &mut String) {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// A CSS string literal.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("\\3c "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How a document meets the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet<'a> {
    /// The handbook: running header and page numbers on every sheet but
    /// the cover.
    Handbook,
    /// A handout: page numbers and where it comes from on every sheet, a
    /// running header from the second on.
    Handout { source: &'a str },
    /// A flyer or a certificate: a sheet of its own, nothing in the margins.
    Single { landscape: bool },
}

/// The paper the district prints on (`[district] paper`), US Letter
/// without a district.
fn paper(adapted: &Adapted) -> Paper {
    adapted.district.as_ref().map_or(Paper::Letter, |d| d.paper)
}

/// `@page` rules: the district's paper (US Letter with 1 in margins, or A4
/// with 25 mm), and running headers and footers (Chromium prints `@page`
/// margin boxes). The margin boxes are centred in the margin, so nothing
/// prints within 0.4 in of an edge, and their type is smaller than the
/// body's. The sheet's sides are also custom properties, for the rules of
/// print.css that fill a sheet (the cover, the certificate's frame).
fn running_css(left: &str, right: &str, sheet: Sheet<'_>, paper: Paper, strings: &Strings) -> String {
    const BOX: &str = "font: 8.5pt system-ui, sans-serif; color: #4a5561;";
    let (short, long) = paper.sides();
    let size = paper.css_name();
    let sides = format!(":root {{ --sheet-short: {short}; --sheet-long: {long}; }}\n");
    if let Sheet::Single { landscape } = sheet {
        // A flyer needs every inch of its one sheet; the certificate's
        // frame is sized for 0.6 in margins.
        let (orientation, margin) = if landscape {
            (" landscape", "0.6in")
        } else {
            ("", "0.5in")
        };
        return format!("{sides}@page {{\n  size: {size}{orientation};\n  margin: {margin};\n}}\n");
    }
    let (handbook_margin, handout_margin) = match paper {
        Paper::Letter => ("1in", "0.6in 0.75in 0.8in"),
        Paper::A4 => ("25mm", "15mm 19mm 20mm"),
    };
    if let Sheet::Handout { source } = sheet {
        // A handout's own header names the district on its first sheet,
        // and a form needs every inch: narrower margins, the running header
        // from the second sheet on (set at the foot of its margin, clear
        // of the edge), the footer at the top of its margin (a narrow
        // bottom margin, its line still 0.5 in from the edge), and where it
        // comes from printed in the footer
        // rather than in a closing paragraph that could fall onto a sheet
        // of its own.
        return format!(
            "{sides}@page {{\n  size: {size};\n  margin: {handout_margin};\n  \
             @top-left {{ content: {}; vertical-align: bottom; {BOX} }}\n  \
             @top-right {{ content: {}; vertical-align: bottom; {BOX} }}\n  \
             @bottom-left {{ content: {}; vertical-align: top; padding-top: 0.1in; {BOX} }}\n  \
             @bottom-right {{ content: {}; vertical-align: top; padding-top: 0.1in; {BOX} }}\n}}\n\
             @page :first {{\n  @top-left {{ content: none; }}\n  @top-right {{ content: none; }}\n}}\n",
            css_string(left),
            css_string(right),
            css_string(source),
            page_counter(strings)
        );
    }
    let mut css = format!(
        "{sides}@page {{\n  size: {size};\n  margin: {handbook_margin};\n  \
         @top-left {{ content: {}; {BOX} }}\n  \
         @top-right {{ content: {}; {BOX} }}\n  \
         @bottom-center {{ content: {}; {BOX} }}\n}}\n",
        css_string(left),
        css_string(right),
        page_counter(strings)
    );
    if sheet == Sheet::Handbook {
        // The cover is printed edge to edge, without running header or
        // footer.
        css.push_str(
            "@page cover {\n  margin: 0;\n  @top-left { content: none; }\n  @top-right { content: none; }\n  @bottom-center { content: none; }\n}\n",
        );
    }
    css
}

/// "Page N of M" as CSS content: the table's text around two counters.
fn page_counter(strings: &Strings) -> String {
    let text = strings.get("page_of");
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let Some(end) = rest[i..].find('}') else { break };
        if i > 0 {
            parts.push(css_string(&rest[..i]));
        }
        match &rest[i + 1..i + end] {
            "page" => parts.push("counter(page)".to_string()),
            "pages" => parts.push("counter(pages)".to_string()),
            other => parts.push(css_string(other)),
        }
        rest = &rest[i + end + 1..];
    }
    if !rest.is_empty() {
        parts.push(css_string(rest));
    }
    parts.join(" ")
}

/// A named page per chapter of the handbook, so the running header shows
/// the chapter's title (Chromium has margin boxes and named pages, but not
/// `string-set`, the usual way to carry a heading into the margin). Part
/// dividers keep the default page and its toolkit title.
fn chapter_css(adapted: &Adapted) -> String {
    let mut css = String::new();
    let mut chapters = 0;
    for (n, page) in adapted
        .parts
        .iter()
        .flat_map(|p| &p.pages)
        .map(|&i| &adapted.pages[i])
        .enumerate()
    {
        // Page ids are slugs, safe inside a quoted attribute selector.
        css.push_str(&format!(
            "@page chapter-{n} {{ @top-right {{ content: {}; }} }}\narticle[aria-labelledby=\"{}\"] {{ page: chapter-{n}; }}\n",
            css_string(&page.meta.title),
            page.id
        ));
        chapters = n + 1;
    }
    // A change of named page starts a new sheet: the colophon shares the
    // last chapter's, so it stays below it.
    if let Some(last) = chapters.checked_sub(1) {
        css.push_str(&format!(".colophon {{ page: chapter-{last}; }}\n"));
    }
    css
}

fn logo_src(adapted: &Adapted) -> Option<String> {
    let (name, _) = adapted.district.as_ref()?.logo.as_ref()?;
    let mut out = String::new();
    data_uri(name, &adapted.assets, &mut out);
    Some(out)
}

/// A page's HTML made for paper: header cells with their scope, form
/// tables as labels and blanks, a line after "Other:".
fn for_paper(html: &str) -> String {
    paper::inline_choices(&paper::write_in_lines(&paper::tables(html)))
}

/// A checklist whose sections are named for its readers (`## Teachers
/// {#teachers}`, `## Partners {#partners}`) is a set of lists, one per
/// role, each handed to its own reader: each starts a sheet of its own.
fn sheet_per_section(page: &AdaptedPage, rendered: &RenderedPage) -> bool {
    use crate::content::Kind;
    let roles = rendered
        .headings
        .iter()
        .filter(|(level, id, _)| {
            *level == 2
                && ["teachers", "partners", "students", "families", "coordinators"].contains(&id.as_str())
        })
        .count();
    page.meta.kind == Kind::Checklist && roles >= 2
}

/// A handout written for students, families or partners (no teacher or
/// coordinator among its readers) is handed to them as it is: it carries
/// none of the notes that tell staff what it is for.
fn for_readers(page: &AdaptedPage) -> bool {
    !page.meta.audience.is_empty()
        && !page
            .meta
            .audience
            .iter()
            .any(|a| matches!(a, Audience::Teachers | Audience::Coordinators))
}

/// The date a release is dated on the cover: from
/// `SOURCE_DATE_EPOCH`, which release builds set; without it the cover
/// carries no date, since the clock would make two builds differ.
fn cover_date(strings: &Strings) -> Option<String> {
    let epoch: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    let (year, month, day, ..) = crate::util::time::civil(epoch);
    Some(strings.date(year, month, day))
}

/// The footer line of a handout's sheets: "From the Micro-internship
/// Toolkit 1.0.0, adapted for …".
fn handout_source(adapted: &Adapted, strings: &Strings) -> String {
    let t = &adapted.toolkit;
    let mut line = format!("{} {} {}", strings.get("from_the"), t.title, t.version);
    if let Some(d) = &adapted.district {
        line.push_str(&format!(", {} {}", strings.get("adapted_for"), d.short_name));
    }
    line
}

/// "(see page 12)" after a cross-reference, in print, once `--pdf` has
/// filled in the number.
fn cross_reference_css(strings: &Strings) -> String {
    format!(
        "@media print {{\n  .xref:not(:empty)::before {{ content: {}; }}\n  .xref:not(:empty)::after {{ content: \")\"; }}\n}}\n",
        css_string(&format!(" ({} ", strings.get("see_page")))
    )
}

/// Whether a page goes in the family packet: written for families or
/// students, and a document to hand out rather than a guide.
pub fn in_packet(page: &AdaptedPage) -> bool {
    page.meta.kind.is_handout()
        && page
            .meta
            .audience
            .iter()
            .any(|a| matches!(a, Audience::Families | Audience::Students))
}

/// Which one-file book to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Book {
    /// `print/handbook.html`: every page.
    Handbook,
    /// `print/family-packet.<lang>.html`: the family and student
    /// documents, in the language of `adapted`.
    Packet,
}

/// `print/handbook.html`.
pub fn handbook(adapted: &Adapted, pages: &[RenderedPage], links: Links) -> Result<Vec<OutputFile>> {
    book(adapted, adapted, pages, links, Book::Handbook)
}

/// `print/family-packet.<lang>.html`: the family and student documents of
/// one language as one printable file, or nothing when it has none.
/// Links to pages outside the packet lead to the site, when it is beside.
pub fn family_packet(adapted: &Adapted, pages: &[RenderedPage], links: Links) -> Result<Vec<OutputFile>> {
    let keep: Vec<usize> = (0..adapted.pages.len())
        .filter(|&i| in_packet(&adapted.pages[i]))
        .collect();
    if keep.is_empty() {
        return Ok(Vec::new());
    }
    let sub = adapted.subset(&keep);
    let sub_pages: Vec<RenderedPage> = keep.iter().map(|&i| pages[i].clone()).collect();
    book(adapted, &sub, &sub_pages, links, Book::Packet)
}

/// `adapted` holds the book's pages, `full` every page of its language.
fn book(
    full: &Adapted,
    adapted: &Adapted,
    pages: &[RenderedPage],
    links: Links,
    which: Book,
) -> Result<Vec<OutputFile>> {
    let strings = crate::i18n::strings(&adapted.toolkit.language);
    let mut ctx = common_context(adapted, &strings);
    let mut content = String::new();
    let ids: BTreeSet<&str> = adapted.pages.iter().map(|p| p.id.as_str()).collect();
    let site = links.together().contains(Output::Site);
    let lang_dir = adapted.lang_dir().map_or(String::new(), |l| format!("{l}/"));
    // A link to a page outside this book: its page on the site, in this
    // language when the page has it.
    let outside = |target: &str, section: Option<&str>| -> String {
        if !site {
            return "#".to_string();
        }
        let dir = if full.untranslated(target) {
            ""
        } else {
            lang_dir.as_str()
        };
        match section {
            Some(s) => format!("../site/{dir}{target}.html#{s}"),
            None => format!("../site/{dir}{target}.html"),
        }
    };
    let parts: Vec<Value> = adapted
        .parts
        .iter()
        .map(|part| {
            let pages: Vec<Value> = part
                .pages
                .iter()
                .map(|&i| {
                    let page = &adapted.pages[i];
                    content.clear();
                    pages[i].body.resolve(&mut content, &mut |hole, out| match hole {
                        Hole::Link {
                            page: target,
                            section,
                        } if !ids.contains(target.as_str()) => {
                            escape_into(out, &outside(target, section.as_deref()));
                        }
                        _ => handbook_hole(hole, &page.id, &adapted.assets, links, out),
                    });
                    let html = paper::cross_references(&for_paper(&content), &page.id, &ids);
                    page_meta(page, &strings, [("content", html.into())])
                })
                .collect();
            map([
                ("id", part.id.as_str().into()),
                ("title", part.title.as_str().into()),
                ("pages", pages.into()),
            ])
        })
        .collect();
    templates::extend(
        &mut ctx,
        [
            ("parts", parts.into()),
            ("css", embedded::template("print/print.css").into()),
            (
                "running_css",
                (running_css(
                    district_name(adapted),
                    &adapted.toolkit.title,
                    Sheet::Handbook,
                    paper(adapted),
                    &strings,
                ) + &chapter_css(adapted)
                    + &cross_reference_css(&strings))
                    .into(),
            ),
            ("logo_src", logo_src(adapted).into()),
            ("built", cover_date(&strings).into()),
            (
                "book_title",
                strings
                    .get(if which == Book::Packet {
                        "family_packet"
                    } else {
                        "handbook"
                    })
                    .into(),
            ),
            // The packet goes to families: like their handouts, it
            // prints no staff eyebrow or summary above each document.
            ("for_readers", (which == Book::Packet).into()),
            (
                "book_intro",
                (which == Book::Packet)
                    .then(|| strings.get("family_packet_intro"))
                    .into(),
            ),
        ],
    );
    let path = match which {
        Book::Handbook => "print/handbook.html".to_string(),
        Book::Packet => format!("print/family-packet.{}.html", adapted.toolkit.language),
    };
    let mut files = vec![OutputFile::text(
        path,
        templates::render("print/handbook.html", &ctx)?,
    )];
    files.extend(own_asset_copies(
        adapted,
        &pages.iter().collect::<Vec<_>>(),
        Output::Print,
        links,
    ));
    Ok(files)
}

/// `handouts/<page>.html` for every page whose kind is printed on its own.
pub fn handouts(adapted: &Adapted, pages: &[RenderedPage], links: Links) -> Result<Vec<OutputFile>> {
    let strings = crate::i18n::strings(&adapted.toolkit.language);
    let mut common = common_context(adapted, &strings);
    let district_name = district_name(adapted);
    // Shared by every handout, so built once.
    templates::extend(
        &mut common,
        [
            ("contact", templates::value(&adapted.context["contact"])),
            ("css", embedded::template("print/print.css").into()),
            ("logo_src", logo_src(adapted).into()),
        ],
    );
    let source = handout_source(adapted, &strings);
    let lang_links = links.in_lang(adapted.lang_dir());
    let dir = adapted.lang_dir().map_or(String::new(), |l| format!("{l}/"));
    let mut files = adapted
        .pages
        .par_iter()
        .zip(pages)
        .filter(|(page, _)| page.meta.kind.is_handout())
        .map(|(page, rendered)| {
            let mut content = String::new();
            rendered.body.resolve(&mut content, &mut |hole, out| match hole {
                Hole::Link {
                    page: target,
                    section,
                } if adapted.untranslated(target) => escape_into(
                    out,
                    &lang_links
                        .source_page(Output::Handouts, target, section.as_deref())
                        .unwrap_or_else(|| "#".to_string()),
                ),
                _ => handout_hole(hole, &page.id, &adapted.assets, lang_links, out),
            });
            let layout = page.meta.layout;
            let sheet = match layout {
                Some(Layout::Flyer) => Sheet::Single { landscape: false },
                Some(Layout::Certificate) => Sheet::Single { landscape: true },
                None => Sheet::Handout { source: &source },
            };
            let mut html = for_paper(&content);
            if for_readers(page) {
                html = paper::staff_notes(&html);
            }
            // A flyer's opening paragraph is its lead, set large across the
            // sheet above the columns of facts.
            let mut lead = String::new();
            if layout == Some(Layout::Flyer)
                && html.starts_with("<p>")
                && let Some(end) = html.find("</p>")
            {
                lead = html[..end + "</p>".len()].to_string();
                html.replace_range(..end + "</p>".len(), "");
            }
            let mut ctx = common.clone();
            templates::extend(
                &mut ctx,
                [
                    ("page", page_meta(page, &strings, [])),
                    ("content", html.into()),
                    ("lead", lead.into()),
                    ("layout", layout.map_or("document", Layout::name).into()),
                    ("for_readers", for_readers(page).into()),
                    ("sheet_per_section", sheet_per_section(page, rendered).into()),
                    (
                        "running_css",
                        running_css(district_name, &page.meta.title, sheet, paper(adapted), &strings).into(),
                    ),
                ],
            );
            Ok(OutputFile::text(
                format!("handouts/{dir}{}.html", page.id),
                templates::render("print/handout.html", &ctx)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let printed: Vec<&RenderedPage> = adapted
        .pages
        .iter()
        .zip(pages)
        .filter(|(page, _)| page.meta.kind.is_handout())
        .map(|(_, rendered)| rendered)
        .collect();
    files.extend(own_asset_copies(adapted, &printed, Output::Handouts, links));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_examples() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64_into(input.as_bytes(), &mut out);
            assert_eq!(out, expected);
        }
    }

    fn resolve(hole: Hole, page: &str, f: fn(&Hole, &str, &Assets, Links, &mut String)) -> String {
        let mut assets = Assets::new();
        assets.insert("dot.svg".into(), Arc::from(&b"<svg/>"[..]));
        let mut out = String::new();
        f(
            &hole,
            page,
            &assets,
            Links::new(super::super::Formats::BUNDLE),
            &mut out,
        );
        out
    }

    #[test]
    fn handbook_ids_are_unique_across_pages() {
        let open = |page| {
            resolve(
                Hole::HeadingOpen {
                    level: 2,
                    id: "overview".into(),
                },
                page,
                handbook_hole,
            )
        };
        assert_eq!(open("a"), "<h4 id=\"a--overview\">");
        assert_eq!(open("b"), "<h4 id=\"b--overview\">");
        assert_eq!(
            resolve(Hole::HeadingClose { level: 5 }, "a", handbook_hole),
            "</h6>"
        );
    }

    #[test]
    fn handbook_links_become_anchors() {
        let link = |page: &str, section: Option<&str>| Hole::Link {
            page: page.into(),
            section: section.map(str::to_string),
        };
        assert_eq!(resolve(link("b", Some("x")), "a", handbook_hole), "#b--x");
        assert_eq!(resolve(link("b", None), "a", handbook_hole), "#b");
        assert_eq!(resolve(link("a", Some("y")), "a", handbook_hole), "#a--y");
    }

    #[test]
    fn handouts_link_to_the_site_beside_them() {
        let link = Hole::Link {
            page: "b".into(),
            section: Some("x".into()),
        };
        assert_eq!(resolve(link, "a", handout_hole), "../site/b.html#x");
        let own = Hole::Link {
            page: "a".into(),
            section: Some("y".into()),
        };
        assert_eq!(resolve(own, "a", handout_hole), "#y");
    }

    #[test]
    fn images_are_embedded() {
        assert_eq!(
            resolve(Hole::Image("dot.svg".into()), "a", handbook_hole),
            "data:image/svg+xml;base64,PHN2Zy8+"
        );
    }

    #[test]
    fn css_strings_cannot_break_out() {
        assert_eq!(
            css_string("A \"B\" \\ </style>"),
            "\"A \\\"B\\\" \\\\ \\3c /style>\""
        );
    }
}

//! One page of the toolkit as a cartridge carries it: the generic
//! cartridge's complete small HTML document, or the Canvas wiki page
//! whose body Canvas keeps.

use super::course::{Course, Role};
use crate::embedded;
use crate::render::markdown::{Hole, escape_into};
use crate::render::{audience_text, kind_label};

use super::xml::url_path;

/// Where a page's links lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Relative links inside the package: pages sit side by side in
    /// `pages/`, files in `assets/` and `handouts/` beside it.
    Generic,
    /// Canvas's reference tokens, which its importer turns into links to
    /// the course's own pages and files.
    Canvas,
}

/// Canvas resolves `$IMS-CC-FILEBASE$/<path>` against `web_resources/`.
pub const CANVAS_FILEBASE: &str = "$IMS-CC-FILEBASE$/";
/// Canvas resolves `$WIKI_REFERENCE$/pages/<page>` to the course's page.
pub const CANVAS_WIKI: &str = "$WIKI_REFERENCE$/pages/";

impl Flavour {
    /// The URL of a file of the cartridge (`assets/…`, `handouts/…`) from
    /// a page.
    fn file_url(self, path: &str, out: &mut String) {
        match self {
            Flavour::Generic => out.push_str("../"),
            Flavour::Canvas => out.push_str(CANVAS_FILEBASE),
        }
        escape_into(out, &url_path(path));
    }

    /// Fills a hole of page `current`'s body.
    pub fn fill(self, hole: &Hole, current: &str, out: &mut String) {
        match hole {
            Hole::HeadingOpen { level, id } => {
                out.push_str(&format!("<h{level} id=\""));
                escape_into(out, id);
                out.push_str("\">");
            }
            Hole::HeadingClose { level } => out.push_str(&format!("</h{level}>")),
            Hole::Link { page, section } => {
                // A section of the page itself stays a plain fragment: it
                // works in every LMS, whatever it calls the page.
                if page != current || section.is_none() {
                    match self {
                        Flavour::Generic => {
                            escape_into(out, page);
                            out.push_str(".html");
                        }
                        Flavour::Canvas => {
                            out.push_str(CANVAS_WIKI);
                            escape_into(out, page);
                        }
                    }
                }
                if let Some(section) = section {
                    out.push('#');
                    escape_into(out, section);
                }
            }
            Hole::Asset(name) | Hole::Image(name) => self.file_url(&format!("assets/{name}"), out),
        }
    }
}

/// The page's body with its holes filled for `flavour`.
fn body(course: &Course, i: usize, flavour: Flavour) -> String {
    let page = &course.adapted.pages[i];
    let mut out = String::with_capacity(16 * 1024);
    course.pages[i]
        .body
        .resolve(&mut out, &mut |hole, out| flavour.fill(hole, &page.id, out));
    out
}

/// "Form · for students and families".
fn eyebrow(course: &Course, i: usize, out: &mut String) {
    let meta = &course.adapted.pages[i].meta;
    let strings = crate::i18n::strings(&course.adapted.toolkit.language);
    escape_into(out, kind_label(meta.kind, &strings));
    let audience = audience_text(&meta.audience, &strings);
    if !audience.is_empty() {
        out.push_str(" · ");
        escape_into(out, strings.get("for_audience_lower"));
        out.push(' ');
        escape_into(out, &audience);
    }
}

/// Where the page came from and whom to ask.
fn colophon(course: &Course, out: &mut String) {
    let t = &course.adapted.toolkit;
    escape_into(out, &format!("From the {}, version {}", t.title, t.version));
    if let Some(d) = course.adapted.district.as_deref() {
        escape_into(out, &format!(", adapted for {}", d.name));
        out.push('.');
        if let Some(c) = d.contacts.first() {
            let mut who = c.name.clone();
            for part in [&c.role, &c.email, &c.phone] {
                if !part.is_empty() {
                    who.push_str(", ");
                    who.push_str(part);
                }
            }
            out.push_str(" Questions: ");
            escape_into(out, &who);
            out.push('.');
        }
    } else {
        out.push('.');
    }
    if !t.license.is_empty() {
        out.push_str(" Licence: ");
        escape_into(out, &format!("{}, {}.", t.license, t.publisher));
    }
}

fn logo_alt(course: &Course) -> String {
    format!("{} logo", course.district_name())
}

/// `pages/<id>.html` of the generic cartridge: a complete document with
/// the district's branding and its own stylesheet (an LMS shows it as it
/// is, so nothing may come from outside the file but its images).
pub fn generic(course: &Course, i: usize) -> String {
    let page = &course.adapted.pages[i];
    let entry = &course.entries[i];
    let district = course.district_name();
    let mut out = String::with_capacity(24 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    escape_into(&mut out, course.lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    escape_into(&mut out, &format!("{} · {district}", page.meta.title));
    out.push_str("</title>\n<meta name=\"generator\" content=\"wbl ");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str("\">\n<style>\n");
    out.push_str(&crate::render::palette(course.adapted).css());
    out.push_str(embedded::template("lms/page.css"));
    out.push_str("</style>\n</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n<header class=\"brand\">\n");
    if let Some(logo) = course.logo() {
        out.push_str("<img class=\"brand-logo\" src=\"");
        Flavour::Generic.file_url(&format!("assets/{}", logo.name), &mut out);
        out.push_str("\" alt=\"");
        escape_into(&mut out, &logo_alt(course));
        out.push_str("\">\n");
    }
    out.push_str("<p class=\"brand-name\">");
    escape_into(&mut out, district);
    out.push_str("<span class=\"brand-toolkit\">");
    escape_into(&mut out, &course.adapted.toolkit.title);
    out.push_str("</span></p>\n</header>\n<main id=\"main\">\n<article class=\"page kind-");
    out.push_str(page.meta.kind.name());
    out.push_str("\">\n<p class=\"eyebrow\">");
    eyebrow(course, i, &mut out);
    out.push_str("</p>\n<h1>");
    escape_into(&mut out, &page.meta.title);
    out.push_str("</h1>\n");
    if !page.meta.summary.is_empty() {
        out.push_str("<p class=\"summary\">");
        escape_into(&mut out, &page.meta.summary);
        out.push_str("</p>\n");
    }
    if entry.printable.is_some() {
        out.push_str("<p class=\"printable\"><a href=\"");
        Flavour::Generic.file_url(&format!("handouts/{}.html", page.id), &mut out);
        out.push_str("\">Printable version</a>, laid out to print on its own.</p>\n");
    }
    out.push_str(&body(course, i, Flavour::Generic));
    out.push_str("</article>\n</main>\n<footer class=\"colophon\">\n<p>");
    colophon(course, &mut out);
    out.push_str("</p>\n</footer>\n</body>\n</html>\n");
    out
}

/// `wiki_content/<id>.html` of the Canvas cartridge. Canvas takes the
/// title from `<title>`, the page's identity and state from `<meta>`
/// and keeps only what is inside `<body>` (a stylesheet in `<head>` is
/// dropped), so the branding and the little styling the page needs are
/// written inline, in the CSS properties Canvas's sanitiser keeps.
pub fn canvas(course: &Course, i: usize) -> String {
    let page = &course.adapted.pages[i];
    let entry = &course.entries[i];
    let palette = crate::render::palette(course.adapted);
    let district = course.district_name();
    let mut out = String::with_capacity(24 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    escape_into(&mut out, course.lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape_into(&mut out, &page.meta.title);
    out.push_str("</title>\n<meta name=\"identifier\" content=\"");
    escape_into(&mut out, &entry.resource);
    out.push_str(
        "\">\n<meta name=\"editing_roles\" content=\"teachers\">\n<meta name=\"workflow_state\" content=\"",
    );
    out.push_str(workflow_state(entry.role));
    // Canvas's importer strips `<body>` and `</body>` only when the tag
    // has no attributes, so the language goes on a wrapper instead.
    out.push_str("\">\n</head>\n<body>\n<div lang=\"");
    escape_into(&mut out, course.lang);
    out.push_str("\">\n<div style=\"background-color: ");
    out.push_str(&palette.brand.hex());
    out.push_str("; color: ");
    out.push_str(&palette.on_brand.hex());
    out.push_str("; padding: 12px 16px; margin: 0 0 16px; border-radius: 4px;\">\n");
    if let Some(logo) = course.logo() {
        out.push_str("<img src=\"");
        Flavour::Canvas.file_url(&format!("assets/{}", logo.name), &mut out);
        out.push_str("\" alt=\"");
        escape_into(&mut out, &logo_alt(course));
        out.push_str("\" style=\"height: 44px; width: auto; background-color: #ffffff; padding: 3px; border-radius: 4px; vertical-align: middle; margin-right: 12px;\">\n");
    }
    out.push_str("<strong>");
    escape_into(&mut out, district);
    out.push_str("</strong> · ");
    escape_into(&mut out, &course.adapted.toolkit.title);
    out.push_str("\n</div>\n<p style=\"font-size: 0.9em; color: #3d4651;\"><strong>");
    eyebrow(course, i, &mut out);
    out.push_str("</strong></p>\n");
    if !page.meta.summary.is_empty() {
        out.push_str("<p style=\"font-size: 1.1em;\">");
        escape_into(&mut out, &page.meta.summary);
        out.push_str("</p>\n");
    }
    if entry.printable.is_some() {
        out.push_str("<p style=\"padding: 8px 12px; background-color: #f3f5f8; border-left: 5px solid ");
        out.push_str(&palette.brand.hex());
        out.push_str(";\"><a href=\"");
        Flavour::Canvas.file_url(&format!("handouts/{}.html", page.id), &mut out);
        out.push_str("\">Printable version</a>, laid out to print on its own.</p>\n");
    }
    out.push_str(&inline_styles(&body(course, i, Flavour::Canvas)));
    out.push_str("<hr>\n<p style=\"font-size: 0.9em; color: #3d4651;\">");
    colophon(course, &mut out);
    out.push_str("</p>\n</div>\n</body>\n</html>\n");
    out
}

/// A Canvas page's state: pages for the teachers import unpublished.
pub fn workflow_state(role: Role) -> &'static str {
    match role {
        Role::Learner => "active",
        Role::Instructor => "unpublished",
    }
}

/// The classes the site's stylesheet gives meaning to (checkboxes,
/// write-in space, table borders), written as inline styles for Canvas,
/// which keeps no stylesheet. Every one of these tags comes from wbl's
/// Markdown renderer or the toolkit's own pages; inside code, `<` is
/// escaped, so text never matches.
fn inline_styles(html: &str) -> String {
    const CELL: &str = "border: 1px solid #c9d1db; padding: 6px 8px; text-align: left; vertical-align: top;";
    const BOX: &str = "display: inline-block; width: 1em; height: 1em; margin-right: 0.5em; vertical-align: -0.12em; border: 2px solid #1b1f24; border-radius: 2px; text-align: center; line-height: 0.8;";
    let replacements: [(&str, String); 10] = [
        ("<table>", "<table style=\"border-collapse: collapse; width: 100%;\">".into()),
        // Aligned cells first: their new style must not be styled again.
        ("<th style=\"", format!("<th style=\"{CELL} background-color: #eef1f5; ")),
        ("<td style=\"", format!("<td style=\"{CELL} ")),
        ("<th>", format!("<th style=\"{CELL} background-color: #eef1f5;\">")),
        ("<td>", format!("<td style=\"{CELL}\">")),
        (
            "<div class=\"table-wrap\"",
            "<div style=\"max-width: 100%; overflow-x: auto; margin: 0 0 1.5em;\" class=\"table-wrap\"".into(),
        ),
        (
            "<span class=\"box\"",
            format!("<span style=\"{BOX}\" class=\"box\""),
        ),
        (
            "<span class=\"box done\"",
            format!("<span style=\"{BOX}\" class=\"box done\""),
        ),
        (
            "<div class=\"write-in\"></div>",
            "<div class=\"write-in\" style=\"min-height: 5.4em; margin: 4px 0 20px; border: 1px solid #8a96a3;\"></div>".into(),
        ),
        (
            "<div class=\"write-in tall\"></div>",
            "<div class=\"write-in tall\" style=\"min-height: 10.8em; margin: 4px 0 20px; border: 1px solid #8a96a3;\"></div>".into(),
        ),
    ];
    let mut out = html.to_string();
    for (from, to) in &replacements {
        if out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(flavour: Flavour, hole: Hole, current: &str) -> String {
        let mut out = String::new();
        flavour.fill(&hole, current, &mut out);
        out
    }

    fn link(page: &str, section: Option<&str>) -> Hole {
        Hole::Link {
            page: page.into(),
            section: section.map(str::to_string),
        }
    }

    #[test]
    fn generic_links_stay_inside_the_package() {
        assert_eq!(fill(Flavour::Generic, link("b", Some("x")), "a"), "b.html#x");
        assert_eq!(fill(Flavour::Generic, link("b", None), "a"), "b.html");
        assert_eq!(fill(Flavour::Generic, link("a", Some("y")), "a"), "#y");
        assert_eq!(
            fill(Flavour::Generic, Hole::Image("county map.png".into()), "a"),
            "../assets/county%20map.png"
        );
    }

    #[test]
    fn canvas_links_use_its_reference_tokens() {
        assert_eq!(
            fill(Flavour::Canvas, link("b", Some("x")), "a"),
            "$WIKI_REFERENCE$/pages/b#x"
        );
        assert_eq!(fill(Flavour::Canvas, link("a", Some("y")), "a"), "#y");
        assert_eq!(
            fill(Flavour::Canvas, Hole::Asset("forms/sign up.pdf".into()), "a"),
            "$IMS-CC-FILEBASE$/assets/forms/sign%20up.pdf"
        );
    }

    #[test]
    fn canvas_styles_are_inline_and_attributes_never_doubled() {
        let html = inline_styles(
            "<table><thead><tr><th>A</th><th style=\"text-align: center\">B</th></tr></thead><tbody><tr><td>1</td><td style=\"text-align: right\">2</td></tr></tbody></table><div class=\"write-in\"></div>",
        );
        assert!(!html.contains("<td>") && !html.contains("<th>"));
        assert!(html.contains("vertical-align: top; text-align: right\">2"));
        assert!(html.contains("<div class=\"write-in\" style=\"min-height: 5.4em;"));
        for tag in html.split('<').skip(1) {
            assert!(tag.matches("style=").count() <= 1, "{tag}");
            assert!(tag.matches("border: 1px solid #c9d1db").count() <= 1, "{tag}");
        }
    }
}

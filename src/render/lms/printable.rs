//! The printable copies of the handouts: wbl's own handout layout (a
//! letter-size sheet with the district's header, images embedded), put in
//! the cartridge's files so a teacher can print a form or a flyer as it
//! is meant to look, whatever the LMS does to a page's styles.

use anyhow::Result;

use crate::adapt::Adapted;
use crate::render::{RenderedPage, print};

/// Each handout's printable copy, by page id, in page order.
///
/// They are the `handouts/` files wbl renders for the teacher bundle,
/// with the links that lead into the bundle's site rewritten: a copy is
/// for paper and opened on its own in an LMS, where no page of the site
/// exists, so a link to a page becomes its plain text (the page in the
/// course keeps the link), and a link to a file leads to the cartridge's
/// copy in `assets/`, beside `handouts/`.
pub fn copies(adapted: &Adapted, pages: &[RenderedPage]) -> Result<Vec<(String, String)>> {
    // Rendered as the bundle's handouts, beside a site: `relink` below
    // knows the links that writes.
    let files = print::handouts(
        adapted,
        pages,
        crate::render::Links::new(crate::render::Formats::BUNDLE),
    )?;
    Ok(files
        .into_iter()
        .filter_map(|file| {
            let id = file
                .path
                .strip_prefix("handouts/")?
                .strip_suffix(".html")?
                .to_string();
            let html = String::from_utf8_lossy(&file.bytes).into_owned();
            Some((id, relink(&html)))
        })
        .collect())
}

/// What the handout layout writes before a link into the site (see
/// `handout_hole` in `render::print`). Nothing else writes it: a page
/// cannot link to `../site/` itself (such a link is an error).
const SITE_LINK: &str = "<a href=\"../site/";
const SITE_ASSET: &str = "<a href=\"../site/assets/";

fn relink(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(SITE_LINK) {
        out.push_str(&rest[..at]);
        let link = &rest[at..];
        if let Some(asset) = link.strip_prefix(SITE_ASSET) {
            out.push_str("<a href=\"../assets/");
            rest = asset;
            continue;
        }
        // `<a href="…" title="…">text</a>` → `text`. Links never nest.
        let (Some(open_end), Some(close)) = (link.find('>'), link.find("</a>")) else {
            out.push_str(link);
            return out;
        };
        out.push_str(&link[open_end + 1..close]);
        rest = &link[close + "</a>".len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_become_text_and_files_stay_linked() {
        let html = "<p>See the <a href=\"../site/session-agenda.html#run\" title=\"Agenda\">session <em>agenda</em></a>, \
                    the <a href=\"#top\">top</a> and <a href=\"../site/assets/map.pdf\">the map</a>.</p>";
        assert_eq!(
            relink(html),
            "<p>See the session <em>agenda</em>, the <a href=\"#top\">top</a> and <a href=\"../assets/map.pdf\">the map</a>.</p>"
        );
    }

    #[test]
    fn every_handout_gets_a_copy_without_site_links() {
        let mut diags = crate::diag::Diagnostics::new();
        let toolkit =
            crate::content::load_toolkit(&crate::content::SourceTree::embedded(), &mut diags).unwrap();
        let adapted = crate::adapt::adapt(&toolkit, None, &mut diags).unwrap();
        let pages = crate::render::markdown::render_pages(&adapted, &mut diags).unwrap();
        let copies = copies(&adapted, &pages).unwrap();
        let handouts: Vec<&str> = adapted
            .pages
            .iter()
            .filter(|p| p.meta.kind.is_handout())
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(
            copies.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            handouts
        );
        // The day-of checklist links to several pages in the toolkit.
        let (_, checklist) = copies.iter().find(|(id, _)| id == "day-of-checklist").unwrap();
        assert!(checklist.contains("<h1>Day-of checklist</h1>"));
        for (id, html) in &copies {
            assert!(!html.contains("../site/"), "{id} still links into the site");
        }
    }
}

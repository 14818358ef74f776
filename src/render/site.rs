//! The multi-page site: `site/index.html`, `site/<page>.html`,
//! `site/wbl.css`, `site/assets/…`. Relative links only, so it works
//! opened straight from the file system.

use std::collections::BTreeSet;

use anyhow::Result;
use rayon::prelude::*;
use tera::Value;

use super::markdown::{Hole, RenderedPage, escape_into};
use super::templates::{self, map};
use super::{Formats, OutputFile, common_context, kind_label, page_meta};
use crate::adapt::Adapted;
use crate::embedded;

/// Up to this many pages, every page's contents list shows the whole
/// toolkit. A bigger toolkit's pages list their own part (at most this
/// many of its pages, around the page itself) and the home page holds the
/// full contents: a full list on each of N pages would make the site grow
/// with the square of N.
pub const FULL_NAV_PAGES: usize = 100;

/// The site's pages, stylesheet and the assets they use.
pub fn render(adapted: &Adapted, pages: &[RenderedPage], formats: Formats) -> Result<Vec<OutputFile>> {
    let strings = crate::i18n::strings(&adapted.toolkit.language);
    let common = common_context(adapted, &strings);
    let nav = Nav::new(adapted, &strings);
    let mut files = Vec::with_capacity(pages.len() + 4);

    let mut used_assets: BTreeSet<&str> = BTreeSet::new();
    if let Some((logo, _)) = adapted.district.as_ref().and_then(|d| d.logo.as_ref()) {
        used_assets.insert(logo);
    }

    let part_of: Vec<Option<usize>> = {
        let mut v = vec![None; adapted.pages.len()];
        for (p, part) in adapted.parts.iter().enumerate() {
            for &i in &part.pages {
                v[i] = Some(p);
            }
        }
        v
    };
    let links: Vec<Value> = adapted
        .pages
        .iter()
        .map(|p| {
            map([
                ("id", p.id.as_str().into()),
                ("title", p.meta.title.as_str().into()),
            ])
        })
        .collect();
    let link = |j: Option<usize>| Value::from(j.and_then(|j| links.get(j).cloned()));

    for rendered in pages {
        used_assets.extend(rendered.assets.iter().map(String::as_str));
    }
    let page_files = adapted
        .pages
        .par_iter()
        .zip(pages)
        .enumerate()
        .map(|(i, (page, rendered))| {
            let mut content = String::with_capacity(16 * 1024);
            rendered
                .body
                .resolve(&mut content, &mut |hole, out| site_hole(hole, &page.id, out));
            let mut ctx = common.clone();
            templates::extend(
                &mut ctx,
                [
                    ("nav", nav.for_page(adapted, part_of[i], Some(i))),
                    ("nav_partial", nav.partial.into()),
                    ("page", page_meta(page, &strings, [])),
                    ("description", page.meta.summary.as_str().into()),
                    (
                        "part_title",
                        part_of[i].map_or("", |p| adapted.parts[p].title.as_str()).into(),
                    ),
                    ("content", content.as_str().into()),
                    ("prev", link(i.checked_sub(1))),
                    ("next", link(Some(i + 1))),
                    (
                        "handout",
                        (formats.handouts && page.meta.kind.is_handout())
                            .then(|| format!("../handouts/{}.html", page.id))
                            .into(),
                    ),
                ],
            );
            let html = templates::render("site/page.html", &ctx)?;
            Ok(OutputFile::text(format!("site/{}.html", page.id), html))
        })
        .collect::<Result<Vec<_>>>()?;
    files.extend(page_files);

    let mut ctx = common;
    templates::extend(
        &mut ctx,
        [
            ("nav", nav.full()),
            ("nav_partial", false.into()),
            ("first", link(Some(0))),
        ],
    );
    files.push(OutputFile::text(
        "site/index.html",
        templates::render("site/index.html", &ctx)?,
    ));

    let css = format!(
        "{}\n{}",
        super::palette(adapted).css(),
        embedded::template("site/wbl.css")
    );
    files.push(OutputFile::text("site/wbl.css", css));

    for name in used_assets {
        if let Some(bytes) = adapted.assets.get(name) {
            files.push(OutputFile::new(format!("site/assets/{name}"), bytes.clone()));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The contents list, built once per district: each page's entry (as it
/// looks on other pages and on the page itself) and each part's list, so
/// a page's list is mostly shared values.
struct Nav {
    /// Per page: (entry, entry marked current).
    entries: Vec<(Value, Value)>,
    /// Per part: the part with all its pages, none current.
    parts: Vec<Value>,
    /// Whether pages show only their own part.
    partial: bool,
}

impl Nav {
    fn new(adapted: &Adapted, strings: &crate::i18n::Strings) -> Nav {
        let entries: Vec<(Value, Value)> = adapted
            .pages
            .iter()
            .map(|p| {
                let entry = |current: bool| {
                    map([
                        ("id", p.id.as_str().into()),
                        ("title", p.meta.title.as_str().into()),
                        ("summary", p.meta.summary.as_str().into()),
                        ("kind_label", kind_label(p.meta.kind, strings).into()),
                        ("current", current.into()),
                    ])
                };
                (entry(false), entry(true))
            })
            .collect();
        let parts = adapted
            .parts
            .iter()
            .map(|part| {
                let pages: Vec<Value> = part.pages.iter().map(|&i| entries[i].0.clone()).collect();
                part_value(part, pages)
            })
            .collect();
        Nav {
            entries,
            parts,
            partial: adapted.pages.len() > FULL_NAV_PAGES,
        }
    }

    /// Every part and page, none current (the home page).
    fn full(&self) -> Value {
        Value::from(self.parts.clone())
    }

    /// The list on page `current` of part `part`.
    fn for_page(&self, adapted: &Adapted, part: Option<usize>, current: Option<usize>) -> Value {
        let own = |p: usize| {
            let info = &adapted.parts[p];
            let mut indexes: &[usize] = &info.pages;
            if self.partial && indexes.len() > FULL_NAV_PAGES {
                let at = indexes.iter().position(|&i| Some(i) == current).unwrap_or(0);
                let start = at
                    .saturating_sub(FULL_NAV_PAGES / 2)
                    .min(indexes.len() - FULL_NAV_PAGES);
                indexes = &indexes[start..start + FULL_NAV_PAGES];
            }
            let pages: Vec<Value> = indexes
                .iter()
                .map(|&i| {
                    let (entry, marked) = &self.entries[i];
                    if Some(i) == current { marked } else { entry }.clone()
                })
                .collect();
            part_value(info, pages)
        };
        match part {
            Some(p) if self.partial => Value::from(vec![own(p)]),
            Some(p) => Value::from(
                (0..self.parts.len())
                    .map(|q| if q == p { own(q) } else { self.parts[q].clone() })
                    .collect::<Vec<_>>(),
            ),
            None => self.full(),
        }
    }
}

fn part_value(part: &crate::adapt::AdaptedPart, pages: Vec<Value>) -> Value {
    map([
        ("id", part.id.as_str().into()),
        ("title", part.title.as_str().into()),
        ("pages", pages.into()),
    ])
}

/// Fills a hole for a page of the site.
fn site_hole(hole: &Hole, current: &str, out: &mut String) {
    match hole {
        Hole::HeadingOpen { level, id } => {
            out.push_str(&format!("<h{level} id=\""));
            escape_into(out, id);
            out.push_str("\">");
        }
        Hole::HeadingClose { level } => out.push_str(&format!("</h{level}>")),
        Hole::Link { page, section } => {
            if page != current || section.is_none() {
                escape_into(out, page);
                out.push_str(".html");
            }
            if let Some(section) = section {
                out.push('#');
                escape_into(out, section);
            }
        }
        Hole::Asset(name) | Hole::Image(name) => {
            out.push_str("assets/");
            for part in name.split('/') {
                if !out.ends_with('/') {
                    out.push('/');
                }
                escape_into(out, &percent_encode(part));
            }
        }
    }
}

/// Percent-encodes a file name for use in a URL path.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_links_point_at_html_pages() {
        let mut out = String::new();
        site_hole(
            &Hole::Link {
                page: "a".into(),
                section: Some("x".into()),
            },
            "b",
            &mut out,
        );
        site_hole(
            &Hole::Link {
                page: "b".into(),
                section: Some("y".into()),
            },
            "b",
            &mut out,
        );
        site_hole(
            &Hole::Link {
                page: "c".into(),
                section: None,
            },
            "b",
            &mut out,
        );
        assert_eq!(out, "a.html#x#yc.html");
    }

    #[test]
    fn asset_names_are_url_encoded() {
        let mut out = String::new();
        site_hole(&Hole::Asset("county map.png".into()), "a", &mut out);
        assert_eq!(out, "assets/county%20map.png");
    }
}

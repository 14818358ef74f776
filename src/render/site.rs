//! The multi-page site: `site/index.html`, `site/<page>.html`,
//! `site/wbl.css`, `site/search.js` with its index, `site/assets/…`.
//! Relative links only, so it works opened straight from the file system.

use std::collections::BTreeSet;

use anyhow::Result;
use rayon::prelude::*;
use tera::Value;

use super::markdown::{Hole, RenderedPage, escape_into};
use super::search::{self, IndexPage};
use super::templates::{self, map};
use super::{Links, Output, OutputFile, common_context, kind_label, page_meta};
use crate::adapt::Adapted;
use crate::embedded;

/// Up to this many pages, every page's contents list shows the whole
/// toolkit. A bigger toolkit's pages list their own part (at most this
/// many of its pages, around the page itself) and the home page holds the
/// full contents: a full list on each of N pages would make the site grow
/// with the square of N.
pub const FULL_NAV_PAGES: usize = 100;

/// A page with at least this many `##` sections lists them at its top.
pub const ON_THIS_PAGE_MIN: usize = 3;

/// Which outputs are written beside the site, in the same folder and in
/// the bundle, so that pages may link to them. Decided here and nowhere
/// else, so the site never links to a file the build did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beside {
    pub site: bool,
    pub handbook: bool,
    pub handouts: bool,
}

impl Beside {
    /// What the outputs built together (`links`) put beside the site.
    pub fn of(links: Links) -> Beside {
        let together = links.together();
        Beside {
            site: together.contains(Output::Site),
            handbook: together.contains(Output::Print),
            handouts: together.contains(Output::Handouts),
        }
    }
}

/// The site's pages, stylesheet and the assets they use.
pub fn render(adapted: &Adapted, pages: &[RenderedPage], links: Links) -> Result<Vec<OutputFile>> {
    let strings = crate::i18n::strings(&adapted.toolkit.language);
    let beside = Beside::of(links);
    // A translation's pages sit in `site/<lang>/`, sharing the source's
    // stylesheet, script and assets one folder up.
    let links = links.in_lang(adapted.lang_dir());
    let up = links.up();
    let dir = adapted.lang_dir().map_or(String::new(), |l| format!("{l}/"));
    let mut common = common_context(adapted, &strings);
    templates::extend(
        &mut common,
        [
            (
                "handbook_link",
                (beside.handbook && !adapted.is_translation())
                    .then_some("../print/handbook.html")
                    .into(),
            ),
            (
                "packet_link",
                (beside.handbook && has_packet(adapted))
                    .then(|| format!("{up}../print/{}", packet_file(adapted)))
                    .into(),
            ),
            (
                "handouts_link",
                beside
                    .handouts
                    .then(|| format!("{up}../handouts/{dir}index.html"))
                    .into(),
            ),
            ("search_index", search::INDEX_FILE.into()),
            ("root", up.into()),
        ],
    );
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
    let page_links: Vec<Value> = adapted
        .pages
        .iter()
        .map(|p| {
            map([
                ("id", p.id.as_str().into()),
                ("title", p.meta.title.as_str().into()),
            ])
        })
        .collect();
    let link = |j: Option<usize>| Value::from(j.and_then(|j| page_links.get(j).cloned()));

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
            rendered.body.resolve(&mut content, &mut |hole, out| match hole {
                Hole::Link {
                    page: target,
                    section,
                } if adapted.untranslated(target) => {
                    let href = links
                        .source_page(Output::Site, target, section.as_deref())
                        .unwrap_or_default();
                    escape_into(out, &href);
                }
                _ => site_hole(hole, &page.id, links, out),
            });
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
                    ("switch", switcher(adapted, &page.id)),
                    ("on_this_page", on_this_page(rendered)),
                    ("prev", link(i.checked_sub(1))),
                    ("next", link(Some(i + 1))),
                    (
                        "handout",
                        page.meta
                            .kind
                            .is_handout()
                            .then(|| links.printable(&page.id))
                            .flatten()
                            .into(),
                    ),
                ],
            );
            let html = templates::render("site/page.html", &ctx)?;
            Ok((
                OutputFile::text(format!("site/{dir}{}.html", page.id), html),
                content,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let index_pages: Vec<IndexPage> = adapted
        .pages
        .iter()
        .zip(&page_files)
        .map(|(page, (_, content))| IndexPage {
            id: &page.id,
            title: &page.meta.title,
            kind_label: kind_label(page.meta.kind, &strings),
            html: content,
        })
        .collect();
    // Each language searches its own pages.
    files.push(OutputFile::text(
        format!("site/{dir}{}", search::INDEX_FILE),
        search::build(&index_pages),
    ));
    files.extend(page_files.into_iter().map(|(file, _)| file));
    if !adapted.is_translation() {
        files.push(OutputFile::text(
            "site/search.js",
            embedded::template("site/search.js").to_string(),
        ));
    }

    let mut ctx = common;
    templates::extend(
        &mut ctx,
        [
            ("nav", nav.full()),
            ("nav_partial", false.into()),
            ("first", link(Some(0))),
            ("switch", switcher(adapted, "index")),
        ],
    );
    files.push(OutputFile::text(
        format!("site/{dir}index.html"),
        templates::render("site/index.html", &ctx)?,
    ));

    if !adapted.is_translation() {
        let css = format!(
            "{}\n{}",
            super::palette(adapted).css(),
            embedded::template("site/wbl.css")
        );
        files.push(OutputFile::text("site/wbl.css", css));
    }

    for name in used_assets {
        if let Some(bytes) = adapted.assets.get(name) {
            files.push(OutputFile::new(format!("site/assets/{name}"), bytes.clone()));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The links to `page` (a page id, or `index`) in the other languages
/// that have it, each labelled with the language's own name.
pub fn switcher(adapted: &Adapted, page: &str) -> Value {
    let here = adapted.lang_dir();
    let entries: Vec<Value> = adapted
        .counterparts
        .iter()
        .filter(|(_, ids)| page == "index" || ids.contains(page))
        .map(|(lang, _)| {
            let target = (*lang != adapted.source_lang).then_some(lang.as_str());
            let href = match (here, target) {
                (None, Some(t)) => format!("{t}/{page}.html"),
                (Some(_), None) => format!("../{page}.html"),
                (Some(_), Some(t)) => format!("../{t}/{page}.html"),
                (None, None) => format!("{page}.html"),
            };
            map([
                ("href", href.into()),
                ("lang", lang.as_str().into()),
                ("name", crate::i18n::strings(lang).get("language_name").into()),
            ])
        })
        .collect();
    entries.into()
}

/// Whether this language has a family packet: some page for families or
/// students that is not a guide.
pub fn has_packet(adapted: &Adapted) -> bool {
    adapted.pages.iter().any(super::print::in_packet)
}

/// `family-packet.<lang>.html`.
pub fn packet_file(adapted: &Adapted) -> String {
    format!("family-packet.{}.html", adapted.toolkit.language)
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

/// The page's `##` sections, when it has enough of them to need a list.
fn on_this_page(rendered: &RenderedPage) -> Value {
    let sections: Vec<Value> = rendered
        .headings
        .iter()
        .filter(|(level, id, _)| *level == 2 && !id.is_empty())
        .map(|(_, id, text)| map([("id", id.as_str().into()), ("text", text.as_str().into())]))
        .collect();
    if sections.len() >= ON_THIS_PAGE_MIN {
        sections.into()
    } else {
        Value::none()
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
fn site_hole(hole: &Hole, current: &str, links: Links, out: &mut String) {
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
        Hole::Asset(name) | Hole::Image(name) => escape_into(out, &links.asset(Output::Site, name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_links_point_at_html_pages() {
        let links = Links::new(super::super::Formats::BUNDLE);
        let mut out = String::new();
        site_hole(
            &Hole::Link {
                page: "a".into(),
                section: Some("x".into()),
            },
            "b",
            links,
            &mut out,
        );
        site_hole(
            &Hole::Link {
                page: "b".into(),
                section: Some("y".into()),
            },
            "b",
            links,
            &mut out,
        );
        site_hole(
            &Hole::Link {
                page: "c".into(),
                section: None,
            },
            "b",
            links,
            &mut out,
        );
        assert_eq!(out, "a.html#x#yc.html");
    }

    #[test]
    fn asset_names_are_url_encoded() {
        let mut out = String::new();
        let links = Links::new(super::super::Formats::BUNDLE);
        site_hole(&Hole::Asset("county map.png".into()), "a", links, &mut out);
        assert_eq!(out, "assets/county%20map.png");
    }
}

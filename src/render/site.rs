//! The multi-page site: `site/index.html`, `site/<page>.html`,
//! `site/wbl.css`, `site/assets/…`. Relative links only, so it works
//! opened straight from the file system.

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::{Value, json};

use super::markdown::{Hole, RenderedPage, escape_into};
use super::{Formats, OutputFile, audience_text, common_context, kind_label, templates};
use crate::adapt::Adapted;
use crate::embedded;

/// The site's pages, stylesheet and the assets they use.
pub fn render(adapted: &Adapted, pages: &[RenderedPage], formats: Formats) -> Result<Vec<OutputFile>> {
    let common = common_context(adapted);
    let mut files = Vec::with_capacity(pages.len() + 4);

    let mut used_assets: BTreeSet<&str> = BTreeSet::new();
    if let Some((logo, _)) = adapted.district.as_ref().and_then(|d| d.logo.as_ref()) {
        used_assets.insert(logo);
    }

    let part_of: Vec<&str> = {
        let mut v = vec![""; adapted.pages.len()];
        for part in &adapted.parts {
            for &i in &part.pages {
                v[i] = &part.title;
            }
        }
        v
    };

    let mut content = String::with_capacity(16 * 1024);
    for (i, (page, rendered)) in adapted.pages.iter().zip(pages).enumerate() {
        used_assets.extend(rendered.assets.iter().map(String::as_str));
        content.clear();
        rendered
            .body
            .resolve(&mut content, &mut |hole, out| site_hole(hole, &page.id, out));
        let link = |j: usize| {
            adapted
                .pages
                .get(j)
                .map(|p| json!({ "id": p.id, "title": p.meta.title }))
        };
        let mut ctx = common.clone();
        let extra = json!({
            "nav": nav(adapted, Some(i)),
            "page": {
                "id": page.id,
                "title": page.meta.title,
                "summary": page.meta.summary,
                "kind": page.meta.kind.name(),
                "kind_label": kind_label(page.meta.kind),
                "audience": audience_text(&page.meta.audience),
            },
            "description": page.meta.summary,
            "part_title": part_of[i],
            "content": content,
            "prev": i.checked_sub(1).and_then(link),
            "next": link(i + 1),
            "handout": (formats.handouts && page.meta.kind.is_handout())
                .then(|| format!("../handouts/{}.html", page.id)),
        });
        merge(&mut ctx, extra);
        let html = templates::render("site/page.html", &ctx)?;
        files.push(OutputFile::text(format!("site/{}.html", page.id), html));
    }

    let mut ctx = common.clone();
    merge(
        &mut ctx,
        json!({
            "nav": nav(adapted, None),
            "first": adapted.pages.first().map(|p| json!({ "id": p.id, "title": p.meta.title })),
        }),
    );
    files.push(OutputFile::text(
        "site/index.html",
        templates::render("site/index.html", &ctx)?,
    ));

    let css = format!(
        "{}\n{}",
        common["palette_css"].as_str().unwrap_or_default(),
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

/// The contents list: parts with their pages, the current one marked.
fn nav(adapted: &Adapted, current: Option<usize>) -> Value {
    Value::Array(
        adapted
            .parts
            .iter()
            .map(|part| {
                json!({
                    "id": part.id,
                    "title": part.title,
                    "pages": part.pages.iter().map(|&i| {
                        let p = &adapted.pages[i];
                        json!({
                            "id": p.id,
                            "title": p.meta.title,
                            "summary": p.meta.summary,
                            "kind_label": kind_label(p.meta.kind),
                            "current": current == Some(i),
                        })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Adds the keys of `extra` to `base` (both JSON objects).
pub fn merge(base: &mut Value, extra: Value) {
    if let (Value::Object(b), Value::Object(e)) = (base, extra) {
        b.extend(e);
    }
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

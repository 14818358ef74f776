//! `handouts/index.html`: every handout, form, checklist, rubric, template
//! and letter, grouped by part, with its kind and audience, linking each
//! printable file (and its PDF once one is printed beside it). The way in
//! to `handouts/` for a teacher who opens the folder or follows the site's
//! "Printable forms and handouts" link.

use anyhow::Result;
use tera::Value;

use super::site::Beside;
use super::templates::{self, map};
use super::{OutputFile, common_context, page_meta};
use crate::adapt::Adapted;
use crate::embedded;

/// Where the index sits in the output folder.
pub const PATH: &str = "handouts/index.html";

/// The index of the handouts `adapted` prints. `beside` says which other
/// outputs it may link to; `pdfs` whether each handout has a PDF next to it.
pub fn render(adapted: &Adapted, beside: Beside, pdfs: bool) -> Result<OutputFile> {
    let strings = crate::i18n::strings(&adapted.toolkit.language);
    let mut ctx = common_context(adapted, &strings);
    let dir = adapted.lang_dir().map_or(String::new(), |l| format!("{l}/"));
    let up = if adapted.is_translation() { "../" } else { "" };
    let entry = |i: usize| {
        let page = &adapted.pages[i];
        page.meta.kind.is_handout().then(|| {
            page_meta(
                page,
                &strings,
                [("pdf", pdfs.then(|| format!("{}.pdf", page.id)).into())],
            )
        })
    };
    let mut listed = vec![false; adapted.pages.len()];
    let mut groups: Vec<Value> = Vec::new();
    for part in &adapted.parts {
        let handouts: Vec<Value> = part
            .pages
            .iter()
            .filter_map(|&i| {
                listed[i] = true;
                entry(i)
            })
            .collect();
        if !handouts.is_empty() {
            groups.push(map([
                ("id", part.id.as_str().into()),
                ("title", part.title.as_str().into()),
                ("handouts", handouts.into()),
            ]));
        }
    }
    // Pages the toolkit left out of its parts (a warning, not an error)
    // are still printed, so they are listed too.
    let others: Vec<Value> = (0..adapted.pages.len())
        .filter(|&i| !listed[i])
        .filter_map(entry)
        .collect();
    if !others.is_empty() {
        groups.push(map([
            ("id", "other".into()),
            ("title", strings.get("handouts_other").into()),
            ("handouts", others.into()),
        ]));
    }
    templates::extend(
        &mut ctx,
        [
            ("groups", groups.into()),
            ("css", embedded::template("print/print.css").into()),
            (
                "site_home",
                beside.site.then(|| format!("{up}../site/{dir}index.html")).into(),
            ),
            (
                "handbook",
                (beside.handbook && !adapted.is_translation())
                    .then_some("../print/handbook.html")
                    .into(),
            ),
        ],
    );
    Ok(OutputFile::text(
        format!("handouts/{dir}index.html"),
        templates::render("site/handouts-index.html", &ctx)?,
    ))
}

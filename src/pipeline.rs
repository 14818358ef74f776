//! The whole pipeline for one district: load → adapt → render. Every
//! command that builds something goes through here.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;

use crate::adapt::{self, Adapted, District};
use crate::content::{self, SourceTree, Toolkit};
use crate::diag::{Diagnostics, Severity};
use crate::output::bundle;
use crate::render::markdown::PageTemplates;
use crate::render::{self, Formats, Output, OutputFile, RenderedPage};

/// The embedded toolkit, or the one in `dir`.
pub fn toolkit_tree(dir: Option<&Path>) -> Result<SourceTree> {
    match dir {
        None => Ok(SourceTree::embedded()),
        Some(dir) => SourceTree::from_dir(
            dir,
            &["toolkit.toml", adapt::translations::LOCK_FILE],
            &["pages", "snippets", "assets"],
        ),
    }
}

/// Loads a toolkit; `None` when it has errors (reported in `diags`).
pub fn load_toolkit(dir: Option<&Path>, diags: &mut Diagnostics) -> Result<Option<Toolkit>> {
    let tree = toolkit_tree(dir)?;
    let Some(toolkit) = content::load_toolkit(&tree, diags) else {
        return Ok(None);
    };
    let errors = diags.count(Severity::Error);
    crate::content::names::check_toolkit(&tree, &toolkit, diags);
    adapt::translations::check_toolkit(&tree, &toolkit, diags);
    Ok((diags.count(Severity::Error) == errors).then_some(toolkit))
}

/// Loads a district folder; `None` when it has errors.
pub fn load_district(dir: &Path, diags: &mut Diagnostics) -> Result<Option<Arc<District>>> {
    Ok(adapt::load_district(dir, diags)?.map(Arc::new))
}

/// What building one district produced.
pub struct Build {
    pub adapted: Option<Adapted>,
    pub files: Option<Vec<OutputFile>>,
}

/// Adapts and renders. Diagnostics go to `diags`; `files` is `None` when
/// there were errors.
pub fn build(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    formats: Formats,
    diags: &mut Diagnostics,
) -> Result<Build> {
    build_with(toolkit, district, formats, None, diags, &mut |_, _| Ok(()))
}

/// Like [`build`], with the toolkit's page templates parsed once for a
/// whole release (`wbl publish`), and `finish` run on the rendered files
/// before they are packaged, so what it adds (the PDFs of `--pdf`) is in
/// the bundle.
pub fn build_with(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    formats: Formats,
    shared: Option<&PageTemplates>,
    diags: &mut Diagnostics,
    finish: &mut dyn FnMut(&Adapted, &mut Vec<OutputFile>) -> Result<()>,
) -> Result<Build> {
    let Some(adapted) = adapt_checked(toolkit, district, diags)? else {
        return Ok(Build {
            adapted: None,
            files: None,
        });
    };
    let files = match render::markdown::render_pages_with(&adapted, shared, diags) {
        Some(pages) if diags.count(Severity::Error) == 0 => Some(outputs(&adapted, &pages, formats, finish)?),
        _ => None,
    };
    Ok(Build {
        adapted: Some(adapted),
        files,
    })
}

/// The files of `formats`. The bundle's outputs link to each other as
/// the bundle holds them (site, print and handouts together), whichever
/// command built it; the folder's as the folder holds them, so a folder
/// with only some outputs gets its own render of them when that differs.
/// `finish` runs once, on the files the PDFs are printed from: the
/// bundle's when there is one (the folder gets the same PDFs), else the
/// folder's.
fn outputs(
    adapted: &Adapted,
    pages: &[RenderedPage],
    formats: Formats,
    finish: &mut dyn FnMut(&Adapted, &mut Vec<OutputFile>) -> Result<()>,
) -> Result<Vec<OutputFile>> {
    // The cartridges are packages of their own, linked to nothing else:
    // they are rendered and zipped on another thread while this one
    // renders and zips the rest (one district on two cores; in `wbl
    // publish` an idle worker takes them or this thread does).
    let in_folder = formats.without(Output::Zip).without(Output::Lms);
    let mut cartridges = None;
    let mut files = rayon::in_place_scope(|scope| {
        if formats.contains(Output::Lms) {
            scope.spawn(|_| cartridges = Some(render::cartridges(adapted, pages)));
        }
        folder_and_bundle(adapted, pages, formats, in_folder, finish)
    })?;
    if let Some(cartridges) = cartridges {
        files.extend(cartridges?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The bundle (when `formats` has it) and the outputs of `in_folder`.
fn folder_and_bundle(
    adapted: &Adapted,
    pages: &[RenderedPage],
    formats: Formats,
    in_folder: Formats,
    finish: &mut dyn FnMut(&Adapted, &mut Vec<OutputFile>) -> Result<()>,
) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    let mut folder_done = in_folder.is_empty();
    let mut printed: Option<Vec<OutputFile>> = None;
    if formats.contains(Output::Zip) {
        let mut bundled = render::render_outputs(adapted, pages, Formats::BUNDLE)?;
        finish(adapted, &mut bundled)?;
        files.push(bundle::zip(adapted, &bundled, bundle::build_time()?)?);
        if in_folder == Formats::BUNDLE {
            files.extend(bundled);
            folder_done = true;
        } else {
            printed = Some(bundled.into_iter().filter(|f| f.path.ends_with(".pdf")).collect());
        }
    }
    if !folder_done {
        let mut own = render::render_outputs(adapted, pages, in_folder)?;
        match printed {
            Some(pdfs) => own.extend(
                pdfs.into_iter()
                    .filter(|f| in_folder.contains(Output::of_path(&f.path))),
            ),
            None => finish(adapted, &mut own)?,
        }
        files.extend(own);
    }
    Ok(files)
}

/// Every validation `adapt` runs, without rendering layouts or writing:
/// adapt, then fill in and render every page (which checks variables,
/// links and assets).
pub fn check(toolkit: &Toolkit, district: Option<&Arc<District>>, diags: &mut Diagnostics) -> Result<()> {
    if let Some(adapted) = adapt_checked(toolkit, district, diags)? {
        let _ = render::markdown::render_pages(&adapted, diags);
    }
    Ok(())
}

/// Adapts, then checks the district's translations against `wbl.lock`
/// (warning about stale ones, recording new ones in `lock_update`).
fn adapt_checked(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    diags: &mut Diagnostics,
) -> Result<Option<Adapted>> {
    let Some(mut adapted) = adapt::adapt(toolkit, district, diags) else {
        return Ok(None);
    };
    if let Some(d) = district {
        adapt::translations::check_district(toolkit, d, &mut adapted.lock_update, diags)?;
    }
    Ok(Some(adapted))
}

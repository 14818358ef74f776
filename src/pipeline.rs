//! The whole pipeline for one district: load → adapt → render. Every
//! command that builds something goes through here.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;

use crate::adapt::{self, Adapted, District};
use crate::content::{self, SourceTree, Toolkit};
use crate::diag::{Diagnostics, Severity};
use crate::output::bundle;
use crate::render::{self, Formats, OutputFile};

/// The embedded toolkit, or the one in `dir`.
pub fn toolkit_tree(dir: Option<&Path>) -> Result<SourceTree> {
    match dir {
        None => Ok(SourceTree::embedded()),
        Some(dir) => SourceTree::from_dir(dir, &["toolkit.toml"], &["pages", "assets"]),
    }
}

/// Loads a toolkit; `None` when it has errors (reported in `diags`).
pub fn load_toolkit(dir: Option<&Path>, diags: &mut Diagnostics) -> Result<Option<Toolkit>> {
    let tree = toolkit_tree(dir)?;
    Ok(content::load_toolkit(&tree, diags))
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
    build_then(toolkit, district, formats, diags, &mut |_, _| Ok(()))
}

/// Like [`build`], with `finish` run on the rendered files before they
/// are packaged, so what it adds (the PDFs of `--pdf`) is in the bundle.
pub fn build_then(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    formats: Formats,
    diags: &mut Diagnostics,
    finish: &mut dyn FnMut(&Adapted, &mut Vec<OutputFile>) -> Result<()>,
) -> Result<Build> {
    let Some(adapted) = adapt::adapt(toolkit, district, diags) else {
        return Ok(Build {
            adapted: None,
            files: None,
        });
    };
    let files = match render::render(&adapted, formats, diags)? {
        Some(mut files) if diags.count(Severity::Error) == 0 => {
            finish(&adapted, &mut files)?;
            Some(package(&adapted, files, formats)?)
        }
        _ => None,
    };
    Ok(Build {
        adapted: Some(adapted),
        files,
    })
}

/// Adds the bundle when asked for and keeps only the formats asked for:
/// the bundle always holds every output, the folder only what `formats`
/// names.
pub fn package(adapted: &Adapted, mut files: Vec<OutputFile>, formats: Formats) -> Result<Vec<OutputFile>> {
    if formats.zip {
        let zip = bundle::zip(adapted, &files, bundle::build_time()?)?;
        files.push(zip);
    }
    files.retain(|f| {
        let top = f.path.split('/').next().unwrap_or("");
        match top {
            "site" => formats.site,
            "print" => formats.print,
            "handouts" => formats.handouts,
            _ => formats.zip,
        }
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Every validation `adapt` runs, without rendering layouts or writing:
/// adapt, then fill in and render every page (which checks variables,
/// links and assets).
pub fn check(toolkit: &Toolkit, district: Option<&Arc<District>>, diags: &mut Diagnostics) {
    if let Some(adapted) = adapt::adapt(toolkit, district, diags) {
        let _ = render::markdown::render_pages(&adapted, diags);
    }
}

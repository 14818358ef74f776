//! The default toolkit and the templates, compiled into the binary so wbl
//! works from any folder with nothing around it.

use include_dir::{Dir, include_dir};

pub static TOOLKIT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/toolkit-content");
pub static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Calls `f` with every file of `dir` (path relative to `dir`, with `/`
/// separators whatever the build machine was) in path order.
pub fn walk(dir: &'static Dir<'static>, f: &mut dyn FnMut(&str, &'static [u8])) {
    let mut files = Vec::new();
    collect(dir, &mut files);
    let base = dir.path();
    let mut named: Vec<(String, &'static [u8])> = files
        .into_iter()
        .map(|file| {
            let rel = file.path().strip_prefix(base).unwrap_or(file.path());
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, file.contents())
        })
        .collect();
    named.sort();
    for (path, bytes) in named {
        f(&path, bytes);
    }
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
    out.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

/// A template or stylesheet by its path under `templates/`.
pub fn template(path: &str) -> &'static str {
    TEMPLATES
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("templates/{path} is compiled into wbl"))
}

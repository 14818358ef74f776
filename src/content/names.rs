//! File names and ids that survive every operating system: what a
//! district or toolkit holds ends up in a zip that teachers unpack on
//! Windows, macOS and Linux, so names that one of them cannot hold, or two
//! names it takes for one, are errors wherever they are written.

use std::collections::BTreeMap;

use crate::content::{Page, SourceTree, Toolkit};
use crate::diag::{Code, Diagnostic, Diagnostics};

/// The longest id, in characters: ids become parts of file names (a
/// bundle is `<district>-<toolkit>-<version>.zip`), and file systems stop
/// at 255 bytes.
pub const MAX_ID_LEN: usize = 100;

/// Page ids taken by pages wbl writes itself (`site/index.html`,
/// `handouts/index.html`).
pub const RESERVED_PAGE_IDS: [&str; 1] = ["index"];

/// What Windows cannot hold in a file or folder name, or `None`.
pub fn problem(name: &str) -> Option<String> {
    if let Some(c) = name.chars().find(|c| c.is_control() || "<>:\"|?*\\".contains(*c)) {
        return Some(if c.is_control() {
            format!("holds a control character (U+{:04X})", u32::from(c))
        } else {
            format!("holds `{c}`, which Windows does not allow in file names")
        });
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some("ends with a dot or a space, which Windows drops from file names".to_string());
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ["COM", "LPT"].iter().any(|p| {
            stem.strip_prefix(p).is_some_and(|n| {
                matches!(
                    n,
                    "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
                )
            })
        });
    if reserved {
        return Some(format!(
            "is a name Windows reserves for a device (`{stem}`), whatever the extension"
        ));
    }
    None
}

/// Checks every file name in `tree`: names Windows cannot hold, and names
/// that differ only by case (Windows and macOS keep one of the two).
pub fn check_tree(tree: &SourceTree, diags: &mut Diagnostics) {
    // Every folder and file path, lower-cased, to its first spelling.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut reported = std::collections::BTreeSet::new();
    for path in tree.paths() {
        let mut prefix = String::new();
        for part in path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if let Some(problem) = problem(part)
                && reported.insert(prefix.clone())
            {
                let shown = tree.display(&prefix);
                diags.push(
                    Diagnostic::error(Code::BadFileName, format!("`{shown}` {problem}"))
                        .in_file(shown)
                        .with_help(
                            "rename it: the bundle is unpacked on Windows too, which cannot hold this name",
                        ),
                );
            }
            let folded = prefix.to_lowercase();
            match seen.get(&folded) {
                Some(first) if *first != prefix => {
                    if reported.insert(prefix.clone()) {
                        let shown = tree.display(&prefix);
                        diags.push(
                            Diagnostic::error(Code::BadFileName, format!(
                                "`{shown}` and `{}` differ only by case",
                                tree.display(first)
                            ))
                            .in_file(shown)
                            .with_help("rename one of them: Windows and macOS see one name, and keep only one of the two files"),
                        );
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert(folded, prefix.clone());
                }
            }
        }
    }
}

/// Checks page ids against the file names wbl writes: not a page wbl
/// writes itself, and not too long for a file name.
pub fn check_pages<'a>(pages: impl IntoIterator<Item = &'a Page>, diags: &mut Diagnostics) {
    for page in pages {
        let problem = if RESERVED_PAGE_IDS.contains(&page.id.as_str()) {
            format!(
                "the page id `{}` is taken by a page wbl writes itself (`site/{}.html`)",
                page.id, page.id
            )
        } else if page.id.chars().count() > MAX_ID_LEN {
            format!(
                "the page id is {} characters long; ids become file names, so keep them to {MAX_ID_LEN}",
                page.id.chars().count()
            )
        } else {
            continue;
        };
        // At the `id = …` line when the front matter has one, else at the
        // file's first line (the id is its name).
        let front = &page.file.text[..page.body_start.min(page.file.text.len())];
        let span = front
            .find(&format!("\"{}\"", page.id))
            .or_else(|| front.find(&format!("'{}'", page.id)))
            .map_or(0..3, |at| at..at + page.id.len() + 2);
        diags.push(
            Diagnostic::error(Code::InvalidId, problem)
                .at(&page.file, span)
                .with_help("give the page another `id` in its front matter, or rename its file"),
        );
    }
}

/// A district's asset whose name differs from one of the toolkit's only
/// by case: both would go into the outputs' `assets/`, where Windows and
/// macOS keep one of them. `names` are the district's asset names (its
/// logo included), under `assets_dir`.
pub fn check_district_assets<'a>(
    toolkit: &Toolkit,
    assets_dir: &std::path::Path,
    names: impl IntoIterator<Item = &'a String>,
    diags: &mut Diagnostics,
) {
    let by_folded: BTreeMap<String, &str> = toolkit
        .assets
        .keys()
        .map(|name| (name.to_lowercase(), name.as_str()))
        .collect();
    let mut reported = std::collections::BTreeSet::new();
    for name in names {
        if let Some(theirs) = by_folded.get(&name.to_lowercase())
            && theirs != name
            && reported.insert(name)
        {
            let shown = crate::fs::display(&crate::fs::join_rel(assets_dir, name));
            diags.push(
                Diagnostic::error(Code::BadFileName, format!(
                    "`{shown}` and the toolkit's `assets/{theirs}` differ only by case"
                ))
                .in_file(shown)
                .with_help(format!(
                    "to replace the toolkit's file, name yours `{theirs}`; to add a file, give it another name"
                )),
            );
        }
    }
}

/// Every name check for a loaded toolkit: its files, its page ids, its id,
/// and that its images are what their names say.
pub fn check_toolkit(tree: &SourceTree, toolkit: &Toolkit, diags: &mut Diagnostics) {
    check_tree(tree, diags);
    check_pages(toolkit.pages.values(), diags);
    let id = &toolkit.meta.id;
    if id.chars().count() > MAX_ID_LEN {
        let text = &toolkit.manifest.text;
        let span = text
            .find(&format!("\"{id}\""))
            .map_or(0..0, |at| at..at + id.len() + 2);
        diags.push(
            Diagnostic::error(Code::InvalidId, format!(
                "the toolkit id is {} characters long; it becomes part of file names, so keep it to {MAX_ID_LEN}",
                id.chars().count()
            ))
            .at(&toolkit.manifest, span),
        );
    }
    for (path, bytes) in tree.under("assets") {
        if let Some(problem) = crate::content::image::problem(path.rsplit('/').next().unwrap_or(path), bytes)
        {
            diags.push(
                Diagnostic::error(Code::BadImage, problem)
                    .in_file(tree.display(path))
                    .with_help("save the image in the type its name says, or rename it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reserved_and_invalid_names() {
        for bad in [
            "CON",
            "con.md",
            "Aux.png",
            "nul",
            "NUL.tar.gz",
            "com1.txt",
            "LPT9",
            "com²",
            "a:b",
            "what?.md",
            "x.",
            "x ",
            "a\u{1}b",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
        for fine in [
            "console.md",
            "com10",
            "lpt",
            "auxiliary.png",
            "nul-hypothesis.md",
            "a.b.c",
        ] {
            assert_eq!(problem(fine), None, "{fine:?}");
        }
    }

    #[test]
    fn names_differing_only_by_case_are_reported_once() {
        let tree = SourceTree::from_memory(
            "d",
            [
                ("assets/Pic.png".to_string(), vec![]),
                ("assets/pic.png".to_string(), vec![]),
                ("Assets/other.png".to_string(), vec![]),
                ("pages/aux.md".to_string(), vec![]),
                ("pages/fine.md".to_string(), vec![]),
            ],
        );
        let mut diags = Diagnostics::new();
        check_tree(&tree, &mut diags);
        let messages: Vec<&str> = diags.items().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`d/assets` and `d/Assets` differ only by case",
                "`d/assets/pic.png` and `d/assets/Pic.png` differ only by case",
                "`d/pages/aux.md` is a name Windows reserves for a device (`AUX`), whatever the extension",
            ]
        );
    }
}

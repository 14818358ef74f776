//! The pipeline's stages only point forward: a module may use the leaf
//! modules and the stages before it, never a later stage, the command
//! line or the commands. This reads every `crate::…` path in `src/` so an
//! import that runs backwards (or in a circle) fails here, naming the file.

use std::path::Path;

/// Top-level modules in pipeline order. A module may use only modules
/// with a smaller rank (two modules of one rank may not use each other).
const RANKS: &[(&str, u8)] = &[
    ("util", 0),
    ("embedded", 0),
    ("diag", 1),
    ("fs", 2),
    ("i18n", 2),
    ("content", 3),
    ("adapt", 4),
    ("render", 5),
    ("output", 6),
    ("pipeline", 7),
    ("report", 8),
    ("cli", 9),
    ("serve", 10),
    ("cmd", 11),
];

fn rank(module: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// The top-level module names each `crate::` path in `text` starts with.
fn used_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each
            // item at the outer level.
            let mut depth = 0;
            let mut items = vec![String::new()];
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(String::new()),
                    c => items.last_mut().unwrap().push(c),
                }
            }
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

#[test]
fn stages_only_point_forward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let own = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        // The crate root and the binary sit above every stage.
        let Some(own_rank) = rank(&own) else {
            assert!(
                own == "lib" || own == "main",
                "src/{rel}: module `{own}` has no place in RANKS; add it in pipeline order"
            );
            continue;
        };
        files += 1;
        let text = std::fs::read_to_string(path).unwrap();
        for used in used_modules(&text) {
            if used == own {
                continue;
            }
            match rank(&used) {
                // Items of the crate root (`crate::EXIT_ERROR`) are constants.
                None => {}
                Some(r) if r < own_rank => {}
                Some(_) => problems.push(format!(
                    "src/{rel} uses `crate::{used}`, a later stage than `{own}`"
                )),
            }
        }
    }
    assert!(files > 20, "read only {files} files");
    assert!(
        problems.is_empty(),
        "imports that point backwards:\n{}",
        problems.join("\n")
    );
}

#[test]
fn finds_grouped_imports() {
    assert_eq!(
        used_modules(
            "use crate::{EXIT_ERROR, fs, output::{self, Staging}, pipeline};\nlet x = crate::render::x();"
        ),
        ["EXIT_ERROR", "fs", "output", "pipeline", "render"]
    );
}

#[test]
fn main_stays_thin() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    assert!(
        main.lines().count() < 30,
        "src/main.rs has {} lines",
        main.lines().count()
    );
}

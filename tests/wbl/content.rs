//! The embedded toolkit and the example districts are complete and clean.

use crate::helper::Fixture;

fn examples() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("district.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn generic_toolkit_and_every_example_render_without_warnings() {
    let dirs = examples();
    assert!(dirs.len() >= 2, "at least two example districts");
    let fx = Fixture::new();
    fx.wbl(&["adapt", "--out", "generic", "--deny-warnings"])
        .success()
        .no_warnings();
    let generic_pages = std::fs::read_dir(fx.path("generic/site")).unwrap().count();
    assert!(generic_pages >= 22 + 2, "at least 22 pages");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // A copy, so adapting (which may write wbl.lock) leaves the
        // repository alone.
        copy_dir(&dir, &fx.path(&name));
        let out = format!("out-{name}");
        let run = fx.wbl(&["adapt", "--district", &name, "--out", &out, "--deny-warnings"]);
        run.success().no_warnings();
        // Every variable resolved: no template syntax is left in any page.
        for entry in std::fs::read_dir(fx.path(&format!("{out}/site"))).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "html") {
                let html = std::fs::read_to_string(&path).unwrap();
                for leftover in ["{{", "}}", "{%", "%}", "{#"] {
                    assert!(!html.contains(leftover), "{} contains {leftover}", path.display());
                }
            }
        }
    }
}

#[test]
fn embedded_toolkit_is_substantial() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("toolkit-content/pages");
    let mut words = 0;
    let mut kinds = std::collections::BTreeSet::new();
    let mut pages = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        pages += 1;
        words += text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        if let Some(line) = text.lines().find(|l| l.starts_with("kind = ")) {
            kinds.insert(line.to_string());
        }
        for banned in ["lorem ipsum", "TODO", "TBD"] {
            assert!(!text.contains(banned));
        }
    }
    assert!(pages >= 22, "{pages} pages");
    assert!(words >= 15_000, "{words} words");
    assert!(kinds.len() >= 5, "{kinds:?}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

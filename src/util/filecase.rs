//! File names written in district.toml against the names on disk. Windows
//! and macOS find `assets/Logo.svg` when the file is `assets/logo.svg`;
//! the Linux machine that publishes the site does not. So a name that
//! matches only when capitals are ignored is a mistake on every system.

use std::path::Path;

/// The name as it is on disk of `rel` (`/`-separated, under `dir`) when
/// `rel` reaches an existing file only if capitals are ignored.
pub fn real_name(dir: &Path, rel: &str) -> Option<String> {
    let mut at = dir.to_path_buf();
    let mut real = Vec::new();
    let mut differs = false;
    for part in rel.split('/').filter(|p| !p.is_empty() && *p != ".") {
        let names: Vec<String> = std::fs::read_dir(&at)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        let name = if names.iter().any(|n| n == part) {
            part.to_string()
        } else {
            let lower = part.to_lowercase();
            let found = names.into_iter().find(|n| n.to_lowercase() == lower)?;
            differs = true;
            found
        };
        at.push(&name);
        real.push(name);
    }
    differs.then(|| real.join("/"))
}

/// The names in the folder `rel` would be in (for "did you mean").
pub fn siblings(dir: &Path, rel: &str) -> Vec<String> {
    let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
    let folder = parent.split('/').fold(dir.to_path_buf(), |p, part| p.join(part));
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .map(|n| {
                    if parent.is_empty() {
                        n
                    } else {
                        format!("{parent}/{n}")
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_that_differ_only_by_case() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/logo.svg"), "<svg/>").unwrap();
        assert_eq!(
            real_name(dir.path(), "assets/Logo.svg").as_deref(),
            Some("assets/logo.svg")
        );
        assert_eq!(
            real_name(dir.path(), "Assets/logo.SVG").as_deref(),
            Some("assets/logo.svg")
        );
        assert_eq!(real_name(dir.path(), "assets/logo.svg"), None);
        assert_eq!(real_name(dir.path(), "assets/other.svg"), None);
        assert_eq!(siblings(dir.path(), "assets/x.png"), ["assets/logo.svg"]);
    }
}

//! Paths inside the folders and zips wbl writes.

/// A `/`-separated path that stays inside the folder it is written to:
/// no absolute path, drive letter, backslash, control character, `.` or `..`.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    #[test]
    fn safe_paths() {
        use super::is_safe_relative;
        assert!(is_safe_relative("site/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/x"));
        assert!(!is_safe_relative("a//b"));
        assert!(!is_safe_relative("c:/x"));
        assert!(!is_safe_relative("a\nb"));
    }
}

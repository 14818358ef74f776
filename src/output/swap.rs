//! Putting a new folder in the place of the output folder.
//!
//! On Linux and macOS the two folders trade places in one exchange
//! rename (`renameat2(RENAME_EXCHANGE)`, `renamex_np(RENAME_SWAP)`), so the
//! output folder exists at every instant. Elsewhere, and on file systems
//! that cannot exchange, it is two renames: the previous output moves to
//! `.NAME.wbl-old-*` beside it, then the new one moves in.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::fs;

/// Where the previous output went.
pub enum Moved {
    /// The folders traded places: the previous output is where the new one
    /// was built.
    Exchanged { previous: PathBuf },
    /// The previous output was renamed aside.
    Renamed { previous: PathBuf },
    /// There was no previous output.
    Fresh,
}

impl Moved {
    pub fn previous(&self) -> Option<&Path> {
        match self {
            Moved::Exchanged { previous } | Moved::Renamed { previous } => Some(previous),
            Moved::Fresh => None,
        }
    }
}

/// Puts `staging` in the place of `out` (a folder, or nothing).
pub fn replace(staging: &Path, out: &Path, name: &str) -> Result<Moved> {
    if std::fs::symlink_metadata(out).is_err() {
        fs::rename(staging, out)?;
        return Ok(Moved::Fresh);
    }
    if exchange(staging, out)? {
        return Ok(Moved::Exchanged {
            previous: staging.to_path_buf(),
        });
    }
    let parent = out.parent().unwrap_or(Path::new("."));
    let old = aside(parent, name);
    fs::rename(out, &old)?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    Ok(Moved::Renamed { previous: old })
}

/// Undoes [`replace`]: the previous output goes back to `out`, the new one
/// back to `staging`.
pub fn undo(moved: &Moved, staging: &Path, out: &Path) -> Result<()> {
    match moved {
        Moved::Exchanged { .. } => {
            if !exchange(staging, out)? {
                anyhow::bail!("the folders could not trade places again");
            }
            Ok(())
        }
        Moved::Renamed { previous } => {
            fs::rename(out, staging)?;
            fs::rename(previous, out)
        }
        Moved::Fresh => fs::rename(out, staging),
    }
}

/// A name beside the output that nothing uses yet.
fn aside(parent: &Path, name: &str) -> PathBuf {
    let mut n = 0u32;
    loop {
        let candidate = parent.join(format!(".{name}.wbl-old-{}-{n}", std::process::id()));
        if std::fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// Exchanges two existing paths in one step; `false` when the system or
/// file system cannot.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // EINVAL and ENOTSUP: a file system without the exchange; ENOSYS:
        // a kernel without renameat2. (ENOTSUP and EOPNOTSUPP are one on
        // Linux, two on macOS.)
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP].contains(&e) => Ok(false),
        Err(e) => Err(anyhow::Error::from(std::io::Error::from(e)).context(format!(
            "could not exchange `{}` and `{}`",
            fs::display(a),
            fs::display(b)
        ))),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_and_undoes() {
        let tmp = tempfile::tempdir().unwrap();
        let (new, out) = (tmp.path().join("new"), tmp.path().join("out"));
        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join("n"), "new").unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("o"), "old").unwrap();
        let moved = replace(&new, &out, "out").unwrap();
        assert!(out.join("n").is_file());
        let previous = moved.previous().unwrap().to_path_buf();
        assert!(previous.join("o").is_file());
        if cfg!(target_os = "linux") {
            assert!(matches!(moved, Moved::Exchanged { .. }), "Linux exchanges");
        }
        undo(&moved, &new, &out).unwrap();
        assert!(out.join("o").is_file());
        assert!(new.join("n").is_file());
    }
}

//! Writing outputs: the in-memory files go to a folder, atomically, and
//! into the teacher bundle (a zip).

pub mod bundle;
pub mod cdp;
pub mod pdf;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::fs;
use crate::render::OutputFile;

/// The file that marks a folder as written by wbl, so wbl replaces it on
/// the next run but never replaces a folder it did not write.
pub const MARKER: &str = ".wbl-output";
const MARKER_TEXT: &str = "This folder is written by wbl. Every `wbl adapt` replaces all of it,\nso keep your own files elsewhere.\n";

/// Writes `files` to the folder `out`: they are written to a new folder
/// beside it, which then takes its place. If anything fails, the previous
/// `out` is left exactly as it was.
pub fn write_dir(out: &Path, files: &[OutputFile]) -> Result<()> {
    write_dir_then(out, files, &|_| Ok(()))
}

/// Like [`write_dir`], running `finish` on the new folder before it takes
/// the place of `out` (used to print the PDF, so a failed print also
/// leaves `out` untouched).
pub fn write_dir_then(out: &Path, files: &[OutputFile], finish: &dyn Fn(&Path) -> Result<()>) -> Result<()> {
    let staging = Staging::new(out)?;
    for file in files {
        staging.write(&file.path, &file.bytes)?;
    }
    finish(staging.path())?;
    staging.commit()
}

/// A new output folder being filled beside `out`; [`Staging::commit`] puts
/// it in `out`'s place, dropping it removes it.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: tempfile::TempDir,
}

impl Staging {
    pub fn new(out: &Path) -> Result<Staging> {
        check_replaceable(out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".to_string());
        fs::create_dir_all(&parent)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.wbl-new-"))
            .tempdir_in(&parent)
            .with_context(|| format!("could not create a folder in `{}`", fs::display(&parent)))?;
        Ok(Staging {
            out: out.to_path_buf(),
            parent,
            name,
            dir,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes one file, by its `/`-separated path inside the folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if !is_safe_relative(rel) {
            bail!("refusing to write `{rel}`: not a plain relative path");
        }
        fs::write(&fs::join_rel(self.dir.path(), rel), bytes)
    }

    /// Moves the folder into `out`'s place. The previous `out` is removed
    /// only once the new one is in place; if the move fails it is restored.
    pub fn commit(self) -> Result<()> {
        let Staging {
            out,
            parent,
            name,
            dir,
        } = self;
        fs::write(&dir.path().join(MARKER), MARKER_TEXT.as_bytes())?;
        if out.exists() {
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.wbl-old-"))
                .tempdir_in(&parent)
                .with_context(|| format!("could not create a folder in `{}`", fs::display(&parent)))?;
            let old_out = old.path().join(&name);
            fs::rename(&out, &old_out)?;
            let staged = dir.keep();
            if let Err(e) = fs::rename(&staged, &out) {
                let _ = std::fs::rename(&old_out, &out);
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
            drop(old);
        } else {
            let staged = dir.keep();
            if let Err(e) = fs::rename(&staged, &out) {
                let _ = std::fs::remove_dir_all(&staged);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// `out` may be replaced if it does not exist, is empty, or was written by
/// wbl (holds the marker file).
pub fn check_replaceable(out: &Path) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail!("`{}` exists and is not a folder", fs::display(out));
    }
    let mut entries =
        std::fs::read_dir(out).with_context(|| format!("could not read folder `{}`", fs::display(out)))?;
    if entries.next().is_none() || out.join(MARKER).is_file() {
        return Ok(());
    }
    bail!(
        "`{}` is not empty and was not written by wbl; wbl replaces its output folder entirely, so choose a new or empty folder for --out",
        fs::display(out)
    )
}

/// A path that stays inside the folder it is written to.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("site/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/x"));
        assert!(!is_safe_relative("a//b"));
        assert!(!is_safe_relative("c:/x"));
    }

    #[test]
    fn replaces_previous_output_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_dir(&out, &[OutputFile::text("a.txt", "one".into())]).unwrap();
        write_dir(&out, &[OutputFile::text("b.txt", "two".into())]).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "two");

        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "keep").unwrap();
        assert!(write_dir(&foreign, &[]).is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "keep"
        );
        // Nothing is left behind beside the folders.
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2);
    }
}

//! Writing outputs: the in-memory files go to a folder, atomically, and
//! into the teacher bundle (a zip).
//!
//! The rules of the output folder (OUT):
//! - OUT never holds wbl's own sources: a district, toolkit or districts
//!   folder (or the current folder) inside OUT is refused.
//! - wbl replaces OUT only if it is new, empty, or written by wbl, and
//!   only if it holds nothing but the files that build recorded in its
//!   marker file: anything else is the user's, and wbl refuses rather than
//!   delete it.
//! - A run builds everything (the PDFs too) in a staging folder beside
//!   OUT, then swaps the two. On Linux and macOS the swap is one exchange
//!   rename, so OUT exists at every instant; elsewhere (Windows) it is two
//!   renames, with a moment between them in which OUT is missing and the
//!   previous build sits in `.OUT.wbl-old-*` beside it.
//! - A staging folder left by a run that was killed is removed by the
//!   next run; Ctrl-C removes it at once.
//! - A link named OUT is written through: the folder it leads to is
//!   replaced and the link is kept.

pub mod bundle;
pub mod cdp;
mod interrupt;
pub mod pdf;
mod reuse;
mod swap;

use std::io::{Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::fs;
use crate::render::OutputFile;

/// The file that marks a folder as written by wbl and lists what it wrote.
pub const MARKER: &str = ".wbl-output";
/// First line of a marker that lists its files.
const MARKER_FORMAT: &str = "wbl-output 2";
const MARKER_HEADER: &str = "# This folder is written by wbl. Every `wbl adapt` (or `wbl publish`) replaces\n\
# all of it, and refuses to if it holds anything not listed below, so keep\n\
# your own files elsewhere. The files wbl wrote:\n";
/// How many unknown files a refusal names before it says "and N more".
const SHOWN: usize = 5;

/// A folder wbl reads, which must not end up inside OUT.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// What it is, for the message: "district folder", "toolkit folder"…
    pub what: &'a str,
    pub path: &'a Path,
}

/// The output folder, checked: it holds no sources and nothing wbl did not
/// write, and it may be replaced.
#[derive(Debug, Clone)]
pub struct Out {
    /// As the user wrote it, for messages.
    shown: String,
    /// The folder itself, every link followed.
    real: PathBuf,
}

impl Out {
    /// Checks `out` against the rules above. The current folder always
    /// counts as a source.
    pub fn check(out: &Path, sources: &[Source]) -> Result<Out> {
        let shown = fs::display(out);
        let real = real_path(out, &shown)?;
        if real.file_name().is_none() || real.parent().is_none() {
            bail!("`{shown}` cannot be an output folder: wbl replaces its output folder entirely");
        }
        let cwd = std::env::current_dir().ok();
        let mut all: Vec<Source> = sources.to_vec();
        if let Some(cwd) = &cwd {
            all.push(Source {
                what: "current folder",
                path: cwd,
            });
        }
        for source in all {
            let Ok(canonical) = source.path.canonicalize() else {
                continue;
            };
            if canonical.starts_with(&real) {
                let relation = if canonical == real { "is" } else { "holds" };
                bail!(
                    "`{shown}` {relation} the {} `{}`; wbl replaces its output folder entirely, so choose an --out outside your sources",
                    source.what,
                    fs::display(source.path)
                );
            }
        }
        check_replaceable(&real, &shown)?;
        Ok(Out { shown, real })
    }

    /// The folder as the user wrote it.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The real folder written to.
    pub fn path(&self) -> &Path {
        &self.real
    }

    fn parent(&self) -> &Path {
        self.real.parent().expect("checked in Out::check")
    }

    fn name(&self) -> String {
        self.real
            .file_name()
            .expect("checked in Out::check")
            .to_string_lossy()
            .into_owned()
    }

    /// Removes staging folders that an interrupted run left beside OUT:
    /// only folders named as wbl names them, holding wbl's marker, and not
    /// in use by a run still going. Returns their names.
    pub fn remove_stale(&self) -> Vec<String> {
        let prefixes = [
            format!(".{}.wbl-new-", self.name()),
            format!(".{}.wbl-old-", self.name()),
        ];
        let Ok(entries) = std::fs::read_dir(self.parent()) else {
            return Vec::new();
        };
        let mut removed = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !prefixes
                .iter()
                .any(|p| name.starts_with(p.as_str()) && name.len() > p.len())
            {
                continue;
            }
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let marker = entry.path().join(MARKER);
            if !is_dir || !marker.is_file() || interrupt::in_use(&marker) {
                continue;
            }
            if std::fs::remove_dir_all(entry.path()).is_ok() {
                removed.push(name);
            }
        }
        removed.sort();
        removed
    }
}

/// `out` with every link followed; for a folder that does not exist yet,
/// its nearest existing parent's real path with the rest appended.
fn real_path(out: &Path, shown: &str) -> Result<PathBuf> {
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(out).unwrap_or_default();
            let real = out.canonicalize().map_err(|_| {
                anyhow::anyhow!(
                    "`{shown}` is a link to `{}`, which does not exist; create that folder or remove the link",
                    target.display()
                )
            })?;
            if !real.is_dir() {
                bail!(
                    "`{shown}` is a link to `{}`, which is not a folder",
                    target.display()
                );
            }
            return Ok(real);
        }
        if !meta.is_dir() {
            bail!("`{shown}` exists and is not a folder");
        }
        return out
            .canonicalize()
            .with_context(|| format!("could not open folder `{shown}`"));
    }
    let absolute = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .context("could not find the current folder")?
            .join(out)
    };
    // Walk up to the first part that exists; the rest is created.
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = existing
        .canonicalize()
        .with_context(|| format!("could not open folder `{}`", fs::display(existing)))?;
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                real.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => real.push(part),
        }
    }
    Ok(real)
}

/// `out` may be replaced if it does not exist, is empty, or was written by
/// wbl and holds only the files that build wrote.
fn check_replaceable(out: &Path, shown: &str) -> Result<()> {
    if !out.exists() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(out).with_context(|| format!("could not read folder `{shown}`"))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let marker = out.join(MARKER);
    if !marker.is_file() {
        bail!(
            "`{shown}` is not empty and was not written by wbl; wbl replaces its output folder entirely, so choose a new or empty folder for --out"
        );
    }
    let text = std::fs::read_to_string(&marker).unwrap_or_default();
    let Some(listed) = parse_marker(&text) else {
        bail!(
            "`{shown}` was written by an older wbl that did not record which files it wrote, so wbl cannot tell your files from its own; move any files of yours out of it, delete the folder, and run again"
        );
    };
    let unknown = unknown_files(out, &listed)?;
    if !unknown.is_empty() {
        let mut names: Vec<String> = unknown
            .iter()
            .take(SHOWN)
            .map(|rel| format!("`{}`", fs::display(&fs::join_rel(Path::new(shown), rel))))
            .collect();
        if unknown.len() > SHOWN {
            names.push(format!("and {} more", unknown.len() - SHOWN));
        }
        bail!(
            "`{shown}` holds files wbl did not write: {}; wbl replaces its output folder entirely, so move them elsewhere (or choose another --out) and run again",
            names.join(", ")
        );
    }
    Ok(())
}

/// The files a marker lists, or `None` for a marker that lists none (one
/// written by an older wbl).
fn parse_marker(text: &str) -> Option<std::collections::BTreeSet<String>> {
    let mut lines = text.lines();
    if lines.next() != Some(MARKER_FORMAT) {
        return None;
    }
    Some(
        lines
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

/// Files (and links, and folders holding no listed file) under `out` that
/// are not in `listed`, as `/`-separated paths, sorted.
fn unknown_files(out: &Path, listed: &std::collections::BTreeSet<String>) -> Result<Vec<String>> {
    let mut parents = std::collections::BTreeSet::new();
    for path in listed {
        let mut at = path.as_str();
        while let Some((parent, _)) = at.rsplit_once('/') {
            parents.insert(parent.to_string());
            at = parent;
        }
    }
    let mut unknown = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let entry = entry.with_context(|| format!("could not list `{}`", fs::display(out)))?;
        let rel = relative(out, entry.path());
        if rel == MARKER {
            continue;
        }
        let known = if entry.file_type().is_dir() {
            parents.contains(&rel)
        } else {
            listed.contains(&rel)
        };
        if !known {
            unknown.push(rel);
        }
    }
    Ok(unknown)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Writes `files` to the folder `out`: they are written to a new folder
/// beside it, which then takes its place. If anything fails, the previous
/// `out` is left exactly as it was.
pub fn write_dir(out: &Out, files: &[OutputFile]) -> Result<()> {
    let staging = Staging::new(out)?;
    for file in files {
        staging.write(&file.path, &file.bytes)?;
    }
    staging.commit()
}

/// A new output folder being filled beside OUT; [`Staging::commit`] puts it
/// in OUT's place, dropping it removes it.
pub struct Staging {
    out: Out,
    dir: PathBuf,
    /// The marker, open and locked while the run lasts, so another run
    /// does not take the folder for one left by a killed run.
    marker: std::fs::File,
    /// The previous output, whose unchanged files are linked, not copied.
    previous: Option<reuse::Previous>,
    /// Folders made so far, so each is made once, not once per file.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    done: bool,
}

impl Staging {
    pub fn new(out: &Out) -> Result<Staging> {
        interrupt::install();
        let parent = out.parent();
        fs::create_dir_all(parent)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{}.wbl-new-", out.name()))
            .tempdir_in(parent)
            .with_context(|| format!("could not create a folder in `{}`", fs::display(parent)))?
            .keep();
        let marker = (|| -> Result<std::fs::File> {
            let path = dir.join(MARKER);
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| format!("could not write `{}`", fs::display(&path)))?;
            interrupt::hold(&file);
            file.write_all(format!("{MARKER_FORMAT}\n# being written by wbl\n").as_bytes())
                .with_context(|| format!("could not write `{}`", fs::display(&path)))?;
            Ok(file)
        })();
        let marker = match marker {
            Ok(m) => m,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        interrupt::register(&dir, out.shown());
        Ok(Staging {
            out: out.clone(),
            previous: reuse::Previous::of(out.path()),
            made: std::sync::Mutex::new(std::collections::HashSet::from([dir.clone()])),
            dir,
            marker,
            done: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes one file, by its `/`-separated path inside the folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if !is_safe_relative(rel) || rel == MARKER {
            bail!("refusing to write `{rel}`: not a plain relative path");
        }
        let _gate = interrupt::gate()?;
        let path = fs::join_rel(&self.dir, rel);
        if let Some(parent) = path.parent() {
            self.make_folder(parent)?;
        }
        if let Some(previous) = &self.previous
            && previous.link(rel, &path, bytes)
        {
            return Ok(());
        }
        std::fs::write(&path, bytes).with_context(|| format!("could not write `{}`", path.display()))
    }

    /// Makes `dir` (inside the staging folder) unless this run made it.
    fn make_folder(&self, dir: &Path) -> Result<()> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if made.contains(dir) {
            return Ok(());
        }
        fs::create_dir_all(dir)?;
        made.insert(dir.to_path_buf());
        Ok(())
    }

    /// Moves the folder into OUT's place.
    pub fn commit(self) -> Result<()> {
        self.commit_then(|| Ok(()))
    }

    /// Moves the folder into OUT's place, then runs `then` (which writes
    /// what lives outside OUT, such as `wbl.lock`). If the move or `then`
    /// fails, the previous OUT is put back.
    pub fn commit_then(mut self, then: impl FnOnce() -> Result<()>) -> Result<()> {
        let _gate = interrupt::gate()?;
        self.write_marker()?;
        let out = self.out.path().to_path_buf();
        let shown = self.out.shown().to_string();
        let moved = swap::replace(&self.dir, &out, &self.out.name())
            .with_context(|| format!("could not move the new output into `{shown}`"))?;
        if let Err(e) = then() {
            return match swap::undo(&moved, &self.dir, &out) {
                Ok(()) => Err(e.context(format!("`{shown}` is unchanged"))),
                Err(undo) => Err(e.context(format!(
                    "and the previous `{shown}` could not be put back ({undo:#}); it is in `{}`",
                    fs::display(moved.previous().unwrap_or(&self.dir))
                ))),
            };
        }
        self.done = true;
        interrupt::unregister(&self.dir);
        // The previous output, now beside OUT. Should this fail, the next
        // run finds it (it holds a marker) and removes it.
        if let Some(previous) = moved.previous() {
            let _ = std::fs::remove_dir_all(previous);
        }
        Ok(())
    }

    /// The marker, now listing every file in the folder.
    fn write_marker(&mut self) -> Result<()> {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir).min_depth(1).sort_by_file_name() {
            let entry = entry.with_context(|| format!("could not list `{}`", fs::display(&self.dir)))?;
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = relative(&self.dir, entry.path());
            if rel != MARKER {
                files.push(rel);
            }
        }
        let mut text = format!("{MARKER_FORMAT}\n{MARKER_HEADER}");
        for f in &files {
            text.push_str(f);
            text.push('\n');
        }
        let path = self.dir.join(MARKER);
        let file = &mut self.marker;
        (|| -> std::io::Result<()> {
            file.set_len(0)?;
            file.rewind()?;
            file.write_all(text.as_bytes())?;
            file.flush()
        })()
        .with_context(|| format!("could not write `{}`", fs::display(&path)))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
            interrupt::unregister(&self.dir);
        }
    }
}

/// Removes `file` if Ctrl-C stops the run before [`forget_on_interrupt`]:
/// for what a run writes outside OUT before the swap (the new `wbl.lock`).
/// Makes Ctrl-C end the run with exit 130 from now on, removing what
/// is registered by then: for work before any staging folder exists (the
/// PDFs are printed in a scratch folder before OUT's staging).
pub fn stop_cleanly_on_interrupt() {
    interrupt::install();
}

pub fn remove_on_interrupt(file: &Path) {
    interrupt::install();
    interrupt::register_file(file);
}

pub fn forget_on_interrupt(file: &Path) {
    interrupt::forget(file);
}

/// Reads a marker's text (for tests and diagnostics).
pub fn marker_files(out: &Path) -> Option<Vec<String>> {
    let mut text = String::new();
    std::fs::File::open(out.join(MARKER))
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    parse_marker(&text).map(|set| set.into_iter().collect())
}

pub use crate::util::paths::is_safe_relative;

#[cfg(test)]
mod tests {
    use super::*;

    fn out(path: &Path) -> Out {
        Out::check(path, &[]).unwrap()
    }

    fn beside(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_previous_output_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        write_dir(&out(&path), &[OutputFile::text("a.txt", "one".into())]).unwrap();
        write_dir(&out(&path), &[OutputFile::text("b/c.txt", "two".into())]).unwrap();
        assert!(!path.join("a.txt").exists());
        assert_eq!(std::fs::read_to_string(path.join("b/c.txt")).unwrap(), "two");
        assert_eq!(marker_files(&path).unwrap(), ["b/c.txt"]);

        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "keep").unwrap();
        assert!(Out::check(&foreign, &[]).is_err());
        assert_eq!(
            std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "keep"
        );
        // Nothing is left behind beside the folders.
        assert_eq!(beside(tmp.path()), ["mine", "out"]);
    }

    #[test]
    fn refuses_an_output_holding_files_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        write_dir(&out(&path), &[OutputFile::text("site/a.html", "a".into())]).unwrap();
        std::fs::write(path.join("site/notes.txt"), "mine").unwrap();
        let e = Out::check(&path, &[]).unwrap_err().to_string();
        assert!(e.contains("holds files wbl did not write"), "{e}");
        assert!(e.contains("site/notes.txt"), "{e}");
        std::fs::remove_file(path.join("site/notes.txt")).unwrap();
        std::fs::create_dir(path.join("empty")).unwrap();
        assert!(Out::check(&path, &[]).is_err(), "a folder of the user's");
    }

    #[test]
    fn refuses_an_output_holding_its_sources() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        write_dir(&out(&path), &[]).unwrap();
        let district = path.join("my-district");
        std::fs::create_dir(&district).unwrap();
        let source = Source {
            what: "district folder",
            path: &district,
        };
        let e = Out::check(&path, &[source]).unwrap_err().to_string();
        assert!(e.contains("holds the district folder"), "{e}");
        let e = Out::check(&district, &[source]).unwrap_err().to_string();
        assert!(e.contains("is the district folder"), "{e}");
        // Through `..` and links too.
        let e = Out::check(&district.join(".."), &[source])
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds the district folder"), "{e}");
    }

    #[test]
    fn a_failure_after_the_swap_puts_the_previous_output_back() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        write_dir(&out(&path), &[OutputFile::text("old.txt", "old".into())]).unwrap();
        let staging = Staging::new(&out(&path)).unwrap();
        staging.write("new.txt", b"new").unwrap();
        let e = staging
            .commit_then(|| bail!("the lock could not be written"))
            .unwrap_err();
        assert!(format!("{e:#}").contains("`"), "{e:#}");
        assert_eq!(std::fs::read_to_string(path.join("old.txt")).unwrap(), "old");
        assert!(!path.join("new.txt").exists());
        assert_eq!(beside(tmp.path()), ["out"]);
    }

    #[test]
    fn a_dropped_staging_folder_is_removed_and_a_stale_one_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        let staging = Staging::new(&out(&path)).unwrap();
        staging.write("x.txt", b"x").unwrap();
        // In use: another run must not take it for a stale one.
        assert!(out(&path).remove_stale().is_empty());
        drop(staging);
        assert!(beside(tmp.path()).is_empty());

        // What a killed run leaves: a marked folder nobody holds.
        let stale = tmp.path().join(".out.wbl-new-abc123");
        std::fs::create_dir_all(stale.join("site")).unwrap();
        std::fs::write(stale.join(MARKER), "wbl-output 2\n").unwrap();
        // Look-alikes without the marker, or named otherwise, stay.
        let unmarked = tmp.path().join(".out.wbl-old-zzz");
        std::fs::create_dir(&unmarked).unwrap();
        let other = tmp.path().join(".other.wbl-new-abc");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join(MARKER), "wbl-output 2\n").unwrap();
        assert_eq!(out(&path).remove_stale(), [".out.wbl-new-abc123"]);
        assert_eq!(beside(tmp.path()), [".other.wbl-new-abc", ".out.wbl-old-zzz"]);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_changed_ones_written_anew() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        let inode = |rel: &str| std::fs::metadata(path.join(rel)).unwrap().ino();
        let first = [
            OutputFile::text("site/same.html", "same".into()),
            OutputFile::text("site/changed.html", "one".into()),
            OutputFile::text("site/edited.html", "wbl's".into()),
            OutputFile::text("site/shared.html", "shared".into()),
        ];
        write_dir(&out(&path), &first).unwrap();
        let (same, changed, edited, shared) = (
            inode("site/same.html"),
            inode("site/changed.html"),
            inode("site/edited.html"),
            inode("site/shared.html"),
        );
        // The reader edits a file in place (same length), and links
        // another one from a folder of their own.
        std::fs::write(path.join("site/edited.html"), "mine!").unwrap();
        let keep = tmp.path().join("kept.html");
        std::fs::hard_link(path.join("site/shared.html"), &keep).unwrap();

        let second = [
            OutputFile::text("site/same.html", "same".into()),
            OutputFile::text("site/changed.html", "two".into()),
            OutputFile::text("site/edited.html", "wbl's".into()),
            OutputFile::text("site/shared.html", "shared".into()),
        ];
        write_dir(&out(&path), &second).unwrap();
        assert_eq!(inode("site/same.html"), same, "unchanged: linked");
        assert_eq!(
            std::fs::metadata(path.join("site/same.html")).unwrap().nlink(),
            1,
            "the previous output is gone"
        );
        assert_ne!(inode("site/changed.html"), changed);
        assert_eq!(
            std::fs::read_to_string(path.join("site/changed.html")).unwrap(),
            "two"
        );
        assert_ne!(inode("site/edited.html"), edited, "the bytes differ: written");
        assert_eq!(
            std::fs::read_to_string(path.join("site/edited.html")).unwrap(),
            "wbl's"
        );
        assert_ne!(
            inode("site/shared.html"),
            shared,
            "linked from elsewhere: written"
        );
        // So what wbl writes next never reaches the reader's own file.
        write_dir(
            &out(&path),
            &[OutputFile::text("site/shared.html", "other".into())],
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&keep).unwrap(), "shared");
        assert_eq!(beside(tmp.path()), ["kept.html", "out"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_run_leaves_linked_files_of_the_previous_output_as_they_were() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out");
        write_dir(&out(&path), &[OutputFile::text("a.txt", "a".into())]).unwrap();
        let staging = Staging::new(&out(&path)).unwrap();
        staging.write("a.txt", b"a").unwrap();
        assert_eq!(
            std::fs::metadata(path.join("a.txt")).unwrap().nlink(),
            2,
            "linked"
        );
        let e = staging.commit_then(|| bail!("the lock could not be written"));
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(path.join("a.txt")).unwrap(), "a");
        assert_eq!(std::fs::metadata(path.join("a.txt")).unwrap().nlink(), 1);
        assert_eq!(beside(tmp.path()), ["out"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_is_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("real-out");
        write_dir(&out(&target), &[OutputFile::text("a.txt", "one".into())]).unwrap();
        let link = tmp.path().join("out");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_dir(&out(&link), &[OutputFile::text("b.txt", "two".into())]).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(target.join("b.txt")).unwrap(), "two");
        assert!(!target.join("a.txt").exists());

        let dangling = tmp.path().join("dangling");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
        let e = Out::check(&dangling, &[]).unwrap_err().to_string();
        assert!(e.contains("which does not exist"), "{e}");
    }
}

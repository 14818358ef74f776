//! Taking a file that did not change since the previous output into the
//! staging folder by hard link instead of writing it again.
//!
//! On ext4 most of the time of writing an output folder is the file
//! system allocating a fresh inode for every file of the fresh staging
//! folder (docs/performance.md); a hard link only adds a name to the inode
//! the previous output already has. The previous output is removed right
//! after the swap, so the linked inode is then held by the new output
//! alone.
//!
//! Why this keeps every guarantee of the swap:
//! - the staging folder is still a folder of its own, swapped in one
//!   step; a failed or interrupted run removes it, which only drops the
//!   extra names (the previous output keeps its files);
//! - wbl never writes into an existing file: every file of the staging
//!   folder is created new (or linked), and the previous output is only
//!   ever unlinked, so an inode shared by the two folders is never
//!   modified;
//! - a file is linked only if its bytes are exactly the new bytes, it is a
//!   plain file the previous marker lists, and nothing else links to it
//!   (one link), so no file outside OUT ends up sharing the new output's
//!   bytes;
//! - when anything about linking fails (another file system, a system
//!   without hard links, a file changed under us) the file is written as
//!   before.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files of the previous output that may be linked.
pub struct Previous {
    dir: PathBuf,
    files: BTreeSet<String>,
}

impl Previous {
    /// The previous output at `out`, when it is a folder wbl wrote with a
    /// marker that lists its files; `None` otherwise, or where hard links
    /// are not worth trying.
    pub fn of(out: &Path) -> Option<Previous> {
        if !cfg!(unix) {
            return None;
        }
        let files = super::marker_files(out)?;
        Some(Previous {
            dir: out.to_path_buf(),
            files: files.into_iter().collect(),
        })
    }

    /// Links `dest` to the previous output's `rel` if that file holds
    /// exactly `bytes`; `false` (and nothing at `dest`) otherwise.
    pub fn link(&self, rel: &str, dest: &Path, bytes: &[u8]) -> bool {
        if !self.files.contains(rel) {
            return false;
        }
        let source = crate::fs::join_rel(&self.dir, rel);
        let Some(identity) = same_bytes(&source, bytes) else {
            return false;
        };
        if std::fs::hard_link(&source, dest).is_err() {
            return false;
        }
        // The name could have been given another file between the check
        // and the link: keep the link only if it is the file compared.
        if file_identity(dest) == Some(identity) {
            return true;
        }
        let _ = std::fs::remove_file(dest);
        false
    }
}

/// The file's identity (device, inode) if `path` is a plain file, linked
/// once, holding exactly `bytes`.
#[cfg(unix)]
fn same_bytes(path: &Path, bytes: &[u8]) -> Option<(u64, u64)> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        // Neither a link to elsewhere nor a named pipe that would block.
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(path)
        .ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.nlink() != 1 || meta.len() != bytes.len() as u64 {
        return None;
    }
    let mut old = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old).ok()?;
    (old == bytes).then_some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn same_bytes(_: &Path, _: &[u8]) -> Option<(u64, u64)> {
    None
}

#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_identity(_: &Path) -> Option<(u64, u64)> {
    None
}

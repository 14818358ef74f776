//! A source tree read into memory: the embedded default toolkit, or a
//! folder on disk. Everything after loading works on this, so the embedded
//! and on-disk toolkits behave identically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::embedded;
use crate::fs;

#[derive(Debug, Clone)]
pub struct SourceTree {
    /// How paths in this tree are shown: the folder as given, or
    /// `<embedded>/toolkit-content` for the built-in toolkit.
    root_display: String,
    /// The folder on disk, if any.
    root: Option<PathBuf>,
    /// File contents by `/`-separated path relative to the root.
    files: BTreeMap<String, Arc<[u8]>>,
}

impl SourceTree {
    /// The toolkit compiled into the binary.
    pub fn embedded() -> Self {
        let mut files = BTreeMap::new();
        embedded::walk(&embedded::TOOLKIT, &mut |path, bytes| {
            files.insert(path.to_string(), Arc::from(bytes));
        });
        SourceTree {
            root_display: "<embedded>/toolkit-content".to_string(),
            root: None,
            files,
        }
    }

    /// A tree from files held in memory (tests, fuzzing).
    pub fn from_memory(root_display: &str, files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        SourceTree {
            root_display: root_display.to_string(),
            root: None,
            files: files.into_iter().map(|(k, v)| (k, Arc::from(v))).collect(),
        }
    }

    /// Reads the named top-level files and every file under the named
    /// folders of `root`. A file that is a link leading outside `root` is
    /// refused: a district folder must be self-contained.
    pub fn from_dir(root: &Path, top_files: &[&str], folders: &[&str]) -> Result<Self> {
        if !root.is_dir() {
            bail!("`{}` is not a folder", fs::display(root));
        }
        let canonical_root = root
            .canonicalize()
            .with_context(|| format!("could not open folder `{}`", fs::display(root)))?;
        let mut files = BTreeMap::new();
        for name in top_files {
            let path = root.join(name);
            if path.exists() {
                files.insert(name.to_string(), Arc::from(fs::read(&path)?));
            }
        }
        for folder in folders {
            let dir = root.join(folder);
            if !dir.is_dir() {
                continue;
            }
            let mut entries = Vec::new();
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.with_context(|| format!("could not list `{}`", dir.display()))?;
                entries.push(entry);
            }
            for entry in entries {
                let path = entry.path();
                let is_link = entry.path_is_symlink();
                if is_link {
                    let target = path.canonicalize().ok();
                    match target {
                        Some(t) if t.starts_with(&canonical_root) && t.is_dir() => continue,
                        Some(t) if t.starts_with(&canonical_root) => {}
                        _ => bail!(
                            "`{}` is a link leading outside `{}`; copy the file into the folder instead",
                            fs::display(path),
                            fs::display(root)
                        ),
                    }
                } else if entry.file_type().is_dir() {
                    continue;
                }
                // Anything else that is not a plain file (a named pipe, a
                // device) is refused when read, rather than skipped
                // silently or read forever.
                let rel = path
                    .strip_prefix(root)
                    .expect("walkdir yields paths under its root")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(rel, Arc::from(fs::read(path)?));
            }
        }
        Ok(SourceTree {
            root_display: fs::display(root),
            root: Some(root.to_path_buf()),
            files,
        })
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Every file's path, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn get(&self, rel: &str) -> Option<&Arc<[u8]>> {
        self.files.get(rel)
    }

    /// Files directly or indirectly under `folder/`, in path order.
    pub fn under<'a>(&'a self, folder: &str) -> impl Iterator<Item = (&'a str, &'a Arc<[u8]>)> {
        let prefix = format!("{folder}/");
        self.files
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// A path inside the tree as shown in messages.
    pub fn display(&self, rel: &str) -> String {
        if self.root_display.is_empty() || self.root_display == "." {
            rel.to_string()
        } else {
            format!("{}/{}", self.root_display, rel)
        }
    }
}

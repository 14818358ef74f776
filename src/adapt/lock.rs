//! `wbl.lock`: for each override, the toolkit text it was made against.
//!
//! When a later toolkit changes that text, wbl warns and `wbl diff` shows
//! the change, so a district reviews its overrides on every upgrade
//! instead of silently keeping a stale copy.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::content::load::{parse_toml, read_text};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::util::hash::sha256_hex;

pub const FILE_NAME: &str = "wbl.lock";

const HEADER: &str = "# wbl.lock: written by wbl; commit it with district.toml.\n\
# For each override it records the toolkit text the override was made\n\
# against, so wbl can tell you when that text changes in a new toolkit\n\
# version. Review such changes with `wbl diff`; accept them with\n\
# `wbl diff --accept TARGET` or `--accept-all`. Do not edit by hand.\n\n";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// The toolkit id the overrides are for.
    pub toolkit: String,
    /// One entry per overridden target, sorted by target.
    #[serde(default, rename = "override")]
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `page` or `page#section`.
    pub target: String,
    /// The toolkit version the baseline text comes from.
    pub version: String,
    /// SHA-256 of `upstream`, so a hand edit of the text is noticed.
    pub sha256: String,
    /// The toolkit's text of the target when the override was made or last
    /// accepted.
    pub upstream: String,
}

impl Entry {
    pub fn new(target: &str, version: &str, upstream: &str) -> Entry {
        Entry {
            target: target.to_string(),
            version: version.to_string(),
            sha256: sha256_hex(upstream.as_bytes()),
            upstream: upstream.to_string(),
        }
    }
}

impl Lock {
    pub fn new(toolkit: &str) -> Lock {
        Lock {
            toolkit: toolkit.to_string(),
            entries: Vec::new(),
        }
    }

    pub fn get(&self, target: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.target == target)
    }

    /// Adds or replaces the entry for its target, keeping the order stable.
    pub fn set(&mut self, entry: Entry) {
        match self.entries.binary_search_by(|e| e.target.cmp(&entry.target)) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    pub fn to_toml(&self) -> String {
        let mut sorted = self.clone();
        sorted.entries.sort_by(|a, b| a.target.cmp(&b.target));
        let body = toml::to_string_pretty(&sorted).expect("a lock always serialises");
        format!("{HEADER}{body}")
    }

    /// Reads `DIR/wbl.lock` if there is one.
    pub fn load(dir: &Path, display: &str, diags: &mut Diagnostics) -> Result<Option<Lock>> {
        let path = dir.join(FILE_NAME);
        if !path.is_file() {
            return Ok(None);
        }
        let bytes = crate::fs::read(&path)?;
        let Some(file) = read_text(display, &bytes, diags) else {
            return Ok(None);
        };
        let Some(lock) = parse_toml::<Lock>(&file, 0..file.text.len(), diags) else {
            return Ok(None);
        };
        for entry in &lock.entries {
            if sha256_hex(entry.upstream.as_bytes()) != entry.sha256 {
                let at = file.text.find(&entry.target).unwrap_or(0);
                diags.push(
                    Diagnostic::warning(
                        Code::LockEdited,
                        format!(
                            "the recorded text of `{}` in wbl.lock was edited by hand",
                            entry.target
                        ),
                    )
                    .at(&file, at..at + entry.target.len())
                    .with_help(
                        "restore wbl.lock from version control, or run `wbl diff --accept` on the target",
                    ),
                );
            }
        }
        Ok(Some(lock))
    }
}

/// How a locked target compares with the current toolkit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not in the lock yet: recorded on the next `wbl adapt`.
    New,
    Unchanged,
    /// The toolkit's text differs from the baseline.
    Changed {
        baseline: Entry,
    },
}

pub fn status(lock: Option<&Lock>, target: &str, upstream: &str) -> Status {
    match lock.and_then(|l| l.get(target)) {
        None => Status::New,
        Some(e) if e.sha256 == sha256_hex(upstream.as_bytes()) => Status::Unchanged,
        Some(e) => Status::Changed { baseline: e.clone() },
    }
}

/// The lock after an adapt: new targets added, recorded baselines kept.
/// `None` when nothing needs writing.
pub fn updated(
    lock: Option<&Lock>,
    toolkit_id: &str,
    version: &str,
    applied: &BTreeMap<String, String>,
) -> Option<Lock> {
    if lock.is_none() && applied.is_empty() {
        // No overrides, nothing to record: no lock file to commit either.
        return None;
    }
    let mut next = lock.cloned().unwrap_or_else(|| Lock::new(toolkit_id));
    for (target, upstream) in applied {
        if next.get(target).is_none() {
            next.set(Entry::new(target, version, upstream));
        }
    }
    (lock != Some(&next)).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_toml_with_multiline_text() {
        let mut lock = Lock::new("kit");
        lock.set(Entry::new(
            "b#x",
            "1.0.0",
            "## B {#x}\n\nText with ''' and \"\"\" quotes.\n",
        ));
        lock.set(Entry::new("a", "1.0.0", "Body\n"));
        let text = lock.to_toml();
        assert!(text.starts_with("# wbl.lock"));
        assert!(text.find("target = \"a\"").unwrap() < text.find("target = \"b#x\"").unwrap());
        let back: Lock = toml::from_str(&text).unwrap();
        assert_eq!(back, lock);
    }

    #[test]
    fn statuses() {
        let mut lock = Lock::new("kit");
        lock.set(Entry::new("a", "1.0.0", "old"));
        assert_eq!(status(Some(&lock), "a", "old"), Status::Unchanged);
        assert!(matches!(status(Some(&lock), "a", "new"), Status::Changed { .. }));
        assert_eq!(status(Some(&lock), "b", "x"), Status::New);
        assert_eq!(status(None, "a", "x"), Status::New);
    }

    #[test]
    fn updates_only_add_targets() {
        let mut lock = Lock::new("kit");
        lock.set(Entry::new("a", "1.0.0", "old"));
        let mut applied = BTreeMap::new();
        applied.insert("a".to_string(), "changed upstream".to_string());
        assert_eq!(updated(Some(&lock), "kit", "1.1.0", &applied), None);
        applied.insert("b".to_string(), "b text".to_string());
        let next = updated(Some(&lock), "kit", "1.1.0", &applied).unwrap();
        assert_eq!(next.get("a").unwrap().upstream, "old");
        assert_eq!(next.get("b").unwrap().version, "1.1.0");
    }
}

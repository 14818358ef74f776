//! `wbl.lock`: for each override, the toolkit text it was made against.
//!
//! When a later toolkit changes that text, wbl warns and `wbl diff` shows
//! the change, so a district reviews its overrides on every upgrade
//! instead of silently keeping a stale copy.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::content::load::{parse_toml, read_text};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile};
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
    /// For each section of the district's own translations, the English
    /// text it was translated from (see `adapt::translations`). A lock
    /// written before translations existed has none, and still loads.
    #[serde(default, rename = "translation", skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<TranslationEntry>,
    /// The file the lock was read from, for diagnostics.
    #[serde(skip)]
    pub origin: Origin,
}

/// Where a lock was read from. Two locks with the same entries are equal
/// wherever they came from.
#[derive(Debug, Clone, Default)]
pub struct Origin(pub Option<Arc<SourceFile>>);

impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl Eq for Origin {}

/// Help for a lock wbl cannot read.
const DAMAGED_HELP: &str = "wbl.lock is written by wbl, and this one is damaged (cut short, or edited by hand); \
restore it from version control, or delete it and run `wbl adapt`, which records the overrides again \
against the toolkit in use";

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

/// The source-language text one translated section was made from, in
/// `wbl.lock` (a district's translations) or `translations.lock` (the
/// toolkit's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationEntry {
    /// The language of the translation (`es`).
    pub lang: String,
    /// `page` (its title, summary and opening text) or `page#section`.
    pub target: String,
    /// The toolkit version in use when the translation was recorded.
    pub version: String,
    /// SHA-256 of `source`, so a hand edit of the text is noticed.
    pub sha256: String,
    /// The source-language text the translation was made from.
    pub source: String,
}

impl TranslationEntry {
    pub fn new(lang: &str, target: &str, version: &str, source: &str) -> TranslationEntry {
        TranslationEntry {
            lang: lang.to_string(),
            target: target.to_string(),
            version: version.to_string(),
            sha256: sha256_hex(source.as_bytes()),
            source: source.to_string(),
        }
    }

    fn key(&self) -> (&str, &str) {
        (&self.lang, &self.target)
    }
}

/// Finds the entry for `lang` and `target` in entries sorted by both.
pub fn find_translation<'a>(
    entries: &'a [TranslationEntry],
    lang: &str,
    target: &str,
) -> Option<&'a TranslationEntry> {
    entries
        .binary_search_by(|e| e.key().cmp(&(lang, target)))
        .ok()
        .map(|i| &entries[i])
}

/// Adds or replaces the entry for its language and target, keeping the
/// entries sorted.
pub fn set_translation(entries: &mut Vec<TranslationEntry>, entry: TranslationEntry) {
    match entries.binary_search_by(|e| e.key().cmp(&entry.key())) {
        Ok(i) => entries[i] = entry,
        Err(i) => entries.insert(i, entry),
    }
}

/// Warns about each entry whose recorded text no longer matches its hash.
pub fn check_translation_hashes(
    entries: &[TranslationEntry],
    file: &Arc<SourceFile>,
    name: &str,
    diags: &mut Diagnostics,
) {
    for entry in entries {
        if sha256_hex(entry.source.as_bytes()) != entry.sha256 {
            let at = file
                .text
                .find(&format!("\"{}\"", entry.target))
                .map_or(0, |i| i + 1);
            diags.push(
                Diagnostic::warning(
                    Code::LockEdited,
                    format!(
                        "the recorded English text of the `{}` translation of `{}` in {name} was edited by hand",
                        entry.lang, entry.target
                    ),
                )
                .at(file, at..at + entry.target.len())
                .with_help(format!(
                    "restore {name} from version control, or review the translation again and accept it with `wbl diff --lang {} --accept {}`",
                    entry.lang, entry.target
                )),
            );
        }
    }
}

impl Lock {
    pub fn new(toolkit: &str) -> Lock {
        Lock {
            toolkit: toolkit.to_string(),
            entries: Vec::new(),
            translations: Vec::new(),
            origin: Origin::default(),
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
        sorted.translations.sort_by(|a, b| a.key().cmp(&b.key()));
        let body = toml::to_string_pretty(&sorted).expect("a lock always serialises");
        format!("{HEADER}{body}")
    }

    /// Reads `DIR/wbl.lock` if there is one.
    pub fn load(dir: &Path, display: &str, diags: &mut Diagnostics) -> Result<Option<Lock>> {
        let path = dir.join(FILE_NAME);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Ok(None);
        };
        if !meta.is_file() {
            diags.push(
                Diagnostic::error(Code::BadLock, format!("`{display}` is not a file"))
                    .in_file(display)
                    .with_help(
                        "wbl.lock is a file wbl writes; remove what is in its place and run `wbl adapt`",
                    ),
            );
            return Ok(None);
        }
        let bytes = crate::fs::read(&path)?;
        let Some(file) = read_text(display, &bytes, diags) else {
            return Ok(None);
        };
        let blank = file
            .text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        if blank {
            diags.push(
                Diagnostic::error(Code::BadLock, format!("`{display}` is empty"))
                    .in_file(display)
                    .with_help(DAMAGED_HELP),
            );
            return Ok(None);
        }
        let mut parse_diags = Diagnostics::new();
        let parsed = parse_toml::<Lock>(&file, 0..file.text.len(), &mut parse_diags);
        for mut d in parse_diags.into_items() {
            d.code = Code::BadLock;
            d.message = format!("wbl.lock cannot be read: {}", d.message);
            d.help = Some(DAMAGED_HELP.to_string());
            diags.push(d);
        }
        let Some(mut lock) = parsed else {
            return Ok(None);
        };
        lock.translations.sort_by(|a, b| a.key().cmp(&b.key()));
        check_translation_hashes(&lock.translations, &file, FILE_NAME, diags);
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
        lock.origin = Origin(Some(file));
        Ok(Some(lock))
    }

    /// Checks that the lock was made for this toolkit, by this version or
    /// an older one: a lock from a newer toolkit means the district was
    /// adapted with a newer wbl than the one running now.
    pub fn check_toolkit(&self, id: &str, version: &semver::Version, diags: &mut Diagnostics) {
        let point = |d: Diagnostic, needle: &str| match &self.origin.0 {
            Some(file) => match file.text.find(needle) {
                Some(at) => d.at(file, at..at + needle.len()),
                None => d.in_file(file.path.clone()),
            },
            None => d,
        };
        if self.toolkit != id {
            let d = Diagnostic::error(Code::BadLock, format!(
                "wbl.lock was written for the toolkit `{}`, not `{id}`, the toolkit in use",
                self.toolkit
            ))
            .with_help("use the toolkit this district was adapted with (--toolkit), or delete wbl.lock and review the overrides with `wbl diff`");
            diags.push(point(d, &format!("\"{}\"", self.toolkit)));
            return;
        }
        let mut newest: Option<(semver::Version, &str, &str)> = None;
        let versions = self
            .entries
            .iter()
            .map(|e| (e.version.as_str(), e.target.as_str()))
            .chain(
                self.translations
                    .iter()
                    .map(|e| (e.version.as_str(), e.target.as_str())),
            );
        for (entry_version, target) in versions {
            match semver::Version::parse(entry_version) {
                Ok(v) => {
                    if newest.as_ref().is_none_or(|(n, _, _)| v > *n) {
                        newest = Some((v, target, entry_version));
                    }
                }
                Err(_) => {
                    let d = Diagnostic::error(
                        Code::BadLock,
                        format!("wbl.lock cannot be read: `{entry_version}` is not a toolkit version"),
                    )
                    .with_help(DAMAGED_HELP);
                    diags.push(point(d, &format!("version = \"{entry_version}\"")));
                    return;
                }
            }
        }
        if let Some((newer, target, written)) = newest.filter(|(v, _, _)| v > version) {
            let d = Diagnostic::error(Code::BadLock, format!(
                "wbl.lock was written with toolkit version {newer} (for `{target}`), newer than the toolkit in use ({version})"
            ))
            .with_help(format!(
                "update wbl (or pass --toolkit) to use toolkit {newer} or newer; to go back to {version} on purpose, delete wbl.lock, run `wbl adapt` and review each override"
            ));
            diags.push(point(d, &format!("version = \"{written}\"")));
        }
    }
}

/// A new `wbl.lock`, written beside the old one and not yet in its place.
pub struct Staged {
    file: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Prefix of the new lock's file while it is written.
const STAGED_PREFIX: &str = ".wbl.lock.";

/// Writes `lock` to a new file in `dir`, so a folder that cannot be written
/// is found before anything else is replaced. A staged lock left by a run
/// that was killed is removed first.
pub fn stage(dir: &Path, lock: &Lock) -> Result<Staged> {
    remove_stale(dir);
    let path = dir.join(FILE_NAME);
    let shown = crate::fs::display(&path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(STAGED_PREFIX);
    // What writing the file directly would give (the umask applies), not
    // the owner-only mode of a temporary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder
        .tempfile_in(dir)
        .with_context(|| format!("could not write `{shown}`"))?;
    file.write_all(lock.to_toml().as_bytes())
        .and_then(|()| file.flush())
        .with_context(|| format!("could not write `{shown}`"))?;
    // Held while this run lasts, so another run does not take the file
    // for one left behind; the system lets go when the process ends.
    #[cfg(unix)]
    let _ = rustix::fs::flock(
        file.as_file(),
        rustix::fs::FlockOperation::NonBlockingLockExclusive,
    );
    Ok(Staged { file, path })
}

/// Removes staged locks no running wbl holds (Unix; elsewhere they stay
/// until removed by hand, and are never read).
fn remove_stale(dir: &Path) {
    #[cfg(unix)]
    {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_staged = name.to_string_lossy().starts_with(STAGED_PREFIX)
                && entry.file_type().is_ok_and(|t| t.is_file());
            if !is_staged {
                continue;
            }
            let Ok(file) = std::fs::File::open(entry.path()) else {
                continue;
            };
            if rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

impl Staged {
    /// Where the lock goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file it is written to until then.
    pub fn staged_path(&self) -> &Path {
        self.file.path()
    }

    /// Puts the new lock in place of the old one.
    pub fn persist(self) -> Result<()> {
        let shown = crate::fs::display(&self.path);
        self.file
            .persist(&self.path)
            .map(drop)
            .map_err(|e| anyhow::Error::from(e.error).context(format!("could not write `{shown}`")))
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
    fn translation_entries_round_trip_and_an_old_lock_still_reads() {
        let old = "toolkit = \"kit\"\n\n[[override]]\ntarget = \"a\"\nversion = \"1.0.0\"\nsha256 = \"x\"\nupstream = \"old\"\n";
        let lock: Lock = toml::from_str(old).unwrap();
        assert!(lock.translations.is_empty());
        // Writing it again adds no empty translation table.
        assert!(!lock.to_toml().contains("translation"));

        let mut lock = Lock::new("kit");
        set_translation(
            &mut lock.translations,
            TranslationEntry::new("es", "p#b", "1.0.0", "## B\n"),
        );
        set_translation(
            &mut lock.translations,
            TranslationEntry::new("es", "p#a", "1.0.0", "## A\n"),
        );
        set_translation(
            &mut lock.translations,
            TranslationEntry::new("es", "p#a", "1.1.0", "## A!\n"),
        );
        assert_eq!(lock.translations.len(), 2);
        assert_eq!(
            find_translation(&lock.translations, "es", "p#a").unwrap().version,
            "1.1.0"
        );
        assert!(find_translation(&lock.translations, "fr", "p#a").is_none());
        let back: Lock = toml::from_str(&lock.to_toml()).unwrap();
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

//! Filesystem access. Every call names the path it failed on, and text is
//! decoded one way everywhere (BOM stripped, CRLF folded, invalid UTF-8
//! reported with its byte offset).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::diag::{Code, Diagnostic};

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("could not read `{}`", path.display()))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("could not write `{}`", path.display()))
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).with_context(|| format!("could not create folder `{}`", path.display()))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("could not move `{}` to `{}`", from.display(), to.display()))
}

pub fn remove_dir_all(path: &Path) -> Result<()> {
    std::fs::remove_dir_all(path).with_context(|| format!("could not remove folder `{}`", path.display()))
}

/// Turns file bytes into the text the parsers see: a UTF-8 byte-order mark
/// is dropped and CRLF line endings become LF, so files saved on Windows
/// behave exactly like the rest.
pub fn decode_text(display: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains('\r') => Ok(text.replace("\r\n", "\n")),
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(Diagnostic::error(
            Code::InvalidUtf8,
            format!(
                "`{display}` is not valid UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
        .in_file(display)
        .with_help("save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)")),
    }
}

/// How a path is shown in messages: as the user would type it.
pub fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// `base/rel` where `rel` uses `/` separators.
pub fn join_rel(base: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(base.to_path_buf(), |p, part| p.join(part))
}

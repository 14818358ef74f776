//! Filesystem access. Every call names the path it failed on, and text is
//! decoded one way everywhere (BOM stripped, CRLF folded, invalid UTF-8
//! reported with its byte offset).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::diag::{Code, Diagnostic};

pub fn read(path: &Path) -> Result<Vec<u8>> {
    read_regular(path).with_context(|| format!("could not read `{}`", path.display()))
}

/// Reads a file that must be a plain file: a named pipe or a device given
/// as a page or section would otherwise block the run forever, or never
/// end. The type is checked on the opened file (opened without waiting
/// for a pipe's writer), so it cannot change in between.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let mut file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            if meta.is_dir() {
                "it is a folder, not a file"
            } else {
                "it is not a plain file (a named pipe, socket or device); wbl reads only plain files"
            },
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
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

/// How a path is shown in messages: as the user would type it. A folder
/// given as `districts/broken/` is shown without the trailing separator,
/// so a file in it reads `districts/broken/district.toml`, not `…//…`;
/// doubled separators and a leading `./` go too.
pub fn display(path: &Path) -> String {
    let s = path.display().to_string();
    let is_sep = |c: char| c == '/' || (cfg!(windows) && c == '\\');
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        // A Windows network path starts with two separators (`\\server`).
        let unc = cfg!(windows) && i == 1;
        if is_sep(c) && !unc && out.ends_with(is_sep) {
            continue;
        }
        out.push(c);
    }
    while let Some(rest) = out
        .strip_prefix("./")
        .or_else(|| out.strip_prefix(".\\").filter(|_| cfg!(windows)))
    {
        if rest.is_empty() {
            break;
        }
        out = rest.to_string();
    }
    while out.len() > 1 && out.ends_with(is_sep) && !out.ends_with(":\\") {
        out.pop();
    }
    out
}

/// `base/rel` where `rel` uses `/` separators.
pub fn join_rel(base: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(base.to_path_buf(), |p, part| p.join(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_show_as_typed_without_doubled_separators() {
        assert_eq!(display(Path::new("districts/broken/")), "districts/broken");
        assert_eq!(
            display(&Path::new("districts/broken/").join("district.toml")),
            "districts/broken/district.toml"
        );
        assert_eq!(
            display(Path::new("districts//broken//district.toml")),
            "districts/broken/district.toml"
        );
        assert_eq!(display(Path::new("./out")), "out");
        assert_eq!(display(Path::new(".")), ".");
        assert_eq!(display(Path::new("/")), "/");
        assert_eq!(display(Path::new("/tmp/x/")), "/tmp/x");
    }
}

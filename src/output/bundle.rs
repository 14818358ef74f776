//! The teacher bundle: one zip holding `site/`, `print/`, `handouts/`, a
//! plain README.txt and a manifest.json of every file with its SHA-256.
//! Byte-identical across builds of the same input: sorted entries, fixed
//! timestamps and permissions, no absolute or `..` paths.

use std::io::Write;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use zip::result::ZipResult;
use zip::write::{PreparedZipFile, SimpleFileOptions};
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::is_safe_relative;
use crate::adapt::Adapted;
use crate::render::OutputFile;

/// `<district>-<toolkit>-<version>`, or `<toolkit>-<version>` for the
/// generic toolkit: the zip's name and its top folder.
pub fn bundle_name(adapted: &Adapted) -> String {
    let t = &adapted.toolkit;
    match &adapted.district {
        Some(d) => format!("{}-{}-{}", d.id, t.id, t.version),
        None => format!("{}-{}", t.id, t.version),
    }
}

/// The time stamped on every entry: `SOURCE_DATE_EPOCH` when set (as
/// reproducible-builds.org asks), otherwise a fixed date, never the clock.
pub fn build_time() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse::<i64>()
            .with_context(|| format!("SOURCE_DATE_EPOCH must be a whole number of seconds, not `{s}`")),
        _ => Ok(FIXED_EPOCH),
    }
}

/// 2000-01-01T00:00:00Z.
pub const FIXED_EPOCH: i64 = 946_684_800;

/// Seconds since 1970 → (year, month, day, hour, minute, second), UTC.
pub fn civil(epoch: i64) -> (i64, u8, u8, u8, u8, u8) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
    )
}

/// ISO 8601 for manifests: `2000-01-01T00:00:00Z`.
pub fn iso8601(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The README.txt teachers find first in the zip.
fn readme(adapted: &Adapted, name: &str, files: &[&OutputFile]) -> String {
    let t = &adapted.toolkit;
    let s = crate::i18n::strings(&t.language);
    let who = adapted
        .district
        .as_ref()
        .map_or_else(|| s.get("readme_any_district").to_string(), |d| d.name.clone());
    // Each handout once, whether or not `--pdf` put a PDF beside it.
    let handouts = files
        .iter()
        .filter(|f| {
            f.path.starts_with("handouts/") && f.path.ends_with(".html") && !f.path.ends_with("/index.html")
        })
        .count();
    let has_pdf = files.iter().any(|f| f.path == "print/handbook.pdf");
    // The file list is a two-column table: its second column's lines all
    // start at the same place.
    let row = |file: &str, text: &str| {
        let mut lines = text.lines();
        let mut out = format!("{file:<23}{}\n", lines.next().unwrap_or(""));
        for line in lines {
            out.push_str(&format!("{:<23}{line}\n", ""));
        }
        out
    };
    let mut text = format!(
        "{title}, {version_word} {version}\n{adapted} {who}\n\n{intro}\n\n{inside}\n\n",
        title = t.title,
        version_word = s.get("version"),
        version = t.version,
        adapted = s.get("readme_adapted_for"),
        intro = s.get("readme_intro"),
        inside = s.get("readme_inside"),
    );
    text.push_str(&row("site/index.html", s.get("readme_site")));
    text.push_str(&row("print/handbook.html", s.get("readme_handbook")));
    if has_pdf {
        text.push_str(&row("print/handbook.pdf", s.get("readme_handbook_pdf")));
    }
    text.push_str(&row(
        "handouts/",
        &s.format("readme_handouts", &[("n", &handouts.to_string())]),
    ));
    text.push_str(&row("manifest.json", s.get("readme_manifest")));
    text.push_str(&format!(
        "\n{}\n\n{}\n\n{}\n\n{}\n",
        s.get("readme_how_to_open"),
        s.format("readme_open_steps", &[("name", name)]),
        s.get("readme_how_to_print"),
        s.get("readme_print_steps"),
    ));
    if let Some(d) = &adapted.district
        && !d.contacts.is_empty()
    {
        text.push_str(&format!("\n{}\n\n", s.get("readme_questions")));
        for c in &d.contacts {
            let mut line = c.name.clone();
            for part in [&c.role, &c.email, &c.phone] {
                if !part.is_empty() {
                    line.push_str(", ");
                    line.push_str(part);
                }
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    if !t.license.is_empty() {
        text.push('\n');
        text.push_str(&s.format(
            "readme_licence",
            &[("licence", &t.license), ("publisher", &t.publisher)],
        ));
        text.push('\n');
    }
    // Windows Notepad users are the main readers: CRLF line endings.
    text.replace('\n', "\r\n")
}

/// The manifest: toolkit, district, wbl version, and every file's size and
/// SHA-256.
fn manifest(adapted: &Adapted, time: i64, files: &[(&str, &[u8])]) -> String {
    let t = &adapted.toolkit;
    let entries: Vec<_> = files
        .iter()
        .map(|(path, bytes)| json!({ "path": path, "size": bytes.len(), "sha256": sha256_hex(bytes) }))
        .collect();
    let value = json!({
        "toolkit": { "id": t.id, "title": t.title, "version": t.version.to_string() },
        "district": adapted.district.as_ref().map(|d| json!({ "id": d.id, "name": d.name })),
        "wbl_version": env!("CARGO_PKG_VERSION"),
        "built": iso8601(time),
        "files": entries,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("JSON values always serialise");
    s.push('\n');
    s
}

/// The deflate level of every entry. Compression is most of the cost of a
/// release, and level 3 deflates the bundle about half again as fast as
/// the default level 6 for about 6% more bytes (docs/performance.md has
/// the measurements).
pub const DEFLATE_LEVEL: i64 = 3;

/// How every entry of a bundle is stored: deflated, stamped with `time`,
/// readable by all. Public so the benchmarks' floor program zips exactly
/// as wbl does.
pub fn entry_options(time: i64) -> Result<SimpleFileOptions> {
    let (y, mo, d, h, mi, s) = civil(time.clamp(315_532_800, 4_354_819_199));
    let stamp = DateTime::from_date_and_time(y as u16, mo, d, h, mi, s)
        .map_err(|e| anyhow::anyhow!("bundle timestamp out of range: {e}"))?;
    Ok(SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL))
        .last_modified_time(stamp)
        .unix_permissions(0o644))
}

/// Files that are compressed already (images, PDFs) are stored as they
/// are: deflating them again costs as much as for text and saves nothing.
fn is_compressed_already(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, ext)| ext)
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "pdf" | "zip" | "docx" | "xlsx" | "pptx"
    )
}

/// Zips the rendered outputs into the bundle `OUT/<name>.zip`.
pub fn zip(adapted: &Adapted, files: &[OutputFile], time: i64) -> Result<OutputFile> {
    let name = bundle_name(adapted);
    let mut contents: Vec<&OutputFile> = files
        .iter()
        .filter(|f| {
            ["site/", "print/", "handouts/"]
                .iter()
                .any(|p| f.path.starts_with(p))
        })
        .collect();
    contents.sort_by(|a, b| a.path.cmp(&b.path));
    let readme = readme(adapted, &name, &contents);
    let mut listed: Vec<(&str, &[u8])> = contents.iter().map(|f| (f.path.as_str(), &f.bytes[..])).collect();
    listed.push(("README.txt", readme.as_bytes()));
    listed.sort_by(|a, b| a.0.cmp(b.0));
    let manifest = manifest(adapted, time, &listed);
    listed.push(("manifest.json", manifest.as_bytes()));
    listed.sort_by(|a, b| a.0.cmp(b.0));

    let options = entry_options(time)?;
    let total: usize = listed.iter().map(|(_, bytes)| bytes.len()).sum();
    let mut seen = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(listed.len());
    for (path, bytes) in &listed {
        let entry = format!("{name}/{path}");
        if !is_safe_relative(&entry) || !seen.insert(entry.clone()) {
            bail!("refusing to put `{entry}` in the bundle");
        }
        let options = if is_compressed_already(path) {
            options
                .compression_method(CompressionMethod::Stored)
                .compression_level(None)
        } else {
            options
        };
        entries.push((entry, *bytes, options));
    }
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(total / 3)));
    if rayon::current_thread_index().is_some() {
        // Already on a worker thread (`wbl publish` builds districts side
        // by side): one entry after another, reusing one compressor.
        for (entry, bytes, options) in &entries {
            writer.start_file(entry.as_str(), *options)?;
            writer.write_all(bytes)?;
        }
    } else {
        // Deflate is most of the work: entries are compressed side by
        // side, then written in order, byte for byte as one by one.
        let prepared = entries
            .par_iter()
            .map(|(entry, bytes, options)| PreparedZipFile::from_data(entry, *options, bytes))
            .collect::<ZipResult<Vec<_>>>()?;
        writer.add_prepared_files(prepared)?;
    }
    let bytes = writer.finish()?.into_inner();
    Ok(OutputFile::new(format!("{name}.zip"), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(FIXED_EPOCH), (2000, 1, 1, 0, 0, 0));
        assert_eq!(civil(1_709_210_096), (2024, 2, 29, 12, 34, 56));
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn parallel_and_sequential_zips_are_identical() {
        let mut diags = crate::diag::Diagnostics::new();
        let toolkit = crate::pipeline::load_toolkit(None, &mut diags).unwrap().unwrap();
        let adapted = crate::adapt::adapt(&toolkit, None, &mut diags).unwrap();
        let files = crate::render::render(&adapted, crate::render::Formats::ALL, &mut diags)
            .unwrap()
            .unwrap();
        let parallel = zip(&adapted, &files, FIXED_EPOCH).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let sequential = pool.install(|| zip(&adapted, &files, FIXED_EPOCH).unwrap());
        assert!(parallel.bytes == sequential.bytes);
    }

    #[test]
    fn images_and_pdfs_are_stored_text_is_deflated() {
        assert!(is_compressed_already("site/assets/County Map.PNG"));
        assert!(is_compressed_already("site/assets/form.pdf"));
        assert!(!is_compressed_already("site/assets/logo.svg"));
        assert!(!is_compressed_already("site/index.html"));
        assert!(!is_compressed_already("README"));
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! The teacher bundle: one zip holding `site/`, `print/`, `handouts/`, a
//! plain README.txt and a manifest.json of every file with its SHA-256.
//! Byte-identical across builds of the same input: sorted entries, fixed
//! timestamps and permissions, no absolute or `..` paths.

use anyhow::{Result, bail};
use serde_json::json;

use crate::adapt::Adapted;
use crate::render::OutputFile;
pub use crate::util::hash::sha256_hex;
use crate::util::paths::is_safe_relative;
pub use crate::util::time::{FIXED_EPOCH, build_time, civil, iso8601};
pub use crate::util::zip::{DEFLATE_LEVEL, entry_options};

/// `<district>-<toolkit>-<version>`: the zip's name and its top folder.
pub fn bundle_name(adapted: &Adapted) -> String {
    adapted.bundle_name()
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
            f.path.starts_with("handouts/")
                && f.path.ends_with(".html")
                && !f.path.ends_with("/index.html")
                // Translated handouts (handouts/es/) are listed with their language.
                && f.path.matches('/').count() == 1
        })
        .count();
    let has_pdf = files.iter().any(|f| f.path == "print/handbook.pdf");
    // The file list is a two-column table: its second column's lines all
    // start at the same place.
    let row = |file: &str, text: &str| {
        let mut lines = text.lines();
        // A name too long for the column has its text on the lines below.
        let mut out = if file.len() >= 23 {
            format!("{file}\n{:<23}{}\n", "", lines.next().unwrap_or(""))
        } else {
            format!("{file:<23}{}\n", lines.next().unwrap_or(""))
        };
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
    let packet = format!("print/family-packet.{}.html", t.language);
    if files.iter().any(|f| f.path == packet) {
        text.push_str(&row(&packet, s.get("readme_family_packet")));
    }
    text.push_str(&row("manifest.json", s.get("readme_manifest")));
    // Each translation gets a section in its own language.
    for view in &adapted.translations {
        let lang = &view.toolkit.language;
        let ls = crate::i18n::strings(lang);
        let site = format!("site/{lang}/index.html");
        if !files.iter().any(|f| f.path == site) {
            continue;
        }
        text.push_str(&format!("\n{}\n\n", ls.get("readme_translation_heading")));
        text.push_str(&row(&site, ls.get("readme_translated_site")));
        let packet = format!("print/family-packet.{lang}.html");
        if files.iter().any(|f| f.path == packet) {
            text.push_str(&row(&packet, ls.get("readme_family_packet")));
        }
        text.push_str(&row(
            &format!("handouts/{lang}/"),
            ls.get("readme_translated_handouts"),
        ));
    }
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

    let mut seen = std::collections::HashSet::new();
    let mut entries: Vec<(String, &[u8])> = Vec::with_capacity(listed.len());
    for (path, bytes) in &listed {
        let entry = format!("{name}/{path}");
        if !is_safe_relative(&entry) || !seen.insert(entry.clone()) {
            bail!("refusing to put `{entry}` in the bundle");
        }
        entries.push((entry, *bytes));
    }
    let entries: Vec<(&str, &[u8])> = entries.iter().map(|(e, b)| (e.as_str(), *b)).collect();
    let bytes = crate::util::zipfile::write(&entries, time)?;
    Ok(OutputFile::new(format!("{name}.zip"), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_and_sequential_zips_are_identical() {
        let mut diags = crate::diag::Diagnostics::new();
        let toolkit =
            crate::content::load_toolkit(&crate::content::SourceTree::embedded(), &mut diags).unwrap();
        let adapted = crate::adapt::adapt(&toolkit, None, &mut diags).unwrap();
        let files = crate::render::render(&adapted, crate::render::Formats::ALL, &mut diags)
            .unwrap()
            .unwrap();
        let parallel = zip(&adapted, &files, FIXED_EPOCH).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let sequential = pool.install(|| zip(&adapted, &files, FIXED_EPOCH).unwrap());
        assert!(parallel.bytes == sequential.bytes);
    }
}

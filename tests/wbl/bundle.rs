//! The teacher bundle is reproducible, safe and self-describing.

use std::io::Read;

use sha2::{Digest, Sha256};

use crate::helper::Fixture;

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn two_builds_are_byte_identical_and_the_manifest_verifies() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"same-usd\"\nname = \"Same USD\"\n",
    );
    fx.wbl(&["adapt", "--toolkit", "toolkit", "--district", "d", "--out", "a"])
        .success();
    fx.wbl(&["adapt", "--toolkit", "toolkit", "--district", "d", "--out", "b"])
        .success();
    let a = std::fs::read(fx.path("a/same-usd-mini-1.2.3.zip")).unwrap();
    let b = std::fs::read(fx.path("b/same-usd-mini-1.2.3.zip")).unwrap();
    assert!(a == b, "zip bytes differ between builds");
    assert_eq!(fx.tree("a"), fx.tree("b"));

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
    let mut names = Vec::new();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        assert!(name.starts_with("same-usd-mini-1.2.3/"), "{name}");
        assert!(!name.contains("..") && !name.starts_with('/'), "{name}");
        assert_eq!(entry.unix_mode(), Some(0o100644), "{name}");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        names.push(name.clone());
        files.insert(name["same-usd-mini-1.2.3/".len()..].to_string(), bytes);
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(names, sorted, "entries sorted and unique");
    for expected in [
        "README.txt",
        "manifest.json",
        "site/index.html",
        "print/handbook.html",
        "handouts/forms.html",
    ] {
        assert!(files.contains_key(expected), "{expected} in bundle");
    }

    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["toolkit"]["id"], "mini");
    assert_eq!(manifest["toolkit"]["version"], "1.2.3");
    assert_eq!(manifest["district"]["id"], "same-usd");
    assert_eq!(manifest["wbl_version"], env!("CARGO_PKG_VERSION"));
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(
        listed.len(),
        files.len() - 1,
        "every file but the manifest is listed"
    );
    for entry in listed {
        let path = entry["path"].as_str().unwrap();
        let bytes = &files[path];
        assert_eq!(entry["sha256"].as_str().unwrap(), hex(bytes), "{path}");
        assert_eq!(entry["size"].as_u64().unwrap(), bytes.len() as u64, "{path}");
    }
    // The bundle's files are the ones written to the folder.
    assert_eq!(
        files["site/index.html"],
        std::fs::read(fx.path("a/site/index.html")).unwrap()
    );
    let readme = String::from_utf8(files["README.txt"].clone()).unwrap();
    assert!(readme.contains("Adapted for Same USD") && readme.contains("double-click index.html"));
}

#[test]
fn source_date_epoch_sets_the_entry_times() {
    let fx = Fixture::with_toolkit();
    let run = fx.wbl_env(
        &["adapt", "--toolkit", "toolkit", "--out", "out", "--format", "zip"],
        &[("SOURCE_DATE_EPOCH", "1709210096")],
    );
    run.success();
    let bytes = std::fs::read(fx.path("out/mini-1.2.3.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let entry = zip.by_index(0).unwrap();
    let t = entry.last_modified().unwrap();
    assert_eq!(
        (t.year(), t.month(), t.day(), t.hour(), t.minute()),
        (2024, 2, 29, 12, 34)
    );
    // --format zip writes only the bundle.
    assert!(!fx.exists("out/site"));
}

#[test]
fn handbook_has_unique_ids_and_internal_links() {
    let fx = Fixture::with_toolkit();
    fx.adapt(None).success();
    let html = fx.read("out/print/handbook.html");
    // Both intro and forms have an `overview` section.
    assert!(html.contains(r#"id="intro--overview""#) && html.contains(r#"id="forms--overview""#));
    assert!(html.contains(r##"href="#safety--recording""##));
    assert!(html.contains(r##"href="#forms""##));
    assert!(html.contains("size: letter"));
    // The running header names each chapter, in reading order, and the
    // colophon stays on the last chapter's sheet.
    assert!(html.contains(r#"@page chapter-0 { @top-right { content: "Introduction"; } }"#));
    assert!(html.contains(r#"article[aria-labelledby="forms"] { page: chapter-2; }"#));
    assert!(html.contains(".colophon { page: chapter-2; }"));
    assert!(
        !html.contains("href=\"safety.html"),
        "no links out of the handbook"
    );
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "ids are unique");
    // Handouts: only non-guide pages.
    assert!(fx.exists("out/handouts/forms.html"));
    assert!(!fx.exists("out/handouts/intro.html"));
}

#[test]
fn pdf_without_a_browser_fails_clearly_and_writes_nothing() {
    let fx = Fixture::with_toolkit();
    let run = fx.wbl_env(
        &["adapt", "--toolkit", "toolkit", "--out", "out", "--pdf"],
        &[("WBL_BROWSER", "/nonexistent/chrome")],
    );
    run.failure();
    assert!(
        run.stderr.contains("WBL_BROWSER is set to `/nonexistent/chrome`"),
        "{}",
        run.stderr
    );
    // (With no browser at all, the message says how to print by hand:
    // a unit test of output::pdf checks it, whatever this machine has.)
    assert!(!fx.exists("out"));
}

//! The pipeline's shape, seen from outside: every command builds the same
//! bundle, each output links only to what is built beside it, and
//! diagnostics point at the line they are about.

use std::io::Read;

use crate::helper::Fixture;

/// The files inside a zip, by name.
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().to_string(), out)
        })
        .collect()
}

#[test]
fn publish_and_adapt_write_the_same_bundle_byte_for_byte() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "districts/lake/district.toml",
        "[district]\nid = \"lake\"\nname = \"Lake Schools\"\n",
    );
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "districts/lake",
        "--out",
        "out",
    ])
    .success();
    fx.wbl(&[
        "publish",
        "--toolkit",
        "toolkit",
        "--districts",
        "districts",
        "--out",
        "rel",
    ])
    .success();
    let name = "lake-mini-1.2.3.zip";
    let adapted = std::fs::read(fx.path(&format!("out/{name}"))).unwrap();
    let published = std::fs::read(fx.path(&format!("rel/{name}"))).unwrap();
    // The published bundle's form page links its printable version, as
    // the one adapt writes does.
    let files = unzip(&published);
    let form = String::from_utf8(files["lake-mini-1.2.3/site/forms.html"].clone()).unwrap();
    assert!(form.contains("href=\"../handouts/forms.html\""), "{form}");
    assert!(adapted == published, "the two bundles differ");
}

#[test]
fn a_handbook_built_alone_links_only_to_what_it_ships() {
    let fx = Fixture::with_toolkit();
    fx.write_bytes("toolkit/assets/county map.pdf", b"%PDF-1.4 map");
    fx.write(
        "toolkit/pages/intro.md",
        "+++\ntitle = \"Introduction\"\n+++\n\nSee [the map](assets/county%20map.pdf) and [again](<assets/county map.pdf>).\n",
    );
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "print",
        "--out",
        "out",
    ])
    .success()
    .no_warnings();
    let handbook = fx.read("out/print/handbook.html");
    assert!(
        !handbook.contains("../site/"),
        "links into a site that was not built"
    );
    assert!(
        handbook.contains("href=\"assets/county%20map.pdf\""),
        "{handbook}"
    );
    assert_eq!(
        std::fs::read(fx.path("out/print/assets/county map.pdf")).unwrap(),
        b"%PDF-1.4 map"
    );
    assert!(!fx.exists("out/site"));

    // Built with the site, the handbook shares the site's copy, encoded.
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "site,print",
        "--out",
        "out",
    ])
    .success();
    let handbook = fx.read("out/print/handbook.html");
    assert!(
        handbook.contains("href=\"../site/assets/county%20map.pdf\""),
        "{handbook}"
    );
    assert!(!fx.exists("out/print/assets"));
    assert!(fx.exists("out/site/assets/county map.pdf"));
}

#[test]
fn a_site_without_handouts_beside_it_has_no_printable_links() {
    let fx = Fixture::with_toolkit();
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "site",
        "--out",
        "out",
    ])
    .success();
    assert!(!fx.read("out/site/forms.html").contains("../handouts/"));
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "site,handouts",
        "--out",
        "out",
    ])
    .success();
    assert!(
        fx.read("out/site/forms.html")
            .contains("href=\"../handouts/forms.html\"")
    );
}

#[test]
fn pages_are_labelled_with_the_language_of_their_text() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"d\"\nname = \"Distrito\"\nlanguage = \"es\"\n",
    );
    fx.adapt(Some("d")).success();
    // The toolkit's pages are English, whatever the district's language.
    for file in [
        "out/site/intro.html",
        "out/site/index.html",
        "out/print/handbook.html",
    ] {
        assert!(fx.read(file).contains("<html lang=\"en\">"), "{file}");
    }
}

#[test]
fn each_broken_link_is_reported_on_its_own_line() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "toolkit/pages/intro.md",
        "+++\ntitle = \"Introduction\"\n+++\n\nFirst [link](nowhere.md).\n\nSecond [link](nowhere.md).\n",
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr.contains("toolkit/pages/intro.md:5:14"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("toolkit/pages/intro.md:7:15"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("error[link-to-missing-page]").count(),
        2,
        "{}",
        run.stderr
    );
}

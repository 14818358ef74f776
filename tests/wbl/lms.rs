//! The LMS cartridges: structure an importer checks, links that resolve,
//! the district's content, and reproducible bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use wbl::diag::Diagnostics;
use wbl::render::lms::{self, CcVersion};

use crate::helper::Fixture;

const DISTRICT: &str = "examples/desert-valley-usd";

/// A cartridge's entries, in the zip's order.
struct Cartridge {
    order: Vec<String>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Cartridge {
    fn open(bytes: &[u8]) -> Cartridge {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut order = Vec::new();
        let mut files = BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            order.push(name.clone());
            assert!(files.insert(name.clone(), data).is_none(), "`{name}` twice");
        }
        Cartridge { order, files }
    }

    fn text(&self, path: &str) -> &str {
        std::str::from_utf8(self.files.get(path).unwrap_or_else(|| panic!("no `{path}`"))).unwrap()
    }

    fn html(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, b)| (p.as_str(), std::str::from_utf8(b).unwrap()))
    }
}

/// The adapted toolkit (generic, or for the district folder `district`)
/// and its two cartridges: (generic, Canvas).
fn build(district: Option<&str>, version: CcVersion) -> (wbl::adapt::Adapted, Cartridge, Cartridge) {
    let mut diags = Diagnostics::new();
    let toolkit = wbl::pipeline::load_toolkit(None, &mut diags).unwrap().unwrap();
    let district = district.map(|d| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(d);
        wbl::pipeline::load_district(&dir, &mut diags).unwrap().unwrap()
    });
    let adapted = wbl::adapt::adapt(&toolkit, district.as_ref(), &mut diags).unwrap();
    let pages = wbl::render::markdown::render_pages(&adapted, &mut diags).unwrap();
    let files = lms::cartridges(&adapted, &pages, version, 946_684_800).unwrap();
    let name = wbl::output::bundle::bundle_name(&adapted);
    assert_eq!(
        files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        [format!("lms/{name}.imscc"), format!("lms/{name}-canvas.imscc")]
    );
    let generic = Cartridge::open(&files[0].bytes);
    let canvas = Cartridge::open(&files[1].bytes);
    (adapted, generic, canvas)
}

fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Every `href` and `src` value in a page, unescaped.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            let value = &rest[at + attr.len()..];
            let end = value.find('"').unwrap();
            out.push(html_unescape(&value[..end]));
            rest = &value[end..];
        }
    }
    out
}

fn has_id(html: &str, id: &str) -> bool {
    html.contains(&format!(" id=\"{id}\""))
}

fn is_external(link: &str) -> bool {
    ["https:", "http:", "mailto:", "tel:", "data:"]
        .iter()
        .any(|s| link.starts_with(s))
}

/// `base`'s folder joined with `rel`, `..` resolved; `None` when it leaves
/// the package.
fn join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for part in rel.split('/') {
        match part {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The child elements of `node` named `name`.
fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> Vec<roxmltree::Node<'a, 'input>> {
    node.children()
        .filter(|n| n.is_element() && n.tag_name().name() == name)
        .collect()
}

/// What the manifest's structure must be, whatever the flavour; returns
/// the resource identifiers by `href`.
fn check_manifest(
    c: &Cartridge,
    version: CcVersion,
    adapted: &wbl::adapt::Adapted,
) -> BTreeMap<String, String> {
    // Entries: sorted, unique, relative, inside the package.
    let mut sorted = c.order.clone();
    sorted.sort();
    assert_eq!(c.order, sorted, "entries are sorted");
    for name in &c.order {
        assert!(
            !name.starts_with('/')
                && !name.contains('\\')
                && !name.split('/').any(|p| p == ".." || p.is_empty()),
            "unsafe entry `{name}`"
        );
    }
    assert!(!c.files.contains_key("course_settings/course_settings.xml"));

    let text = c.text("imsmanifest.xml");
    let doc = roxmltree::Document::parse(text).unwrap();
    let root = doc.root_element();
    let ns = version.namespace();
    assert_eq!(root.tag_name().name(), "manifest");
    assert_eq!(root.tag_name().namespace(), Some(ns.as_str()));
    let metadata = child(root, "metadata");
    assert_eq!(metadata.len(), 1);
    assert_eq!(
        child(metadata[0], "schema")[0].text(),
        Some("IMS Common Cartridge")
    );
    assert_eq!(
        child(metadata[0], "schemaversion")[0].text(),
        Some(version.schemaversion())
    );
    let lom = child(metadata[0], "lom");
    assert_eq!(lom.len(), 1, "the manifest carries LOM");
    assert_eq!(
        lom[0].tag_name().namespace(),
        Some(version.lom_manifest_namespace().as_str())
    );

    // Identifiers unique NCNames; every reference resolves to a resource.
    let mut ids = BTreeSet::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if let Some(id) = node.attribute("identifier") {
            assert!(is_ncname(id), "`{id}` is not an NCName");
            assert!(ids.insert(id.to_string()), "identifier `{id}` twice");
        }
    }
    let resources: Vec<_> = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "resource")
        .collect();
    let resource_ids: BTreeSet<&str> = resources
        .iter()
        .map(|r| r.attribute("identifier").unwrap())
        .collect();
    for node in doc.descendants().filter(|n| n.is_element()) {
        if let Some(r) = node.attribute("identifierref") {
            assert!(resource_ids.contains(r), "`{r}` is no resource");
        }
    }
    // Files exist; a resource's href is one of its files.
    let mut by_href = BTreeMap::new();
    for r in &resources {
        let files: Vec<&str> = child(*r, "file")
            .iter()
            .map(|f| f.attribute("href").unwrap())
            .collect();
        assert!(!files.is_empty());
        for f in &files {
            assert!(c.files.contains_key(*f), "file `{f}` not in the zip");
        }
        if let Some(href) = r.attribute("href") {
            assert!(
                files.contains(&href),
                "`{href}` is not among its resource's files"
            );
            by_href.insert(href.to_string(), r.attribute("identifier").unwrap().to_string());
        }
        for m in child(*r, "metadata") {
            let roles: Vec<_> = m
                .descendants()
                .filter(|n| n.tag_name().name() == "intendedEndUserRole")
                .collect();
            assert_eq!(roles.len(), 1);
            assert_eq!(
                roles[0].tag_name().namespace(),
                Some(version.lom_resource_namespace().as_str())
            );
            let source = child(roles[0], "source")[0].text().unwrap();
            let tag = match version {
                CcVersion::V1_1 => "v1p1",
                CcVersion::V1_2 => "v1p2",
                CcVersion::V1_3 => "v1p3",
            };
            assert_eq!(source, format!("IMSGLC_CC_Roles{tag}"));
            assert!(matches!(
                child(roles[0], "value")[0].text(),
                Some("Learner" | "Instructor")
            ));
        }
    }

    // One organization, rooted, one untitled root, one module per part.
    let orgs = child(child(root, "organizations")[0], "organization");
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].attribute("structure"), Some("rooted-hierarchy"));
    let roots = child(orgs[0], "item");
    assert_eq!(roots.len(), 1, "exactly one root item");
    assert!(child(roots[0], "title").is_empty(), "the root item has no title");
    let modules = child(roots[0], "item");
    assert_eq!(
        modules
            .iter()
            .map(|m| child(*m, "title")[0].text().unwrap())
            .collect::<Vec<_>>(),
        adapted.parts.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
        "one module per part, in reading order"
    );
    for (module, part) in modules.iter().zip(&adapted.parts) {
        assert!(module.attribute("identifierref").is_none());
        let items = child(*module, "item");
        let titles: Vec<&str> = items
            .iter()
            .map(|i| child(*i, "title")[0].text().unwrap())
            .collect();
        let expected: Vec<&str> = part
            .pages
            .iter()
            .map(|&i| adapted.pages[i].meta.title.as_str())
            .collect();
        assert_eq!(titles, expected);
        for item in items {
            assert!(child(item, "item").is_empty(), "a page's item holds no items");
            assert!(item.attribute("identifierref").is_some());
        }
    }
    by_href
}

/// Every link in a generic cartridge's HTML resolves inside the package,
/// fragments included.
fn check_generic_links(c: &Cartridge) {
    let mut checked = 0;
    for (path, html) in c.html() {
        for link in links(html) {
            if is_external(&link) {
                continue;
            }
            assert!(
                !link.contains('$'),
                "{path}: Canvas token `{link}` in the generic cartridge"
            );
            let (file, fragment) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(f, s)| (f, Some(s)));
            let target = if file.is_empty() {
                path.to_string()
            } else {
                join(path, &percent_decode(file))
                    .unwrap_or_else(|| panic!("{path}: `{link}` leaves the package"))
            };
            let bytes = c
                .files
                .get(&target)
                .unwrap_or_else(|| panic!("{path}: `{link}` leads nowhere"));
            if let Some(fragment) = fragment {
                assert!(
                    has_id(std::str::from_utf8(bytes).unwrap(), fragment),
                    "{path}: `{link}` names no section of `{target}`"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

/// Every link in the Canvas cartridge's pages uses Canvas's tokens for an
/// existing page or file (or is a fragment of the page itself).
fn check_canvas_links(c: &Cartridge) {
    let mut pages = 0;
    for (path, html) in c.html().filter(|(p, _)| p.starts_with("wiki_content/")) {
        for link in links(html) {
            if is_external(&link) {
                continue;
            }
            if let Some(rest) = link.strip_prefix("$WIKI_REFERENCE$/pages/") {
                let (page, fragment) = rest.split_once('#').map_or((rest, None), |(p, s)| (p, Some(s)));
                let target = format!("wiki_content/{page}.html");
                let text = c.text(&target);
                if let Some(fragment) = fragment {
                    assert!(has_id(text, fragment), "{path}: `{link}` names no section");
                }
                pages += 1;
            } else if let Some(rest) = link.strip_prefix("$IMS-CC-FILEBASE$/") {
                let target = format!("web_resources/{}", percent_decode(rest));
                assert!(c.files.contains_key(&target), "{path}: `{link}` names no file");
            } else if let Some(fragment) = link.strip_prefix('#') {
                assert!(has_id(html, fragment), "{path}: `{link}` names no section");
            } else {
                panic!(
                    "{path}: `{link}` is a plain relative link, which Canvas would import as a broken file link"
                );
            }
        }
    }
    assert!(pages > 50, "only {pages} page links checked");
}

/// Canvas's own files: the flag, modules from module_meta.xml, wiki
/// pages with their identifiers.
fn check_canvas(c: &Cartridge, adapted: &wbl::adapt::Adapted, by_href: &BTreeMap<String, String>) {
    assert!(
        by_href.contains_key("course_settings/canvas_export.txt"),
        "the Canvas flag resource"
    );
    let text = c.text("course_settings/module_meta.xml");
    let doc = roxmltree::Document::parse(text).unwrap();
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://canvas.instructure.com/xsd/cccv1p0")
    );
    let modules: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "module")
        .collect();
    assert_eq!(modules.len(), adapted.parts.len());
    let value = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let mut seen = BTreeSet::new();
    for (module, part) in modules.iter().zip(&adapted.parts) {
        assert_eq!(value(*module, "title"), part.title);
        let items: Vec<_> = module
            .descendants()
            .filter(|n| n.tag_name().name() == "item")
            .collect();
        assert_eq!(items.len(), part.pages.len());
        for (item, &i) in items.iter().zip(&part.pages) {
            let page = &adapted.pages[i];
            assert_eq!(value(*item, "content_type"), "WikiPage");
            assert_eq!(value(*item, "title"), page.meta.title);
            let href = format!("wiki_content/{}.html", page.id);
            let resource = &by_href[&href];
            assert_eq!(&value(*item, "identifierref"), resource);
            let wiki = c.text(&href);
            assert!(wiki.contains(&format!("<meta name=\"identifier\" content=\"{resource}\">")));
            assert!(wiki.contains(&format!(
                "<title>{}</title>",
                page.meta.title.replace('&', "&amp;")
            )));
            let state = value(*item, "workflow_state");
            assert!(wiki.contains(&format!("<meta name=\"workflow_state\" content=\"{state}\">")));
            assert!(
                wiki.contains("\n<body>\n"),
                "a bare <body> tag, which Canvas strips"
            );
            seen.insert(page.id.clone());
        }
    }
    assert_eq!(seen.len(), adapted.pages.len(), "every page is a module item");
}

#[test]
fn desert_valley_cartridges_pass_the_importers_checks() {
    let (adapted, generic, canvas) = build(Some(DISTRICT), CcVersion::V1_1);
    check_manifest(&generic, CcVersion::V1_1, &adapted);
    check_generic_links(&generic);
    let by_href = check_manifest(&canvas, CcVersion::V1_1, &adapted);
    check_canvas(&canvas, &adapted, &by_href);
    check_canvas_links(&canvas);

    // The hidden page is left out, the district's own page is in, after
    // the page it follows.
    for c in [&generic, &canvas] {
        assert!(!c.files.keys().any(|p| p.contains("youtube-live-events")));
        assert!(!c.text("imsmanifest.xml").contains("youtube"));
    }
    assert!(
        generic
            .files
            .contains_key("pages/devices-hotspots-and-late-buses.html")
    );
    let manifest = canvas.text("imsmanifest.xml");
    crate::helper::assert_order(
        manifest,
        &[
            "<title>Plan</title>",
            "item_equity-and-access",
            "item_devices-hotspots-and-late-buses",
            "<title>Business partners</title>",
        ],
    );
    // The replaced family letter is the district's.
    assert!(
        canvas
            .text("wiki_content/family-letter.html")
            .contains("Desert Valley")
    );

    // Branding: the district's name, colour and logo on every page.
    for (path, html) in generic.html().filter(|(p, _)| p.starts_with("pages/")) {
        assert!(html.contains("Desert Valley Unified School District"), "{path}");
        assert!(html.contains("--brand: #0b5394"), "{path}");
        assert!(html.contains("src=\"../assets/logo.svg\""), "{path}");
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{path}");
        assert!(!html.contains("<script") && !html.contains("<nav"), "{path}");
    }
    for (path, html) in canvas.html().filter(|(p, _)| p.starts_with("wiki_content/")) {
        assert!(html.contains("Desert Valley Unified School District"), "{path}");
        assert!(html.contains("background-color: #0b5394"), "{path}");
        assert!(
            html.contains("src=\"$IMS-CC-FILEBASE$/assets/logo.svg\""),
            "{path}"
        );
        assert!(!html.contains("<script") && !html.contains("<style"), "{path}");
    }
    assert!(generic.files.contains_key("assets/logo.svg"));
    assert!(canvas.files.contains_key("web_resources/assets/logo.svg"));

    // The district's own text reaches the pages, variables filled in.
    assert!(
        generic
            .text("pages/technology-and-platforms.html")
            .contains("Desert Valley Teams settings")
    );
}

#[test]
fn generic_toolkit_cartridges_in_every_version() {
    for version in [CcVersion::V1_1, CcVersion::V1_2, CcVersion::V1_3] {
        let (adapted, generic, canvas) = build(None, version);
        check_manifest(&generic, version, &adapted);
        check_generic_links(&generic);
        // The Canvas flavour is always written as Canvas writes it: 1.1.
        let by_href = check_manifest(&canvas, CcVersion::V1_1, &adapted);
        check_canvas(&canvas, &adapted, &by_href);
        check_canvas_links(&canvas);
        // Every visible page, the hidden-by-no-one YouTube page included.
        assert_eq!(
            generic.files.keys().filter(|p| p.starts_with("pages/")).count(),
            adapted.pages.len()
        );
        assert!(generic.files.contains_key("pages/youtube-live-events.html"));
    }
}

#[test]
fn staff_pages_import_for_instructors_and_student_pages_for_everyone() {
    let (_, generic, canvas) = build(Some(DISTRICT), CcVersion::V1_1);
    let manifest = generic.text("imsmanifest.xml");
    let role_of = |resource: &str| {
        let at = manifest
            .find(&format!("<resource identifier=\"{resource}\""))
            .unwrap();
        let end = at + manifest[at..].find("</resource>").unwrap();
        let r = &manifest[at..end];
        let v = r.find("<lom:value>").map(|i| &r[i + 11..]).unwrap();
        v[..v.find('<').unwrap()].to_string()
    };
    // Staff guides and partner materials: for the teachers.
    assert_eq!(role_of("page_welcome"), "Instructor");
    assert_eq!(role_of("page_partner-intake-form"), "Instructor");
    assert_eq!(role_of("printable_partner-intake-form"), "Instructor");
    // Students' and families' pages: for everyone.
    assert_eq!(role_of("page_student-application"), "Learner");
    assert_eq!(role_of("page_family-letter"), "Learner");
    // Canvas: the staff page imports unpublished, its printable copy locked.
    assert!(
        canvas
            .text("wiki_content/welcome.html")
            .contains("<meta name=\"workflow_state\" content=\"unpublished\">")
    );
    assert!(
        canvas
            .text("wiki_content/student-flyer.html")
            .contains("<meta name=\"workflow_state\" content=\"active\">")
    );
    let files_meta = canvas.text("course_settings/files_meta.xml");
    assert!(
        files_meta
            .contains("<file identifier=\"printable_partner-intake-form\">\n      <locked>true</locked>")
    );
    assert!(!files_meta.contains("printable_student-flyer"));
}

#[test]
fn handouts_have_printable_copies_linked_from_their_pages() {
    let (adapted, generic, canvas) = build(Some(DISTRICT), CcVersion::V1_1);
    for page in &adapted.pages {
        let copy = format!("handouts/{}.html", page.id);
        assert_eq!(
            generic.files.contains_key(&copy),
            page.meta.kind.is_handout(),
            "{copy}"
        );
        assert_eq!(
            canvas.files.contains_key(&format!("web_resources/{copy}")),
            page.meta.kind.is_handout()
        );
        if page.meta.kind.is_handout() {
            assert!(
                generic
                    .text(&format!("pages/{}.html", page.id))
                    .contains(&format!("href=\"../{copy}\">Printable version</a>"))
            );
            assert!(
                canvas
                    .text(&format!("wiki_content/{}.html", page.id))
                    .contains(&format!(
                        "href=\"$IMS-CC-FILEBASE$/{copy}\">Printable version</a>"
                    ))
            );
            // The copy is the print layout, with the district's header.
            let html = generic.text(&copy);
            assert!(
                html.contains("class=\"handout ") && html.contains("Desert Valley Unified School District")
            );
        }
    }
}

#[test]
fn rebuilds_are_byte_identical_and_stay_out_of_the_bundle() {
    let fx = Fixture::new();
    let district = Path::new(env!("CARGO_MANIFEST_DIR")).join(DISTRICT);
    let district = district.to_str().unwrap();
    for out in ["a", "b"] {
        fx.wbl(&[
            "adapt",
            "--district",
            district,
            "--format",
            "lms,zip",
            "--out",
            out,
        ])
        .success();
    }
    let name = format!(
        "desert-valley-usd-micro-internship-toolkit-{}",
        wbl::content::load_toolkit(&wbl::content::SourceTree::embedded(), &mut Default::default())
            .unwrap()
            .meta
            .version
    );
    for file in [format!("lms/{name}.imscc"), format!("lms/{name}-canvas.imscc")] {
        let a = std::fs::read(fx.path(&format!("a/{file}"))).unwrap();
        let b = std::fs::read(fx.path(&format!("b/{file}"))).unwrap();
        assert!(a == b, "{file} differs between builds");
    }
    // The teacher bundle holds no cartridge, and no site was asked for.
    let bundle = Cartridge::open(&std::fs::read(fx.path(&format!("a/{name}.zip"))).unwrap());
    assert!(
        !bundle
            .order
            .iter()
            .any(|p| p.contains("lms/") || p.ends_with(".imscc"))
    );
    assert!(!fx.exists("a/site"));
}

#[test]
fn the_district_platform_chooses_the_generic_version() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"hill-sd\"\nname = \"Hill SD\"\n\n[lms]\nplatform = \"schoology\"\n",
    );
    let run = fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--format",
        "lms",
        "--out",
        "out",
    ]);
    run.success();
    assert!(
        run.stderr
            .contains("for Schoology, import lms/hill-sd-mini-1.2.3.imscc (Common Cartridge 1.2.0)"),
        "{}",
        run.stderr
    );
    let c = Cartridge::open(&std::fs::read(fx.path("out/lms/hill-sd-mini-1.2.3.imscc")).unwrap());
    assert!(
        c.text("imsmanifest.xml")
            .contains("<schemaversion>1.2.0</schemaversion>")
    );
    assert!(
        c.text("imsmanifest.xml")
            .contains("xmlns=\"http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1\"")
    );
    // The mini toolkit's form is for families, its introduction for staff.
    assert!(
        c.text("pages/intro.html")
            .contains("href=\"safety.html#recording\"")
    );
    assert!(
        c.text("pages/forms.html")
            .contains("href=\"../handouts/forms.html\"")
    );
}

#[test]
fn a_misspelt_platform_is_an_error_with_the_closest_name() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"hill-sd\"\nname = \"Hill SD\"\n\n[lms]\nplatform = \"canvs\"\n",
    );
    let run = fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--format",
        "lms",
        "--out",
        "out",
    ]);
    run.failure();
    assert!(run.stderr.contains("unknown variant `canvs`"), "{}", run.stderr);
    assert!(run.stderr.contains("district.toml:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `canvas`?"), "{}", run.stderr);

    fx.write(
        "d/district.toml",
        "[district]\nid = \"hill-sd\"\nname = \"Hill SD\"\n\n[lms]\nplatfrom = \"canvas\"\n",
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"]);
    run.failure();
    assert!(run.stderr.contains("did you mean `platform`?"), "{}", run.stderr);
}

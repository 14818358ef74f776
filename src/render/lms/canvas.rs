//! The Canvas cartridge: Canvas's own flavour of Common Cartridge, which
//! its importer recognises by a resource whose `href` is
//! `course_settings/canvas_export.txt`. Only then do pages import as
//! Canvas Pages (generic `webcontent` becomes a File) and modules come
//! from `course_settings/module_meta.xml`.
//!
//! ```text
//! imsmanifest.xml
//! course_settings/canvas_export.txt   the flag
//! course_settings/module_meta.xml     one module per part, one WikiPage item per page
//! course_settings/files_meta.xml      printable copies of staff pages stay locked
//! wiki_content/<page>.html            the pages
//! web_resources/assets/<name>         the images and files the pages use, and the logo
//! web_resources/handouts/<page>.html  printable copies of the handouts
//! ```
//!
//! No `course_settings/course_settings.xml` and no front page: importing
//! into an existing course must leave its settings and home page alone.

use super::CcVersion;
use super::course::{Course, Role};
use super::generic::{metadata, organizations, resource_open, role_metadata};
use super::page;
use super::xml::escape;

/// Canvas's namespace for its own course settings files.
const CANVAS_NAMESPACE: &str = "http://canvas.instructure.com/xsd/cccv1p0";
const CANVAS_SCHEMA_LOCATION: &str =
    "http://canvas.instructure.com/xsd/cccv1p0 https://canvas.instructure.com/xsd/cccv1p0.xsd";
/// Canvas writes and reads its flavour as a CC 1.1 manifest.
const VERSION: CcVersion = CcVersion::V1_1;
const FLAG: &str = "course_settings/canvas_export.txt";
const MODULE_META: &str = "course_settings/module_meta.xml";
const FILES_META: &str = "course_settings/files_meta.xml";

/// The files of the Canvas cartridge, path and bytes.
pub fn files(course: &Course, printable: &[(String, String)]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::with_capacity(course.entries.len() * 2 + course.assets.len() + 4);
    files.push((
        "imsmanifest.xml".to_string(),
        manifest(course, printable).into_bytes(),
    ));
    files.push((
        FLAG.to_string(),
        format!(
            "Made by wbl {} from the {} for Canvas: pages import as Canvas Pages, one module per part.\n",
            env!("CARGO_PKG_VERSION"),
            course.adapted.toolkit.title
        )
        .into_bytes(),
    ));
    files.push((MODULE_META.to_string(), module_meta(course).into_bytes()));
    files.push((FILES_META.to_string(), files_meta(course, printable).into_bytes()));
    for (i, page) in course.adapted.pages.iter().enumerate() {
        files.push((
            format!("wiki_content/{}.html", page.id),
            page::canvas(course, i).into_bytes(),
        ));
    }
    for asset in &course.assets {
        files.push((
            format!("web_resources/assets/{}", asset.name),
            asset.bytes.to_vec(),
        ));
    }
    for (id, html) in printable {
        files.push((
            format!("web_resources/handouts/{id}.html"),
            html.clone().into_bytes(),
        ));
    }
    files
}

/// Printable copies, with the entry of the page each is a copy of.
fn copies<'c>(
    course: &'c Course,
    printable: &'c [(String, String)],
) -> impl Iterator<Item = (&'c str, &'c str, Role)> {
    printable.iter().filter_map(|(id, _)| {
        let i = course.adapted.pages.iter().position(|p| &p.id == id)?;
        let entry = &course.entries[i];
        Some((id.as_str(), entry.printable.as_deref()?, entry.role))
    })
}

fn manifest(course: &Course, printable: &[(String, String)]) -> String {
    let mut x = String::with_capacity(32 * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<manifest identifier=\"{}_canvas\" xmlns=\"{}\" xmlns:lomimscc=\"{}\" xmlns:lom=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{}\">\n",
        course.manifest,
        VERSION.namespace(),
        VERSION.lom_manifest_namespace(),
        VERSION.lom_resource_namespace(),
        escape(&VERSION.schema_location()),
    ));
    metadata(course, VERSION, &mut x);
    organizations(course, &mut x);
    x.push_str("  <resources>\n");
    x.push_str(&format!(
        "    <resource identifier=\"canvas_export\" type=\"{}\" href=\"{FLAG}\">\n      <file href=\"{MODULE_META}\"/>\n      <file href=\"{FILES_META}\"/>\n      <file href=\"{FLAG}\"/>\n    </resource>\n",
        VERSION.associated_content_type()
    ));
    for (i, page) in course.adapted.pages.iter().enumerate() {
        let entry = &course.entries[i];
        let href = format!("wiki_content/{}.html", page.id);
        resource_open(&entry.resource, &href, &mut x);
        x.push_str(&format!("      <file href=\"{}\"/>\n", escape(&href)));
        for &a in &entry.assets {
            x.push_str(&format!(
                "      <dependency identifierref=\"{}\"/>\n",
                course.assets[a].resource
            ));
        }
        x.push_str("    </resource>\n");
    }
    for asset in &course.assets {
        let href = format!("web_resources/assets/{}", asset.name);
        resource_open(&asset.resource, &href, &mut x);
        x.push_str(&format!(
            "      <file href=\"{}\"/>\n    </resource>\n",
            escape(&href)
        ));
    }
    for (id, resource, role) in copies(course, printable) {
        let href = format!("web_resources/handouts/{id}.html");
        resource_open(resource, &href, &mut x);
        role_metadata(role, VERSION, &mut x);
        x.push_str(&format!(
            "      <file href=\"{}\"/>\n    </resource>\n",
            escape(&href)
        ));
    }
    x.push_str("  </resources>\n</manifest>\n");
    x
}

/// `course_settings/module_meta.xml`: Canvas builds its modules from
/// this file alone, each item a WikiPage pointing at its page's
/// resource. Items for the teachers import unpublished.
fn module_meta(course: &Course) -> String {
    let mut x = String::with_capacity(16 * 1024);
    x.push_str(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<modules xmlns=\"{CANVAS_NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{CANVAS_SCHEMA_LOCATION}\">\n"
    ));
    for (position, module) in course.modules.iter().enumerate() {
        x.push_str(&format!(
            "  <module identifier=\"{}\">\n    <title>{}</title>\n    <workflow_state>active</workflow_state>\n    <position>{}</position>\n    <require_sequential_progress>false</require_sequential_progress>\n    <locked>false</locked>\n    <items>\n",
            module.id,
            escape(&module.title),
            position + 1
        ));
        for (item_position, &i) in module.pages.iter().enumerate() {
            let entry = &course.entries[i];
            x.push_str(&format!(
                "      <item identifier=\"{}\">\n        <content_type>WikiPage</content_type>\n        <workflow_state>{}</workflow_state>\n        <title>{}</title>\n        <identifierref>{}</identifierref>\n        <position>{}</position>\n        <new_tab>false</new_tab>\n        <indent>0</indent>\n      </item>\n",
                entry.item,
                page::workflow_state(entry.role),
                escape(&course.adapted.pages[i].meta.title),
                entry.resource,
                item_position + 1
            ));
        }
        x.push_str("    </items>\n  </module>\n");
    }
    x.push_str("</modules>\n");
    x
}

/// `course_settings/files_meta.xml`: Canvas's flavour reads a file's
/// lock from here, not from the manifest's role, so the printable copy
/// of a page for the teachers is locked as its page is unpublished.
fn files_meta(course: &Course, printable: &[(String, String)]) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<fileMeta xmlns=\"{CANVAS_NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{CANVAS_SCHEMA_LOCATION}\">\n  <files>\n"
    );
    for (_, resource, role) in copies(course, printable) {
        if role == Role::Instructor {
            x.push_str(&format!(
                "    <file identifier=\"{resource}\">\n      <locked>true</locked>\n    </file>\n"
            ));
        }
    }
    x.push_str("  </files>\n</fileMeta>\n");
    x
}

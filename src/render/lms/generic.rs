//! The generic cartridge (IMS Common Cartridge 1.1, 1.2 or 1.3): one
//! `webcontent` resource per page, linked to each other by relative
//! paths, which Moodle, Schoology, Brightspace and Canvas's own generic
//! importer resolve to the files they import with them.
//!
//! ```text
//! imsmanifest.xml
//! pages/<page>.html        one per page, in its module's item
//! assets/<name>            the images and files the pages use, and the logo
//! handouts/<page>.html     printable copies of the handouts
//! ```

use super::CcVersion;
use super::course::{Course, Role};
use super::page;
use super::xml::escape;

/// The files of the generic cartridge, path and bytes.
pub fn files(course: &Course, printable: &[(String, String)], version: CcVersion) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::with_capacity(course.entries.len() * 2 + course.assets.len() + 1);
    files.push((
        "imsmanifest.xml".to_string(),
        manifest(course, printable, version).into_bytes(),
    ));
    for (i, page) in course.adapted.pages.iter().enumerate() {
        files.push((
            format!("pages/{}.html", page.id),
            page::generic(course, i).into_bytes(),
        ));
    }
    for asset in &course.assets {
        files.push((format!("assets/{}", asset.name), asset.bytes.to_vec()));
    }
    for (id, html) in printable {
        files.push((format!("handouts/{id}.html"), html.clone().into_bytes()));
    }
    files
}

fn manifest(course: &Course, printable: &[(String, String)], version: CcVersion) -> String {
    let mut x = String::with_capacity(32 * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<manifest identifier=\"{}\" xmlns=\"{}\" xmlns:lomimscc=\"{}\" xmlns:lom=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{}\">\n",
        course.manifest,
        version.namespace(),
        version.lom_manifest_namespace(),
        version.lom_resource_namespace(),
        escape(&version.schema_location()),
    ));
    metadata(course, version, &mut x);
    organizations(course, &mut x);

    x.push_str("  <resources>\n");
    for (i, page) in course.adapted.pages.iter().enumerate() {
        let entry = &course.entries[i];
        let href = format!("pages/{}.html", page.id);
        resource_open(&entry.resource, &href, &mut x);
        role_metadata(entry.role, version, &mut x);
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
        let href = format!("assets/{}", asset.name);
        resource_open(&asset.resource, &href, &mut x);
        x.push_str(&format!(
            "      <file href=\"{}\"/>\n    </resource>\n",
            escape(&href)
        ));
    }
    for (id, _) in printable {
        let Some(i) = course.adapted.pages.iter().position(|p| &p.id == id) else {
            continue;
        };
        let entry = &course.entries[i];
        let Some(resource) = &entry.printable else {
            continue;
        };
        let href = format!("handouts/{id}.html");
        resource_open(resource, &href, &mut x);
        role_metadata(entry.role, version, &mut x);
        x.push_str(&format!(
            "      <file href=\"{}\"/>\n    </resource>\n",
            escape(&href)
        ));
    }
    x.push_str("  </resources>\n</manifest>\n");
    x
}

/// The cartridge's own metadata: the schema and version an importer
/// checks first, then what it shows of the course (LOM).
pub fn metadata(course: &Course, version: CcVersion, x: &mut String) {
    let lang = escape(course.lang);
    let t = &course.adapted.toolkit;
    x.push_str("  <metadata>\n    <schema>IMS Common Cartridge</schema>\n");
    x.push_str(&format!(
        "    <schemaversion>{}</schemaversion>\n",
        version.schemaversion()
    ));
    x.push_str("    <lomimscc:lom>\n      <lomimscc:general>\n");
    x.push_str(&format!(
        "        <lomimscc:title>\n          <lomimscc:string language=\"{lang}\">{}</lomimscc:string>\n        </lomimscc:title>\n",
        escape(&course.title)
    ));
    x.push_str(&format!(
        "        <lomimscc:language>{lang}</lomimscc:language>\n"
    ));
    if !t.description.is_empty() {
        x.push_str(&format!(
            "        <lomimscc:description>\n          <lomimscc:string language=\"{lang}\">{}</lomimscc:string>\n        </lomimscc:description>\n",
            escape(&t.description)
        ));
    }
    x.push_str("      </lomimscc:general>\n");
    if !t.license.is_empty() {
        x.push_str(&format!(
            "      <lomimscc:rights>\n        <lomimscc:copyrightAndOtherRestrictions>\n          <lomimscc:value>yes</lomimscc:value>\n        </lomimscc:copyrightAndOtherRestrictions>\n        <lomimscc:description>\n          <lomimscc:string language=\"{lang}\">{}</lomimscc:string>\n        </lomimscc:description>\n      </lomimscc:rights>\n",
            escape(&format!("{}. Published by {}.", t.license, t.publisher))
        ));
    }
    x.push_str("    </lomimscc:lom>\n  </metadata>\n");
}

/// One organization: an untitled root item holding one titled item per
/// module, each holding one item per page.
pub fn organizations(course: &Course, x: &mut String) {
    x.push_str("  <organizations>\n    <organization identifier=\"organization\" structure=\"rooted-hierarchy\">\n      <item identifier=\"root\">\n");
    for module in &course.modules {
        x.push_str(&format!(
            "        <item identifier=\"{}\">\n          <title>{}</title>\n",
            module.id,
            escape(&module.title)
        ));
        for &i in &module.pages {
            let entry = &course.entries[i];
            x.push_str(&format!(
                "          <item identifier=\"{}\" identifierref=\"{}\">\n            <title>{}</title>\n          </item>\n",
                entry.item,
                entry.resource,
                escape(&course.adapted.pages[i].meta.title)
            ));
        }
        x.push_str("        </item>\n");
    }
    x.push_str("      </item>\n    </organization>\n  </organizations>\n");
}

pub fn resource_open(identifier: &str, href: &str, x: &mut String) {
    x.push_str(&format!(
        "    <resource identifier=\"{identifier}\" type=\"webcontent\" href=\"{}\">\n",
        escape(href)
    ));
}

/// The resource-level LOM the CC profile allows: who the resource is for.
pub fn role_metadata(role: Role, version: CcVersion, x: &mut String) {
    x.push_str(&format!(
        "      <metadata>\n        <lom:lom>\n          <lom:educational>\n            <lom:intendedEndUserRole>\n              <lom:source>{}</lom:source>\n              <lom:value>{}</lom:value>\n            </lom:intendedEndUserRole>\n          </lom:educational>\n        </lom:lom>\n      </metadata>\n",
        version.role_vocabulary(),
        role.name()
    ));
}

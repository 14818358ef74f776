//! The LMS cartridges: `lms/<name>.imscc`, a generic IMS Common Cartridge
//! (1.1 by default, 1.2 or 1.3 where the district's LMS needs it) whose
//! links resolve inside the package, and `lms/<name>-canvas.imscc`,
//! Canvas's own flavour, whose pages import as Canvas Pages. Both hold
//! one module per part, every page of the adapted toolkit, printable
//! copies of the handouts and the files the pages use. docs/lms.md says
//! how each LMS imports them and what was checked against which importer.
//!
//! A pure function of the adapted toolkit and its rendered pages, like
//! every renderer; the zips are built in memory, byte for byte the same
//! for the same input.

mod canvas;
mod course;
mod generic;
mod page;
mod printable;
mod xml;

use anyhow::{Result, bail};

use crate::adapt::Adapted;
use crate::adapt::district::LmsPlatform;
use crate::render::{OutputFile, RenderedPage};
use crate::util::paths::is_safe_relative;
pub use course::Role;

/// The version of IMS Common Cartridge the generic cartridge follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CcVersion {
    V1_1,
    V1_2,
    V1_3,
}

impl CcVersion {
    /// The version a district's LMS imports: Schoology reads 1.2,
    /// Infinite Campus 1.3; Moodle reads only 1.0 and 1.1, and 1.1 is
    /// what every other LMS reads too.
    pub fn for_platform(platform: Option<LmsPlatform>) -> CcVersion {
        match platform {
            Some(LmsPlatform::Schoology) => CcVersion::V1_2,
            Some(LmsPlatform::InfiniteCampus) => CcVersion::V1_3,
            _ => CcVersion::V1_1,
        }
    }

    /// `<schemaversion>`.
    pub fn schemaversion(self) -> &'static str {
        match self {
            CcVersion::V1_1 => "1.1.0",
            CcVersion::V1_2 => "1.2.0",
            CcVersion::V1_3 => "1.3.0",
        }
    }

    /// `v1p1`, as the specification's namespaces spell the version.
    fn tag(self) -> &'static str {
        match self {
            CcVersion::V1_1 => "v1p1",
            CcVersion::V1_2 => "v1p2",
            CcVersion::V1_3 => "v1p3",
        }
    }

    /// The manifest's default namespace.
    pub fn namespace(self) -> String {
        format!("http://www.imsglobal.org/xsd/imscc{}/imscp_v1p1", self.tag())
    }

    pub fn lom_manifest_namespace(self) -> String {
        format!("http://ltsc.ieee.org/xsd/imscc{}/LOM/manifest", self.tag())
    }

    pub fn lom_resource_namespace(self) -> String {
        format!("http://ltsc.ieee.org/xsd/imscc{}/LOM/resource", self.tag())
    }

    /// `xsi:schemaLocation`: each namespace with the profile's XSD.
    fn schema_location(self) -> String {
        let (t, p) = (
            self.tag(),
            format!("http://www.imsglobal.org/profile/cc/cc{}", self.tag()),
        );
        format!(
            "{} {p}/cc{t}_imscp_v1p2_v1p0.xsd {} {p}/LOM/cc{t}_lommanifest_v1p0.xsd {} {p}/LOM/cc{t}_lomresource_v1p0.xsd",
            self.namespace(),
            self.lom_manifest_namespace(),
            self.lom_resource_namespace()
        )
    }

    /// The vocabulary `intendedEndUserRole` values come from.
    fn role_vocabulary(self) -> String {
        format!("IMSGLC_CC_Roles{}", self.tag())
    }

    /// The resource type of Canvas's flag resource.
    fn associated_content_type(self) -> String {
        format!(
            "associatedcontent/imscc_xml{}/learning-application-resource",
            self.tag()
        )
    }
}

/// The two cartridges: `lms/<name>.imscc` (generic, `version`) and
/// `lms/<name>-canvas.imscc`, their entries stamped with `time`.
pub fn cartridges(
    adapted: &Adapted,
    pages: &[RenderedPage],
    version: CcVersion,
    time: i64,
) -> Result<Vec<OutputFile>> {
    let course = course::Course::new(adapted, pages);
    let printable = printable::copies(adapted, pages)?;
    let name = adapted.bundle_name();
    let generic = entries(generic::files(&course, &printable, version))?;
    let canvas = entries(canvas::files(&course, &printable))?;
    // Zipped together: the printable handouts and the assets are the
    // same bytes in both, and are compressed once.
    let mut zips = crate::util::zipfile::write_all(&[&borrow(&generic), &borrow(&canvas)], time)?;
    let canvas_zip = zips.pop().expect("two zips");
    let generic_zip = zips.pop().expect("two zips");
    Ok(vec![
        OutputFile::new(format!("lms/{name}.imscc"), generic_zip),
        OutputFile::new(format!("lms/{name}-canvas.imscc"), canvas_zip),
    ])
}

/// The cartridge for the district's LMS, and what to do with it, for the
/// summary `wbl adapt` prints.
pub fn import_hint(adapted: &Adapted) -> String {
    let name = adapted.bundle_name();
    let platform = adapted.district.as_deref().and_then(|d| d.lms_platform);
    let version = CcVersion::for_platform(platform).schemaversion();
    match platform {
        Some(LmsPlatform::Canvas) => format!(
            "for Canvas, import lms/{name}-canvas.imscc (Settings > Import Course Content > Canvas Course Export Package); docs/lms.md has the steps"
        ),
        Some(p) => format!(
            "for {}, import lms/{name}.imscc (Common Cartridge {version}); docs/lms.md has the steps",
            p.label()
        ),
        None => format!(
            "LMS: lms/{name}-canvas.imscc for Canvas, lms/{name}.imscc (Common Cartridge {version}) for the others; docs/lms.md has the steps"
        ),
    }
}

/// A cartridge's files as the teacher bundle's are zipped: sorted by
/// path, each path safe and given once. (Every entry is then stamped with
/// the same time and permissions, and files that are compressed already
/// are stored as they are.)
fn entries(mut files: Vec<(String, Vec<u8>)>) -> Result<Vec<(String, Vec<u8>)>> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for pair in files.windows(2) {
        if pair[0].0 == pair[1].0 {
            bail!("refusing to put `{}` in a cartridge twice", pair[0].0);
        }
    }
    for (path, _) in &files {
        if !is_safe_relative(path) {
            bail!("refusing to put `{path}` in a cartridge");
        }
    }
    Ok(files)
}

fn borrow(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    files.iter().map(|(p, b)| (p.as_str(), &b[..])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_follow_the_version() {
        assert_eq!(
            CcVersion::V1_1.namespace(),
            "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
        );
        assert_eq!(
            CcVersion::V1_3.lom_resource_namespace(),
            "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource"
        );
        assert!(
            CcVersion::V1_2
                .schema_location()
                .contains("http://www.imsglobal.org/profile/cc/ccv1p2/ccv1p2_imscp_v1p2_v1p0.xsd")
        );
        assert_eq!(CcVersion::V1_2.role_vocabulary(), "IMSGLC_CC_Rolesv1p2");
    }

    #[test]
    fn each_platform_gets_the_version_it_imports() {
        use LmsPlatform::*;
        assert_eq!(CcVersion::for_platform(None), CcVersion::V1_1);
        assert_eq!(CcVersion::for_platform(Some(Moodle)), CcVersion::V1_1);
        assert_eq!(CcVersion::for_platform(Some(Canvas)), CcVersion::V1_1);
        assert_eq!(CcVersion::for_platform(Some(Schoology)), CcVersion::V1_2);
        assert_eq!(CcVersion::for_platform(Some(InfiniteCampus)), CcVersion::V1_3);
    }

    #[test]
    fn refuses_unsafe_entries() {
        let err = entries(vec![("../evil.html".into(), b"x".to_vec())]).unwrap_err();
        assert!(err.to_string().contains("../evil.html"));
    }
}

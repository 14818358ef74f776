//! A district override folder: `district.toml`, `pages/`, `sections/`,
//! `assets/`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::lock::Lock;
use crate::content::load::{load_pages, parse_toml, read_text};
use crate::content::{Page, SourceTree, is_valid_id};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, did_you_mean};
use crate::fs;
pub use crate::util::color::Rgb;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistrictFile {
    district: DistrictTable,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    partners: Vec<Partner>,
    #[serde(default)]
    vars: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pages: PagesTable,
    #[serde(default)]
    sections: Vec<SectionFile>,
    #[serde(default)]
    lms: LmsTable,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistrictTable {
    id: Spanned<String>,
    name: String,
    short_name: Option<String>,
    logo: Option<Spanned<String>>,
    website: Option<String>,
    color: Option<Spanned<String>>,
    language: Option<String>,
    languages: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    paper: Paper,
}

/// The paper a district prints on, from `[district] paper`: the handbook's
/// and every handout's sheet size and margins follow it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// US Letter, 8.5 × 11 in: the default, as in US schools.
    #[default]
    Letter,
    /// ISO A4, 210 × 297 mm.
    A4,
}

impl Paper {
    /// The name CSS `@page { size }` knows it by.
    pub fn css_name(self) -> &'static str {
        match self {
            Paper::Letter => "letter",
            Paper::A4 => "A4",
        }
    }

    /// Its short and long sides, as CSS lengths.
    pub fn sides(self) -> (&'static str, &'static str) {
        match self {
            Paper::Letter => ("8.5in", "11in"),
            Paper::A4 => ("210mm", "297mm"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    pub name: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub website: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PagesTable {
    #[serde(default)]
    hide: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LmsTable {
    platform: Option<LmsPlatform>,
}

/// The learning management system a district's teachers use, from
/// `[lms] platform`: it chooses the version of the generic cartridge and
/// which cartridge `wbl adapt` points the coordinator at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LmsPlatform {
    Canvas,
    Schoology,
    Moodle,
    Brightspace,
    InfiniteCampus,
    Other,
}

impl LmsPlatform {
    /// The platform's name as people write it.
    pub fn label(self) -> &'static str {
        match self {
            LmsPlatform::Canvas => "Canvas",
            LmsPlatform::Schoology => "Schoology",
            LmsPlatform::Moodle => "Moodle",
            LmsPlatform::Brightspace => "Brightspace",
            LmsPlatform::InfiniteCampus => "Infinite Campus",
            LmsPlatform::Other => "your LMS",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    target: Spanned<String>,
    action: Spanned<String>,
    file: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    /// The one language this change is for; without it, every language.
    lang: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Replace,
    Append,
    Prepend,
    Remove,
}

impl Action {
    pub const NAMES: [&'static str; 4] = ["replace", "append", "prepend", "remove"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "replace" => Action::Replace,
            "append" => Action::Append,
            "prepend" => Action::Prepend,
            "remove" => Action::Remove,
            _ => return None,
        })
    }
}

/// Text brought by an override, with where it came from so errors in it
/// point at the right file and line.
#[derive(Debug, Clone)]
pub struct OverrideText {
    pub file: Arc<SourceFile>,
    /// Offset in `file.text` where `text` starts.
    pub offset: usize,
    pub text: String,
}

/// One `[[sections]]` entry.
#[derive(Debug, Clone)]
pub struct SectionOp {
    /// `page` or `page#section`.
    pub target: String,
    pub target_span: Range<usize>,
    pub action: Action,
    /// `None` for `remove`.
    pub content: Option<OverrideText>,
    /// `lang = "es"`: the one language this change is for, with its span.
    pub lang: Option<(String, Range<usize>)>,
    /// The text in other languages, from files paired by name with
    /// `file` (`sections/x.es.md` beside `sections/x.md`), by language.
    pub translated: BTreeMap<String, OverrideText>,
}

impl SectionOp {
    pub fn page(&self) -> &str {
        self.target.split_once('#').map_or(&self.target, |(p, _)| p)
    }

    pub fn section(&self) -> Option<&str> {
        self.target.split_once('#').map(|(_, s)| s)
    }
}

/// A loaded district folder.
#[derive(Debug, Clone)]
pub struct District {
    pub dir: PathBuf,
    pub manifest: Arc<SourceFile>,
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub website: String,
    pub color: Option<(Rgb, Range<usize>)>,
    pub language: Option<String>,
    /// `languages = [...]` as written, checked against the toolkit's
    /// languages when it is adapted.
    pub languages: Option<Vec<(String, Range<usize>)>>,
    /// The span of the `languages` list, for diagnostics.
    pub languages_span: Option<Range<usize>>,
    /// `pages/<id>.<lang>.md`, read but not yet parsed: what they
    /// translate is known only beside the toolkit.
    pub translation_files: Vec<Arc<SourceFile>>,
    pub paper: Paper,
    /// The logo's asset name (under `assets/` of the outputs) and bytes.
    pub logo: Option<(String, Arc<[u8]>)>,
    pub contacts: Vec<Contact>,
    pub partners: Vec<Partner>,
    pub vars: Vec<(Spanned<String>, Spanned<toml::Value>)>,
    pub hide: Vec<Spanned<String>>,
    pub ops: Vec<SectionOp>,
    pub pages: BTreeMap<String, Page>,
    pub assets: BTreeMap<String, Arc<[u8]>>,
    /// The district's `wbl.lock`, if it has one.
    pub lock: Option<Lock>,
    /// `[lms] platform`, if given.
    pub lms_platform: Option<LmsPlatform>,
}

impl District {
    /// No district: the generic toolkit, with nothing overridden.
    pub fn empty_overrides() -> District {
        District {
            dir: PathBuf::new(),
            manifest: SourceFile::new("district.toml", ""),
            id: String::new(),
            name: String::new(),
            short_name: String::new(),
            website: String::new(),
            color: None,
            language: None,
            languages: None,
            languages_span: None,
            translation_files: Vec::new(),
            paper: Paper::Letter,
            logo: None,
            contacts: Vec::new(),
            partners: Vec::new(),
            vars: Vec::new(),
            hide: Vec::new(),
            ops: Vec::new(),
            pages: BTreeMap::new(),
            assets: BTreeMap::new(),
            lock: None,
            lms_platform: None,
        }
    }
}

/// Reads a district folder. `Err` is for the environment (unreadable
/// folder); mistakes in the content are diagnostics, and `Ok(None)` means
/// at least one error was reported.
pub fn load_district(dir: &Path, diags: &mut Diagnostics) -> anyhow::Result<Option<District>> {
    let tree = SourceTree::from_dir(dir, &["district.toml"], &["pages", "assets"])?;
    let display = tree.display("district.toml");
    let Some(bytes) = tree.get("district.toml") else {
        diags.push(
            Diagnostic::error(Code::MissingFile, format!("`{display}` not found"))
                .in_file(display)
                .with_help("a district folder needs a district.toml; `wbl init district DIR` writes one"),
        );
        return Ok(None);
    };
    let Some(manifest) = read_text(&display, bytes, diags) else {
        return Ok(None);
    };
    let Some(file) = parse_toml::<DistrictFile>(&manifest, 0..manifest.text.len(), diags) else {
        return Ok(None);
    };
    let errors_before = diags.count(crate::diag::Severity::Error);
    let d = &file.district;
    crate::content::urls::check_district(&manifest, diags);
    crate::content::names::check_tree(&tree, diags);

    if !is_valid_id(d.id.get_ref()) {
        diags.push(
            Diagnostic::error(
                Code::InvalidId,
                format!("`{}` is not a valid district id", d.id.get_ref()),
            )
            .at(&manifest, d.id.span())
            .with_help("ids use lower-case letters, digits, `-` and `_` (they become file names)"),
        );
    } else if d.id.get_ref().len() > crate::content::names::MAX_ID_LEN {
        diags.push(
            Diagnostic::error(
                Code::InvalidId,
                format!(
                    "the district id is {} characters long; it becomes part of file names, so keep it to {}",
                    d.id.get_ref().len(),
                    crate::content::names::MAX_ID_LEN
                ),
            )
            .at(&manifest, d.id.span())
            .with_help("use a short form of the district's name, for example \"desert-valley-usd\""),
        );
    }

    let color = d.color.as_ref().and_then(|c| match Rgb::parse(c.get_ref()) {
        Some(rgb) => Some((rgb, c.span())),
        None => {
            diags.push(
                Diagnostic::error(Code::InvalidColour, format!("`{}` is not a colour", c.get_ref()))
                    .at(&manifest, c.span())
                    .with_help("write the colour as a hex code, for example \"#0b5394\""),
            );
            None
        }
    });

    let logo = d.logo.as_ref().and_then(|logo| {
        let path = resolve_path(dir, &manifest, logo, diags)?;
        let bytes = fs_read_diag(&path, &manifest, logo.span(), diags)?;
        let name = logo
            .get_ref()
            .strip_prefix("assets/")
            .unwrap_or_else(|| logo.get_ref().rsplit('/').next().unwrap_or("logo"))
            .to_string();
        let problem = match crate::content::image::kind_by_name(&name) {
            None => Some(format!("the logo `{}` is not named as an image", logo.get_ref())),
            Some(_) => crate::content::image::problem(&name, &bytes),
        };
        if let Some(problem) = problem {
            diags.push(
                Diagnostic::error(Code::BadImage, problem)
                    .at(&manifest, logo.span())
                    .with_help("the logo must be a PNG, JPEG, GIF, WebP or SVG image (without scripts or links), named by its type"),
            );
            return None;
        }
        Some((name, Arc::from(bytes)))
    });

    let mut ops = Vec::new();
    for section in &file.sections {
        let action = match Action::parse(section.action.get_ref()) {
            Some(a) => a,
            None => {
                let mut diag = Diagnostic::error(
                    Code::UnknownAction,
                    format!("unknown action `{}`", section.action.get_ref()),
                )
                .at(&manifest, section.action.span());
                diag = diag.with_help(
                    did_you_mean(section.action.get_ref(), Action::NAMES).unwrap_or_else(|| {
                        "the actions are `replace`, `append`, `prepend` and `remove`".to_string()
                    }),
                );
                diags.push(diag);
                continue;
            }
        };
        let mut translated = BTreeMap::new();
        let content = match (&section.file, &section.text, action) {
            (Some(_), Some(text), _) => {
                diags.push(
                    Diagnostic::error(Code::FileAndText, "give either `file` or `text`, not both")
                        .at(&manifest, text.span()),
                );
                continue;
            }
            (None, None, Action::Remove) => None,
            (_, _, Action::Remove) => {
                let span = section
                    .file
                    .as_ref()
                    .map(Spanned::span)
                    .or(section.text.as_ref().map(Spanned::span))
                    .unwrap_or(section.action.span());
                diags.push(
                    Diagnostic::error(Code::RemoveWithText, "`remove` takes no `file` or `text`")
                        .at(&manifest, span)
                        .with_help("delete the `file` / `text` line, or use `replace`"),
                );
                continue;
            }
            (None, None, _) => {
                diags.push(
                    Diagnostic::error(
                        Code::MissingText,
                        format!("`{}` needs the text to use", action.name()),
                    )
                    .at(&manifest, section.action.span())
                    .with_help("add `file = \"sections/NAME.md\"` or `text = \"\"\"…\"\"\"`"),
                );
                continue;
            }
            (Some(rel), None, _) => {
                let Some(path) = resolve_path(dir, &manifest, rel, diags) else {
                    continue;
                };
                let Some(bytes) = fs_read_diag(&path, &manifest, rel.span(), diags) else {
                    continue;
                };
                let Some(file) = read_text(&tree.display(rel.get_ref()), &bytes, diags) else {
                    continue;
                };
                translated = paired_files(dir, &tree, &manifest, rel, diags);
                Some(OverrideText {
                    offset: 0,
                    text: file.text.clone(),
                    file,
                })
            }
            (None, Some(text), _) => {
                let span = text.span();
                let literal = &manifest.text[span.clone()];
                let mut offset = span.start + 1;
                if literal.starts_with("\"\"\"") || literal.starts_with("'''") {
                    offset = span.start + 3;
                    if manifest.text[offset..].starts_with('\n') {
                        offset += 1;
                    }
                }
                Some(OverrideText {
                    file: manifest.clone(),
                    offset,
                    text: text.get_ref().clone(),
                })
            }
        };
        ops.push(SectionOp {
            target: section.target.get_ref().trim().to_string(),
            target_span: section.target.span(),
            action,
            content,
            lang: section.lang.as_ref().map(|l| (l.get_ref().clone(), l.span())),
            translated,
        });
    }

    let (pages, _) = load_pages(&tree, "pages", diags);
    let mut translation_files = Vec::new();
    for (path, bytes) in tree.under("pages") {
        if crate::content::translations::is_translation_path(path)
            && let Some(file) = read_text(&tree.display(path), bytes, diags)
        {
            translation_files.push(file);
        }
    }
    crate::content::names::check_pages(pages.values(), diags);
    let logo_path = d.logo.as_ref().map(|l| l.get_ref().replace('\\', "/"));
    for (path, bytes) in tree.under("assets") {
        if logo_path.as_deref() == Some(path) {
            continue;
        }
        if let Some(problem) = crate::content::image::problem(path.rsplit('/').next().unwrap_or(path), bytes)
        {
            diags.push(
                Diagnostic::error(Code::BadImage, problem)
                    .in_file(tree.display(path))
                    .with_help("save the image in the type its name says (PNG, JPEG, GIF, WebP or SVG without scripts or links), or rename it"),
            );
        }
    }
    let lock = Lock::load(dir, &tree.display(super::lock::FILE_NAME), diags)?;
    let assets = tree
        .under("assets")
        .map(|(path, bytes)| (path["assets/".len()..].to_string(), bytes.clone()))
        .collect();

    if diags.count(crate::diag::Severity::Error) > errors_before {
        return Ok(None);
    }
    let DistrictFile {
        district,
        contacts,
        partners,
        vars,
        pages: pages_table,
        lms,
        ..
    } = file;
    Ok(Some(District {
        dir: dir.to_path_buf(),
        id: district.id.into_inner(),
        short_name: district.short_name.unwrap_or_else(|| district.name.clone()),
        name: district.name,
        website: district.website.unwrap_or_default(),
        color,
        language: district.language,
        languages_span: district.languages.as_ref().map(Spanned::span),
        languages: district.languages.map(|l| {
            l.into_inner()
                .into_iter()
                .map(|v| (v.get_ref().clone(), v.span()))
                .collect()
        }),
        translation_files,
        paper: district.paper,
        logo,
        contacts,
        partners,
        vars: vars.into_iter().collect(),
        hide: pages_table.hide,
        ops,
        pages,
        assets,
        lock,
        lms_platform: lms.platform,
        manifest,
    }))
}

/// The translations of an override file: `sections/x.<lang>.md` beside
/// `sections/x.md`, by language.
fn paired_files(
    dir: &Path,
    tree: &SourceTree,
    manifest: &SourceFile,
    rel: &Spanned<String>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, OverrideText> {
    let mut out = BTreeMap::new();
    let written = rel.get_ref().replace('\\', "/");
    let Some(stem) = written.strip_suffix(".md") else {
        return out;
    };
    let (folder, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    let Ok(entries) = std::fs::read_dir(fs::join_rel(dir, if folder.is_empty() { "." } else { folder }))
    else {
        return out;
    };
    let mut found: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|file_name| {
            let lang = file_name
                .strip_prefix(name)?
                .strip_prefix('.')?
                .strip_suffix(".md")?;
            crate::content::schema::is_language_code(lang).then(|| (lang.to_string(), file_name.clone()))
        })
        .collect();
    found.sort();
    for (lang, file_name) in found {
        let pair = if folder.is_empty() {
            file_name
        } else {
            format!("{folder}/{file_name}")
        };
        let spanned = Spanned::new(rel.span(), pair.clone());
        let Some(path) = resolve_path(dir, manifest, &spanned, diags) else {
            continue;
        };
        let Ok(bytes) = std::fs::read(&path) else { continue };
        if let Some(file) = read_text(&tree.display(&pair), &bytes, diags) {
            out.insert(
                lang,
                OverrideText {
                    offset: 0,
                    text: file.text.clone(),
                    file,
                },
            );
        }
    }
    out
}

/// Checks a path written in district.toml: relative, without `..`, and
/// (following links) inside the district folder.
fn resolve_path(
    dir: &Path,
    manifest: &SourceFile,
    rel: &Spanned<String>,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    let text = rel.get_ref();
    let path = Path::new(text);
    let escapes = path.is_absolute()
        || text.starts_with('/')
        || text.starts_with('\\')
        || text.get(1..2) == Some(":")
        || path.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        })
        || text.split(['/', '\\']).any(|part| part == "..");
    if escapes {
        diags.push(
            Diagnostic::error(Code::PathOutsideDistrict, format!("path `{text}` leaves the district folder"))
                .at(manifest, rel.span())
                .with_help("paths in district.toml are relative to the district folder, without `..`, for example \"sections/recording.md\""),
        );
        return None;
    }
    let written = text.replace('\\', "/");
    let full = fs::join_rel(dir, &written);
    // Before `exists()`, which ignores capitals on Windows and macOS.
    if let Some(real) = crate::util::filecase::real_name(dir, &written) {
        diags.push(
            Diagnostic::error(
                Code::WrongCase,
                format!("`{text}` is not in the district folder: the file there is `{real}`, with other capitals"),
            )
            .at(manifest, rel.span())
            .with_help(format!(
                "did you mean `{real}`? Write the name exactly as the file is called: capitals matter on the Linux machines that publish sites, even where Windows or macOS ignore them"
            )),
        );
        return None;
    }
    if !full.exists() {
        // `"assets\new.svg"` reads as `assets`, a line break and `ew.svg`.
        let literal = &manifest.text[rel.span()];
        let mut diag = Diagnostic::error(
            Code::FileNotFound,
            format!(
                "`{}` not found in the district folder",
                literal.trim_matches(['"', '\''])
            ),
        )
        .at(manifest, rel.span());
        if literal.starts_with('"') && literal.contains('\\') {
            diag = diag.with_help(format!(
                "use `/` in paths, e.g. \"{}\" (it works on Windows too)",
                literal.trim_matches('"').replace("\\\\", "/").replace('\\', "/")
            ));
        } else if let Some(help) = did_you_mean(
            &written,
            crate::util::filecase::siblings(dir, &written)
                .iter()
                .map(String::as_str),
        ) {
            diag = diag.with_help(help);
        }
        diags.push(diag);
        return None;
    }
    let inside = match (dir.canonicalize(), full.canonicalize()) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    };
    if !inside {
        diags.push(
            Diagnostic::error(
                Code::PathOutsideDistrict,
                format!("path `{text}` leads outside the district folder through a link"),
            )
            .at(manifest, rel.span())
            .with_help("copy the file into the district folder instead of linking to it"),
        );
        return None;
    }
    Some(full)
}

fn fs_read_diag(
    path: &Path,
    manifest: &SourceFile,
    span: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Vec<u8>> {
    match fs::read_regular(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::UnreadableFile,
                    format!("could not read `{}`: {e}", fs::display(path)),
                )
                .at(manifest, span),
            );
            None
        }
    }
}

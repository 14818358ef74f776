//! The toolkit model and how it is loaded: `toolkit.toml`, pages with
//! front matter, the headings and sections of each page, and assets.

pub mod frontmatter;
pub mod image;
pub mod load;
pub mod names;
pub mod schema;
pub mod sections;
pub mod snippets;
pub mod source;
pub mod translations;
pub mod urls;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diag::SourceFile;
pub use load::load_toolkit;
pub use sections::Heading;
pub use snippets::Snippets;
pub use source::SourceTree;

/// The parsed `toolkit.toml`.
#[derive(Debug, Clone)]
pub struct ToolkitMeta {
    pub id: String,
    pub title: String,
    /// One or two sentences on what the toolkit is, for cover pages.
    pub description: String,
    pub version: semver::Version,
    /// The source language: `languages[0]`.
    pub language: String,
    /// Every language the toolkit is written in, the source first.
    pub languages: Vec<String>,
    /// `[translation.<lang>]`: a title and description in other languages.
    pub language_meta: BTreeMap<String, LanguageMeta>,
    pub license: String,
    pub publisher: String,
    /// Default variables, overridable by a district.
    pub vars: BTreeMap<String, toml::Value>,
    /// What each variable may be, how they relate, the platforms' words.
    pub schema: Arc<schema::Schema>,
    pub parts: Vec<Part>,
    /// The folder given as `--toolkit`, as shown to the user; `None` for
    /// the toolkit built into wbl. Hints that suggest a command repeat it.
    pub dir: Option<String>,
}

impl ToolkitMeta {
    /// `wbl SUBCOMMAND ARGS` as the user should type it to reach this same
    /// toolkit: following a hint that dropped `--toolkit DIR` would check
    /// against the built-in toolkit instead.
    pub fn command(&self, subcommand: &str, args: &str) -> String {
        let toolkit = self
            .dir
            .as_deref()
            .map_or(String::new(), |dir| format!(" --toolkit {}", shell_word(dir)));
        let args = if args.is_empty() {
            String::new()
        } else {
            format!(" {args}")
        };
        format!("wbl {subcommand}{toolkit}{args}")
    }
}

/// A path as one word on a command line (bash and PowerShell alike).
pub fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "-_./\\:#".contains(c)) {
        s.to_string()
    } else {
        format!("\"{s}\"")
    }
}

/// What `[translation.<lang>]` in toolkit.toml gives.
#[derive(Debug, Clone, Default)]
pub struct LanguageMeta {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Part titles by part id; an untitled part keeps the source's title.
    pub parts: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub id: String,
    pub title: String,
    pub pages: Vec<String>,
}

/// What a page is; every kind but `guide` is also printed as a standalone
/// handout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Guide,
    Handout,
    Form,
    Checklist,
    Rubric,
    Template,
    Letter,
}

impl Kind {
    pub const NAMES: [&'static str; 7] = [
        "guide",
        "handout",
        "form",
        "checklist",
        "rubric",
        "template",
        "letter",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn is_handout(self) -> bool {
        self != Kind::Guide
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Teachers,
    Partners,
    Students,
    Families,
    Coordinators,
}

impl Audience {
    pub fn name(self) -> &'static str {
        match self {
            Audience::Teachers => "teachers",
            Audience::Partners => "partners",
            Audience::Students => "students",
            Audience::Families => "families",
            Audience::Coordinators => "coordinators",
        }
    }
}

/// A page's front matter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub audience: Vec<Audience>,
    #[serde(default)]
    pub summary: String,
    /// District pages only: the part a new page goes in.
    pub part: Option<String>,
    /// District pages only: the page a new page follows.
    pub after: Option<String>,
    /// A print layout for a kind of document (`flyer`, `certificate`),
    /// chosen here rather than by page id so a district's own page can
    /// use it too.
    pub layout: Option<Layout>,
}

/// The print layouts a page may ask for in its front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One sheet: a large title, the key facts and whom to contact.
    Flyer,
    /// One landscape sheet with the district's logo, name and signature lines.
    Certificate,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Flyer => "flyer",
            Layout::Certificate => "certificate",
        }
    }
}

/// One Markdown page as written, with its headings found.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: String,
    pub meta: FrontMatter,
    pub file: Arc<SourceFile>,
    /// Byte offset of the body (after the front matter) in `file.text`.
    pub body_start: usize,
    /// Every heading of the body, in order, with its id and section range
    /// (offsets relative to the body).
    pub headings: Vec<Heading>,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.file.text[self.body_start..]
    }

    pub fn heading(&self, id: &str) -> Option<&Heading> {
        self.headings.iter().find(|h| h.id == id)
    }
}

/// A loaded toolkit: the source every district is adapted from.
#[derive(Debug, Clone)]
pub struct Toolkit {
    pub meta: ToolkitMeta,
    /// The file `toolkit.toml` itself, for diagnostics.
    pub manifest: Arc<SourceFile>,
    /// Pages by id.
    pub pages: BTreeMap<String, Page>,
    /// Files under `assets/`, by name relative to it.
    pub assets: BTreeMap<String, Arc<[u8]>>,
    /// Text under `snippets/` that pages include, by file name.
    pub snippets: Snippets,
    /// Every language but the source, with its translated pages and
    /// snippets.
    pub translations: BTreeMap<String, translations::Translation>,
}

impl Toolkit {
    /// Every section address (`page` and `page#section`), in reading order.
    pub fn addresses(&self) -> Vec<String> {
        let mut out = Vec::new();
        for part in &self.meta.parts {
            for id in &part.pages {
                if let Some(page) = self.pages.get(id) {
                    out.push(page.id.clone());
                    out.extend(page.headings.iter().map(|h| format!("{}#{}", page.id, h.id)));
                }
            }
        }
        out
    }
}

/// Page ids become file names in every output, so they are kept to
/// characters that are safe in a URL and a file name on every system.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with('-')
}

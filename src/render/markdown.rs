//! Page text → HTML, once per page, shared by every output.
//!
//! Variables are filled in with tera, then the Markdown is turned into
//! HTML in which every place that differs between outputs (heading ids and
//! levels, links between pages, asset paths) is left as a numbered hole.
//! Each output fills the holes its own way: the site links to
//! `page.html#id`, the handbook to `#page--id`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::adapt::{Adapted, AdaptedPage, Composed};
use crate::content::sections::{self, markdown_options};
use crate::content::snippets::{self, Snippets};
use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile, did_you_mean};
use crate::render::limits;
use crate::render::sanitize::Sanitizer;

/// Marks a hole in rendered HTML: `HOLE n HOLE`. A private-use character,
/// removed from page text before rendering so it cannot be forged.
const HOLE: char = '\u{E000}';
/// Stands in for the `{` of `{#id}` while tera runs: tera would read
/// `{#` as the start of a comment. One byte, like `{`, so tera's error
/// offsets still line up with the text.
const ID_BRACE: char = '\u{1}';

/// What goes in a hole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hole {
    /// `<hN id="…">`.
    HeadingOpen { level: u8, id: String },
    /// `</hN>`.
    HeadingClose { level: u8 },
    /// The `href` of a link to a page (and section) of the toolkit.
    Link { page: String, section: Option<String> },
    /// The `href` of a link to an asset, by name under `assets/`.
    Asset(String),
    /// The `src` of an image, by name under `assets/`.
    Image(String),
}

/// A page rendered to HTML with holes.
#[derive(Debug, Clone)]
pub struct Body {
    html: String,
    holes: Vec<Hole>,
}

impl Body {
    /// The HTML with each hole filled by `fill`.
    pub fn resolve(&self, out: &mut String, fill: &mut dyn FnMut(&Hole, &mut String)) {
        let mut rest = self.html.as_str();
        while let Some(start) = rest.find(HOLE) {
            out.push_str(&rest[..start]);
            let after = &rest[start + HOLE.len_utf8()..];
            let hole = after.find(HOLE).and_then(|end| {
                let index: usize = after[..end].parse().ok()?;
                Some((self.holes.get(index)?, end))
            });
            let Some((hole, end)) = hole else {
                // A marker the page's text brought in itself, past the
                // places that replace it (the fuzz test found one in a
                // setext heading before a table): shown as U+FFFD, never
                // taken for a hole.
                out.push('\u{FFFD}');
                rest = after;
                continue;
            };
            fill(hole, out);
            rest = &after[end + HOLE.len_utf8()..];
        }
        out.push_str(rest);
    }

    pub fn holes(&self) -> &[Hole] {
        &self.holes
    }
}

/// A page's body, rendered, with what the outputs need to know of it.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    pub body: Body,
    /// Headings (level, id, text) in order, for tables of contents.
    pub headings: Vec<(u8, String, String)>,
    /// Assets the page uses.
    pub assets: BTreeSet<String>,
}

/// Renders every page of `adapted`. Returns `None` after reporting errors.
pub fn render_pages(adapted: &Adapted, diags: &mut Diagnostics) -> Option<Vec<RenderedPage>> {
    render_pages_with(adapted, None, diags)
}

/// Page texts parsed as templates once and shared by every district of a
/// release: a district that leaves a page's text alone fills it in from
/// here instead of parsing it again.
pub struct PageTemplates {
    parsed: Parsed,
    /// The snippets parsed with the pages; `None` when they have errors
    /// (each district reports them).
    snippets: Option<SnippetSet>,
    /// The snippets the templates were made with.
    source: Snippets,
}

impl PageTemplates {
    /// Parses the pages of `adapted` (the generic toolkit, usually). A page
    /// that does not parse is left out, so each district reports it.
    pub fn new(adapted: &Adapted) -> PageTemplates {
        let snippets = SnippetSet::new(&adapted.snippets, &mut Diagnostics::new());
        let parsed = match &snippets {
            Some(set) => Parsed::new(&set.tera, &adapted.pages),
            None => Parsed::new(&page_tera(), &adapted.pages),
        };
        PageTemplates {
            parsed,
            snippets,
            source: adapted.snippets.clone(),
        }
    }

    /// Whether these templates were made with `snippets`.
    fn fits(&self, snippets: &Snippets) -> bool {
        same_snippets(&self.source, snippets)
    }
}

/// Page texts parsed into one tera (with the snippets they include).
struct Parsed {
    tera: tera::Tera,
    /// The text each template was made from, by page id.
    texts: HashMap<String, String>,
}

impl Parsed {
    /// Every page of `pages` that parses, added to a copy of `base`: all
    /// at once, which is one check of the whole set, or one by one when
    /// some page has an error (that page is left out; filling it in
    /// reports the error).
    fn new(base: &tera::Tera, pages: &[AdaptedPage]) -> Parsed {
        // A page that uses what page text may not is left out: filling it
        // in reports why.
        let protected: Vec<(&AdaptedPage, (&str, String))> = pages
            .iter()
            .filter_map(|p| {
                let prepared = limits::prepare(&protect_ids(&p.text.text)).ok()?;
                Some((p, (p.id.as_str(), prepared.text)))
            })
            .collect();
        let mut tera = base.clone();
        let all = tera.add_raw_templates(protected.iter().map(|(_, (id, text))| (*id, text.as_str())));
        let mut texts = HashMap::new();
        for (page, (id, text)) in &protected {
            if all.is_ok() || tera.add_raw_template(id, text).is_ok() {
                texts.insert(page.id.clone(), page.text.text.clone());
            }
        }
        Parsed { tera, texts }
    }

    /// The parsed template of `page`, if its text is the one parsed.
    fn get(&self, page: &AdaptedPage) -> Option<&tera::Tera> {
        (self.texts.get(&page.id) == Some(&page.text.text)).then_some(&self.tera)
    }
}

fn same_snippets(a: &Snippets, b: &Snippets) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && (Arc::ptr_eq(va, vb) || va.text == vb.text))
}

/// The snippets of a render, parsed once: each page's template is added
/// to a copy of `tera`, so a page's `{% include %}` finds them.
pub struct SnippetSet {
    tera: tera::Tera,
    /// Each snippet's text as tera sees it (heading ids pinned), mapped
    /// back to its file, by template name (`snippets/NAME.md`).
    texts: BTreeMap<String, Composed>,
    source: Snippets,
}

impl SnippetSet {
    /// Parses `snippets`. Returns `None` after reporting errors: an
    /// include of a snippet that does not exist, or tera syntax.
    pub fn new(snippets: &Snippets, diags: &mut Diagnostics) -> Option<SnippetSet> {
        let mut texts = BTreeMap::new();
        let mut ok = true;
        for (name, file) in snippets {
            let composed = pinned_snippet(file);
            for d in missing_includes(&composed, snippets, &file.path) {
                diags.push(d);
                ok = false;
            }
            texts.insert(format!("{}{name}", snippets::PREFIX), composed);
        }
        if !ok {
            return None;
        }
        let mut tera = page_tera();
        let protected: Vec<(&String, String)> = texts
            .iter()
            .map(|(name, c)| (name, protect_ids(&c.text)))
            .collect();
        let set = match tera.add_raw_templates(protected.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            Ok(()) => SnippetSet {
                tera,
                texts,
                source: snippets.clone(),
            },
            Err(e) => {
                let set = SnippetSet {
                    tera: page_tera(),
                    texts,
                    source: Snippets::new(),
                };
                diags.push(set.snippet_error(&e));
                return None;
            }
        };
        Some(set)
    }

    /// A tera error in a snippet's own text (syntax), at its file and line.
    fn snippet_error(&self, e: &tera::Error) -> Diagnostic {
        let report = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => r,
            _ => {
                let mut d =
                    Diagnostic::error(Code::TemplateError, format!("could not read the snippets: {e}"));
                if let Some(file) = self
                    .texts
                    .iter()
                    .find(|(name, _)| e.to_string().contains(name.as_str()))
                    .and_then(|(_, c)| c.locate(0))
                {
                    d = d.in_file(file.0.path.clone());
                }
                return d;
            }
        };
        let unclosed = report.message() == "Unexpected end of input";
        let (message, help) = if unclosed {
            (
                "a `{%` tag is not closed: the snippet ends first".to_string(),
                Some(
                    "every `{% if … %}` needs an `{% endif %}` (and `{% for %}` an `{% endfor %}`) in the same snippet",
                ),
            )
        } else {
            (format!("in snippet text: {}", report.message()), None)
        };
        let mut d = Diagnostic::error(Code::TemplateSyntax, message);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        let Some(text) = self.texts.get(report.filename()) else {
            return d.in_file(report.filename().to_string());
        };
        let span = report.span().range.clone();
        let (at, width) = match unclosed.then(|| unclosed_tag_offset(&text.text)).flatten() {
            Some(at) => (at, 2),
            None => (span.start, span.len().max(1)),
        };
        match text.locate(at) {
            Some((file, offset)) => d.at(file, offset..offset + width),
            None => d.in_file(report.filename().to_string()),
        }
    }

    /// Where `needle` is written in a snippet, for a diagnostic about text
    /// a page got from one.
    fn find(&self, needle: &str) -> Option<(&Arc<SourceFile>, usize)> {
        self.texts
            .values()
            .find_map(|c| c.text.find(needle).and_then(|i| c.locate(i)))
    }
}

/// A snippet's text with every slugged heading id written out, as pages
/// have theirs, so a heading a snippet brings keeps a stable id.
fn pinned_snippet(file: &Arc<SourceFile>) -> Composed {
    let text = file.text.as_str();
    let (headings, _) = sections::scan(text, &HashSet::new());
    let mut out = Composed::new();
    let mut at = 0;
    for pin in headings.iter().filter_map(|h| h.pin.as_ref()) {
        out.push_from(file, at, &text[at..pin.range.start]);
        out.push_generated(&pin.text);
        at = pin.range.end;
    }
    out.push_from(file, at, &text[at..]);
    out
}

/// An error for each `{% include %}` of `text` that names no snippet.
fn missing_includes(text: &Composed, snippets: &Snippets, fallback: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for include in snippets::includes(&text.text) {
        let key = include.snippet();
        if key.is_some_and(|k| snippets.contains_key(k)) {
            continue;
        }
        let names: Vec<String> = snippets
            .keys()
            .map(|k| format!("{}{k}", snippets::PREFIX))
            .collect();
        let mut d = match key {
            Some(_) => Diagnostic::error(Code::MissingSnippet, format!("snippet `{}` does not exist", include.name)).with_help(
                did_you_mean(include.name, names.iter().map(String::as_str)).unwrap_or_else(|| {
                    if names.is_empty() {
                        format!("write the text in the toolkit's `{}` file", include.name)
                    } else {
                        format!(
                            "the snippets are: {}",
                            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        )
                    }
                }),
            ),
            None => Diagnostic::error(Code::MissingSnippet, format!("`{}` is not a snippet: only snippets can be included", include.name))
                .with_help(
                    did_you_mean(&format!("{}{}", snippets::PREFIX, include.name), names.iter().map(String::as_str))
                        .unwrap_or_else(|| {
                            format!(
                                "put shared text in `{}NAME.md` of the toolkit and write {{% include \"{}NAME.md\" %}}",
                                snippets::PREFIX,
                                snippets::PREFIX
                            )
                        }),
                ),
        };
        d = match text.locate(include.name_span.start) {
            Some((file, offset)) => d.at(file, offset..offset + include.name.len()),
            None => d.in_file(fallback.to_string()),
        };
        out.push(d);
    }
    out
}

/// A tera set up for page text: every value escaped for Markdown, and
/// wbl's own filters.
fn page_tera() -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([""]);
    tera.set_escape_fn(escape_markdown);
    tera.register_filter("plural", super::plural::filter);
    limits::register(&mut tera);
    tera
}

/// Like [`render_pages`], filling in pages from `shared` where their text
/// is the one it parsed. Pages are rendered in parallel, each from text
/// to HTML in one go; links to sections are checked once every page's
/// headings are known. Diagnostics are reported in page order, as if the
/// pages were rendered one by one.
pub fn render_pages_with(
    adapted: &Adapted,
    shared: Option<&PageTemplates>,
    diags: &mut Diagnostics,
) -> Option<Vec<RenderedPage>> {
    let mut all = render_pages_using(adapted, &adapted.snippets, shared, diags);
    // Then each translation's pages, after the source's: see
    // `render::by_language`.
    for view in &adapted.translations {
        let pages = render_pages_using(view, &view.snippets, shared, diags);
        all = all.zip(pages).map(|(mut a, p)| {
            a.extend(p);
            a
        });
    }
    all
}

/// Like [`render_pages_with`], with the snippets pages include given (a
/// language's own versions, say).
pub fn render_pages_using(
    adapted: &Adapted,
    snippets: &Snippets,
    shared: Option<&PageTemplates>,
    diags: &mut Diagnostics,
) -> Option<Vec<RenderedPage>> {
    let shared = shared.filter(|s| s.fits(snippets));
    let own_set;
    let set = match shared.and_then(|s| s.snippets.as_ref()) {
        Some(set) => set,
        None => {
            own_set = SnippetSet::new(snippets, diags)?;
            &own_set
        }
    };
    // Without shared templates, this render's pages are parsed together
    // once, rather than each into its own copy of the snippets.
    let own_parsed;
    let parsed = match shared {
        Some(s) => &s.parsed,
        None => {
            own_parsed = Parsed::new(&set.tera, &adapted.pages);
            &own_parsed
        }
    };
    let context = match tera::Context::from_serialize(&adapted.context) {
        Ok(c) => c,
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::TemplateError,
                format!("could not prepare page variables: {e}"),
            ));
            return None;
        }
    };
    let visible: BTreeSet<&str> = adapted.pages.iter().map(|p| p.id.as_str()).collect();
    let strings = crate::i18n::strings(&adapted.toolkit.language);

    let results: Vec<Result<Drafted, Diagnostics>> = adapted
        .pages
        .par_iter()
        .map(|page| {
            let mut fill_diags = Diagnostics::new();
            let Some(text) = fill_variables(page, &context, parsed, set, &mut fill_diags) else {
                return Err(fill_diags);
            };
            let mut ctx = PageCtx {
                adapted,
                page,
                snippets: set,
                visible: &visible,
                strings: &strings,
                seen: HashMap::new(),
                nth: 0,
                log: Vec::new(),
                ok: true,
                removed_html: HashSet::new(),
            };
            let events = Parser::new_ext(&text, markdown_options());
            let (rendered, ids) = to_html(events, &mut ctx);
            Ok(Drafted {
                rendered,
                ids,
                log: ctx.log,
                ok: ctx.ok,
            })
        })
        .collect();

    // A page whose variables could not be filled in stops the render
    // before any link is checked.
    if results.iter().any(Result::is_err) {
        for result in results {
            if let Err(page_diags) = result {
                diags.extend(page_diags);
            }
        }
        return None;
    }
    let mut drafts: Vec<Drafted> = results.into_iter().filter_map(Result::ok).collect();
    let ids: BTreeMap<&str, &HashSet<String>> = adapted
        .pages
        .iter()
        .zip(&drafts)
        .map(|(page, draft)| (page.id.as_str(), &draft.ids))
        .collect();
    let mut fixes: Vec<Vec<usize>> = Vec::with_capacity(drafts.len());
    let mut ok = true;
    let mut hidden_links = Vec::new();
    for (index, (page, draft)) in adapted.pages.iter().zip(&drafts).enumerate() {
        let mut page_fixes = Vec::new();
        ok &= draft.ok;
        for entry in &draft.log {
            match entry {
                Logged::Diagnostic(d) => diags.push(d.clone()),
                Logged::HiddenLink(hidden) => hidden_links.push((index, hidden.clone())),
                Logged::Section {
                    hole,
                    page: target,
                    section,
                    needle,
                    nth,
                } => {
                    match check_section(
                        adapted,
                        page,
                        set,
                        ids[target.as_str()],
                        target,
                        section,
                        (needle, *nth),
                    ) {
                        SectionCheck::Found => {}
                        SectionCheck::Removed(d) => {
                            diags.push(d);
                            page_fixes.push(*hole);
                        }
                        SectionCheck::Missing(d) => {
                            diags.push(d);
                            ok = false;
                        }
                    }
                }
            }
        }
        fixes.push(page_fixes);
    }
    super::hidden_links::report(adapted, &hidden_links, diags);
    drop(ids);
    // Links to sections the district removed lead to the page instead.
    for (draft, page_fixes) in drafts.iter_mut().zip(fixes) {
        for hole in page_fixes {
            if let Hole::Link { section, .. } = &mut draft.rendered.body.holes[hole] {
                *section = None;
            }
        }
    }
    ok.then(|| drafts.into_iter().map(|d| d.rendered).collect())
}

/// A page rendered before its links to sections are checked.
struct Drafted {
    rendered: RenderedPage,
    /// The heading ids the page has.
    ids: HashSet<String>,
    log: Vec<Logged>,
    ok: bool,
}

/// What rendering a page reported, in order: diagnostics, and links to
/// sections, checked once every page's headings are known.
enum Logged {
    Diagnostic(Diagnostic),
    Section {
        /// The link's hole in the page.
        hole: usize,
        page: String,
        section: String,
        needle: String,
        nth: usize,
    },
    /// A link in the toolkit's own text to a page the district hid:
    /// reported per hidden page, in the district's folder
    /// (see [`super::hidden_links`]).
    HiddenLink(String),
}

enum SectionCheck {
    Found,
    /// The district's overrides removed it: a warning, and the link
    /// leads to the page.
    Removed(Diagnostic),
    Missing(Diagnostic),
}

fn check_section(
    adapted: &Adapted,
    page: &AdaptedPage,
    snippets: &SnippetSet,
    ids: &HashSet<String>,
    page_id: &str,
    section: &str,
    // Where the link is written: its `](dest` and which occurrence.
    (needle, nth): (&str, usize),
) -> SectionCheck {
    if ids.contains(section) {
        return SectionCheck::Found;
    }
    if adapted
        .upstream_ids
        .get(page_id)
        .is_some_and(|up| up.contains(section))
    {
        return SectionCheck::Removed(point_at(
            page,
            snippets,
            Diagnostic::warning(Code::LinkToRemovedSection, format!(
                "link to section `{page_id}#{section}`, which the district's overrides removed; the link now leads to the page `{page_id}`"
            ))
            .with_help("keep a heading with this id in the district's text, or change the link with another override"),
            needle,
            nth,
        ));
    }
    let candidates: Vec<String> = ids.iter().map(|s| format!("{page_id}#{s}")).collect();
    let help = did_you_mean(
        &format!("{page_id}#{section}"),
        candidates.iter().map(String::as_str),
    )
    .unwrap_or_else(|| {
        format!(
            "`{}` prints the sections of `{page_id}`",
            adapted.toolkit.command("list", "")
        )
    });
    SectionCheck::Missing(point_at(
        page,
        snippets,
        Diagnostic::error(
            Code::LinkToMissingSection,
            format!("link to section `{page_id}#{section}`, which does not exist"),
        )
        .with_help(help),
        needle,
        nth,
    ))
}

/// Runs tera over a page's text. Values are escaped for Markdown, so a
/// district name with `*` or `<` shows those characters literally.
fn fill_variables(
    page: &AdaptedPage,
    context: &tera::Context,
    parsed: &Parsed,
    snippets: &SnippetSet,
    diags: &mut Diagnostics,
) -> Option<String> {
    let missing = missing_includes(&page.text, &snippets.source, &page.file.path);
    if !missing.is_empty() {
        for d in missing {
            diags.push(d);
        }
        return None;
    }
    // Page text may use only part of tera, and within limits (limits.rs).
    // A parsed template was checked when it was parsed.
    let prepare = || limits::prepare(&protect_ids(&page.text.text));
    let len = page.text.text.len();
    let result = match parsed.get(page) {
        Some(tera) => limits::render(tera, &page.id, context, len),
        None => match prepare() {
            Ok(prepared) => {
                let mut tera = snippets.tera.clone();
                tera.add_raw_template(&page.id, &prepared.text)
                    .and_then(|()| limits::render(&tera, &page.id, context, len))
            }
            Err(refused) => {
                diags.push(refused.diagnostic(page));
                return None;
            }
        },
    };
    match result {
        Ok(text) => Some(restore_ids(text)),
        Err(e) => {
            // Prepared again for its offsets: errors are rare, pages many.
            match prepare() {
                Ok(prepared) => diags.push(limits::explain(
                    tera_diagnostic(&e, page, &prepared, snippets, context),
                    page,
                )),
                Err(refused) => diags.push(refused.diagnostic(page)),
            }
            None
        }
    }
}

/// Hides every `{#id}` (a heading id, wherever it appears) from tera.
/// Tera comments keep working: `{# note #}` has a space after `{#`.
fn protect_ids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while let Some(found) = text[i..].find('{') {
        let start = i + found;
        if bytes.get(start + 1) != Some(&b'#') {
            i = start + 1;
            continue;
        }
        let mut j = start + 2;
        while j < bytes.len() && !matches!(bytes[j], b' ' | b'\t' | b'\n' | b'}' | b'#' | b'{') {
            j += 1;
        }
        let has_id = j > start + 2;
        // `{#id .class key=value}`: more attributes up to the brace.
        let mut k = j;
        if has_id && k < bytes.len() && matches!(bytes[k], b' ' | b'\t') {
            while k < bytes.len() && !matches!(bytes[k], b'\n' | b'}' | b'#' | b'{') {
                k += 1;
            }
        }
        if has_id && k < bytes.len() && bytes[k] == b'}' {
            out.push_str(&text[last..start]);
            out.push(ID_BRACE);
            last = start + 1;
        }
        i = start + 2;
    }
    out.push_str(&text[last..]);
    out
}

fn restore_ids(text: String) -> String {
    if text.contains(ID_BRACE) {
        text.replace(ID_BRACE, "{")
    } else {
        text
    }
}

/// Escapes a value for Markdown: every ASCII punctuation character gets a
/// backslash (CommonMark shows it literally, in text and in link
/// destinations alike) and line breaks become spaces, so a value can never
/// become markup or break a table or list.
fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '\n' | '\r' => buf.push(' '),
            HOLE | ID_BRACE => buf.push('\u{FFFD}'),
            c if c.is_ascii_punctuation() => {
                buf.push('\\');
                buf.push(c);
            }
            c => buf.push(c),
        }
    }
    out.write_all(buf.as_bytes())
}

/// A tera error as a diagnostic at the file and line it came from.
fn tera_diagnostic(
    e: &tera::Error,
    page: &AdaptedPage,
    prepared: &limits::Prepared,
    snippets: &SnippetSet,
    context: &tera::Context,
) -> Diagnostic {
    let page_source = prepared.text.as_str();
    let (report, mut code) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (Some(r), Code::TemplateSyntax),
        tera::ErrorKind::RenderingError(r) => (Some(r), Code::TemplateError),
        _ => (None, Code::TemplateError),
    };
    let Some(report) = report else {
        return Diagnostic::error(
            Code::TemplateError,
            format!("could not fill in the variables of page `{}`: {e}", page.id),
        )
        .in_file(page.file.path.clone());
    };
    // An error inside an included snippet is reported at the snippet's
    // line: that is where the text to fix is.
    let snippet = snippets.texts.get(report.filename());
    let (source, origin) = match snippet {
        Some(composed) => (composed.text.as_str(), composed),
        None => (page_source, &page.text),
    };
    let span = report.span().range.clone();
    let message = report.message();
    // Tera names only the last part of a dotted name; show all of it.
    let mut start = span.start.min(source.len());
    while start > 0 && {
        let b = source.as_bytes()[start - 1];
        b.is_ascii_alphanumeric() || b == b'_' || b == b'.'
    } {
        start -= 1;
    }
    let end = span.end.min(source.len()).max(start);
    let full_name = &source[start..end];

    let (text, help) = if let Some(rest) = message.strip_prefix("Variable `") {
        code = Code::UnknownVariable;
        let name = rest.split('`').next().unwrap_or(full_name);
        let known = [
            "district", "contacts", "contact", "partners", "vars", "platform", "lang", "toolkit",
        ];
        (
            format!("unknown variable `{name}`"),
            did_you_mean(name, known).or_else(|| {
                Some(format!(
                    "the variables are {}",
                    known.map(|k| format!("`{k}`")).join(", ")
                ))
            }),
        )
    } else if message.starts_with("Field `") {
        code = Code::UnknownVariable;
        let (parent, _) = full_name.rsplit_once('.').unwrap_or(("", full_name));
        let fields = available_fields(context, parent);
        let candidates: Vec<String> = fields.iter().map(|f| format!("{parent}.{f}")).collect();
        (
            format!("unknown variable `{full_name}`"),
            did_you_mean(full_name, candidates.iter().map(String::as_str)).or_else(|| {
                (!fields.is_empty()).then(|| {
                    format!(
                        "`{parent}` has: {}",
                        fields
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
            }),
        )
    } else if message == "Unexpected end of input" {
        (
            "a `{%` tag is not closed: the page ends first".to_string(),
            Some("every `{% if … %}` needs an `{% endif %}` (and `{% for %}` an `{% endfor %}`)".to_string()),
        )
    } else {
        (format!("in page text: {message}"), None)
    };
    let mut d = Diagnostic::error(code, text);
    let at = if message == "Unexpected end of input" {
        unclosed_tag_offset(source).unwrap_or(span.start)
    } else {
        start
    };
    // Offsets in a page are in its prepared text (loops rewritten to
    // count); a snippet's are its own.
    let at = if snippet.is_some() {
        at
    } else {
        prepared.source_offset(at)
    };
    if let Some((file, offset)) = origin.locate(at) {
        d = d.at(file, offset..offset + (end - start).max(1));
    } else {
        d = d.in_file(page.file.path.clone());
    }
    if let Some(help) = help {
        d = d.with_help(help);
    }
    d
}

/// The last `{% if` / `{% for` without its end tag, for pointing at it.
fn unclosed_tag_offset(source: &str) -> Option<usize> {
    let mut stack = Vec::new();
    let mut i = 0;
    while let Some(found) = source[i..].find("{%") {
        let at = i + found;
        let inner = source[at + 2..].trim_start_matches(['-', ' ', '\t', '\n']);
        if inner.starts_with("if ") || inner.starts_with("for ") {
            stack.push(at);
        } else if inner.starts_with("endif") || inner.starts_with("endfor") {
            stack.pop();
        }
        i = at + 2;
    }
    stack.pop()
}

fn available_fields(context: &tera::Context, path: &str) -> Vec<String> {
    let mut parts = path.split('.');
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let Some(value) = context.get(first) else {
        return Vec::new();
    };
    let mut json = match serde_json::to_value(value) {
        Ok(v) => v,
        Err(_) => return Vec::new(),
    };
    for part in parts {
        json = json.get(part).cloned().unwrap_or_default();
    }
    match json {
        serde_json::Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

struct PageCtx<'a> {
    adapted: &'a Adapted,
    page: &'a AdaptedPage,
    snippets: &'a SnippetSet,
    /// The ids of the pages the district shows.
    visible: &'a BTreeSet<&'a str>,
    /// Interface text in the page's language (the label of a table).
    strings: &'a crate::i18n::Strings,
    /// How many links and images to each `](dest` have been seen, and
    /// which one is being handled.
    seen: HashMap<String, usize>,
    nth: usize,
    log: Vec<Logged>,
    ok: bool,
    /// Kinds of raw HTML removed so far, warned about once each.
    removed_html: HashSet<String>,
}

/// Points a diagnostic at where `needle` is written in the page text (for
/// `](dest`, at the destination): its `nth` occurrence (0-based), so two
/// broken links to one page are reported on their own lines. Variables
/// cannot write link syntax (their values are escaped), so the nth link
/// to a destination in the filled-in text is the nth in the source.
/// Text a page got from a snippet is found in the snippet.
fn point_at(
    page: &AdaptedPage,
    snippets: &SnippetSet,
    d: Diagnostic,
    needle: &str,
    nth: usize,
) -> Diagnostic {
    let text = &page.text.text;
    let skip = if needle.starts_with("](") { 2 } else { 0 };
    let found = text
        .match_indices(needle)
        .nth(nth)
        .or_else(|| text.match_indices(needle).next())
        .and_then(|(i, _)| page.text.locate(i + skip))
        .or_else(|| snippets.find(needle).map(|(f, o)| (f, o + skip)));
    match found {
        Some((file, offset)) => d.at(file, offset..offset + needle.len() - skip),
        None => d.in_file(page.file.path.clone()),
    }
}

impl PageCtx<'_> {
    /// Counts a link or image to `needle`'s destination and returns which
    /// occurrence it is.
    fn occurrence(&mut self, needle: &str) -> usize {
        let n = self.seen.entry(needle.to_string()).or_insert(0);
        *n += 1;
        self.nth = *n - 1;
        self.nth
    }

    fn error(&mut self, d: Diagnostic, needle: &str) {
        let d = point_at(self.page, self.snippets, d, needle, self.nth);
        self.log.push(Logged::Diagnostic(d));
        self.ok = false;
    }

    fn warn(&mut self, d: Diagnostic, needle: &str) {
        let d = point_at(self.page, self.snippets, d, needle, self.nth);
        self.log.push(Logged::Diagnostic(d));
    }
}

/// Where a link written in a page leads.
enum Target {
    External,
    Hole(Hole),
    /// From a translation, a page only the source language has: the link
    /// leads there, marked as in that language.
    Untranslated(Hole),
    /// A page the district hid: the link becomes plain text.
    Dropped,
    Invalid,
}

fn classify_link(dest: &str, ctx: &mut PageCtx) -> Target {
    let needle = format!("]({dest}");
    ctx.occurrence(&needle);
    if is_external(dest) {
        if !crate::content::urls::is_allowed_link(dest) {
            ctx.error(
                Diagnostic::error(Code::UnsafeUrl, format!("link to `{dest}`: only `https:`, `http:`, `mailto:` and `tel:` links are allowed"))
                    .with_help("a link that runs code or opens a file on the reader's computer is never written; link to a web page with `https://`"),
                &format!("]({dest}"),
            );
            return Target::Invalid;
        }
        return Target::External;
    }
    if let Some(name) = asset_name(dest) {
        if ctx.adapted.assets.contains_key(&name) {
            return Target::Hole(Hole::Asset(name));
        }
        ctx.error(
            Diagnostic::error(Code::MissingAsset, format!("asset `{dest}` not found"))
                .with_help(asset_help(&name, ctx.adapted)),
            &needle,
        );
        return Target::Invalid;
    }
    let (page, section) = match dest.split_once('#') {
        Some((p, s)) => (p, Some(s)),
        None => (dest, None),
    };
    let page_id = if page.is_empty() {
        ctx.page.id.as_str()
    } else if let Some(id) = page.strip_suffix(".md") {
        id
    } else {
        ctx.error(
            Diagnostic::error(Code::BadLink, format!("link to `{dest}` is not a page or an asset"))
                .with_help("link to a page as `page-id.md` or `page-id.md#section-id`, to a file as `assets/NAME`, or to a website with `https://`"),
            &needle,
        );
        return Target::Invalid;
    };
    if !ctx.visible.contains(page_id) && ctx.adapted.untranslated(page_id) {
        return Target::Untranslated(Hole::Link {
            page: page_id.to_string(),
            section: section.map(str::to_string),
        });
    }
    if !ctx.visible.contains(page_id) {
        if ctx.adapted.hidden.contains(page_id) {
            if in_toolkit_text(ctx.page, &needle, ctx.nth) {
                ctx.log.push(Logged::HiddenLink(page_id.to_string()));
                return Target::Dropped;
            }
            ctx.warn(
                Diagnostic::warning(
                    Code::LinkToHiddenPage,
                    format!(
                        "link to page `{page_id}`, which the district hides; the link becomes plain text"
                    ),
                )
                .with_help(format!("reword the text or un-hide `{page_id}`")),
                &needle,
            );
            return Target::Dropped;
        }
        let known: Vec<&str> = ctx.visible.iter().copied().collect();
        ctx.error(
            Diagnostic::error(
                Code::LinkToMissingPage,
                format!("link to page `{page_id}`, which does not exist"),
            )
            .with_help(did_you_mean(page_id, known).unwrap_or_else(|| {
                format!(
                    "`{}` prints every page id",
                    ctx.adapted.toolkit.command("list", "")
                )
            })),
            &needle,
        );
        return Target::Invalid;
    }
    Target::Hole(Hole::Link {
        page: page_id.to_string(),
        section: section.map(str::to_string),
    })
}

/// Whether the `nth` `needle` of `page` is written in the toolkit's own
/// text (rather than in text the district brought).
fn in_toolkit_text(page: &AdaptedPage, needle: &str, nth: usize) -> bool {
    let text = &page.text.text;
    page.origin == crate::adapt::Origin::Toolkit
        && text
            .match_indices(needle)
            .nth(nth)
            .or_else(|| text.match_indices(needle).next())
            .and_then(|(i, _)| page.text.locate(i))
            .is_some_and(|(file, _)| std::sync::Arc::ptr_eq(file, &page.file))
}

/// The asset a link or image names (`assets/county%20map.pdf` →
/// `county map.pdf`): Markdown destinations are URLs, so they may be
/// percent-encoded.
fn asset_name(dest: &str) -> Option<String> {
    let name = dest.strip_prefix("assets/")?;
    Some(crate::util::url::decode(name).unwrap_or_else(|| name.to_string()))
}

fn asset_help(name: &str, adapted: &Adapted) -> String {
    let lower = name.to_lowercase();
    if let Some(real) = adapted.assets.keys().find(|k| k.to_lowercase() == lower) {
        return format!(
            "did you mean `assets/{real}`? Write the name exactly as the file is called: capitals matter on the Linux machines that publish sites, even where Windows or macOS ignore them"
        );
    }
    match did_you_mean(name, adapted.assets.keys().map(String::as_str)) {
        Some(h) => h,
        None => "put the file in the `assets/` folder of the district (or the toolkit)".to_string(),
    }
}

fn is_external(dest: &str) -> bool {
    let scheme_len = dest.find(':').filter(|&i| {
        i > 0
            && dest[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    });
    scheme_len.is_some() || dest.starts_with("//")
}

/// Turns a page's events into HTML with holes.
/// Also returns the ids of the page's headings.
fn to_html<'t>(
    events: impl Iterator<Item = Event<'t>>,
    ctx: &mut PageCtx,
) -> (RenderedPage, HashSet<String>) {
    let mut holes: Vec<Hole> = Vec::new();
    let mut headings = Vec::new();
    let mut ids = HashSet::new();
    let mut assets = BTreeSet::new();
    let mut out_events: Vec<Event> = Vec::with_capacity(1024);
    let hole = |h: Hole, holes: &mut Vec<Hole>| -> String {
        holes.push(h);
        format!("{HOLE}{}{HOLE}", holes.len() - 1)
    };
    // Links whose start tag was dropped also drop their end tag.
    // Per open link: whether it was written (`<a>` to close), and whether
    // it leads to a page in another language (a note to add after it).
    let mut link_stack: Vec<(bool, bool)> = Vec::new();
    let mut heading: Option<(u8, String, String)> = None;
    // Names the region around each table, so a keyboard user who tabs to a
    // table that scrolls sideways (on a phone) hears what it is.
    let mut last_heading = String::new();
    let mut image: Option<(String, String, String)> = None; // (src, alt, written dest)
    let mut sanitizer = Sanitizer::new();
    let mut html_block: Option<String> = None;

    for event in events {
        // Text inside a removed `<script>`… goes too, up to the end of
        // its paragraph (or cell, item, heading).
        if matches!(event, Event::Text(_) | Event::Code(_)) && sanitizer.skipping() {
            continue;
        }
        if let Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item) = &event
        {
            sanitizer.end_block();
        }
        if let Some((_, alt, _)) = image.as_mut() {
            match event {
                Event::End(TagEnd::Image) => {
                    let (src, alt, dest) = image.take().expect("inside an image");
                    if alt.trim().is_empty() {
                        ctx.warn(
                            Diagnostic::warning(Code::ImageWithoutAlt, format!("image `{dest}` has no alt text"))
                                .with_help("describe the image in the brackets: `![What the image shows](assets/…)`; people using screen readers hear it"),
                            &format!("]({dest}"),
                        );
                    }
                    let mut html = format!("<img src=\"{src}\" alt=\"");
                    escape_into(&mut html, alt.trim());
                    html.push_str("\">");
                    out_events.push(Event::InlineHtml(html.into()));
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                // The page title is the only level-1 heading.
                let level = (level as u8).max(HeadingLevel::H2 as u8);
                let id = id.map(|s| s.to_string());
                if let Some(id) = &id {
                    ids.insert(id.clone());
                }
                let id = id.unwrap_or_default();
                let h = hole(
                    Hole::HeadingOpen {
                        level,
                        id: id.clone(),
                    },
                    &mut holes,
                );
                heading = Some((level, id, String::new()));
                out_events.push(Event::Html(h.into()));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (level, id, text) = heading.take().unwrap_or_default();
                let h = hole(Hole::HeadingClose { level }, &mut holes);
                last_heading.clear();
                last_heading.push_str(text.trim());
                headings.push((level, id, text.trim().to_string()));
                out_events.push(Event::Html(format!("{h}\n").into()));
            }
            Event::Start(Tag::Link { dest_url, title, .. }) => {
                let mut other_language = false;
                let href = match classify_link(&dest_url, ctx) {
                    Target::Untranslated(h) => {
                        other_language = true;
                        Some(hole(h, &mut holes))
                    }
                    Target::External => {
                        let mut s = String::new();
                        escape_href_into(&mut s, &dest_url);
                        Some(s)
                    }
                    Target::Hole(h) => {
                        let check = match &h {
                            Hole::Asset(name) => {
                                assets.insert(name.clone());
                                None
                            }
                            Hole::Link {
                                page,
                                section: Some(section),
                            } => Some((page.clone(), section.clone())),
                            _ => None,
                        };
                        let href = hole(h, &mut holes);
                        if let Some((page, section)) = check {
                            ctx.log.push(Logged::Section {
                                hole: holes.len() - 1,
                                page,
                                section,
                                needle: format!("]({dest_url}"),
                                nth: ctx.nth,
                            });
                        }
                        Some(href)
                    }
                    Target::Dropped | Target::Invalid => None,
                };
                link_stack.push((href.is_some(), other_language));
                if let Some(href) = href {
                    let mut html = format!("<a href=\"{href}\"");
                    if other_language {
                        // `hreflang` names the language of the page it leads
                        // to. No `lang`: the link's text is this page's
                        // language, and a screen reader would read Spanish
                        // words with English sounds (WCAG 3.1.2).
                        let source = &ctx.adapted.source_lang;
                        html.push_str(&format!(" hreflang=\"{source}\""));
                    }
                    if !title.is_empty() {
                        html.push_str(" title=\"");
                        escape_into(&mut html, &title);
                        html.push('"');
                    }
                    html.push('>');
                    out_events.push(Event::InlineHtml(html.into()));
                }
            }
            Event::End(TagEnd::Link) => {
                let (open, other_language) = link_stack.pop().unwrap_or_default();
                if open {
                    out_events.push(Event::InlineHtml("</a>".into()));
                }
                if other_language {
                    let note = format!(
                        " <span class=\"in-other-language\">({})</span>",
                        ctx.strings.get("in_source_language")
                    );
                    out_events.push(Event::InlineHtml(note.into()));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                ctx.occurrence(&format!("]({dest_url}"));
                let src = if let Some(name) = asset_name(&dest_url) {
                    if ctx.adapted.assets.contains_key(&name) {
                        assets.insert(name.clone());
                        hole(Hole::Image(name), &mut holes)
                    } else {
                        let help = asset_help(&name, ctx.adapted);
                        ctx.error(
                            Diagnostic::error(Code::MissingAsset, format!("image `{dest_url}` not found"))
                                .with_help(help),
                            &format!("]({dest_url}"),
                        );
                        String::new()
                    }
                } else {
                    ctx.error(
                        Diagnostic::error(Code::ImageOutsideAssets, format!("image `{dest_url}` is not in `assets/`"))
                            .with_help("put images in the `assets/` folder and write `![Alt text](assets/NAME)`: the site must work offline"),
                        &format!("]({dest_url}"),
                    );
                    String::new()
                };
                image = Some((src, String::new(), dest_url.to_string()));
            }
            Event::Start(Tag::Table(_)) => {
                // A table wider than the screen scrolls inside its wrapper;
                // WCAG 2.1.1 needs that region reachable by keyboard.
                let mut open =
                    String::from("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
                escape_into(&mut open, ctx.strings.get("table_label"));
                if !last_heading.is_empty() {
                    open.push_str(": ");
                    escape_into(&mut open, &last_heading);
                }
                open.push_str("\">");
                out_events.push(Event::Html(open.into()));
                out_events.push(event);
            }
            Event::End(TagEnd::Table) => {
                out_events.push(event);
                out_events.push(Event::Html("</div>\n".into()));
            }
            Event::TaskListMarker(done) => {
                let html = if done {
                    "<span class=\"box done\" aria-hidden=\"true\">\u{2713}</span>"
                } else {
                    "<span class=\"box\" aria-hidden=\"true\"></span>"
                };
                out_events.push(Event::InlineHtml(html.into()));
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
                out_events.push(Event::Text(scrub(t)));
            }
            Event::Code(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
                out_events.push(Event::Code(scrub(t)));
            }
            // Raw HTML keeps only a safe subset (render/sanitize.rs); an
            // HTML block is cleaned whole, as a tag may span its lines.
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::Html(t) => match html_block.as_mut() {
                Some(block) => block.push_str(&t),
                None => out_events.push(Event::Html(clean_html(&mut sanitizer, &t, ctx).into())),
            },
            Event::End(TagEnd::HtmlBlock) => {
                let block = html_block.take().unwrap_or_default();
                out_events.push(Event::Html(clean_html(&mut sanitizer, &block, ctx).into()));
                sanitizer.end_block();
            }
            Event::InlineHtml(t) => {
                out_events.push(Event::InlineHtml(clean_html(&mut sanitizer, &t, ctx).into()))
            }
            other => out_events.push(other),
        }
    }
    let mut html = String::with_capacity(4096);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    // Every page's body is kept until every output is rendered: without
    // the slack a growing string leaves, they take about a third less.
    html.shrink_to_fit();
    (
        RenderedPage {
            body: Body { html, holes },
            headings,
            assets,
        },
        ids,
    )
}

/// Raw HTML from a page, cleaned; each kind of removal is warned about
/// once per page.
fn clean_html(sanitizer: &mut Sanitizer, html: &str, ctx: &mut PageCtx) -> String {
    let mut removed = Vec::new();
    let clean = sanitizer.clean(&html.replace(HOLE, "\u{FFFD}"), &mut removed);
    for r in removed {
        if ctx.removed_html.insert(r.what.clone()) {
            ctx.warn(
                Diagnostic::warning(Code::RawHtml, format!("raw HTML removed from the page: {}", r.what))
                    .with_help("page text keeps only simple formatting tags (such as `<div class=\"…\">`, `<span>`, `<br>`, `<details>`) without scripts, styles or links; see docs/authoring.md"),
                &r.needle,
            );
        }
    }
    clean
}

/// Removes the hole marker from text that came from a page, so only wbl
/// can make holes.
fn scrub(t: CowStr) -> CowStr {
    if t.contains(HOLE) {
        t.replace(HOLE, "\u{FFFD}").into()
    } else {
        t
    }
}

pub use crate::util::escape::{href_into as escape_href_into, html_into as escape_into};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protects_heading_ids_but_not_comments() {
        let text = "## A {#a}\n{# a comment #}\n## B {#b .wide}\n{#x#}";
        assert_eq!(
            protect_ids(text),
            "## A \u{1}#a}\n{# a comment #}\n## B \u{1}#b .wide}\n{#x#}"
        );
        assert_eq!(restore_ids(protect_ids(text)), text);
    }

    #[test]
    fn escapes_markdown_punctuation() {
        let mut out = Vec::new();
        escape_markdown("A <b> & *x* _y_\nZ", &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "A \\<b\\> \\& \\*x\\* \\_y\\_ Z");
    }

    #[test]
    fn shared_templates_render_as_parsing_afresh_does() {
        use crate::diag::Diagnostics;
        let mut diags = Diagnostics::new();
        let toolkit =
            crate::content::load_toolkit(&crate::content::SourceTree::embedded(), &mut diags).unwrap();
        let generic = crate::adapt::adapt(&toolkit, None, &mut diags).unwrap();
        let shared = PageTemplates::new(&generic);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/desert-valley-usd");
        let district = std::sync::Arc::new(crate::adapt::load_district(&dir, &mut diags).unwrap().unwrap());
        let adapted = crate::adapt::adapt(&toolkit, Some(&district), &mut diags).unwrap();
        // The district changes some pages and leaves the others alone.
        let reused = adapted
            .pages
            .iter()
            .filter(|p| shared.parsed.get(p).is_some())
            .count();
        assert!(0 < reused && reused < adapted.pages.len());
        let alone = render_pages(&adapted, &mut Diagnostics::new()).unwrap();
        let with = render_pages_with(&adapted, Some(&shared), &mut Diagnostics::new()).unwrap();
        for (a, b) in alone.iter().zip(&with) {
            assert_eq!((&a.body.html, &a.body.holes), (&b.body.html, &b.body.holes));
        }
    }

    #[test]
    fn recognises_external_links() {
        assert!(is_external("https://example.org"));
        assert!(is_external("mailto:a@b.org"));
        assert!(!is_external("page.md#x"));
        assert!(!is_external("assets/a:b.png"));
    }
}

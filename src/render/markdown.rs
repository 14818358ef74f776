//! Page text → HTML, once per page, shared by every output.
//!
//! Variables are filled in with tera, then the Markdown is turned into
//! HTML in which every place that differs between outputs (heading ids and
//! levels, links between pages, asset paths) is left as a numbered hole.
//! Each output fills the holes its own way: the site links to
//! `page.html#id`, the handbook to `#page--id`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::adapt::{Adapted, AdaptedPage};
use crate::content::sections::markdown_options;
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};

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
            let end = after.find(HOLE).expect("holes are written in pairs");
            let index: usize = after[..end].parse().expect("a hole holds its index");
            fill(&self.holes[index], out);
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
    tera: tera::Tera,
    /// The text each template was made from, by page id.
    texts: HashMap<String, String>,
}

impl PageTemplates {
    /// Parses the pages of `adapted` (the generic toolkit, usually). A page
    /// that does not parse is left out, so each district reports it.
    pub fn new(adapted: &Adapted) -> PageTemplates {
        let mut tera = page_tera();
        let mut texts = HashMap::new();
        for page in &adapted.pages {
            if tera
                .add_raw_template(&page.id, &protect_ids(&page.text.text))
                .is_ok()
            {
                texts.insert(page.id.clone(), page.text.text.clone());
            }
        }
        PageTemplates { tera, texts }
    }

    /// The parsed template of `page`, if its text is the one parsed.
    fn get(&self, page: &AdaptedPage) -> Option<&tera::Tera> {
        (self.texts.get(&page.id) == Some(&page.text.text)).then_some(&self.tera)
    }
}

/// A tera set up for page text: every value escaped for Markdown.
fn page_tera() -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([""]);
    tera.set_escape_fn(escape_markdown);
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
    let context = match tera::Context::from_serialize(&adapted.context) {
        Ok(c) => c,
        Err(e) => {
            diags.push(Diagnostic::error(format!(
                "could not prepare page variables: {e}"
            )));
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
            let Some(text) = fill_variables(page, &context, shared, &mut fill_diags) else {
                return Err(fill_diags);
            };
            let mut ctx = PageCtx {
                adapted,
                page,
                visible: &visible,
                strings: &strings,
                log: Vec::new(),
                ok: true,
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
    for (page, draft) in adapted.pages.iter().zip(&drafts) {
        let mut page_fixes = Vec::new();
        ok &= draft.ok;
        for entry in &draft.log {
            match entry {
                Logged::Diagnostic(d) => diags.push(d.clone()),
                Logged::Section {
                    hole,
                    page: target,
                    section,
                    needle,
                } => match check_section(adapted, page, ids[target.as_str()], target, section, needle) {
                    SectionCheck::Found => {}
                    SectionCheck::Removed(d) => {
                        diags.push(d);
                        page_fixes.push(*hole);
                    }
                    SectionCheck::Missing(d) => {
                        diags.push(d);
                        ok = false;
                    }
                },
            }
        }
        fixes.push(page_fixes);
    }
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
    },
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
    ids: &HashSet<String>,
    page_id: &str,
    section: &str,
    needle: &str,
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
            Diagnostic::warning(format!(
                "link to section `{page_id}#{section}`, which the district's overrides removed; the link now leads to the page `{page_id}`"
            ))
            .with_help("keep a heading with this id in the district's text, or change the link with another override"),
            needle,
        ));
    }
    let candidates: Vec<String> = ids.iter().map(|s| format!("{page_id}#{s}")).collect();
    let help = did_you_mean(
        &format!("{page_id}#{section}"),
        candidates.iter().map(String::as_str),
    )
    .unwrap_or_else(|| format!("`wbl list` prints the sections of `{page_id}`"));
    SectionCheck::Missing(point_at(
        page,
        Diagnostic::error(format!(
            "link to section `{page_id}#{section}`, which does not exist"
        ))
        .with_help(help),
        needle,
    ))
}

/// Runs tera over a page's text. Values are escaped for Markdown, so a
/// district name with `*` or `<` shows those characters literally.
fn fill_variables(
    page: &AdaptedPage,
    context: &tera::Context,
    shared: Option<&PageTemplates>,
    diags: &mut Diagnostics,
) -> Option<String> {
    let result = match shared.and_then(|s| s.get(page)) {
        Some(tera) => tera.render(&page.id, context),
        None => {
            let mut tera = page_tera();
            tera.add_raw_template(&page.id, &protect_ids(&page.text.text))
                .and_then(|()| tera.render(&page.id, context))
        }
    };
    match result {
        Ok(text) => Some(restore_ids(text)),
        Err(e) => {
            let source = protect_ids(&page.text.text);
            diags.push(tera_diagnostic(&e, page, &source, context));
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
fn tera_diagnostic(e: &tera::Error, page: &AdaptedPage, source: &str, context: &tera::Context) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let Some(report) = report else {
        return Diagnostic::error(format!(
            "could not fill in the variables of page `{}`: {e}",
            page.id
        ))
        .in_file(page.file.path.clone());
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
        let name = rest.split('`').next().unwrap_or(full_name);
        let known = ["district", "contacts", "contact", "partners", "vars", "toolkit"];
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
    let mut d = Diagnostic::error(text);
    let at = if message == "Unexpected end of input" {
        unclosed_tag_offset(source).unwrap_or(span.start)
    } else {
        start
    };
    if let Some((file, offset)) = page.text.locate(at) {
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
    /// The ids of the pages the district shows.
    visible: &'a BTreeSet<&'a str>,
    /// Interface text in the page's language (the label of a table).
    strings: &'a crate::i18n::Strings,
    log: Vec<Logged>,
    ok: bool,
}

/// Points a diagnostic at where `needle` is written in the page text (for
/// `](dest`, at the destination).
fn point_at(page: &AdaptedPage, d: Diagnostic, needle: &str) -> Diagnostic {
    let text = &page.text.text;
    let skip = if needle.starts_with("](") { 2 } else { 0 };
    match text.find(needle).and_then(|i| page.text.locate(i + skip)) {
        Some((file, offset)) => d.at(file, offset..offset + needle.len() - skip),
        None => d.in_file(page.file.path.clone()),
    }
}

impl PageCtx<'_> {
    fn error(&mut self, d: Diagnostic, needle: &str) {
        let d = point_at(self.page, d, needle);
        self.log.push(Logged::Diagnostic(d));
        self.ok = false;
    }

    fn warn(&mut self, d: Diagnostic, needle: &str) {
        let d = point_at(self.page, d, needle);
        self.log.push(Logged::Diagnostic(d));
    }
}

/// Where a link written in a page leads.
enum Target {
    External,
    Hole(Hole),
    /// A page the district hid: the link becomes plain text.
    Dropped,
    Invalid,
}

fn classify_link(dest: &str, ctx: &mut PageCtx) -> Target {
    if is_external(dest) {
        return Target::External;
    }
    let needle = format!("]({dest}");
    if let Some(name) = dest.strip_prefix("assets/") {
        if ctx.adapted.assets.contains_key(name) {
            return Target::Hole(Hole::Asset(name.to_string()));
        }
        ctx.error(
            Diagnostic::error(format!("asset `{dest}` not found")).with_help(asset_help(name, ctx.adapted)),
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
            Diagnostic::error(format!("link to `{dest}` is not a page or an asset"))
                .with_help("link to a page as `page-id.md` or `page-id.md#section-id`, to a file as `assets/NAME`, or to a website with `https://`"),
            &needle,
        );
        return Target::Invalid;
    };
    if !ctx.visible.contains(page_id) {
        if ctx.adapted.hidden.contains(page_id) {
            ctx.warn(
                Diagnostic::warning(format!(
                    "link to page `{page_id}`, which the district hides; the link becomes plain text"
                ))
                .with_help(format!("reword the text or un-hide `{page_id}`")),
                &needle,
            );
            return Target::Dropped;
        }
        let known: Vec<&str> = ctx.visible.iter().copied().collect();
        ctx.error(
            Diagnostic::error(format!("link to page `{page_id}`, which does not exist")).with_help(
                did_you_mean(page_id, known).unwrap_or_else(|| "`wbl list` prints every page id".to_string()),
            ),
            &needle,
        );
        return Target::Invalid;
    }
    Target::Hole(Hole::Link {
        page: page_id.to_string(),
        section: section.map(str::to_string),
    })
}

fn asset_help(name: &str, adapted: &Adapted) -> String {
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
    let mut link_stack: Vec<bool> = Vec::new();
    let mut heading: Option<(u8, String, String)> = None;
    // Names the region around each table, so a keyboard user who tabs to a
    // table that scrolls sideways (on a phone) hears what it is.
    let mut last_heading = String::new();
    let mut image: Option<(String, String, String)> = None; // (src, alt, written dest)

    for event in events {
        if let Some((_, alt, _)) = image.as_mut() {
            match event {
                Event::End(TagEnd::Image) => {
                    let (src, alt, dest) = image.take().expect("inside an image");
                    if alt.trim().is_empty() {
                        ctx.warn(
                            Diagnostic::warning(format!("image `{dest}` has no alt text"))
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
                let href = match classify_link(&dest_url, ctx) {
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
                            });
                        }
                        Some(href)
                    }
                    Target::Dropped | Target::Invalid => None,
                };
                link_stack.push(href.is_some());
                if let Some(href) = href {
                    let mut html = format!("<a href=\"{href}\"");
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
                if link_stack.pop().unwrap_or(false) {
                    out_events.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let src = if let Some(name) = dest_url.strip_prefix("assets/") {
                    if ctx.adapted.assets.contains_key(name) {
                        assets.insert(name.to_string());
                        hole(Hole::Image(name.to_string()), &mut holes)
                    } else {
                        let help = asset_help(name, ctx.adapted);
                        ctx.error(
                            Diagnostic::error(format!("image `{dest_url}` not found")).with_help(help),
                            &format!("]({dest_url}"),
                        );
                        String::new()
                    }
                } else {
                    ctx.error(
                        Diagnostic::error(format!("image `{dest_url}` is not in `assets/`"))
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
            Event::Html(t) => out_events.push(Event::Html(scrub(t))),
            Event::InlineHtml(t) => out_events.push(Event::InlineHtml(scrub(t))),
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

/// Removes the hole marker from text that came from a page, so only wbl
/// can make holes.
fn scrub(t: CowStr) -> CowStr {
    if t.contains(HOLE) {
        t.replace(HOLE, "\u{FFFD}").into()
    } else {
        t
    }
}

pub fn escape_into(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html(out, s).expect("writing to a String cannot fail");
}

fn escape_href_into(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_href(&mut *out, s).expect("writing to a String cannot fail");
}

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
        use crate::pipeline;
        let mut diags = Diagnostics::new();
        let toolkit = pipeline::load_toolkit(None, &mut diags).unwrap().unwrap();
        let generic = crate::adapt::adapt(&toolkit, None, &mut diags).unwrap();
        let shared = PageTemplates::new(&generic);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/desert-valley-usd");
        let district = pipeline::load_district(&dir, &mut diags).unwrap().unwrap();
        let adapted = crate::adapt::adapt(&toolkit, Some(&district), &mut diags).unwrap();
        // The district changes some pages and leaves the others alone.
        let reused = adapted.pages.iter().filter(|p| shared.get(p).is_some()).count();
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

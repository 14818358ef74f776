//! Page text → HTML, once per page, shared by every output.
//!
//! Variables are filled in with tera, then the Markdown is turned into
//! HTML in which every place that differs between outputs (heading ids and
//! levels, links between pages, asset paths) is left as a numbered hole.
//! Each output fills the holes its own way: the site links to
//! `page.html#id`, the handbook to `#page--id`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

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
    let context = match tera::Context::from_serialize(&adapted.context) {
        Ok(c) => c,
        Err(e) => {
            diags.push(Diagnostic::error(format!(
                "could not prepare page variables: {e}"
            )));
            return None;
        }
    };

    // First every page's Markdown, so links can be checked against the
    // headings every page really has once variables are filled in.
    let mut texts = Vec::with_capacity(adapted.pages.len());
    for page in &adapted.pages {
        texts.push(fill_variables(page, &context, diags));
    }
    let texts: Vec<String> = texts.into_iter().collect::<Option<_>>()?;
    let events: Vec<Vec<Event>> = texts
        .iter()
        .map(|t| Parser::new_ext(t, markdown_options()).collect())
        .collect();
    let mut ids: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    for (page, events) in adapted.pages.iter().zip(&events) {
        let set = events
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
                _ => None,
            })
            .collect();
        ids.insert(&page.id, set);
    }

    let mut out = Vec::with_capacity(adapted.pages.len());
    let mut ok = true;
    for (page, events) in adapted.pages.iter().zip(events) {
        let mut ctx = PageCtx {
            adapted,
            page,
            ids: &ids,
            diags,
            ok: true,
        };
        let rendered = to_html(events, &mut ctx);
        ok &= ctx.ok;
        out.push(rendered);
    }
    ok.then_some(out)
}

/// Runs tera over a page's text. Values are escaped for Markdown, so a
/// district name with `*` or `<` shows those characters literally.
fn fill_variables(page: &AdaptedPage, context: &tera::Context, diags: &mut Diagnostics) -> Option<String> {
    let source = protect_ids(&page.text.text);
    let mut tera = tera::Tera::new();
    tera.autoescape_on([""]);
    tera.set_escape_fn(escape_markdown);
    let result = tera
        .add_raw_template(&page.id, &source)
        .and_then(|()| tera.render(&page.id, context));
    match result {
        Ok(text) => Some(restore_ids(&text)),
        Err(e) => {
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
    while let Some(found) = text[i..].find("{#") {
        let start = i + found;
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

fn restore_ids(text: &str) -> String {
    if text.contains(ID_BRACE) {
        text.replace(ID_BRACE, "{")
    } else {
        text.to_string()
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

struct PageCtx<'a, 'd> {
    adapted: &'a Adapted,
    page: &'a AdaptedPage,
    ids: &'a BTreeMap<&'a str, HashSet<String>>,
    diags: &'d mut Diagnostics,
    ok: bool,
}

impl PageCtx<'_, '_> {
    /// Points a diagnostic at where `needle` is written in the page text
    /// (for `](dest`, at the destination).
    fn at(&self, d: Diagnostic, needle: &str) -> Diagnostic {
        let text = &self.page.text.text;
        let skip = if needle.starts_with("](") { 2 } else { 0 };
        match text.find(needle).and_then(|i| self.page.text.locate(i + skip)) {
            Some((file, offset)) => d.at(file, offset..offset + needle.len() - skip),
            None => d.in_file(self.page.file.path.clone()),
        }
    }

    fn error(&mut self, d: Diagnostic, needle: &str) {
        let d = self.at(d, needle);
        self.diags.push(d);
        self.ok = false;
    }

    fn warn(&mut self, d: Diagnostic, needle: &str) {
        let d = self.at(d, needle);
        self.diags.push(d);
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
    let Some(ids) = ctx.ids.get(page_id) else {
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
        let known: Vec<&str> = ctx.ids.keys().copied().collect();
        ctx.error(
            Diagnostic::error(format!("link to page `{page_id}`, which does not exist")).with_help(
                did_you_mean(page_id, known).unwrap_or_else(|| "`wbl list` prints every page id".to_string()),
            ),
            &needle,
        );
        return Target::Invalid;
    };
    if let Some(section) = section
        && !ids.contains(section)
        && ctx
            .adapted
            .upstream_ids
            .get(page_id)
            .is_some_and(|up| up.contains(section))
    {
        ctx.warn(
            Diagnostic::warning(format!(
                "link to section `{page_id}#{section}`, which the district's overrides removed; the link now leads to the page `{page_id}`"
            ))
            .with_help("keep a heading with this id in the district's text, or change the link with another override"),
            &needle,
        );
        return Target::Hole(Hole::Link {
            page: page_id.to_string(),
            section: None,
        });
    }
    if let Some(section) = section
        && !ids.contains(section)
    {
        let candidates: Vec<String> = ids.iter().map(|s| format!("{page_id}#{s}")).collect();
        let help = did_you_mean(
            &format!("{page_id}#{section}"),
            candidates.iter().map(String::as_str),
        )
        .unwrap_or_else(|| format!("`wbl list` prints the sections of `{page_id}`"));
        ctx.error(
            Diagnostic::error(format!(
                "link to section `{page_id}#{section}`, which does not exist"
            ))
            .with_help(help),
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
fn to_html(events: Vec<Event>, ctx: &mut PageCtx) -> RenderedPage {
    let mut holes: Vec<Hole> = Vec::new();
    let mut headings = Vec::new();
    let mut assets = BTreeSet::new();
    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let hole = |h: Hole, holes: &mut Vec<Hole>| -> String {
        holes.push(h);
        format!("{HOLE}{}{HOLE}", holes.len() - 1)
    };
    // Links whose start tag was dropped also drop their end tag.
    let mut link_stack: Vec<bool> = Vec::new();
    let mut heading: Option<(u8, String, String)> = None;
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
                let id = id.map(|s| s.to_string()).unwrap_or_default();
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
                        if let Hole::Asset(name) = &h {
                            assets.insert(name.clone());
                        }
                        Some(hole(h, &mut holes))
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
                out_events.push(Event::Html("<div class=\"table-wrap\">".into()));
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
    RenderedPage {
        body: Body { html, holes },
        headings,
        assets,
    }
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
        assert_eq!(restore_ids(&protect_ids(text)), text);
    }

    #[test]
    fn escapes_markdown_punctuation() {
        let mut out = Vec::new();
        escape_markdown("A <b> & *x* _y_\nZ", &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "A \\<b\\> \\& \\*x\\* \\_y\\_ Z");
    }

    #[test]
    fn recognises_external_links() {
        assert!(is_external("https://example.org"));
        assert!(is_external("mailto:a@b.org"));
        assert!(!is_external("page.md#x"));
        assert!(!is_external("assets/a:b.png"));
    }
}

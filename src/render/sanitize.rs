//! Raw HTML in page text is kept only as a small, safe subset.
//!
//! Pages may hold raw HTML for layout Markdown cannot express (the
//! toolkit's forms use `<div class="write-in"></div>` for a space to write
//! in). What wbl writes must never run code or fetch anything, whoever
//! wrote the page, so every tag is parsed and rebuilt:
//!
//! - formatting and structure tags ([`ALLOWED`]) are kept, with only the
//!   attributes in [`ATTRIBUTES`] (no `style`, no `id`, no event handlers,
//!   no URLs);
//! - `<script>`, `<style>`, `<iframe>`, `<object>`, `<svg>` and other
//!   elements that run, fetch or embed something are removed with their
//!   content ([`DROPPED_WITH_CONTENT`]);
//! - every other tag (`<a>`, `<img>`, `<form>`, `<font>`…) is removed and
//!   its text kept: links and images are written in Markdown, where wbl
//!   checks them;
//! - comments, `<!DOCTYPE>` and processing instructions are removed.
//!
//! Each removal is reported, so `wbl check --deny-warnings` fails on it.

/// Elements kept, with their allowed attributes.
pub const ALLOWED: &[&str] = &[
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes kept on allowed elements (plus `aria-*`): none holds a URL,
/// a script or a style.
pub const ATTRIBUTES: &[&str] = &[
    "class", "title", "lang", "dir", "role", "colspan", "rowspan", "headers", "scope", "start", "reversed",
    "type", "value", "datetime", "open", "span",
];

/// Elements removed together with everything inside them.
pub const DROPPED_WITH_CONTENT: &[&str] = &[
    "applet", "audio", "canvas", "frameset", "head", "iframe", "math", "noembed", "noframes", "noscript",
    "object", "script", "select", "style", "svg", "template", "textarea", "title", "video", "xmp",
];

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

/// Something removed from the HTML, for the warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// What was removed, as the warning names it: "`<script>`", "the
    /// `onclick` attribute of `<div>`".
    pub what: String,
    /// Text as written in the page, to point the warning at.
    pub needle: String,
}

/// Cleans raw HTML. One per page: an element removed with its content may
/// open in one piece of HTML and close in a later one.
#[derive(Debug, Default)]
pub struct Sanitizer {
    /// Inside an element removed with its content: its name.
    skipping: Option<String>,
    /// Inside a comment that has not ended yet.
    in_comment: bool,
}

impl Sanitizer {
    pub fn new() -> Self {
        Sanitizer::default()
    }

    /// Inside an element removed with its content: the text that follows
    /// goes too.
    pub fn skipping(&self) -> bool {
        self.skipping.is_some() || self.in_comment
    }

    /// A block of the page ended: an element left open in it ends too, so
    /// a `<script>` never closed cannot take the rest of the page with it.
    pub fn end_block(&mut self) {
        self.skipping = None;
        self.in_comment = false;
    }

    /// The safe part of `html`; what was removed is added to `removed`.
    pub fn clean(&mut self, html: &str, removed: &mut Vec<Removed>) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while !rest.is_empty() {
            if self.in_comment {
                match rest.find("-->") {
                    Some(end) => {
                        rest = &rest[end + 3..];
                        self.in_comment = false;
                    }
                    None => return out,
                }
                continue;
            }
            if let Some(name) = &self.skipping {
                match find_close(rest, name) {
                    Some(end) => {
                        rest = &rest[end..];
                        self.skipping = None;
                    }
                    None => return out,
                }
                continue;
            }
            let Some(lt) = rest.find('<') else {
                push_text(&mut out, rest);
                break;
            };
            push_text(&mut out, &rest[..lt]);
            rest = &rest[lt..];
            if let Some(after) = rest.strip_prefix("<!--") {
                match after.find("-->") {
                    Some(end) => rest = &after[end + 3..],
                    None => {
                        self.in_comment = true;
                        return out;
                    }
                }
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                let end = rest.find('>').map_or(rest.len(), |i| i + 1);
                removed.push(Removed {
                    what: format!("`{}`", short(&rest[..end])),
                    needle: rest[..end.min(12)].to_string(),
                });
                rest = &rest[end..];
                continue;
            }
            match parse_tag(rest) {
                Some(tag) => {
                    self.tag(&tag, &mut out, removed);
                    rest = &rest[tag.len..];
                }
                None => {
                    // Not a tag: a `<` in text.
                    out.push_str("&lt;");
                    rest = &rest[1..];
                }
            }
        }
        out
    }

    fn tag(&mut self, tag: &Tag, out: &mut String, removed: &mut Vec<Removed>) {
        let name = tag.name.as_str();
        if tag.closing {
            if ALLOWED.contains(&name) && !VOID.contains(&name) {
                out.push_str(&format!("</{name}>"));
            }
            // The closing tag of a removed element was reported with its
            // opening tag.
            return;
        }
        if DROPPED_WITH_CONTENT.contains(&name) {
            removed.push(Removed {
                what: format!("`<{name}>` and its content"),
                needle: format!("<{}", tag.written_name),
            });
            if !tag.self_closing && !VOID.contains(&name) {
                self.skipping = Some(name.to_string());
            }
            return;
        }
        if !ALLOWED.contains(&name) {
            let what = match name {
                "a" => "`<a>` (write links in Markdown: `[text](https://…)`)".to_string(),
                "img" => "`<img>` (write images in Markdown: `![Alt text](assets/NAME)`)".to_string(),
                _ => format!("`<{name}>`"),
            };
            removed.push(Removed {
                what,
                needle: format!("<{}", tag.written_name),
            });
            return;
        }
        out.push('<');
        out.push_str(name);
        for (attr, value) in &tag.attributes {
            if ATTRIBUTES.contains(&attr.as_str()) || is_aria(attr) {
                out.push(' ');
                out.push_str(attr);
                if let Some(value) = value {
                    out.push_str("=\"");
                    // Entities stay as written; only what could end the
                    // value or open a tag is escaped.
                    for c in value.chars() {
                        match c {
                            '"' => out.push_str("&quot;"),
                            '<' => out.push_str("&lt;"),
                            '>' => out.push_str("&gt;"),
                            c => out.push(c),
                        }
                    }
                    out.push('"');
                }
            } else {
                removed.push(Removed {
                    what: if attr.starts_with("on") {
                        format!("the event handler `{attr}` of `<{name}>`")
                    } else {
                        format!("the `{attr}` attribute of `<{name}>`")
                    },
                    needle: attr.clone(),
                });
            }
        }
        out.push('>');
    }
}

fn is_aria(attr: &str) -> bool {
    attr.strip_prefix("aria-")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
}

/// Text between tags: kept, with a stray `>` escaped.
fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// The first characters of a construct, for a message.
fn short(s: &str) -> String {
    let s: String = s.chars().take(24).collect();
    if s.len() < 24 { s } else { format!("{s}…") }
}

/// Where the closing tag `</name…>` ends, searching case-insensitively.
fn find_close(text: &str, name: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let needle = format!("</{name}");
    let mut from = 0;
    while let Some(at) = lower[from..].find(&needle) {
        let start = from + at;
        let after = start + needle.len();
        match lower.as_bytes().get(after) {
            Some(b) if b.is_ascii_alphanumeric() || *b == b'-' => from = after,
            _ => return Some(lower[after..].find('>').map_or(text.len(), |i| after + i + 1)),
        }
    }
    None
}

struct Tag {
    /// Lower case.
    name: String,
    /// As written.
    written_name: String,
    closing: bool,
    self_closing: bool,
    /// Lower-case names; values with entities left as written.
    attributes: Vec<(String, Option<String>)>,
    /// Bytes the tag takes in the text.
    len: usize,
}

/// Parses the tag at the start of `text` (which starts with `<`), or
/// `None` if it is not one.
fn parse_tag(text: &str) -> Option<Tag> {
    let bytes = text.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    if !bytes.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    let written_name = text[name_start..i].to_string();
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                self_closing = true;
                i += 2;
                break;
            }
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let attr_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/\"'<".contains(&bytes[i]) {
            i += 1;
        }
        if i == attr_start {
            // A quote or `<` where a name should be: not a tag.
            return None;
        }
        let attr = text[attr_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j)? {
                q @ (b'"' | b'\'') => {
                    let end = text[j + 1..].find(*q as char)? + j + 1;
                    value = Some(text[j + 1..end].to_string());
                    j = end + 1;
                }
                _ => {
                    let start = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = Some(text[start..j].to_string());
                }
            }
            i = j;
        }
        attributes.push((attr, value));
    }
    Some(Tag {
        name: written_name.to_ascii_lowercase(),
        written_name,
        closing,
        self_closing,
        attributes,
        len: i,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str) -> (String, Vec<String>) {
        let mut removed = Vec::new();
        let out = Sanitizer::new().clean(html, &mut removed);
        (out, removed.into_iter().map(|r| r.what).collect())
    }

    #[test]
    fn keeps_the_toolkits_own_html() {
        for html in [
            "<div class=\"write-in\"></div>\n",
            "<div class=\"write-in tall\"></div>\n",
            "<details open><summary>More</summary>\n<p>Text &amp; more</p></details>",
            "<table><tr><td colspan=\"2\">x</td></tr></table>",
            "<span aria-hidden=\"true\">✓</span><br>",
        ] {
            let (out, removed) = clean(html);
            assert_eq!(out, html, "{html}");
            assert!(removed.is_empty(), "{html}: {removed:?}");
        }
    }

    #[test]
    fn removes_scripts_frames_handlers_and_remote_resources() {
        let cases = [
            (
                "<script>alert(1)</script>after",
                "after",
                "`<script>` and its content",
            ),
            (
                "<SCRIPT src=\"https://evil.example/x.js\"></SCRIPT>",
                "",
                "`<script>` and its content",
            ),
            (
                "<iframe src=\"https://evil.example\"></iframe>",
                "",
                "`<iframe>` and its content",
            ),
            (
                "<img src=x onerror=alert(1)>",
                "",
                "`<img>` (write images in Markdown: `![Alt text](assets/NAME)`)",
            ),
            (
                "<div onclick=\"alert(1)\" class=\"x\">hi</div>",
                "<div class=\"x\">hi</div>",
                "the event handler `onclick` of `<div>`",
            ),
            (
                "<a href=\"javascript:alert(1)\">click</a>",
                "click",
                "`<a>` (write links in Markdown: `[text](https://…)`)",
            ),
            (
                "<p style=\"background:url(https://t.example/p.png)\">x</p>",
                "<p>x</p>",
                "the `style` attribute of `<p>`",
            ),
            ("<svg><script>x</script></svg>ok", "ok", "`<svg>` and its content"),
            ("<style>body{}</style>", "", "`<style>` and its content"),
            ("<object data=x></object>", "", "`<object>` and its content"),
            ("<link rel=stylesheet href=https://x>", "", "`<link>`"),
            ("<meta http-equiv=refresh content=0>", "", "`<meta>`"),
            ("<form action=https://x><input name=a></form>", "", "`<form>`"),
            (
                "<span id=\"top\">x</span>",
                "<span>x</span>",
                "the `id` attribute of `<span>`",
            ),
        ];
        for (html, want, what) in cases {
            let (out, removed) = clean(html);
            assert_eq!(out, want, "{html}");
            assert_eq!(removed.first().map(String::as_str), Some(what), "{html}");
        }
    }

    #[test]
    fn an_element_removed_with_its_content_may_span_pieces() {
        let mut s = Sanitizer::new();
        let mut removed = Vec::new();
        assert_eq!(s.clean("<script>", &mut removed), "");
        assert_eq!(s.clean("alert(1)", &mut removed), "");
        assert_eq!(s.clean("</script >after", &mut removed), "after");
        assert_eq!(s.clean("<!-- a", &mut removed), "");
        assert_eq!(s.clean("comment -->b", &mut removed), "b");
        assert_eq!(removed.len(), 1);
    }

    #[test]
    fn text_that_only_looks_like_html_stays_text() {
        assert_eq!(clean("a < b > c").0, "a &lt; b &gt; c");
        assert_eq!(clean("<3 and <\"x\">").0, "&lt;3 and &lt;\"x\"&gt;");
        // Quotes inside attribute values cannot break out.
        let (out, _) = clean("<span title='a\"><script>x</script>'>t</span>");
        assert_eq!(
            out,
            "<span title=\"a&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">t</span>"
        );
        assert_eq!(
            clean("<abbr title=\"Q&amp;A\">QA</abbr>").0,
            "<abbr title=\"Q&amp;A\">QA</abbr>"
        );
    }

    #[test]
    fn case_and_odd_spacing_do_not_get_through() {
        for html in [
            "<ScRiPt>x</sCrIpT>",
            "<script\n>x</script>",
            "<script/>",
            "<div\nonmouseover=x>y</div>",
            "<div/onclick=x>y</div>",
            "<IMG SRC=\"javascript:alert(1)\">",
        ] {
            let (out, removed) = clean(html);
            let lower = out.to_ascii_lowercase();
            assert!(
                !lower.contains("script") && !lower.contains("onclick") && !lower.contains("onmouseover"),
                "{html} → {out}"
            );
            assert!(!removed.is_empty(), "{html}");
        }
    }
}

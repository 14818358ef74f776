//! The site's offline search index, `site/search-index.js`.
//!
//! Browsers refuse `fetch()` on pages opened from the file system, so the
//! index is a script that sets a global (`window.wblSearchIndex`), which a
//! `<script src>` may load from anywhere; `search.js` reads it. One entry
//! per section (`##` and `###`; deeper headings stay in their section),
//! plus the text before a page's first heading.
//!
//! The search fields are folded here ([`fold`]: lower case, accents off,
//! punctuation to spaces) and the query is folded the same way in
//! `search.js`, so "exito" finds "éxito".

use rayon::prelude::*;
use serde_json::{Value, json};

/// Where the index sits in the site.
pub const INDEX_FILE: &str = "search-index.js";

/// A teaser is cut at a word boundary at or before this many characters.
const TEASER_CHARS: usize = 160;

/// A page as the index sees it.
pub struct IndexPage<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind_label: &'a str,
    /// The page body as the site renders it (headings carry their ids).
    pub html: &'a str,
}

/// One searchable piece of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's id; empty for the text before the first heading.
    pub id: String,
    /// The heading's text; empty for the text before the first heading.
    pub heading: String,
    /// The section's text without markup, whitespace collapsed.
    pub text: String,
}

/// The index script for `pages`, in the order given (the reading order,
/// which is also how ties between results are broken).
pub fn build(pages: &[IndexPage]) -> String {
    let page_entries: Vec<Value> = pages
        .iter()
        .map(|page| json!([page.id, page.title, page.kind_label, fold(page.title)]))
        .collect();
    // Cutting and folding each page's text is independent of the others:
    // pages are done side by side, and collected in reading order.
    let per_page: Vec<Vec<Value>> = pages
        .par_iter()
        .enumerate()
        .map(|(n, page)| {
            sections(page.html)
                .into_iter()
                .filter(|s| !(s.heading.is_empty() && s.text.is_empty()))
                .map(|s| {
                    json!([
                        n,
                        s.id,
                        s.heading,
                        teaser(&s.text),
                        fold(&s.heading),
                        fold(&s.text)
                    ])
                })
                .collect()
        })
        .collect();
    let section_entries: Vec<Value> = per_page.into_iter().flatten().collect();
    let index: Value = json!({
        "format": 1,
        "fields": {
            "pages": ["id", "title", "kind", "folded title"],
            "sections": ["page", "id", "heading", "teaser", "folded heading", "folded text"],
        },
        "pages": page_entries,
        "sections": section_entries,
    });
    format!("/* wbl search index: written by wbl, read by search.js. */\nwindow.wblSearchIndex = {index};\n")
}

/// `html` cut into sections at its `<h2 id>` and `<h3 id>` headings, as
/// plain text: tags dropped (block-level ones leave a space), entities
/// decoded, anything `aria-hidden` (checkbox glyphs) left out.
pub fn sections(html: &str) -> Vec<Section> {
    let mut out = vec![Section {
        id: String::new(),
        heading: String::new(),
        text: String::new(),
    }];
    // Set while inside a section heading: its tag name.
    let mut in_heading: Option<String> = None;
    // Set while inside an aria-hidden element: its tag name and how many
    // elements of that name are open inside it.
    let mut hidden: Option<(String, usize)> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let (text, tag) = match rest.find('<') {
            Some(at) => (&rest[..at], Some(&rest[at..])),
            None => (rest, None),
        };
        if hidden.is_none() {
            let last = out.last_mut().expect("there is always a section");
            let buf = if in_heading.is_some() {
                &mut last.heading
            } else {
                &mut last.text
            };
            decode_entities_into(buf, text);
        }
        let Some(tag) = tag else { break };
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        let parsed = Tag::parse(&tag[..end]);
        rest = &tag[end..];
        let Some(t) = parsed else { continue };

        if let Some((name, depth)) = hidden.as_mut() {
            if *name == t.name {
                if t.closing {
                    if *depth == 0 {
                        hidden = None;
                    } else {
                        *depth -= 1;
                    }
                } else if !t.void {
                    *depth += 1;
                }
            }
            continue;
        }
        if !t.closing && t.aria_hidden && !t.void {
            hidden = Some((t.name, 0));
            continue;
        }
        let is_section_heading = t.name == "h2" || t.name == "h3";
        if is_section_heading
            && !t.closing
            && let Some(id) = t.id
        {
            out.push(Section {
                id,
                heading: String::new(),
                text: String::new(),
            });
            in_heading = Some(t.name);
            continue;
        }
        if t.closing && in_heading.as_deref() == Some(t.name.as_str()) {
            in_heading = None;
            continue;
        }
        if !is_inline(&t.name) {
            let last = out.last_mut().expect("there is always a section");
            let buf = if in_heading.is_some() {
                &mut last.heading
            } else {
                &mut last.text
            };
            buf.push(' ');
        }
    }
    for s in &mut out {
        s.heading = collapse_whitespace(&s.heading);
        s.text = collapse_whitespace(&s.text);
    }
    out
}

/// The start of `text`, cut at a word boundary, with an ellipsis when cut.
pub fn teaser(text: &str) -> String {
    if text.chars().count() <= TEASER_CHARS {
        return text.to_string();
    }
    let limit = text
        .char_indices()
        .nth(TEASER_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let cut = text[..limit].rfind(' ').filter(|&i| i > 0).unwrap_or(limit);
    let head = text[..cut].trim_end_matches([',', ';', ':', '.', ' ', '(', '—', '–']);
    format!("{head}…")
}

/// What search compares: lower case, accents and other combining marks
/// removed (as Unicode's canonical decomposition would leave the base
/// letter), apostrophes dropped (so "partner's" is found by "partners"),
/// every other run of non-alphanumeric characters one space.
///
/// `search.js` folds the query with `normalize('NFD')` and the same rules;
/// [`FOLDS`] is that decomposition for the Latin letters, so the two agree
/// without a Unicode-tables dependency.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Set after a run of characters that are not letters or digits: the
    // space is written only when another letter follows.
    let mut space = false;
    let letter = |c: char, out: &mut String, space: &mut bool| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push(c);
    };
    for c in text.chars() {
        // Most of a page is ASCII, which needs neither Unicode lower-casing
        // nor the table of accented letters (without this shortcut the
        // index was a fifth of a site build).
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                letter(c.to_ascii_lowercase(), &mut out, &mut space);
            } else if c != '\'' {
                space = true;
            }
            continue;
        }
        for c in c.to_lowercase() {
            if is_combining_mark(c) || c == '\u{2019}' {
                continue;
            }
            let c = fold_char(c);
            if c.is_alphanumeric() {
                letter(c, &mut out, &mut space);
            } else {
                space = true;
            }
        }
    }
    out
}

fn fold_char(c: char) -> char {
    FOLDS
        .binary_search_by_key(&c, |&(from, _)| from)
        .map_or(c, |i| FOLDS[i].1)
}

/// The Unicode blocks of combining diacritical marks: what an accent is
/// in text that arrives already decomposed.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Each lower-case letter of Latin-1 Supplement, Latin Extended-A and -B
/// and Latin Extended Additional whose canonical decomposition (NFD) is a
/// base letter and combining marks, mapped to that base letter. Sorted,
/// for binary search. Made with Node.js:
/// `s.normalize('NFD').replace(/\p{M}/gu, '')` over U+00C0–U+024F and
/// U+1E00–U+1EFF, keeping the lower-case letters that change.
#[rustfmt::skip]
const FOLDS: &[(char, char)] = &[
    ('à', 'a'), ('á', 'a'), ('â', 'a'), ('ã', 'a'), ('ä', 'a'), ('å', 'a'), ('ç', 'c'), ('è', 'e'),
    ('é', 'e'), ('ê', 'e'), ('ë', 'e'), ('ì', 'i'), ('í', 'i'), ('î', 'i'), ('ï', 'i'), ('ñ', 'n'),
    ('ò', 'o'), ('ó', 'o'), ('ô', 'o'), ('õ', 'o'), ('ö', 'o'), ('ù', 'u'), ('ú', 'u'), ('û', 'u'),
    ('ü', 'u'), ('ý', 'y'), ('ÿ', 'y'), ('ā', 'a'), ('ă', 'a'), ('ą', 'a'), ('ć', 'c'), ('ĉ', 'c'),
    ('ċ', 'c'), ('č', 'c'), ('ď', 'd'), ('ē', 'e'), ('ĕ', 'e'), ('ė', 'e'), ('ę', 'e'), ('ě', 'e'),
    ('ĝ', 'g'), ('ğ', 'g'), ('ġ', 'g'), ('ģ', 'g'), ('ĥ', 'h'), ('ĩ', 'i'), ('ī', 'i'), ('ĭ', 'i'),
    ('į', 'i'), ('ĵ', 'j'), ('ķ', 'k'), ('ĺ', 'l'), ('ļ', 'l'), ('ľ', 'l'), ('ń', 'n'), ('ņ', 'n'),
    ('ň', 'n'), ('ō', 'o'), ('ŏ', 'o'), ('ő', 'o'), ('ŕ', 'r'), ('ŗ', 'r'), ('ř', 'r'), ('ś', 's'),
    ('ŝ', 's'), ('ş', 's'), ('š', 's'), ('ţ', 't'), ('ť', 't'), ('ũ', 'u'), ('ū', 'u'), ('ŭ', 'u'),
    ('ů', 'u'), ('ű', 'u'), ('ų', 'u'), ('ŵ', 'w'), ('ŷ', 'y'), ('ź', 'z'), ('ż', 'z'), ('ž', 'z'),
    ('ơ', 'o'), ('ư', 'u'), ('ǎ', 'a'), ('ǐ', 'i'), ('ǒ', 'o'), ('ǔ', 'u'), ('ǖ', 'u'), ('ǘ', 'u'),
    ('ǚ', 'u'), ('ǜ', 'u'), ('ǟ', 'a'), ('ǡ', 'a'), ('ǣ', 'æ'), ('ǧ', 'g'), ('ǩ', 'k'), ('ǫ', 'o'),
    ('ǭ', 'o'), ('ǯ', 'ʒ'), ('ǰ', 'j'), ('ǵ', 'g'), ('ǹ', 'n'), ('ǻ', 'a'), ('ǽ', 'æ'), ('ǿ', 'ø'),
    ('ȁ', 'a'), ('ȃ', 'a'), ('ȅ', 'e'), ('ȇ', 'e'), ('ȉ', 'i'), ('ȋ', 'i'), ('ȍ', 'o'), ('ȏ', 'o'),
    ('ȑ', 'r'), ('ȓ', 'r'), ('ȕ', 'u'), ('ȗ', 'u'), ('ș', 's'), ('ț', 't'), ('ȟ', 'h'), ('ȧ', 'a'),
    ('ȩ', 'e'), ('ȫ', 'o'), ('ȭ', 'o'), ('ȯ', 'o'), ('ȱ', 'o'), ('ȳ', 'y'), ('ḁ', 'a'), ('ḃ', 'b'),
    ('ḅ', 'b'), ('ḇ', 'b'), ('ḉ', 'c'), ('ḋ', 'd'), ('ḍ', 'd'), ('ḏ', 'd'), ('ḑ', 'd'), ('ḓ', 'd'),
    ('ḕ', 'e'), ('ḗ', 'e'), ('ḙ', 'e'), ('ḛ', 'e'), ('ḝ', 'e'), ('ḟ', 'f'), ('ḡ', 'g'), ('ḣ', 'h'),
    ('ḥ', 'h'), ('ḧ', 'h'), ('ḩ', 'h'), ('ḫ', 'h'), ('ḭ', 'i'), ('ḯ', 'i'), ('ḱ', 'k'), ('ḳ', 'k'),
    ('ḵ', 'k'), ('ḷ', 'l'), ('ḹ', 'l'), ('ḻ', 'l'), ('ḽ', 'l'), ('ḿ', 'm'), ('ṁ', 'm'), ('ṃ', 'm'),
    ('ṅ', 'n'), ('ṇ', 'n'), ('ṉ', 'n'), ('ṋ', 'n'), ('ṍ', 'o'), ('ṏ', 'o'), ('ṑ', 'o'), ('ṓ', 'o'),
    ('ṕ', 'p'), ('ṗ', 'p'), ('ṙ', 'r'), ('ṛ', 'r'), ('ṝ', 'r'), ('ṟ', 'r'), ('ṡ', 's'), ('ṣ', 's'),
    ('ṥ', 's'), ('ṧ', 's'), ('ṩ', 's'), ('ṫ', 't'), ('ṭ', 't'), ('ṯ', 't'), ('ṱ', 't'), ('ṳ', 'u'),
    ('ṵ', 'u'), ('ṷ', 'u'), ('ṹ', 'u'), ('ṻ', 'u'), ('ṽ', 'v'), ('ṿ', 'v'), ('ẁ', 'w'), ('ẃ', 'w'),
    ('ẅ', 'w'), ('ẇ', 'w'), ('ẉ', 'w'), ('ẋ', 'x'), ('ẍ', 'x'), ('ẏ', 'y'), ('ẑ', 'z'), ('ẓ', 'z'),
    ('ẕ', 'z'), ('ẖ', 'h'), ('ẗ', 't'), ('ẘ', 'w'), ('ẙ', 'y'), ('ẛ', 'ſ'), ('ạ', 'a'), ('ả', 'a'),
    ('ấ', 'a'), ('ầ', 'a'), ('ẩ', 'a'), ('ẫ', 'a'), ('ậ', 'a'), ('ắ', 'a'), ('ằ', 'a'), ('ẳ', 'a'),
    ('ẵ', 'a'), ('ặ', 'a'), ('ẹ', 'e'), ('ẻ', 'e'), ('ẽ', 'e'), ('ế', 'e'), ('ề', 'e'), ('ể', 'e'),
    ('ễ', 'e'), ('ệ', 'e'), ('ỉ', 'i'), ('ị', 'i'), ('ọ', 'o'), ('ỏ', 'o'), ('ố', 'o'), ('ồ', 'o'),
    ('ổ', 'o'), ('ỗ', 'o'), ('ộ', 'o'), ('ớ', 'o'), ('ờ', 'o'), ('ở', 'o'), ('ỡ', 'o'), ('ợ', 'o'),
    ('ụ', 'u'), ('ủ', 'u'), ('ứ', 'u'), ('ừ', 'u'), ('ử', 'u'), ('ữ', 'u'), ('ự', 'u'), ('ỳ', 'y'),
    ('ỵ', 'y'), ('ỷ', 'y'), ('ỹ', 'y'),
];

/// An HTML tag, as far as splitting text needs it.
struct Tag {
    name: String,
    closing: bool,
    void: bool,
    id: Option<String>,
    aria_hidden: bool,
}

impl Tag {
    /// `raw` runs from `<` to `>`; comments and doctypes give `None`.
    fn parse(raw: &str) -> Option<Tag> {
        let inner = raw.strip_prefix('<')?.strip_suffix('>').unwrap_or(&raw[1..]);
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let attrs = &inner[name_end..];
        let void = matches!(
            name.as_str(),
            "br" | "img" | "hr" | "input" | "meta" | "link" | "wbr" | "source" | "col" | "area"
        ) || attrs.trim_end().ends_with('/');
        Some(Tag {
            id: attribute(attrs, "id").map(|v| decode_entities(&v)),
            aria_hidden: attribute(attrs, "aria-hidden").is_some_and(|v| v == "true"),
            name,
            closing,
            void,
        })
    }
}

/// The value of a double-quoted attribute (as pulldown-cmark and wbl's
/// templates write them).
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at].chars().next_back().is_none_or(char::is_whitespace);
        let after = &rest[at + name.len()..];
        if before_ok && let Some(value) = after.strip_prefix("=\"") {
            return value.find('"').map(|end| value[..end].to_string());
        }
        rest = after;
    }
    None
}

/// Elements that do not break a word: text around them runs on.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "dfn"
            | "em"
            | "i"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
            | "wbr"
    )
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    decode_entities_into(&mut out, s);
    out
}

/// Decodes the entities HTML escaping writes (`&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, numeric ones) and `&nbsp;`; anything else stays as written.
fn decode_entities_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_shortcut_folds_as_the_general_rule_does() {
        // The rule as written before the ASCII shortcut, char by char.
        fn reference(text: &str) -> String {
            let mut out = String::new();
            let mut space = false;
            for c in text.chars().flat_map(char::to_lowercase) {
                if is_combining_mark(c) || matches!(c, '\'' | '\u{2019}') {
                    continue;
                }
                let c = fold_char(c);
                if c.is_alphanumeric() {
                    if space && !out.is_empty() {
                        out.push(' ');
                    }
                    space = false;
                    out.push(c);
                } else {
                    space = true;
                }
            }
            out
        }
        for text in [
            "Partner's PLAN: 90-minute session (Zoom)",
            "  ¿Qué es una micro-pasantía? Éxito—¡sí!  ",
            "KELVIN \u{212A} İstanbul ǣ Ǆ e\u{301} x\u{2019}y",
            "tab\there, new\nline; 3½ × 2 = 7",
            "",
            "'",
        ] {
            assert_eq!(fold(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn folding_removes_accents_case_and_punctuation() {
        assert_eq!(fold("Éxito"), "exito");
        assert_eq!(fold("éxito"), fold("exito"));
        assert_eq!(fold("CONSENTIMIENTO"), "consentimiento");
        assert_eq!(
            fold("Formulario de consentimiento y autorización"),
            "formulario de consentimiento y autorizacion"
        );
        assert_eq!(fold("niño, año; pingüino"), "nino ano pinguino");
        // Already decomposed text (e + combining acute) folds the same.
        assert_eq!(fold("e\u{301}xito"), "exito");
        assert_eq!(
            fold("The partner's role — 90-minute   session!"),
            "the partners role 90 minute session"
        );
        // Letters with no decomposition stay.
        assert_eq!(fold("Straße Ærø"), "straße ærø");
    }

    #[test]
    fn the_fold_table_is_sorted_and_maps_to_one_letter() {
        assert!(FOLDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FOLDS.iter().all(|&(from, to)| from != to && to.is_alphabetic()));
        assert_eq!(fold_char('ñ'), 'n');
        assert_eq!(fold_char('ệ'), 'e');
    }

    #[test]
    fn pages_split_at_second_and_third_level_headings() {
        let html = "<p>Intro <strong>text</strong>.</p>\n<h2 id=\"a\">First &amp; foremost</h2>\n\
            <p>Alpha</p><h4 id=\"deep\">Deep</h4><p>still a</p>\n<h3 id=\"b\">Sub</h3><ul><li>one</li><li>two</li></ul>\
            <h2 id=\"c\">Last</h2><table><tr><td>cell</td><td>next</td></tr></table>";
        let s = sections(html);
        let got: Vec<(&str, &str, &str)> = s.iter().map(|s| (&*s.id, &*s.heading, &*s.text)).collect();
        assert_eq!(
            got,
            [
                ("", "", "Intro text."),
                ("a", "First & foremost", "Alpha Deep still a"),
                ("b", "Sub", "one two"),
                ("c", "Last", "cell next"),
            ]
        );
    }

    #[test]
    fn hidden_glyphs_and_entities_are_handled() {
        let html = "<ul><li><span class=\"box done\" aria-hidden=\"true\">\u{2713}</span>Signed &lt;form&gt; &#8212; &#x27;yes&#x27;</li>\
            <li><span class=\"box\" aria-hidden=\"true\"></span>Call&nbsp;home</li></ul><p>Tom &amp Jerry</p>";
        assert_eq!(
            sections(html)[0].text,
            "Signed <form> — 'yes' Call home Tom &amp Jerry"
        );
    }

    #[test]
    fn teasers_stop_at_a_word() {
        assert_eq!(teaser("Short text."), "Short text.");
        let long = "word ".repeat(60);
        let t = teaser(long.trim());
        assert!(t.ends_with("word…"), "{t}");
        assert!(t.chars().count() <= TEASER_CHARS + 1);
    }

    #[test]
    fn the_index_is_a_script_with_folded_fields() {
        let html =
            "<p>Read this first.</p><h2 id=\"exito\">Plan de éxito</h2><p>El consentimiento firmado.</p>";
        let js = build(&[IndexPage {
            id: "carta",
            title: "Carta a las familias",
            kind_label: "Letter",
            html,
        }]);
        let json = js
            .strip_prefix(
                "/* wbl search index: written by wbl, read by search.js. */\nwindow.wblSearchIndex = ",
            )
            .and_then(|s| s.strip_suffix(";\n"))
            .expect("a script that sets the global");
        let v: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            v["pages"],
            json!([["carta", "Carta a las familias", "Letter", "carta a las familias"]])
        );
        assert_eq!(
            v["sections"],
            json!([
                [0, "", "", "Read this first.", "", "read this first"],
                [
                    0,
                    "exito",
                    "Plan de éxito",
                    "El consentimiento firmado.",
                    "plan de exito",
                    "el consentimiento firmado"
                ],
            ])
        );
    }
}

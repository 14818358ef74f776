//! Bounds on the work a page's variables and conditions may do.
//!
//! Page text is filled in by tera, and tera itself bounds only a single
//! `range` call: two nested `range(end=100000)` loops, or a value doubled
//! forty times, would run for hours or fill the memory. Page text gets a
//! small part of tera, and a budget:
//!
//! - statement tags are `if`/`elif`/`else`/`endif`, `for`/`endfor`,
//!   `break`, `continue`, `set`, `raw`/`endraw` and `include` of a snippet;
//!   `set_global`, other `include`s, `macro`,
//!   `filter`, `block` and the rest have no use in a page and are refused
//!   at their line, as are list comprehensions (`[x for x in …]`);
//! - every `{% for %}` loop counts its iterations, and `range` its
//!   elements, against [`MAX_STEPS`] per page;
//! - `join` and `replace` count the text they make against [`MAX_MADE`];
//!   filters that only grow text and have no use in Markdown (`indent`,
//!   `newlines_to_br`, `escape`, `escape_html`, `escape_xml`, `split`) are
//!   refused;
//! - the filled-in page may be at most [`max_output`] bytes.
//!
//! Each limit stops the page with an error naming it.

use std::cell::Cell;
use std::io::Write;

use tera::{Kwargs, State, TeraResult, Value};

use crate::adapt::AdaptedPage;
use crate::diag::{Code, Diagnostic};

/// Loop iterations and `range` elements one page may use.
pub const MAX_STEPS: u64 = 1_000_000;
/// Bytes `join` and `replace` may make for one page.
pub const MAX_MADE: u64 = 64 << 20;

/// The most a filled-in page may be: room for any real page, and for one
/// written to be large, but not for text multiplied by loops.
pub fn max_output(source_len: usize) -> usize {
    (32 << 20) + 2 * source_len
}

/// The filter every `{% for %}` loop's list goes through, counting it.
const LOOP_FILTER: &str = "__wbl_loop";
// `set` names a value once (the toolkit's pages use it for tables of
// times); it costs no more than the expression it names.
const STATEMENTS: [&str; 9] = [
    "if", "elif", "else", "endif", "for", "endfor", "break", "continue", "set",
];
const REFUSED_FILTERS: [&str; 6] = [
    "indent",
    "newlines_to_br",
    "escape",
    "escape_html",
    "escape_xml",
    "split",
];

/// Which limit a page reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Steps,
    Made,
    Output,
}

impl Exceeded {
    /// What the page did, for the error message.
    pub fn describe(self, source_len: usize) -> String {
        match self {
            Exceeded::Steps => format!("its loops ran more than {} times", thousands(MAX_STEPS)),
            Exceeded::Made => format!(
                "`join` and `replace` made more than {} MB of text",
                MAX_MADE >> 20
            ),
            Exceeded::Output => format!("its text grew past {} MB", max_output(source_len) >> 20),
        }
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

thread_local! {
    static STEPS: Cell<u64> = const { Cell::new(0) };
    static MADE: Cell<u64> = const { Cell::new(0) };
    static EXCEEDED: Cell<Option<Exceeded>> = const { Cell::new(None) };
}

fn charge(
    counter: &'static std::thread::LocalKey<Cell<u64>>,
    amount: u64,
    max: u64,
    kind: Exceeded,
) -> TeraResult<()> {
    let total = counter.with(|c| {
        let total = c.get().saturating_add(amount);
        c.set(total);
        total
    });
    if total > max {
        EXCEEDED.with(|e| e.set(Some(kind)));
        return Err(tera::Error::message(format!(
            "the page reached wbl's limit: {}",
            kind.describe(0)
        )));
    }
    Ok(())
}

/// A construct page text may not use, at `offset` in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: String,
}

impl Refused {
    /// The refusal as an error at its place in the page.
    pub fn diagnostic(self, page: &AdaptedPage) -> Diagnostic {
        let d = Diagnostic::error(Code::TemplateLimit, self.message).with_help(self.help);
        match page.text.locate(self.offset) {
            Some((file, at)) => d.at(file, at..at + self.len),
            None => d.in_file(page.file.path.clone()),
        }
    }
}

/// A render error of `page`, told as the limit it reached if it reached
/// one (the place stays where tera found it).
pub fn explain(mut d: Diagnostic, page: &AdaptedPage) -> Diagnostic {
    if let Some(limit) = exceeded() {
        d.code = crate::diag::Code::TemplateLimit;
        d.message = format!(
            "page `{}` does more work than wbl allows: {}",
            page.id,
            limit.describe(page.text.text.len())
        );
        d.help = Some(
            "a page's loops and filters are limited so that no page can run forever; loop over less"
                .to_string(),
        );
    }
    d
}

/// Page text ready for tera: each `{% for %}` rewritten to count its
/// iterations. Offsets into `text` map back to the page with
/// [`Prepared::source_offset`].
#[derive(Debug, Clone)]
pub struct Prepared {
    pub text: String,
    /// Where text was inserted (offset in `text`) and how much.
    inserted: Vec<(usize, usize)>,
}

impl Prepared {
    /// The offset in the page text of `offset` in the prepared text.
    pub fn source_offset(&self, offset: usize) -> usize {
        let mut shift = 0;
        for &(at, len) in &self.inserted {
            if offset < at {
                break;
            }
            // Inside an insertion: its start.
            shift += len.min(offset - at);
        }
        offset - shift
    }
}

/// Checks that page text uses only what pages may use, and makes every
/// loop count. Text that tera cannot parse is passed on for tera to report.
pub fn prepare(text: &str) -> Result<Prepared, Refused> {
    let mut out = String::with_capacity(text.len());
    let mut inserted = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = text[i..].find('{') {
        let start = i + found;
        let rest = &text[start..];
        if rest.starts_with("{#") {
            i = rest.find("#}").map_or(text.len(), |e| start + e + 2);
            continue;
        }
        let (close, is_tag) = if rest.starts_with("{%") {
            ("%}", true)
        } else if rest.starts_with("{{") {
            ("}}", false)
        } else {
            i = start + 1;
            continue;
        };
        let Some(end) = tag_end(rest, close) else {
            // Unclosed: tera reports it.
            break;
        };
        let inner = &rest[2..end];
        let body = inner.trim_start_matches('-').trim_end_matches('-');
        let words = words(body);
        let first = words.first().map(|(w, _)| *w).unwrap_or("");
        if is_tag && first == "raw" {
            i = raw_end(text, start + end + 2);
            continue;
        }
        // Snippets are the toolkit's own text, included whole.
        let snippet_include = first == "include"
            && body.trim_start()["include".len()..]
                .trim_start()
                .starts_with("\"snippets/");
        // A `set` that joins text (`~`) inside a loop would double a value
        // each turn, out of reach of the output cap.
        if is_tag && first == "set" && body.contains('~') {
            return Err(Refused {
                offset: start,
                len: end + 2,
                message: "`~` is not available in `{% set %}` in page text".to_string(),
                help:
                    "name a plain value in `{% set %}`, and join text where it is written: `{{ a }}{{ b }}`"
                        .to_string(),
            });
        }
        if is_tag && !STATEMENTS.contains(&first) && !snippet_include {
            return Err(Refused {
                offset: start,
                len: end + 2,
                message: format!("`{{% {first} %}}` is not available in page text"),
                help: "page text may use `{{ … }}`, `{% if %}`…`{% endif %}` and `{% for %}`…`{% endfor %}`; see docs/authoring.md".to_string(),
            });
        }
        let skip = usize::from(is_tag && first == "for");
        if let Some((_, at)) = words.iter().skip(skip).find(|(w, _)| *w == "for") {
            let offset = start + 2 + (body.as_ptr() as usize - inner.as_ptr() as usize) + at;
            return Err(Refused {
                offset,
                len: 3,
                message: "a list comprehension (`[… for … in …]`) is not available in page text".to_string(),
                help: "use a `{% for %}` loop".to_string(),
            });
        }
        for (w, at) in &words {
            if REFUSED_FILTERS.contains(w) && is_filter_name(body, *at) {
                let offset = start + 2 + (body.as_ptr() as usize - inner.as_ptr() as usize) + at;
                return Err(Refused {
                    offset,
                    len: w.len(),
                    message: format!("the filter `{w}` is not available in page text"),
                    help: "page text is Markdown, and every value is already escaped for it".to_string(),
                });
            }
        }
        if is_tag
            && first == "for"
            && let Some(&(_, in_at)) = words.iter().find(|(w, _)| *w == "in")
        {
            let body_start = start + 2 + (body.as_ptr() as usize - inner.as_ptr() as usize);
            let list_start = body_start + in_at + 2;
            let list_end = body_start + body.trim_end().len();
            // `{% for x in LIST %}` → `{% for x in (LIST) | __wbl_loop %}`
            out.push_str(&text[copied..list_start]);
            out.push_str(" (");
            inserted.push((out.len() - 2, 2));
            out.push_str(&text[list_start..list_end]);
            let counter = format!(") | {LOOP_FILTER}");
            inserted.push((out.len(), counter.len()));
            out.push_str(&counter);
            copied = list_end;
        }
        i = start + end + 2;
    }
    out.push_str(&text[copied..]);
    Ok(Prepared { text: out, inserted })
}

/// Where `close` ends the tag at the start of `rest`, outside quotes.
fn tag_end(rest: &str, close: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut i = 2;
    let mut quote = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            // Compared as bytes: `i` may sit inside a multi-byte character.
            None if bytes[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// The end of the `{% endraw %}` tag after `from`.
fn raw_end(text: &str, from: usize) -> usize {
    let mut i = from;
    while let Some(found) = text[i..].find("{%") {
        let at = i + found;
        if let Some(end) = text[at..].find("%}") {
            let inner = text[at + 2..at + end].trim_matches(|c: char| c == '-' || c.is_whitespace());
            if inner == "endraw" {
                return at + end + 2;
            }
        }
        i = at + 2;
    }
    text.len()
}

/// The words (identifiers) of a tag outside string literals, with their
/// offsets in `body`.
fn words(body: &str) -> Vec<(&str, usize)> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'"' | b'\'' | b'`') {
            i = body[i + 1..]
                .find(b as char)
                .map_or(bytes.len(), |e| i + 1 + e + 1);
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            // Not a word if it is an attribute (`x.for`).
            if start == 0 || bytes[start - 1] != b'.' {
                out.push((&body[start..i], start));
            }
            continue;
        }
        i += 1;
    }
    out
}

/// Whether the word at `at` follows a `|`: a filter, not a variable.
fn is_filter_name(body: &str, at: usize) -> bool {
    body[..at].trim_end().ends_with('|')
}

/// Adds the counting filter and functions to a tera used for page text.
pub fn register(tera: &mut tera::Tera) {
    tera.register_filter(
        LOOP_FILTER,
        |value: Value, _: Kwargs, _: &State| -> TeraResult<Value> {
            let len = value.len().unwrap_or(0) as u64;
            charge(&STEPS, len, MAX_STEPS, Exceeded::Steps)?;
            Ok(value)
        },
    );
    tera.register_function("range", range);
    tera.register_filter("join", join);
    tera.register_filter("replace", replace);
}

/// tera's `range`, counting its elements before making them.
fn range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("`range` was called with `step_by` 0"));
    }
    let (span, step_size) = if step > 0 {
        (end.saturating_sub(start).max(0), step)
    } else {
        (start.saturating_sub(end).max(0), step.saturating_neg())
    };
    let len = span / step_size + i128::from(span % step_size != 0);
    charge(
        &STEPS,
        u64::try_from(len).unwrap_or(u64::MAX),
        MAX_STEPS,
        Exceeded::Steps,
    )?;
    Ok((0..len).map(|i| start + i * step).collect())
}

fn join(values: &[Value], kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let sep = kwargs.get::<&str>("sep")?.unwrap_or("");
    let parts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let len = parts.iter().map(String::len).sum::<usize>() + sep.len() * parts.len().saturating_sub(1);
    charge(&MADE, len as u64, MAX_MADE, Exceeded::Made)?;
    Ok(parts.join(sep))
}

fn replace(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let from = kwargs.must_get::<&str>("from")?;
    let to = kwargs.must_get::<&str>("to")?;
    let count = if from.is_empty() {
        value.chars().count() + 1
    } else {
        value.matches(from).count()
    };
    let len = value.len() + count * to.len();
    charge(&MADE, len as u64, MAX_MADE, Exceeded::Made)?;
    Ok(value.replace(from, to))
}

/// Renders `name` within the limits. On an error, [`exceeded`] tells
/// whether a limit stopped it.
pub fn render(
    tera: &tera::Tera,
    name: &str,
    context: &tera::Context,
    source_len: usize,
) -> TeraResult<String> {
    STEPS.with(|c| c.set(0));
    MADE.with(|c| c.set(0));
    EXCEEDED.with(|e| e.set(None));
    let mut out = Capped {
        bytes: Vec::new(),
        max: max_output(source_len),
    };
    tera.render_to(name, context, &mut out)?;
    // tera writes only what its templates hold and escapes, all UTF-8.
    String::from_utf8(out.bytes).map_err(|e| tera::Error::message(e.to_string()))
}

/// The limit the last [`render`] on this thread reached, if any.
pub fn exceeded() -> Option<Exceeded> {
    EXCEEDED.with(Cell::get)
}

struct Capped {
    bytes: Vec<u8>,
    max: usize,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.max {
            EXCEEDED.with(|e| e.set(Some(Exceeded::Output)));
            return Err(std::io::Error::other("the page grew past wbl's limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(text: &str, context: &tera::Context) -> Result<String, String> {
        let prepared = prepare(text).map_err(|r| r.message)?;
        let mut tera = tera::Tera::new();
        register(&mut tera);
        tera.add_raw_template("p", &prepared.text)
            .map_err(|e| e.to_string())?;
        render(&tera, "p", context, text.len()).map_err(|e| match exceeded() {
            Some(kind) => kind.describe(text.len()),
            None => e.to_string(),
        })
    }

    fn context() -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("partners", &["A", "B", "C"]);
        c.insert("name", "Lake County");
        c
    }

    #[test]
    fn pages_fill_in_as_before() {
        let text = "{% if name %}Hi {{ name }}{% endif %}\n{% for p in partners %}- {{ p }}\n{% endfor %}{% for i in range(end=3) %}{{ i }}{% endfor %}\n{{ partners | join(sep=\", \") }} {{ name | replace(from=\"Lake\", to=\"Lakes\") }} {% raw %}{% set x = 1 %}{% endraw %}{# {% set %} #}";
        assert_eq!(
            fill(text, &context()).unwrap(),
            "Hi Lake County\n- A\n- B\n- C\n012\nA, B, C Lakes County {% set x = 1 %}"
        );
    }

    #[test]
    fn nested_loops_stop_at_the_budget() {
        let text = "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}";
        assert_eq!(
            fill(text, &context()).unwrap_err(),
            "its loops ran more than 1,000,000 times"
        );
        // Loops over data count too.
        let mut c = context();
        c.insert("many", &vec![0; 2000]);
        let text = "{% for a in many %}{% for b in many %}{% endfor %}{% endfor %}";
        assert_eq!(
            fill(text, &c).unwrap_err(),
            "its loops ran more than 1,000,000 times"
        );
    }

    #[test]
    fn text_cannot_multiply() {
        let doubling = "{{ name".to_string() + &" | replace(from=\"a\", to=\"aa\")".repeat(40) + " }}";
        assert!(
            fill(&doubling, &context())
                .unwrap_err()
                .contains("made more than 64 MB")
        );
        let long = "x".repeat(1000);
        let text = format!("{{% for i in range(end=100000) %}}{long}{{% endfor %}}");
        assert!(fill(&text, &context()).unwrap_err().contains("grew past 32 MB"));
    }

    #[test]
    fn a_tag_holding_multi_byte_text_is_scanned_without_panicking() {
        // Found by the property tests: `{%` followed by text with a
        // three-byte character and no closing `%}`.
        let _ = prepare("{%>\u{e000} é | a |\n");
        let _ = prepare("{{ \u{e000}");
        assert!(prepare("{% if x %}é{% endif %}").is_ok());
    }

    #[test]
    fn refuses_what_pages_have_no_use_for() {
        for (text, what) in [
            ("{%- set_global x = 1 -%}", "`{% set_global %}` is not available"),
            ("{% include \"x\" %}", "`{% include %}` is not available"),
            ("{% set x = x ~ x %}", "`~` is not available in `{% set %}`"),
            ("{% macro m() %}{% endmacro %}", "`{% macro %}` is not available"),
            (
                "{% filter upper %}x{% endfilter %}",
                "`{% filter %}` is not available",
            ),
            ("{{ [x for x in partners] }}", "list comprehension"),
            (
                "{% for p in [x for x in partners] %}{% endfor %}",
                "list comprehension",
            ),
            ("{{ name | indent(width=1000) }}", "`indent` is not available"),
            ("{{ name|split(pat=\"\") }}", "`split` is not available"),
        ] {
            let got = fill(text, &context()).unwrap_err();
            assert!(got.contains(what), "{text}: {got}");
        }
        // Words in strings and attributes are not tags or filters.
        assert_eq!(
            fill("{{ \"set for split\" }}", &context()).unwrap(),
            "set for split"
        );
    }

    #[test]
    fn offsets_map_back_to_the_page() {
        let text = "{% for p in partners %}{{ p }}{% endfor %}{{ missing }}";
        let prepared = prepare(text).unwrap();
        let at = prepared.text.find("missing").unwrap();
        assert_eq!(prepared.source_offset(at), text.find("missing").unwrap());
        assert_eq!(prepared.source_offset(3), 3);
    }
}

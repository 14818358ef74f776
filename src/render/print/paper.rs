//! What the rendered HTML of a page needs before it goes on paper: header
//! cells that say what they head, form tables without a generic header
//! row, a line to write on after "Other:", and page numbers on
//! cross-references. Each is a pass over the HTML the Markdown renderer
//! writes (whose shape wbl controls), so the site's HTML stays as it is.

use std::collections::{BTreeMap, BTreeSet};

/// Words that mark a row of a form table as a place to sign, in the
/// languages the toolkit is written in. They recognise content; they are
/// never shown.
const SIGNATURE_WORDS: [&str; 3] = ["signature", "firma", "sign here"];

/// One cell of a table as the Markdown renderer wrote it.
struct Cell<'a> {
    /// The attributes after the tag name (`style="text-align: …"`), if any.
    attrs: &'a str,
    html: &'a str,
}

struct Table<'a> {
    head: Vec<Cell<'a>>,
    body: Vec<Vec<Cell<'a>>>,
}

/// Rewrites every table in `html` for print:
/// - a *form table* (two columns, every cell of the second column empty,
///   such as `Field | Your answer` with labels and blanks) loses its
///   header row; each label becomes a row header and each blank a cell
///   tall enough to write in. One with a row to sign becomes a signature
///   block;
/// - every other header cell gets `scope="col"`.
pub fn tables(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(start) = rest.find("<table>") {
        let Some(len) = rest[start..].find("</table>") else {
            break;
        };
        let end = start + len + "</table>".len();
        out.push_str(&rest[..start]);
        let source = &rest[start..end];
        match parse_table(source) {
            Some(table) => write_table(&table, &mut out),
            None => out.push_str(source),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn parse_table(source: &str) -> Option<Table<'_>> {
    let inner = source.strip_prefix("<table>")?.strip_suffix("</table>")?;
    let (head, body) = match inner.split_once("</thead>") {
        Some((head, body)) => (head, body),
        None => ("", inner),
    };
    let head = rows(head, "th")?.into_iter().next().unwrap_or_default();
    let body = rows(body, "td")?;
    Some(Table { head, body })
}

/// The rows of `html` (`<tr>…</tr>`), each as its `tag` cells; `None` if
/// the HTML is not the simple shape the Markdown renderer writes.
fn rows<'a>(html: &'a str, tag: &str) -> Option<Vec<Vec<Cell<'a>>>> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    for row in html.split("<tr>").skip(1) {
        let row = row.split("</tr>").next()?;
        let mut cells = Vec::new();
        let mut rest = row;
        while let Some(at) = rest.find(&open) {
            let after = &rest[at + open.len()..];
            let gt = after.find('>')?;
            let attrs = after[..gt].trim();
            let content = &after[gt + 1..];
            let end = content.find(&close)?;
            cells.push(Cell {
                attrs,
                html: &content[..end],
            });
            rest = &content[end + close.len()..];
        }
        out.push(cells);
    }
    Some(out)
}

fn is_form(table: &Table) -> bool {
    !table.body.is_empty()
        && table.head.len() == 2
        && table
            .body
            .iter()
            .all(|row| row.len() == 2 && row[1].html.trim().is_empty() && !row[0].html.trim().is_empty())
}

fn is_signature(label: &str) -> bool {
    let label = label.to_lowercase();
    SIGNATURE_WORDS.iter().any(|w| label.contains(w))
}

fn write_table(table: &Table, out: &mut String) {
    // `Signature | Name, title and date` over rows of who signs: every row
    // is a place to sign, and the header says what goes on the line.
    let signed_by_header = is_form(table) && is_signature(table.head[0].html);
    if signed_by_header {
        out.push_str("<table class=\"form-table signature-block\"><thead><tr>");
        for cell in &table.head {
            out.push_str("<th scope=\"col\">");
            out.push_str(cell.html);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead><tbody>\n");
        for row in &table.body {
            out.push_str("<tr class=\"sign\"><th scope=\"row\">");
            out.push_str(row[0].html);
            out.push_str("</th><td></td></tr>\n");
        }
        out.push_str("</tbody></table>");
        return;
    }
    if is_form(table) {
        let signs = table.body.iter().any(|row| is_signature(row[0].html));
        out.push_str(if signs {
            "<table class=\"form-table signature-block\">"
        } else {
            "<table class=\"form-table\">"
        });
        out.push_str("<tbody>\n");
        for row in &table.body {
            out.push_str(if is_signature(row[0].html) {
                "<tr class=\"sign\">"
            } else {
                "<tr>"
            });
            out.push_str("<th scope=\"row\">");
            out.push_str(row[0].html);
            out.push_str("</th><td></td></tr>\n");
        }
        out.push_str("</tbody></table>");
        return;
    }
    out.push_str("<table>");
    if !table.head.is_empty() {
        out.push_str("<thead><tr>");
        for cell in &table.head {
            out.push_str("<th scope=\"col\"");
            if !cell.attrs.is_empty() {
                out.push(' ');
                out.push_str(cell.attrs);
            }
            out.push('>');
            out.push_str(cell.html);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>\n");
    for row in &table.body {
        out.push_str("<tr>");
        for cell in row {
            out.push_str("<td");
            if !cell.attrs.is_empty() {
                out.push(' ');
                out.push_str(cell.attrs);
            }
            out.push('>');
            out.push_str(cell.html);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>");
}

/// A checkbox item that ends with a colon ("Other:") asks the reader to
/// write something: it gets a line to write on.
pub fn write_in_lines(html: &str) -> String {
    const LINE: &str = "<span class=\"write-line\" aria-hidden=\"true\"></span>";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(end) = rest.find("</li>") {
        let item = &rest[..end];
        let own_start = item.rfind("<li>").unwrap_or(0);
        let own = &item[own_start..];
        let text_end = own_start + own.trim_end().len();
        let text = &item[..text_end];
        let boxed = own.contains("class=\"box\"");
        // A loose list item holds a paragraph: the line goes inside it.
        let cut = if boxed && text.ends_with(':') {
            Some(text_end)
        } else if boxed && text.ends_with(":</p>") {
            Some(text_end - "</p>".len())
        } else {
            None
        };
        match cut {
            Some(cut) => {
                out.push_str(&item[..cut]);
                out.push_str(LINE);
                out.push_str(&item[cut..]);
            }
            None => out.push_str(item),
        }
        out.push_str("</li>");
        rest = &rest[end + "</li>".len()..];
    }
    out.push_str(rest);
    out
}

/// A checkbox list of short choices ("Yes", "No") is set on one line, as
/// on a paper form, instead of one line a choice.
pub fn inline_choices(html: &str) -> String {
    /// The longest choice, in characters, set inline.
    const SHORT: usize = 24;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<ul>\n<li>") {
        let Some(len) = rest[at..].find("</ul>") else {
            break;
        };
        let list = &rest[at..at + len];
        out.push_str(&rest[..at]);
        let items: Vec<&str> = list.split("<li>").skip(1).collect();
        let short = items.len() >= 2
            && !list[4..].contains("<ul>")
            && items.iter().all(|item| {
                let item = item.trim_end().trim_end_matches("</li>");
                item.starts_with("<span class=\"box\"") && strip_tags(item).chars().count() <= SHORT
            });
        if short {
            // The question just before its choices shares their line, as
            // on a paper form: "2. My student's first name… ☐ Yes ☐ No".
            // Paragraphs do not nest, so the last `<p>` opens it.
            let question = out.strip_suffix("</p>\n").and_then(|before| before.rfind("<p>"));
            match question {
                Some(p) => {
                    out.insert_str(p, "<div class=\"choice-row\">");
                    out.push_str("<ul class=\"choices\">");
                    out.push_str(&list["<ul>".len()..]);
                    out.push_str("</ul></div>");
                    rest = &rest[at + len + "</ul>".len()..];
                    continue;
                }
                None => {
                    out.push_str("<ul class=\"choices\">");
                    out.push_str(&list["<ul>".len()..]);
                }
            }
        } else {
            out.push_str(list);
        }
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// After every link to another chapter of the handbook, an empty slot for
/// the page its target is printed on (`--pdf` fills it; see
/// [`fill_page_numbers`]). Links inside the chapter get none.
pub fn cross_references(html: &str, page: &str, pages: &BTreeSet<&str>) -> String {
    const OPEN: &str = "<a href=\"#";
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let Some(quote) = after.find('"') else {
            break;
        };
        let fragment = &after[..quote];
        let Some(close) = after.find("</a>") else {
            break;
        };
        let end = at + OPEN.len() + close + "</a>".len();
        out.push_str(&rest[..end]);
        if let Some(target) = page_of(fragment, pages)
            && target != page
        {
            out.push_str("<span class=\"xref\" data-pn=\"");
            out.push_str(fragment);
            out.push_str("\"></span>");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The page a handbook anchor belongs to: the page itself, or the page
/// whose id prefixes the section's (`page--section`).
fn page_of<'a>(fragment: &str, pages: &BTreeSet<&'a str>) -> Option<&'a str> {
    if let Some(&p) = pages.get(fragment) {
        return Some(p);
    }
    let (page, _) = fragment.split_once("--")?;
    pages.get(page).copied()
}

/// Sections addressed to the district's staff, not to the reader a
/// handout is handed to: the counsel-review note every legal form carries
/// (docs/safety-rules.md, "Consent and release") keeps its section id so a
/// district can remove it once its counsel approves the form.
const STAFF_SECTIONS: [&str; 1] = ["legal-review"];

/// Wraps each staff section of a family, student or partner handout in
/// `<div class="staff-note">`, which the print stylesheet leaves off the
/// paper: a teacher opening the handout still reads the note on screen,
/// the family's printed copy does not carry it. A section runs from its
/// `<h2>` to the next `<h2>` or the end.
pub fn staff_notes(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = STAFF_SECTIONS
        .iter()
        .filter_map(|id| rest.find(&format!("<h2 id=\"{id}\"")))
        .min()
    {
        let after = at + "<h2".len();
        let end = rest[after..].find("<h2").map_or(rest.len(), |n| after + n);
        out.push_str(&rest[..at]);
        out.push_str("<div class=\"staff-note\">\n");
        out.push_str(rest[at..end].trim_end());
        out.push_str("\n</div>\n");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Writes page numbers into the empty `data-pn` slots of `html`: the
/// contents and cross-references of the handbook. A slot whose target has
/// no number stays empty (and prints nothing).
pub fn fill_page_numbers(html: &str, numbers: &BTreeMap<String, u32>) -> String {
    const KEY: &str = "data-pn=\"";
    const EMPTY: &str = "\"></span>";
    let mut out = String::with_capacity(html.len() + numbers.len() * 8);
    let mut rest = html;
    while let Some(at) = rest.find(KEY) {
        let after = &rest[at + KEY.len()..];
        let Some(quote) = after.find('"') else {
            break;
        };
        let id = &after[..quote];
        out.push_str(&rest[..at + KEY.len() + quote]);
        rest = &after[quote..];
        if rest.starts_with(EMPTY)
            && let Some(n) = numbers.get(id)
        {
            out.push_str("\">");
            out.push_str(&n.to_string());
            out.push_str("</span>");
            rest = &rest[EMPTY.len()..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_tables_lose_their_header_and_get_row_headers() {
        let html = "<p>x</p><table><thead><tr><th>Field</th><th>Your answer</th></tr></thead><tbody>\n\
                    <tr><td>Student name</td><td></td></tr>\n<tr><td>Grade</td><td></td></tr>\n</tbody></table>";
        assert_eq!(
            tables(html),
            "<p>x</p><table class=\"form-table\"><tbody>\n\
             <tr><th scope=\"row\">Student name</th><td></td></tr>\n\
             <tr><th scope=\"row\">Grade</th><td></td></tr>\n</tbody></table>"
        );
    }

    #[test]
    fn a_form_with_a_signature_row_is_a_signature_block() {
        let html = "<table><thead><tr><th>Field</th><th>Your answer</th></tr></thead><tbody>\n\
                    <tr><td>Parent or guardian signature</td><td></td></tr>\n<tr><td>Date</td><td></td></tr>\n</tbody></table>";
        let out = tables(html);
        assert!(out.starts_with("<table class=\"form-table signature-block\">"));
        assert!(out.contains(
            "<tr class=\"sign\"><th scope=\"row\">Parent or guardian signature</th><td></td></tr>"
        ));
        assert!(out.contains("<tr><th scope=\"row\">Date</th><td></td></tr>"));
    }

    #[test]
    fn a_signature_header_keeps_what_goes_on_each_line() {
        let html = "<table><thead><tr><th>Signature</th><th>Name, title and date</th></tr></thead><tbody>\n\
                    <tr><td>School or district</td><td></td></tr>\n<tr><td>Business partner</td><td></td></tr>\n</tbody></table>";
        assert_eq!(
            tables(html),
            "<table class=\"form-table signature-block\"><thead><tr><th scope=\"col\">Signature</th>\
             <th scope=\"col\">Name, title and date</th></tr></thead><tbody>\n\
             <tr class=\"sign\"><th scope=\"row\">School or district</th><td></td></tr>\n\
             <tr class=\"sign\"><th scope=\"row\">Business partner</th><td></td></tr>\n</tbody></table>"
        );
    }

    #[test]
    fn other_tables_keep_their_header_with_scope() {
        let html = "<table><thead><tr><th style=\"text-align: right\">Role</th><th>Job</th></tr></thead><tbody>\n\
                    <tr><td>Coordinator</td><td></td></tr>\n<tr><td>Teacher</td><td>Hosts</td></tr>\n</tbody></table>";
        assert_eq!(
            tables(html),
            "<table><thead><tr><th scope=\"col\" style=\"text-align: right\">Role</th><th scope=\"col\">Job</th></tr></thead><tbody>\n\
             <tr><td>Coordinator</td><td></td></tr>\n<tr><td>Teacher</td><td>Hosts</td></tr>\n</tbody></table>"
        );
        // Three columns with blanks are a grid to fill in, not a form table.
        let grid = "<table><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead><tbody>\n<tr><td>x</td><td></td><td></td></tr>\n</tbody></table>";
        assert!(tables(grid).contains("<th scope=\"col\">C</th>"));
    }

    #[test]
    fn other_gets_a_line_to_write_on() {
        let tight = "<ul>\n<li><span class=\"box\" aria-hidden=\"true\"></span>Health care</li>\n\
                     <li><span class=\"box\" aria-hidden=\"true\"></span>Other:</li>\n</ul>";
        assert_eq!(
            write_in_lines(tight),
            "<ul>\n<li><span class=\"box\" aria-hidden=\"true\"></span>Health care</li>\n\
             <li><span class=\"box\" aria-hidden=\"true\"></span>Other:<span class=\"write-line\" aria-hidden=\"true\"></span></li>\n</ul>"
        );
        let loose = "<li>\n<p><span class=\"box\" aria-hidden=\"true\"></span>Other:</p>\n</li>";
        assert_eq!(
            write_in_lines(loose),
            "<li>\n<p><span class=\"box\" aria-hidden=\"true\"></span>Other:<span class=\"write-line\" aria-hidden=\"true\"></span></p>\n</li>"
        );
        // A list item that introduces a sublist is not a blank.
        let plain = "<li>Bring:</li>";
        assert_eq!(write_in_lines(plain), plain);
    }

    #[test]
    fn short_choices_go_on_one_line() {
        let yes_no = "<p>1.</p>\n<ul>\n<li><span class=\"box\" aria-hidden=\"true\"></span>Yes</li>\n\
                      <li><span class=\"box\" aria-hidden=\"true\"></span>No</li>\n</ul>\n";
        assert_eq!(
            inline_choices(yes_no),
            "<div class=\"choice-row\"><p>1.</p>\n<ul class=\"choices\">\n<li><span class=\"box\" aria-hidden=\"true\"></span>Yes</li>\n\
             <li><span class=\"box\" aria-hidden=\"true\"></span>No</li>\n</ul></div>\n"
        );
        // Without a question just before, the choices stand alone.
        let alone = "<h2>x</h2>\n<ul>\n<li><span class=\"box\" aria-hidden=\"true\"></span>Yes</li>\n\
                     <li><span class=\"box\" aria-hidden=\"true\"></span>No</li>\n</ul>";
        assert!(inline_choices(alone).starts_with("<h2>x</h2>\n<ul class=\"choices\">"));
        // Sentences stay one a line, and so do plain lists.
        let long = "<ul>\n<li><span class=\"box\" aria-hidden=\"true\"></span>I give permission for my student to take part.</li>\n\
                    <li><span class=\"box\" aria-hidden=\"true\"></span>No</li>\n</ul>";
        assert_eq!(inline_choices(long), long);
        let plain = "<ul>\n<li>Yes</li>\n<li>No</li>\n</ul>";
        assert_eq!(inline_choices(plain), plain);
    }

    #[test]
    fn links_to_other_chapters_get_a_page_slot() {
        let pages = BTreeSet::from(["roles", "safety", "a--b"]);
        let html = "See <a href=\"#roles\">roles</a>, <a href=\"#safety--recording\">recording</a>, \
                    <a href=\"#here--x\">this</a> and <a href=\"https://x.org\">a site</a>.";
        assert_eq!(
            cross_references(html, "here", &pages),
            "See <a href=\"#roles\">roles</a><span class=\"xref\" data-pn=\"roles\"></span>, \
             <a href=\"#safety--recording\">recording</a><span class=\"xref\" data-pn=\"safety--recording\"></span>, \
             <a href=\"#here--x\">this</a> and <a href=\"https://x.org\">a site</a>."
        );
        // Within its own chapter a link needs no page number.
        assert_eq!(
            cross_references("<a href=\"#roles--x\">x</a>", "roles", &pages),
            "<a href=\"#roles--x\">x</a>"
        );
    }

    #[test]
    fn the_counsel_note_is_marked_for_staff_only() {
        let html = "<h2 id=\"signatures\">Signatures</h2>\n<p>Sign.</p>\n\
                    <h2 id=\"legal-review\">Legal review</h2>\n<p><strong>For the district:</strong> review.</p>\n";
        assert_eq!(
            staff_notes(html),
            "<h2 id=\"signatures\">Signatures</h2>\n<p>Sign.</p>\n<div class=\"staff-note\">\n\
             <h2 id=\"legal-review\">Legal review</h2>\n<p><strong>For the district:</strong> review.</p>\n</div>\n"
        );
        // A section after the note stays on paper.
        let middle =
            "<h2 id=\"legal-review\">Legal review</h2>\n<p>x</p>\n<h2 id=\"next\">Next</h2>\n<p>y</p>";
        assert!(staff_notes(middle).ends_with("</div>\n<h2 id=\"next\">Next</h2>\n<p>y</p>"));
        let plain = "<h2 id=\"review\">Review</h2>";
        assert_eq!(staff_notes(plain), plain);
    }

    #[test]
    fn page_numbers_fill_empty_slots_only() {
        let numbers = BTreeMap::from([("roles".to_string(), 7), ("part-plan".to_string(), 12)]);
        let html = "<span class=\"pn\" data-pn=\"roles\"></span><span class=\"pn\" data-pn=\"part-plan\"></span>\
                    <span class=\"xref\" data-pn=\"gone\"></span>";
        let filled = fill_page_numbers(html, &numbers);
        assert_eq!(
            filled,
            "<span class=\"pn\" data-pn=\"roles\">7</span><span class=\"pn\" data-pn=\"part-plan\">12</span>\
             <span class=\"xref\" data-pn=\"gone\"></span>"
        );
        assert_eq!(fill_page_numbers(&filled, &numbers), filled);
    }
}

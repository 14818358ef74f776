//! Headings and sections of a page body.
//!
//! Every heading has a stable id: its explicit `{#id}` or a slug of its
//! text, made unique within the page. A section is a heading plus
//! everything up to the next heading of the same or a higher level.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The Markdown extensions wbl reads pages with, everywhere.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Written as `{#id}` in the text (otherwise slugged).
    pub explicit: bool,
    /// The heading's text, without markup.
    pub title: String,
    /// Start of the heading's first line.
    pub start: usize,
    /// End of the heading's own lines, after the newline: where text
    /// prepended to the section goes.
    pub heading_end: usize,
    /// End of the section: the next heading of the same or higher level.
    pub end: usize,
    /// Inside a list or block quote: the heading has an id for links but
    /// does not delimit a section.
    pub nested: bool,
    /// The edit that makes a slugged id explicit in the text.
    pub pin: Option<Pin>,
}

/// Replace `range` with `text` to write a heading's id into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub range: Range<usize>,
    pub text: String,
}

impl Heading {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A heading id used twice in one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub id: String,
    pub offset: usize,
}

/// Finds every heading of `body` with its id and section range. `taken`
/// holds ids that slugs must avoid (used when scanning text that will be
/// inserted into a page that already has ids).
pub fn scan(body: &str, taken: &HashSet<String>) -> (Vec<Heading>, Vec<DuplicateId>) {
    struct Raw {
        level: u8,
        explicit: Option<String>,
        range: Range<usize>,
        text: String,
        nested: bool,
    }
    let mut raws: Vec<Raw> = Vec::new();
    let mut current: Option<Raw> = None;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1)
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some(Raw {
                    level: level as u8,
                    explicit: id.map(|s| s.to_string()),
                    range,
                    text: String::new(),
                    nested: depth > 0,
                });
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(raw) = current.as_mut() {
                    raw.text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => raws.extend(current.take()),
            _ => {}
        }
    }

    let mut used: HashSet<String> = taken.clone();
    // The next number to try for each slug, so a page of many identical
    // headings is numbered in linear time, not by counting up from 1 for
    // each.
    let mut next_number: HashMap<String, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    for raw in &raws {
        if let Some(id) = &raw.explicit
            && !used.insert(id.clone())
        {
            duplicates.push(DuplicateId {
                id: id.clone(),
                offset: raw.range.start,
            });
        }
    }

    let mut headings: Vec<Heading> = raws
        .into_iter()
        .map(|raw| {
            let start = if raw.nested {
                raw.range.start
            } else {
                body[..raw.range.start].rfind('\n').map_or(0, |i| i + 1)
            };
            let heading_end = if body[..raw.range.end].ends_with('\n') {
                raw.range.end
            } else {
                line_end_after(body, raw.range.end)
            };
            let (id, explicit, pin) = match raw.explicit {
                Some(id) => (id, true, None),
                None => {
                    let base = slugify(&raw.text);
                    let mut id = base.clone();
                    if used.contains(&id) {
                        let n = next_number.entry(base.clone()).or_insert(1);
                        loop {
                            id = format!("{base}-{n}");
                            *n += 1;
                            if !used.contains(&id) {
                                break;
                            }
                        }
                    }
                    used.insert(id.clone());
                    let pin = pin(body, raw.range.start, heading_end, raw.level, &id);
                    (id, false, Some(pin))
                }
            };
            Heading {
                level: raw.level,
                id,
                explicit,
                title: raw.text.trim().to_string(),
                start,
                heading_end,
                end: heading_end,
                nested: raw.nested,
                pin,
            }
        })
        .collect();

    for i in 0..headings.len() {
        if headings[i].nested {
            continue;
        }
        let level = headings[i].level;
        headings[i].end = headings[i + 1..]
            .iter()
            .find(|h| !h.nested && h.level <= level)
            .map_or(body.len(), |h| h.start);
    }
    (headings, duplicates)
}

/// Offset just after the newline ending the line that holds `at`.
fn line_end_after(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The edit that writes `{#id}` into a heading without one. An ATX
/// heading gets ` {#id}` at the end of its line (replacing trailing blanks
/// and a closing sequence, `## A ##`). A setext heading is rewritten as an
/// ATX one: appending to its last text line could turn that line into
/// something else (`*` becomes a list item once followed by text).
fn pin(body: &str, start: usize, heading_end: usize, level: u8, id: &str) -> Pin {
    let lines = &body[start..heading_end];
    if !lines.trim_start().starts_with('#') {
        let content: Vec<&str> = lines.trim_end_matches('\n').lines().collect();
        let text_lines = &content[..content.len().saturating_sub(1)];
        let joined = text_lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        let newline = if lines.ends_with('\n') { "\n" } else { "" };
        return Pin {
            range: start..heading_end,
            text: format!("{} {joined} {{#{id}}}{newline}", "#".repeat(usize::from(level))),
        };
    }
    let line_end = start + lines.find('\n').unwrap_or(lines.len());
    let mut keep = body[start..line_end].trim_end();
    let stripped = keep.trim_end_matches('#');
    // A closing sequence needs a space before it, and is not the opening
    // sequence itself.
    if stripped.len() < keep.len()
        && stripped.ends_with([' ', '\t'])
        && !stripped.trim_start().trim_start_matches('#').trim().is_empty()
    {
        keep = stripped.trim_end();
    }
    Pin {
        range: start + keep.len()..line_end,
        text: format!(" {{#{id}}}"),
    }
}

/// The slug of a heading's text: lower case, letters and digits of any
/// script kept, runs of spaces and hyphens turned into one `-`, other
/// punctuation dropped.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else if c.is_whitespace() || c == '-' {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// `body` with every heading id written explicitly as `{#id}`, so the ids
/// survive whatever later text replaces the heading's words (variables,
/// overrides).
pub fn pin_ids(body: &str, headings: &[Heading]) -> String {
    let mut out = String::with_capacity(body.len() + headings.len() * 16);
    let mut at = 0;
    for h in headings {
        if let Some(pin) = &h.pin {
            out.push_str(&body[at..pin.range.start]);
            out.push_str(&pin.text);
            at = pin.range.end;
        }
    }
    out.push_str(&body[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(body: &str) -> Vec<String> {
        scan(body, &HashSet::new()).0.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn slugs_punctuation_code_and_non_ascii() {
        assert_eq!(slugify("What's next?"), "whats-next");
        assert_eq!(
            slugify("Run `wbl check` — then publish"),
            "run-wbl-check-then-publish"
        );
        assert_eq!(slugify("Café für Schüler"), "café-für-schüler");
        assert_eq!(slugify("  Q&A  "), "qa");
        assert_eq!(slugify("!!!"), "section");
        assert_eq!(ids("## Using `{{ vars.x }}`\n"), ["using-varsx"]);
    }

    #[test]
    fn duplicate_headings_get_numbered_ids() {
        assert_eq!(
            ids("## Notes\n\n## Notes\n\n### Notes\n"),
            ["notes", "notes-1", "notes-2"]
        );
    }

    #[test]
    fn numbered_ids_skip_ones_already_taken() {
        assert_eq!(
            ids("## A\n\n## A {#a-1}\n\n## A\n\n## A\n\n## A-1\n"),
            ["a", "a-1", "a-2", "a-3", "a-1-1"]
        );
        // Many identical headings: numbered in order, each once.
        let body = "## Same\n\n".repeat(5000);
        let got = ids(&body);
        assert_eq!(got.len(), 5000);
        assert_eq!(got[4999], "same-4999");
        assert_eq!(got.iter().collect::<HashSet<_>>().len(), 5000);
    }

    #[test]
    fn slugs_avoid_explicit_ids_anywhere_in_the_page() {
        assert_eq!(
            ids("## Overview\n\n## Intro {#overview}\n"),
            ["overview-1", "overview"]
        );
    }

    #[test]
    fn explicit_duplicates_are_reported() {
        let (_, dups) = scan("## A {#x}\n\n## B {#x}\n", &HashSet::new());
        assert_eq!(
            dups,
            [DuplicateId {
                id: "x".into(),
                offset: 11
            }]
        );
    }

    #[test]
    fn sections_end_at_same_or_higher_level() {
        let body = "Intro\n\n## A {#a}\n\ntext a\n\n### A1\n\nsub\n\n## B\n\nb\n";
        let (h, _) = scan(body, &HashSet::new());
        let a = &h[0];
        assert_eq!(&body[a.range()], "## A {#a}\n\ntext a\n\n### A1\n\nsub\n\n");
        assert_eq!(&body[a.start..a.heading_end], "## A {#a}\n");
        assert_eq!(&body[h[1].range()], "### A1\n\nsub\n\n");
        assert_eq!(&body[h[2].range()], "## B\n\nb\n");
    }

    #[test]
    fn headings_in_code_blocks_are_not_headings() {
        assert_eq!(ids("```\n## Not a heading\n```\n\n## Real\n"), ["real"]);
    }

    #[test]
    fn setext_headings_and_closing_sequences_are_pinned() {
        let body = "Title here\n==========\n\n## Closed ##\n\n## C#\n";
        let (h, _) = scan(body, &HashSet::new());
        assert_eq!(
            pin_ids(body, &h),
            "# Title here {#title-here}\n\n## Closed {#closed}\n\n## C# {#c}\n"
        );
        let (again, _) = scan(&pin_ids(body, &h), &HashSet::new());
        assert!(again.iter().all(|h| h.explicit));
    }

    #[test]
    fn pinning_keeps_every_heading_a_heading() {
        // Found by the property tests: a setext heading whose last line is
        // `*` became a list item, and a heading at the very end of the
        // text ending in a multi-byte character broke the scan.
        for body in ["{{ x }}\n*\n-\n", "# é", "Two\nlines\n---"] {
            let (h, _) = scan(body, &HashSet::new());
            let (again, _) = scan(&pin_ids(body, &h), &HashSet::new());
            assert_eq!(again.len(), h.len(), "{body:?}");
            assert!(
                again.iter().zip(&h).all(|(a, b)| a.explicit && a.id == b.id),
                "{body:?}"
            );
        }
    }

    #[test]
    fn explicit_ids_work_on_every_level() {
        assert_eq!(ids("# One {#one}\n\n###### Six {#six}\n"), ["one", "six"]);
    }
}

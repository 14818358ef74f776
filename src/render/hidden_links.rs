//! Links in the toolkit's own text to a page the district hid. The
//! coordinator cannot edit the toolkit, so a warning pointing into
//! `<embedded>/toolkit-content/…` would leave them stuck. Instead there is
//! one warning per hidden page, at its entry in `hide`, naming the
//! sections that link to it, with the `[[sections]]` block that replaces
//! each of them by the same text with the link made plain: pasting it
//! accepts the plain text (and the warning goes), editing it rewords it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

use crate::adapt::{Adapted, AdaptedPage};
use crate::content::frontmatter;
use crate::content::sections::{self, markdown_options};
use crate::diag::{Code, Diagnostic, Diagnostics};

/// One section of toolkit text to hand back to the district.
struct Block {
    /// `page` or `page#section`.
    target: String,
    /// The section's text with its links to hidden pages made plain.
    text: String,
}

/// Reports the links to hidden pages that `found` names: each is a page of
/// `adapted` (by index) whose toolkit text links to the hidden page.
pub fn report(adapted: &Adapted, found: &[(usize, String)], diags: &mut Diagnostics) {
    let Some(district) = &adapted.district else {
        return;
    };
    if found.is_empty() {
        return;
    }
    // Sections per hidden page, in reading order, each once.
    let mut by_hidden: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut blocks: BTreeMap<String, Block> = BTreeMap::new();
    let mut seen = HashSet::new();
    for (index, hidden) in found {
        if !seen.insert((index, hidden)) {
            continue;
        }
        let page = &adapted.pages[*index];
        for block in linking_sections(page, hidden, &adapted.hidden) {
            let targets = by_hidden.entry(hidden.as_str()).or_default();
            if !targets.contains(&block.target) {
                targets.push(block.target.clone());
            }
            blocks.entry(block.target.clone()).or_insert(block);
        }
    }

    let mut shown: HashSet<String> = HashSet::new();
    for entry in &district.hide {
        let hidden = entry.get_ref().as_str();
        let Some(targets) = by_hidden.get(hidden) else {
            continue;
        };
        let names: Vec<String> = targets.iter().map(|t| format!("`{t}`")).collect();
        let from = match names.len() {
            1 => format!("from {}", names[0]),
            n => format!("from {n} sections: {}", names.join(", ")),
        };
        let (links, mut help) = if names.len() == 1 {
            (
                "that link prints",
                "to reword the text around the link, paste this block into district.toml and edit it; the link is already plain text in it, so pasting it unchanged accepts the plain text:\n".to_string(),
            )
        } else {
            (
                "those links print",
                "to reword the text around the links, paste these blocks into district.toml and edit them; the links are already plain text in them, so pasting them unchanged accepts the plain text:\n".to_string(),
            )
        };
        for target in targets {
            if shown.insert(target.clone()) {
                help.push('\n');
                help.push_str(&sections_entry(&blocks[target]));
            } else {
                let _ = writeln!(
                    help,
                    "\n(`{target}`: the block shown above for another hidden page)"
                );
            }
        }
        let _ = write!(help, "\nOr show `{hidden}` again: take it out of `hide`.");
        diags.push(
            Diagnostic::warning(
                Code::LinkToHiddenPage,
                format!(
                    "the toolkit links to `{hidden}`, which the district hides, {from}; {links} as plain text"
                ),
            )
            .at(&district.manifest, entry.span())
            .with_help(help),
        );
    }
}

/// The sections of `page`'s toolkit text holding a link to `hidden`: for
/// each link, the innermost section around it (the whole page for text
/// before its first heading), an outer one only once.
fn linking_sections(page: &AdaptedPage, hidden: &str, all_hidden: &BTreeSet<String>) -> Vec<Block> {
    let file = &page.file;
    let Ok(split) = frontmatter::split(&file.text) else {
        return Vec::new();
    };
    let body = &file.text[split.body_start..];
    let (headings, _) = sections::scan(body, &HashSet::new());
    let needle = format!("]({hidden}.md");

    // Where the adapted text still holds toolkit text linking to `hidden`.
    let mut offsets = Vec::new();
    let text = &page.text.text;
    for (i, _) in text.match_indices(&needle) {
        let rest = &text[i + needle.len()..];
        if !(rest.starts_with(')') || rest.starts_with('#') || rest.starts_with(' ')) {
            continue;
        }
        if let Some((from, offset)) = page.text.locate(i)
            && Arc::ptr_eq(from, file)
            && offset >= split.body_start
        {
            offsets.push(offset - split.body_start);
        }
    }

    let mut ranges: Vec<(String, Range<usize>)> = Vec::new();
    for offset in offsets {
        let section = headings
            .iter()
            .filter(|h| !h.nested && h.start <= offset && offset < h.end)
            .max_by_key(|h| h.level);
        let (target, range) = match section {
            Some(h) => (format!("{}#{}", page.id, h.id), h.range()),
            None => (page.id.clone(), 0..body.len()),
        };
        if !ranges.iter().any(|(t, _)| *t == target) {
            ranges.push((target, range));
        }
    }
    // A section inside another one listed is replaced with it.
    let outer: Vec<(String, Range<usize>)> = ranges
        .iter()
        .filter(|(t, r)| {
            !ranges
                .iter()
                .any(|(o, or)| o != t && or.start <= r.start && r.end <= or.end)
        })
        .cloned()
        .collect();
    outer
        .into_iter()
        .map(|(target, range)| Block {
            target,
            text: plain_links(&body[range], all_hidden),
        })
        .collect()
}

/// `text` with every link to a page in `hidden` replaced by its words.
fn plain_links(text: &str, hidden: &BTreeSet<String>) -> String {
    let mut cuts: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let page = dest_url.split('#').next().unwrap_or("");
        let is_hidden = page.strip_suffix(".md").is_some_and(|id| hidden.contains(id));
        let written = &text[range.clone()];
        if let (true, true, Some(close)) = (is_hidden, written.starts_with('['), written.rfind("](")) {
            cuts.push((range.clone(), range.start + 1..range.start + close));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (link, words) in cuts {
        if link.start < at {
            continue;
        }
        out.push_str(&text[at..link.start]);
        out.push_str(&text[words]);
        at = link.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The `[[sections]]` entry that replaces `block.target` with its text.
fn sections_entry(block: &Block) -> String {
    let text = block.text.trim_start_matches('\n').trim_end();
    // A literal string keeps every character as written; the rare text
    // holding `'''` needs a basic string, with its escapes.
    let quoted = if text.contains("'''") {
        let escaped = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
        format!("\"\"\"\n{escaped}\n\"\"\"")
    } else {
        format!("'''\n{text}\n'''")
    };
    format!(
        "[[sections]]\ntarget = \"{}\"\naction = \"replace\"\ntext = {quoted}\n",
        block.target
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_hidden_pages_become_their_words() {
        let hidden: BTreeSet<String> = ["forms".to_string()].into();
        assert_eq!(
            plain_links(
                "See [the rules](safety.md#recording) and [the forms](forms.md), or [one](forms.md#overview).\n",
                &hidden
            ),
            "See [the rules](safety.md#recording) and the forms, or one.\n"
        );
    }

    #[test]
    fn entries_parse_back_to_the_same_text() {
        for text in [
            "## Next steps\n\nFill in the forms.\n",
            "Quote ''' and \\ and \"\"\" here\n",
        ] {
            let entry = sections_entry(&Block {
                target: "welcome#next-steps".into(),
                text: text.into(),
            });
            let parsed: toml::Table = toml::from_str(&entry).unwrap();
            let first = &parsed["sections"].as_array().unwrap()[0];
            assert_eq!(first["target"].as_str(), Some("welcome#next-steps"));
            assert_eq!(first["action"].as_str(), Some("replace"));
            assert_eq!(
                first["text"].as_str(),
                Some(format!("{}\n", text.trim_end())).as_deref()
            );
        }
    }
}

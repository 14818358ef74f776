//! Front matter: TOML between two `+++` lines at the top of a page.

use std::ops::Range;

/// Where the front matter and the body sit in a page's text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    /// The TOML between the fences.
    pub front: Range<usize>,
    /// Everything after the closing fence's line.
    pub body_start: usize,
}

/// Why a page's front matter could not be found; the offset points at
/// what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    Missing,
    Unterminated { open: usize },
}

/// Splits `text` (already BOM-stripped and LF-only) into front matter and
/// body. The fences may carry trailing whitespace.
pub fn split(text: &str) -> Result<Split, SplitError> {
    let mut lines = line_ranges(text);
    let Some(first) = lines.next() else {
        return Err(SplitError::Missing);
    };
    if text[first.clone()].trim_end() != "+++" {
        return Err(SplitError::Missing);
    }
    let front_start = (first.end + 1).min(text.len());
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            return Ok(Split {
                front: front_start..line.start,
                body_start: (line.end + 1).min(text.len()),
            });
        }
    }
    Err(SplitError::Unterminated { open: first.start })
}

/// Byte ranges of each line, without its `\n`.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let range = start..end;
        start = end + 1;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let text = "+++\ntitle = \"A\"\n+++\n\nBody\n";
        let split = split(text).unwrap();
        assert_eq!(&text[split.front.clone()], "title = \"A\"\n");
        assert_eq!(&text[split.body_start..], "\nBody\n");
    }

    #[test]
    fn accepts_trailing_whitespace_on_fences() {
        let text = "+++  \ntitle = \"A\"\n+++\t\nBody";
        assert_eq!(&text[split(text).unwrap().body_start..], "Body");
    }

    #[test]
    fn reports_missing_and_unterminated() {
        assert_eq!(split("# Title\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(
            split("+++\ntitle = \"A\"\n"),
            Err(SplitError::Unterminated { open: 0 })
        );
    }

    #[test]
    fn body_may_be_empty() {
        let text = "+++\ntitle = \"A\"\n+++";
        assert_eq!(split(text).unwrap().body_start, text.len());
    }
}

//! The small pieces of XML and URL text the cartridges are written with.

/// Appends `s` escaped for XML, correct both in text and in a quoted
/// attribute: markup characters and both quotes become entities, tabs
/// and line breaks character references (an attribute would otherwise
/// normalise them to spaces), and characters XML 1.0 forbids (control
/// characters) the replacement character, so a title can never make a
/// manifest unreadable.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// Whether `s` is an XML NCName as identifiers (`xs:ID`) must be: a
/// letter or `_` first, then letters, digits, `.`, `-` and `_`. Only
/// ASCII is accepted, which is all wbl writes.
pub fn is_ncname(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// `prefix` and `raw` as an NCName: any other character becomes `_`.
pub fn ncname(prefix: &str, raw: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + raw.len());
    out.push_str(prefix);
    out.extend(raw.chars().map(|c| {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            c
        } else {
            '_'
        }
    }));
    out
}

/// A `/`-separated file path as a URL path: each segment percent-encoded.
pub fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_for_text_and_attributes() {
        assert_eq!(
            escape("Tom & Jerry's <\"show\">\n\u{1}"),
            "Tom &amp; Jerry&apos;s &lt;&quot;show&quot;&gt;&#10;\u{FFFD}"
        );
        assert_eq!(escape("Niños · 10–12"), "Niños · 10–12");
    }

    #[test]
    fn names_identifiers_as_ncnames() {
        assert!(is_ncname("page_welcome"));
        assert!(is_ncname("_x.y-z"));
        assert!(!is_ncname("1page"));
        assert!(!is_ncname("a b"));
        assert!(!is_ncname(""));
        assert_eq!(ncname("asset_", "County map (2).png"), "asset_County_map__2_.png");
        assert!(is_ncname(&ncname("m_", "1.0.0+build:7")));
    }

    #[test]
    fn encodes_url_paths_by_segment() {
        assert_eq!(url_path("assets/county map.png"), "assets/county%20map.png");
        assert_eq!(url_path("a/é.svg"), "a/%C3%A9.svg");
    }
}

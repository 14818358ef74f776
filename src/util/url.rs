//! Percent-encoding for file names in URLs, and decoding of what pages
//! and browsers write.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One path segment (a file name) encoded for a URL: `county map.pdf` →
/// `county%20map.pdf`.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// A `/`-separated relative path with each segment encoded.
pub fn encode_path(path: &str) -> String {
    path.split('/').map(encode_segment).collect::<Vec<_>>().join("/")
}

/// `%20` and friends decoded; `None` for text that does not decode to
/// UTF-8. A malformed escape (`%zz`) is kept as written, as browsers do.
pub fn decode(s: &str) -> Option<String> {
    percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_file_names() {
        assert_eq!(
            encode_segment("county map (v2).pdf"),
            "county%20map%20%28v2%29.pdf"
        );
        assert_eq!(encode_path("maps/é.png"), "maps/%C3%A9.png");
        assert_eq!(decode("county%20map.pdf").as_deref(), Some("county map.pdf"));
        assert_eq!(decode("%FF"), None);
    }
}

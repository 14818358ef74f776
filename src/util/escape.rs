//! HTML escaping: one way for text and attribute values everywhere wbl
//! writes HTML (pages, layouts, the preview server's own pages).

/// Appends `s` escaped for HTML text or a double-quoted attribute value.
pub fn html_into(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_html(out, s).expect("writing to a String cannot fail");
}

/// `s` escaped for HTML text or a double-quoted attribute value.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    html_into(&mut out, s);
    out
}

/// Appends a URL escaped for an `href`: characters a URL may hold are
/// kept, the rest percent-encoded, quotes and `&` escaped.
pub fn href_into(out: &mut String, s: &str) {
    pulldown_cmark_escape::escape_href(&mut *out, s).expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::html("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}

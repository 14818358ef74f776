//! Which URLs wbl writes into its outputs. A link is `https:`, `http:`,
//! `mailto:` or `tel:`; anything else (`javascript:`, `data:`,
//! `vbscript:`, `file:`…) could run code or leave the bundle, so it is an
//! error at the place it is written.

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Code, Diagnostic, Diagnostics, SourceFile};

/// The schemes a link may have.
pub const SCHEMES: [&str; 4] = ["https", "http", "mailto", "tel"];

/// What is wrong with `url` as a link, or `None` if it is fine.
pub fn problem(url: &str) -> Option<String> {
    if url
        .chars()
        .next()
        .is_some_and(|c| c.is_whitespace() || c.is_control())
    {
        return Some("starts with a space or an invisible character".to_string());
    }
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "holds a {}",
            if c == ' ' {
                "space (write it as %20)".to_string()
            } else {
                format!("control character (U+{:04X})", u32::from(c))
            }
        ));
    }
    let Some(scheme) = scheme(url) else {
        return Some("does not start with `https://`, `http://`, `mailto:` or `tel:`".to_string());
    };
    let lower = scheme.to_ascii_lowercase();
    if !SCHEMES.contains(&lower.as_str()) {
        return Some(format!(
            "is a `{lower}:` link; only `https:`, `http:`, `mailto:` and `tel:` links are allowed"
        ));
    }
    let rest = &url[scheme.len() + 1..];
    if lower.starts_with("http") && !(rest.starts_with("//") && rest.len() > 2) {
        return Some(format!("has no site name after `{scheme}:`"));
    }
    if rest.is_empty() {
        return Some(format!("has nothing after `{scheme}:`"));
    }
    None
}

/// Whether a link written in page text leads somewhere wbl may link to;
/// `dest` is known to have a scheme.
pub fn is_allowed_link(dest: &str) -> bool {
    scheme(dest).is_some_and(|s| SCHEMES.contains(&s.to_ascii_lowercase().as_str()))
        && !dest.chars().any(char::is_control)
}

/// The scheme of `url` (before the first `:`), if it has a valid one.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)))
        .then_some(scheme)
}

/// The URLs of a district.toml, with where each is written. Unknown keys
/// are ignored here: the district loader reports them.
#[derive(Deserialize)]
struct Urls {
    #[serde(default)]
    district: Option<DistrictUrls>,
    #[serde(default)]
    partners: Vec<PartnerUrls>,
}

#[derive(Deserialize)]
struct DistrictUrls {
    website: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct PartnerUrls {
    website: Option<Spanned<String>>,
}

/// Checks every URL in a district.toml (the district's website and each
/// partner's), reporting each bad one at its line.
pub fn check_district(manifest: &SourceFile, diags: &mut Diagnostics) {
    let Ok(urls) = toml::from_str::<Urls>(&manifest.text) else {
        return;
    };
    let district = urls
        .district
        .and_then(|d| d.website)
        .map(|w| ("district.website", w));
    let partners = urls
        .partners
        .into_iter()
        .filter_map(|p| p.website)
        .map(|w| ("partner `website`", w));
    for (what, value) in district.into_iter().chain(partners) {
        if value.get_ref().is_empty() {
            continue;
        }
        if let Some(problem) = problem(value.get_ref()) {
            diags.push(
                Diagnostic::error(
                    Code::UnsafeUrl,
                    format!("the {what} `{}` {problem}", value.get_ref().escape_debug()),
                )
                .at(manifest, value.span())
                .with_help("write the full address of the web page, for example \"https://www.example.org\""),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_web_mail_and_phone_links() {
        for ok in [
            "https://www.example.org/a?b=c#d",
            "HTTP://example.org",
            "mailto:wbl@example.org",
            "tel:+1-555-0100",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
            assert!(is_allowed_link(ok), "{ok}");
        }
    }

    #[test]
    fn refuses_active_and_local_links() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "www.example.org",
            "//example.org",
            "https:example.org",
            "https://",
            "mailto:",
            "https://exa mple.org",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
        assert!(!is_allowed_link("javascript:alert(1)"));
        assert!(!is_allowed_link("DATA:text/html,x"));
        assert!(!is_allowed_link("file:///x"));
    }

    #[test]
    fn reports_district_urls_at_their_line() {
        let manifest = SourceFile::new(
            "d/district.toml",
            "[district]\nid = \"d\"\nname = \"D\"\nwebsite = \"javascript:alert(1)\"\n\n[[partners]]\nname = \"P\"\nwebsite = \"data:text/html,x\"\n\n[[partners]]\nname = \"Q\"\nwebsite = \"https://q.example\"\n",
        );
        let mut diags = Diagnostics::new();
        check_district(&manifest, &mut diags);
        let lines: Vec<_> = diags.items().iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(4), Some(8)]);
        assert!(diags.items()[0].message.contains("`javascript:` link"));
    }
}

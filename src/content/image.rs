//! An image must be the type its name says: a browser shows a PNG named
//! `logo.png`, but a text file or a web page named so is either broken or
//! something else in disguise. SVG is text that can hold scripts and
//! links to other sites, so an SVG with either is refused.

/// The image types wbl puts in its outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Gif => "GIF",
            Kind::Webp => "WebP",
            Kind::Svg => "SVG",
        }
    }
}

/// The image type a file name promises, by its extension.
pub fn kind_by_name(name: &str) -> Option<Kind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => Kind::Png,
        "jpg" | "jpeg" => Kind::Jpeg,
        "gif" => Kind::Gif,
        "webp" => Kind::Webp,
        "svg" => Kind::Svg,
        _ => return None,
    })
}

/// The image type of `bytes`, by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(Kind::Gif);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(Kind::Webp);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let opens_like_svg = ["<svg", "<?xml", "<!--", "<!doctype svg"]
        .iter()
        .any(|p| start.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p)));
    (opens_like_svg && text.contains("<svg")).then_some(Kind::Svg)
}

/// What is wrong with `bytes` as the image `name` promises, or `None`
/// when it is fine (or the name promises no image).
pub fn problem(name: &str, bytes: &[u8]) -> Option<String> {
    let kind = kind_by_name(name)?;
    match sniff(bytes) {
        Some(found) if found == kind => {}
        Some(found) => {
            return Some(format!(
                "`{name}` is named as a {} image but is a {} image",
                kind.name(),
                found.name()
            ));
        }
        None => {
            return Some(format!(
                "`{name}` is named as a {} image but is not an image",
                kind.name()
            ));
        }
    }
    if kind == Kind::Svg {
        let text = String::from_utf8_lossy(bytes);
        if let Some(what) = svg_problem(&text) {
            return Some(format!("the SVG image `{name}` holds {what}"));
        }
    }
    None
}

/// Active or remote content in an SVG: scripts, event handlers,
/// `javascript:` links, embedded web pages, entities, and references to
/// files elsewhere.
fn svg_problem(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("<script") {
        return Some("a script");
    }
    if lower.contains("javascript:") {
        return Some("a `javascript:` link");
    }
    if lower.contains("<foreignobject") {
        return Some("a web page (`<foreignObject>`)");
    }
    if lower.contains("<!entity") {
        return Some("an XML entity");
    }
    if has_event_handler(&lower) {
        return Some("an event handler (an `on…=` attribute)");
    }
    if has_remote_reference(&lower) {
        return Some("a reference to a file on another site");
    }
    None
}

/// An attribute named `on…` inside a tag.
fn has_event_handler(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    let mut in_tag = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b'/')
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name_end = bytes[i..]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric() && *c != b'-' && *c != b'_')
                    .map_or(bytes.len(), |n| i + n);
                let after = lower[name_end..].trim_start();
                if name_end > i + 2 && after.starts_with('=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// `href`, `src` or `url(…)` leading to another site (the namespace
/// declarations, `xmlns="http://www.w3.org/…"`, are names, not requests).
fn has_remote_reference(lower: &str) -> bool {
    for attr in ["href", "src"] {
        let mut rest = lower;
        while let Some(at) = rest.find(attr) {
            let after = rest[at + attr.len()..].trim_start();
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']).trim_start();
                if is_remote(value) {
                    return true;
                }
            }
            rest = &rest[at + attr.len()..];
        }
    }
    let mut rest = lower;
    while let Some(at) = rest.find("url(") {
        let value = rest[at + 4..]
            .trim_start()
            .trim_start_matches(['"', '\''])
            .trim_start();
        if is_remote(value) {
            return true;
        }
        rest = &rest[at + 4..];
    }
    false
}

fn is_remote(value: &str) -> bool {
    value.starts_with("http:")
        || value.starts_with("https:")
        || value.starts_with("//")
        || value.starts_with("file:")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn an_image_is_what_its_name_says() {
        assert_eq!(problem("logo.png", PNG), None);
        assert_eq!(problem("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]), None);
        assert_eq!(problem("a.gif", b"GIF89a..."), None);
        assert_eq!(problem("a.webp", b"RIFF\0\0\0\0WEBPVP8 "), None);
        assert_eq!(
            problem(
                "logo.svg",
                b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
            ),
            None
        );
        assert_eq!(problem("notes.txt", b"anything"), None, "not an image name");
        assert_eq!(
            problem("logo.png", b"[district]\nid = \"x\"\n").as_deref(),
            Some("`logo.png` is named as a PNG image but is not an image")
        );
        assert_eq!(
            problem("logo.jpg", PNG).as_deref(),
            Some("`logo.jpg` is named as a JPEG image but is a PNG image")
        );
        assert!(problem("logo.svg", b"<html><script>alert(1)</script></html>").is_some());
    }

    #[test]
    fn an_svg_holds_no_active_or_remote_content() {
        let svg = |body: &str| format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>");
        for (body, what) in [
            ("<script>alert(1)</script>", "a script"),
            ("<rect onload=\"alert(1)\"/>", "an event handler"),
            ("<rect\nONCLICK = 'x'/>", "an event handler"),
            (
                "<a href=\"javascript:alert(1)\"><text>x</text></a>",
                "a `javascript:` link",
            ),
            (
                "<image href=\"https://tracker.example/p.png\"/>",
                "a reference to a file",
            ),
            (
                "<image xlink:href='//tracker.example/p.png'/>",
                "a reference to a file",
            ),
            (
                "<rect style=\"fill:url(https://x.example/f)\"/>",
                "a reference to a file",
            ),
            ("<foreignObject><div>x</div></foreignObject>", "a web page"),
        ] {
            let found = problem("logo.svg", svg(body).as_bytes()).unwrap_or_default();
            assert!(found.contains(what), "{body}: {found}");
        }
        // Attributes that merely contain "on", and local references, are fine.
        let fine = svg(
            "<rect fill=\"url(#g)\" font=\"x\" stroke-linejoin=\"round\"/><use href=\"#a\"/><text>Lemon on top</text>",
        );
        assert_eq!(problem("logo.svg", fine.as_bytes()), None);
    }
}

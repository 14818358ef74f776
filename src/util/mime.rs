//! Media types by file name, for data URIs, the preview server and the
//! bundle's choice of what to compress.

/// The media type of a file, by its extension (`application/octet-stream`
/// when unknown).
pub fn of(name: &str) -> &'static str {
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

/// The `Content-Type` header for a file: text types say they are UTF-8.
pub fn content_type(name: &str) -> String {
    let mime = of(name);
    if mime.starts_with("text/") || mime == "application/json" || mime == "image/svg+xml" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// Whether a file is compressed already (images, PDFs, archives), so
/// deflating it again would cost time and save nothing.
pub fn is_compressed(name: &str) -> bool {
    let mime = of(name);
    (mime.starts_with("image/") && mime != "image/svg+xml")
        || mime.starts_with("video/")
        || mime.starts_with("audio/")
        || mime.starts_with("font/")
        || matches!(
            mime,
            "application/pdf" | "application/zip" | "application/gzip" | "application/x-7z-compressed"
        )
        || mime.starts_with("application/vnd.openxmlformats")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(of("a/logo.SVG"), "image/svg+xml");
        assert_eq!(of("map.png"), "image/png");
        assert_eq!(of("form.pdf"), "application/pdf");
        assert_eq!(of("README"), "application/octet-stream");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
    }

    #[test]
    fn images_and_pdfs_are_compressed_already_text_is_not() {
        assert!(is_compressed("site/assets/County Map.PNG"));
        assert!(is_compressed("site/assets/form.pdf"));
        assert!(is_compressed("tracking.xlsx"));
        assert!(!is_compressed("site/assets/logo.svg"));
        assert!(!is_compressed("site/index.html"));
        assert!(!is_compressed("tracking.csv"));
        assert!(!is_compressed("README"));
    }
}

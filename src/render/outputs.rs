//! What wbl can produce, as values: each [`Output`] names its folder and
//! how it links, and a [`Formats`] set says which outputs are built
//! together. [`Links`] answers every "where does this link lead from
//! here" question from that set, so a site links to a printable handout
//! exactly when the handouts sit beside it, and a handbook built alone
//! ships the files it links to, whichever command built it.

use crate::util::url;

/// One output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    /// `site/`: the multi-page website.
    Site,
    /// `print/`: the one-file handbook.
    Print,
    /// `handouts/`: each handout, form… on its own.
    Handouts,
    /// `<name>.zip`: the teacher bundle (site, print and handouts).
    Zip,
    /// `lms/`: the Common Cartridges, generic and Canvas. Not in the
    /// bundle: a teacher imports them into an LMS, never opens them.
    Lms,
}

impl Output {
    pub const ALL: [Output; 5] = [
        Output::Site,
        Output::Print,
        Output::Handouts,
        Output::Zip,
        Output::Lms,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Output::Site => "site",
            Output::Print => "print",
            Output::Handouts => "handouts",
            Output::Zip => "zip",
            Output::Lms => "lms",
        }
    }

    /// The folder its files go in (the bundle is one file at the top).
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Output::Zip => None,
            other => Some(other.name()),
        }
    }

    /// The output a file at `path` (relative to OUT) belongs to.
    pub fn of_path(path: &str) -> Output {
        let top = path.split('/').next().unwrap_or("");
        Output::ALL
            .into_iter()
            .find(|o| o.folder() == Some(top))
            .unwrap_or(Output::Zip)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Formats(u8);

impl Formats {
    pub const ALL: Formats = Formats::of(&Output::ALL);
    /// What the teacher bundle holds, and so what its files link between.
    pub const BUNDLE: Formats = Formats::of(&[Output::Site, Output::Print, Output::Handouts]);

    pub const fn of(outputs: &[Output]) -> Formats {
        let mut bits = 0;
        let mut i = 0;
        while i < outputs.len() {
            bits |= 1 << outputs[i] as u8;
            i += 1;
        }
        Formats(bits)
    }

    pub fn contains(self, output: Output) -> bool {
        self.0 & output.bit() != 0
    }

    pub fn with(self, output: Output) -> Formats {
        Formats(self.0 | output.bit())
    }

    pub fn without(self, output: Output) -> Formats {
        Formats(self.0 & !output.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Output> {
        Output::ALL.into_iter().filter(move |o| self.contains(*o))
    }

    /// Parses `site,print,…`.
    pub fn parse(list: &str) -> Result<Formats, String> {
        let names = || Output::ALL.map(Output::name).join(", ");
        let mut set = Formats::default();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match Output::ALL.into_iter().find(|o| o.name() == name) {
                Some(output) => set = set.with(output),
                // The PDF is printed from the handbook, so it is a flag of
                // its own rather than a format.
                None if name == "pdf" => {
                    return Err("`pdf` is not a format: add `--pdf` (it prints the handbook)".into());
                }
                None => return Err(format!("unknown format `{name}`; the formats are {}", names())),
            }
        }
        if set.is_empty() {
            return Err(format!("no format given; the formats are {}", names()));
        }
        Ok(set)
    }
}

/// How the outputs built together link to each other.
#[derive(Debug, Clone, Copy)]
pub struct Links {
    together: Formats,
    /// The language folder (`es`) the linking file sits in, one level
    /// below its output's folder: `site/es/`, `handouts/es/`.
    lang: Option<LangDir>,
}

/// A language code held inline, so that [`Links`] stays `Copy`. Codes are
/// short (`es`, `zh-Hant`); a longer one is cut, which no valid code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LangDir {
    bytes: [u8; 16],
    len: u8,
}

impl LangDir {
    fn new(lang: &str) -> LangDir {
        let mut bytes = [0; 16];
        let mut len = lang.len().min(16);
        while !lang.is_char_boundary(len) {
            len -= 1;
        }
        bytes[..len].copy_from_slice(&lang.as_bytes()[..len]);
        LangDir {
            bytes,
            len: len as u8,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl Links {
    /// Links between the outputs of `together` (the bundle itself is not
    /// a link target, so it plays no part).
    pub fn new(together: Formats) -> Links {
        Links {
            together: together.without(Output::Zip).without(Output::Lms),
            lang: None,
        }
    }

    /// The same links, from a file in the language folder `lang` (`None`
    /// for the source language, at the top of its output's folder).
    pub fn in_lang(self, lang: Option<&str>) -> Links {
        Links {
            lang: lang.map(LangDir::new),
            ..self
        }
    }

    /// The way up from a language folder to its output's folder: `../`,
    /// or nothing for the source language.
    pub fn up(self) -> &'static str {
        if self.lang.is_some() { "../" } else { "" }
    }

    /// The language folder with its slash (`es/`), or nothing.
    fn sub(self) -> String {
        self.lang.map_or(String::new(), |l| format!("{}/", l.as_str()))
    }

    /// The `href` of a page of the source language from a translated page
    /// of `from` (the page has no translation).
    pub fn source_page(self, from: Output, page: &str, section: Option<&str>) -> Option<String> {
        let source = self.in_lang(None);
        let href = if from == Output::Site {
            Some(format!("{page}.html"))
        } else {
            source
                .page_elsewhere(page, section)
                .map(|h| h.split('#').next().unwrap_or_default().to_string())
        }?;
        Some(match section {
            Some(s) => format!("{}{href}#{s}", self.up()),
            None => format!("{}{href}", self.up()),
        })
    }

    pub fn together(self) -> Formats {
        self.together
    }

    /// From a site page, its printable version, when the handouts sit
    /// beside the site.
    pub fn printable(self, page: &str) -> Option<String> {
        self.together
            .contains(Output::Handouts)
            .then(|| format!("{}../handouts/{}{page}.html", self.up(), self.sub()))
    }

    /// Whether `from` ships its own copy of the assets it links to: only
    /// the site does when it is there; otherwise each output its own.
    pub fn own_assets(self, from: Output) -> bool {
        from == Output::Site || !self.together.contains(Output::Site)
    }

    /// The `href` of asset `name` (a `/`-separated path under `assets/`)
    /// from a file of `from` sitting directly in its folder.
    pub fn asset(self, from: Output, name: &str) -> String {
        let name = url::encode_path(name);
        let up = self.up();
        if self.own_assets(from) {
            format!("{up}assets/{name}")
        } else {
            format!("{up}../site/assets/{name}")
        }
    }

    /// The `href` of a page (and section) from a standalone file of
    /// `from` (a handout): the site's page when the site is there, else
    /// the page's place in the handbook; `None` when neither is built.
    /// (Page and section ids are checked to be safe in a URL when loaded.)
    pub fn page_elsewhere(self, page: &str, section: Option<&str>) -> Option<String> {
        let (up, sub) = (self.up(), self.sub());
        if self.together.contains(Output::Site) {
            Some(match section {
                Some(s) => format!("{up}../site/{sub}{page}.html#{s}"),
                None => format!("{up}../site/{sub}{page}.html"),
            })
        } else if self.together.contains(Output::Print) && self.lang.is_none() {
            Some(match section {
                Some(s) => format!("../print/handbook.html#{}", super::print::handbook_id(page, s)),
                None => format!("../print/handbook.html#{page}"),
            })
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_lists() {
        assert_eq!(
            Formats::parse("site, zip").unwrap(),
            Formats::of(&[Output::Site, Output::Zip])
        );
        assert!(Formats::parse("pdf").unwrap_err().contains("--pdf"));
        assert!(
            Formats::parse("sight")
                .unwrap_err()
                .contains("site, print, handouts, zip")
        );
        assert!(Formats::parse(",").is_err());
    }

    #[test]
    fn printable_versions_only_beside_the_handouts() {
        assert_eq!(
            Links::new(Formats::BUNDLE).printable("consent-form").as_deref(),
            Some("../handouts/consent-form.html")
        );
        assert_eq!(
            Links::new(Formats::of(&[Output::Site, Output::Zip])).printable("a"),
            None
        );
    }

    #[test]
    fn assets_are_shared_with_the_site_or_shipped() {
        let bundle = Links::new(Formats::BUNDLE);
        assert_eq!(
            bundle.asset(Output::Print, "county map.pdf"),
            "../site/assets/county%20map.pdf"
        );
        assert_eq!(bundle.asset(Output::Site, "a.png"), "assets/a.png");
        let print_alone = Links::new(Formats::of(&[Output::Print]));
        assert!(print_alone.own_assets(Output::Print));
        assert_eq!(print_alone.asset(Output::Print, "a.pdf"), "assets/a.pdf");
    }

    #[test]
    fn a_language_folder_links_one_level_further_up() {
        let es = Links::new(Formats::BUNDLE).in_lang(Some("es"));
        assert_eq!(es.printable("a").as_deref(), Some("../../handouts/es/a.html"));
        assert_eq!(es.asset(Output::Site, "a.png"), "../assets/a.png");
        assert_eq!(
            es.page_elsewhere("b", None).as_deref(),
            Some("../../site/es/b.html")
        );
        assert_eq!(
            es.source_page(Output::Site, "b", Some("x")).as_deref(),
            Some("../b.html#x")
        );
        assert_eq!(
            es.source_page(Output::Handouts, "b", None).as_deref(),
            Some("../../site/b.html")
        );
    }

    #[test]
    fn handouts_link_to_the_site_then_the_handbook() {
        let s = Some("x");
        assert_eq!(
            Links::new(Formats::BUNDLE).page_elsewhere("b", s).as_deref(),
            Some("../site/b.html#x")
        );
        let no_site = Links::new(Formats::of(&[Output::Print, Output::Handouts]));
        assert_eq!(
            no_site.page_elsewhere("b", s).as_deref(),
            Some("../print/handbook.html#b--x")
        );
        assert_eq!(
            Links::new(Formats::of(&[Output::Handouts])).page_elsewhere("b", s),
            None
        );
    }
}

//! `--pdf`: prints the handbook and every handout with a Chromium-family
//! browser already on the machine (wbl never downloads one), started once
//! for the whole run.
//!
//! The handbook's contents and cross-references carry page numbers, and
//! no browser can tell a page which sheet an element will print on. So the
//! handbook is printed, the sheet each chapter, part and linked section
//! starts on is read from the PDF's named destinations (Chromium makes one
//! for every element a link points to), the numbers are written into the
//! page, and it is printed again; until the numbers the PDF shows are the
//! numbers it was given (the second print, unless filling in a number
//! moved a line onto another sheet).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::cdp::{Browser, PrintOptions};
use crate::fs;
use crate::render::OutputFile;
use crate::render::print::fill_page_numbers;

/// How to print by hand, for when no browser is found.
pub const BY_HAND: &str = "open print/handbook.html in Chrome or Edge, choose Print, pick \"Save as PDF\", \
the paper size the page asks for (Letter, or A4 when district.toml says `paper = \"a4\"`) and \"Background graphics\"; or install Chromium, Google Chrome or Microsoft Edge, \
or set WBL_BROWSER to the browser's program file";

/// Names looked up on PATH, in order of preference.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
];

/// Where browsers install themselves outside PATH.
fn usual_locations() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/snap/bin/chromium",
        "/usr/bin/google-chrome",
        "/opt/google/chrome/chrome",
        "/usr/bin/microsoft-edge",
        "/opt/microsoft/msedge/msedge",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    for var in ["ProgramFiles", "ProgramFiles(x86)", "LocalAppData"] {
        if let Some(base) = std::env::var_os(var) {
            let base = PathBuf::from(base);
            paths.push(base.join(r"Google\Chrome\Application\chrome.exe"));
            paths.push(base.join(r"Microsoft\Edge\Application\msedge.exe"));
            paths.push(base.join(r"Chromium\Application\chrome.exe"));
        }
    }
    paths
}

/// The browser to print with: `WBL_BROWSER`, then PATH, then the usual
/// install locations.
pub fn find_browser() -> Result<PathBuf> {
    if let Some(explicit) = std::env::var_os("WBL_BROWSER").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&explicit);
        if path.is_file() {
            return Ok(path);
        }
        if let Some(found) = on_path(&explicit.to_string_lossy()) {
            return Ok(found);
        }
        bail!(
            "WBL_BROWSER is set to `{}`, which is not a program on this machine",
            path.display()
        );
    }
    first_browser(
        NAMES
            .iter()
            .filter_map(|name| on_path(name))
            .chain(usual_locations()),
    )
}

/// The first of `candidates` that is a file, or the error that says how
/// to print by hand.
fn first_browser(mut candidates: impl Iterator<Item = PathBuf>) -> Result<PathBuf> {
    candidates
        .find(|p| p.is_file())
        .with_context(|| format!("--pdf needs Chrome, Edge or Chromium, and none was found; {BY_HAND}"))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        [name.to_string(), format!("{name}.exe")]
            .into_iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    })
}

pub fn file_url(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("//?/").unwrap_or(&s).to_string();
    let mut url = String::from("file://");
    if !s.starts_with('/') {
        url.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// What printing a run's documents made.
pub struct Printed {
    /// `print/handbook.pdf`, `handouts/<id>.pdf`, and `print/handbook.html`
    /// again, now with its page numbers.
    pub files: Vec<OutputFile>,
    /// Sheets per PDF, by path, for the summary.
    pub sheets: BTreeMap<String, usize>,
}

/// Prints the handbook and the handouts among `files` with `program`: one
/// browser, one tab. The documents are self-contained (images are data
/// URIs), so they are printed from a scratch folder, before anything is
/// written to the output folder; a failed print leaves it untouched.
/// `stamp` is the date written into each PDF's metadata, so two builds of
/// the same input give the same bytes.
pub fn print_all(program: &Path, files: &[OutputFile], stamp: i64) -> Result<Printed> {
    if !files.iter().any(|f| is_printed(&f.path)) {
        return Ok(Printed {
            files: Vec::new(),
            sheets: BTreeMap::new(),
        });
    }
    print_with(&mut start(program)?, files, stamp)
}

fn start(program: &Path) -> Result<Browser> {
    Browser::start(program).with_context(|| {
        format!(
            "could not start `{}` to print the PDFs; to print by hand, {BY_HAND}",
            program.display()
        )
    })
}

/// Browsers shared by the threads of `wbl publish --pdf`: each print
/// takes one that is idle, or starts one when none is, and gives it back;
/// so a release starts at most one browser per thread printing at once,
/// never one per document.
pub struct Browsers {
    program: PathBuf,
    idle: std::sync::Mutex<Vec<Browser>>,
}

impl Browsers {
    /// Starts the first browser now, so a browser that cannot start is
    /// one error before anything is built rather than one per district.
    pub fn start(program: PathBuf) -> Result<Browsers> {
        let first = start(&program)?;
        Ok(Browsers {
            program,
            idle: std::sync::Mutex::new(vec![first]),
        })
    }

    /// [`print_all`] with one of these browsers.
    pub fn print_all(&self, files: &[OutputFile], stamp: i64) -> Result<Printed> {
        let idle = self.idle.lock().map(|mut idle| idle.pop()).unwrap_or(None);
        let mut browser = match idle {
            Some(browser) => browser,
            None => start(&self.program)?,
        };
        let printed = print_with(&mut browser, files, stamp)?;
        // A browser whose print failed was dropped, and so stopped, by
        // the `?` above; this one worked, and the next district may use it.
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(browser);
        }
        Ok(printed)
    }
}

/// Puts what [`print_all`] made into `files`: the PDFs, and the handbook
/// with its page numbers in place of the one it was printed from.
pub fn merge(files: &mut Vec<OutputFile>, printed: Printed) {
    for file in printed.files {
        match files.iter_mut().find(|f| f.path == file.path) {
            Some(old) => *old = file,
            None => files.push(file),
        }
    }
}

fn print_with(browser: &mut Browser, files: &[OutputFile], stamp: i64) -> Result<Printed> {
    let scratch = tempfile::tempdir().context("could not create a temporary folder for printing")?;
    let documents: Vec<&OutputFile> = files.iter().filter(|f| is_printed(&f.path)).collect();
    let mut printed = Printed {
        files: Vec::new(),
        sheets: BTreeMap::new(),
    };
    for doc in documents {
        let local = fs::join_rel(scratch.path(), &doc.path);
        fs::write(&local, &doc.bytes)?;
        let pdf_path = doc.path.replace(".html", ".pdf");
        let pdf = if doc.path == "print/handbook.html" {
            let (pdf, numbers) =
                print_numbered(browser, &local).with_context(|| format!("could not print `{}`", doc.path))?;
            let html = String::from_utf8_lossy(&doc.bytes);
            printed.files.push(OutputFile::text(
                doc.path.clone(),
                fill_page_numbers(&html, &numbers),
            ));
            pdf
        } else {
            browser.open(&local)?;
            unlink_local_files(browser)?;
            browser
                .print(PrintOptions { outline: true })
                .with_context(|| format!("could not print `{}`", doc.path))?
        };
        let pdf = stamp_dates(pdf, stamp);
        printed.sheets.insert(pdf_path.clone(), sheet_count(&pdf)?);
        printed.files.push(OutputFile::new(pdf_path, pdf));
    }
    Ok(printed)
}

/// The documents `--pdf` prints: the handbook and every standalone
/// handout, in every language (a handouts index is a list of links, not a
/// document).
fn is_printed(path: &str) -> bool {
    path == "print/handbook.html"
        || path
            .strip_prefix("handouts/")
            .is_some_and(|rest| rest.ends_with(".html") && rest.rsplit('/').next() != Some("index.html"))
}

/// The most prints it takes for the page numbers to settle: one to learn
/// them, one to show them, and spares for the rare number whose width
/// pushes a line onto the next sheet.
const MAX_PASSES: usize = 4;

/// Prints the open handbook until every `[data-pn]` element shows the
/// sheet its target starts on. Returns the PDF and those numbers.
fn print_numbered(browser: &mut Browser, file: &Path) -> Result<(Vec<u8>, BTreeMap<String, u32>)> {
    browser.open(file)?;
    unlink_local_files(browser)?;
    let wanted: Vec<String> = serde_json::from_value(
        browser
            .evaluate("[...new Set([...document.querySelectorAll('[data-pn]')].map(e => e.dataset.pn))]")?,
    )
    .context("the handbook's page-number slots could not be read")?;
    // The first print shows a placeholder as wide as a two-digit number.
    let mut shown: BTreeMap<String, u32> = wanted.iter().map(|id| (id.clone(), 88)).collect();
    for _ in 0..MAX_PASSES {
        fill_in_page(browser, &shown)?;
        let pdf = browser.print(PrintOptions { outline: true })?;
        let found = destinations(&pdf)?;
        let actual: BTreeMap<String, u32> = wanted
            .iter()
            .filter_map(|id| found.get(id).map(|&n| (id.clone(), n)))
            .collect();
        if actual == shown {
            return Ok((pdf, actual));
        }
        shown = actual;
    }
    bail!("the handbook's page numbers did not settle after {MAX_PASSES} prints")
}

/// A link to a file beside the document (a handout's link to the site, the
/// handbook's to a downloadable asset) would point, in the PDF, at the
/// scratch folder it was printed from: on paper and in an emailed PDF it
/// leads nowhere, so it is printed as plain text. Links to websites, email
/// addresses and places inside the document stay.
fn unlink_local_files(browser: &mut Browser) -> Result<()> {
    browser.evaluate(
        "(() => { for (const a of document.querySelectorAll('a[href]')) { const h = a.getAttribute('href'); \
         if (!/^([a-z][a-z0-9+.-]*:|#)/i.test(h)) a.removeAttribute('href'); } return true; })()",
    )?;
    Ok(())
}

/// Writes `numbers` into the page's `[data-pn]` slots (and empties the
/// slots of targets that have none), as [`fill_page_numbers`] does to the
/// HTML file.
fn fill_in_page(browser: &mut Browser, numbers: &BTreeMap<String, u32>) -> Result<()> {
    let map = serde_json::to_string(numbers).expect("numbers serialise");
    browser.evaluate(&format!(
        "(() => {{ const m = {map}; for (const e of document.querySelectorAll('[data-pn]')) \
         {{ const n = m[e.dataset.pn]; e.textContent = n === undefined ? '' : String(n); }} return true; }})()"
    ))?;
    Ok(())
}

/// The sheet (1-based) each named destination of `pdf` is on.
pub fn destinations(pdf: &[u8]) -> Result<BTreeMap<String, u32>> {
    let doc = lopdf::Document::load_mem(pdf).context("the browser's PDF could not be read")?;
    let sheet_of: BTreeMap<lopdf::ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut out = BTreeMap::new();
    let Ok(dests) = doc.catalog().and_then(|c| c.get(b"Dests")) else {
        return Ok(out);
    };
    let (_, dests) = doc.dereference(dests)?;
    for (name, dest) in dests.as_dict()?.iter() {
        let (_, dest) = doc.dereference(dest)?;
        let page = dest
            .as_array()
            .ok()
            .and_then(|a| a.first())
            .and_then(|p| p.as_reference().ok())
            .and_then(|p| sheet_of.get(&p));
        if let Some(&page) = page {
            out.insert(String::from_utf8_lossy(name).into_owned(), page);
        }
    }
    Ok(out)
}

/// How many sheets `pdf` has.
pub fn sheet_count(pdf: &[u8]) -> Result<usize> {
    let doc = lopdf::Document::load_mem(pdf).context("the browser's PDF could not be read")?;
    Ok(doc.get_pages().len())
}

/// Replaces the clock time the browser stamps as the PDF's creation and
/// modification dates with `epoch`. The dates are written as
/// `(D:YYYYMMDDHHmmSS…)`, and the replacement has the same length, so no
/// offset in the file moves.
pub fn stamp_dates(mut pdf: Vec<u8>, epoch: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = super::bundle::civil(epoch);
    let date = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}");
    for key in [&b"/CreationDate (D:"[..], &b"/ModDate (D:"[..]] {
        let mut from = 0;
        while let Some(at) = find(&pdf[from..], key) {
            let start = from + at + key.len();
            let digits = pdf[start..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 14 {
                pdf[start..start + 14].copy_from_slice(date.as_bytes());
                // The zone that follows becomes UTC, still the same length.
                let zone = &mut pdf[start + 14..];
                if zone.len() >= 7 && matches!(zone[0], b'+' | b'-') && zone[3] == b'\'' && zone[6] == b'\'' {
                    zone[..7].copy_from_slice(b"+00'00'");
                }
            }
            from = start;
        }
    }
    pdf
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_browser_says_how_to_print_by_hand() {
        let e = first_browser([PathBuf::from("/nonexistent/chrome")].into_iter()).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("none was found") && text.contains("Save as PDF"),
            "{text}"
        );
    }

    #[test]
    fn dates_are_stamped_in_place() {
        let pdf = b"<</CreationDate (D:20261201201410-05'00')\n/ModDate (D:20261201201410+01'00')>>".to_vec();
        let len = pdf.len();
        let out = stamp_dates(pdf, super::super::bundle::FIXED_EPOCH);
        assert_eq!(out.len(), len);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</CreationDate (D:20000101000000+00'00')\n/ModDate (D:20000101000000+00'00')>>"
        );
    }

    #[test]
    fn prints_the_handbook_and_handouts_only() {
        assert!(is_printed("print/handbook.html"));
        assert!(is_printed("handouts/consent-and-release-form.html"));
        assert!(!is_printed("handouts/index.html"));
        assert!(is_printed("handouts/es/family-letter.html"));
        assert!(!is_printed("handouts/es/index.html"));
        assert!(!is_printed("site/welcome.html"));
    }

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/my out/a.html")),
            "file:///tmp/my%20out/a.html"
        );
        assert_eq!(
            file_url(Path::new(r"C:\Users\x\a.html")),
            "file:///C:/Users/x/a.html"
        );
    }
}

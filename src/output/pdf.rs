//! `--pdf`: prints the handbook with a Chromium-family browser already on
//! the machine. wbl never downloads one.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::fs;

/// How to print by hand, for when no browser is found.
pub const BY_HAND: &str = "open print/handbook.html in Chrome or Edge, choose Print, pick \"Save as PDF\", \
Letter paper and \"Background graphics\"; or install Chromium, Google Chrome or Microsoft Edge, \
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

/// Prints `html` to `pdf` with `browser`, headless.
pub fn print(browser: &Path, html: &Path, pdf: &Path) -> Result<()> {
    let profile = tempfile::tempdir().context("could not create a temporary browser profile")?;
    let html = html
        .canonicalize()
        .with_context(|| format!("could not find `{}`", fs::display(html)))?;
    let url = file_url(&html);
    let mut cmd = Command::new(browser);
    cmd.arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--no-default-browser-check")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-sync")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()));
    if running_as_root() {
        // Chromium refuses to start as root with its sandbox on (CI
        // containers); the page printed is wbl's own, without scripts.
        cmd.arg("--no-sandbox");
    }
    cmd.arg(url);
    let output = cmd
        .output()
        .with_context(|| format!("could not start `{}`", browser.display()))?;
    if !pdf.is_file() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        bail!(
            "`{}` did not print the handbook ({}){}; {BY_HAND}",
            browser.display(),
            output.status,
            if last.is_empty() {
                String::new()
            } else {
                format!(": {last}")
            }
        );
    }
    Ok(())
}

fn file_url(path: &Path) -> String {
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

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
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

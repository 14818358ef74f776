//! A Chromium-family browser (Chromium, Chrome, Edge) driven through the
//! DevTools protocol: one browser for a whole run, one tab reused for
//! every document it prints.
//!
//! The browser is started with `--remote-debugging-port=0`, writes the
//! port it chose to `DevToolsActivePort` in its profile folder, and wbl
//! talks to it over a WebSocket on 127.0.0.1. (The protocol's pipe mode
//! would need file descriptors 3 and 4 handed to the child, which takes
//! unsafe code.) The same protocol works in Edge on Windows and in Chrome
//! and Chromium on Linux and macOS; no network is used but the loopback.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// How long the browser may take to start, to load a page or to print
/// one. Generous: a 120-sheet handbook takes seconds, but a slow school
/// laptop with a virus scanner may take much longer.
const STARTUP: Duration = Duration::from_secs(60);
const REPLY: Duration = Duration::from_secs(300);

/// A running browser and the tab wbl prints with.
pub struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    // Held so the profile folder lives as long as the browser.
    _profile: tempfile::TempDir,
}

/// How a document is printed.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// The PDF's outline (bookmarks) from the document's headings.
    pub outline: bool,
}

impl Browser {
    /// Starts `program` headless with a fresh profile and opens a tab.
    pub fn start(program: &Path) -> Result<Browser> {
        let profile = tempfile::tempdir().context("could not create a temporary browser profile")?;
        let log = std::fs::File::create(profile.path().join("wbl-browser.log"))
            .context("could not create the browser's log file")?;
        let mut cmd = Command::new(program);
        cmd.arg("--headless")
            .arg("--remote-debugging-port=0")
            .arg("--remote-allow-origins=*")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--no-first-run")
            .arg("--no-default-browser-check")
            .arg("--disable-gpu")
            .arg("--disable-extensions")
            .arg("--disable-background-networking")
            .arg("--disable-component-update")
            .arg("--disable-sync")
            .arg("--disable-default-apps")
            .arg("--mute-audio");
        if super::pdf::running_as_root() {
            // Chromium refuses to start as root with its sandbox on (CI
            // containers); the pages printed are wbl's own, without scripts.
            cmd.arg("--no-sandbox");
        }
        cmd.arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("could not start `{}`", program.display()))?;
        let endpoint = match wait_for_endpoint(&mut child, profile.path()) {
            Ok(e) => e,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(profile.path().join("wbl-browser.log")).unwrap_or_default();
                let last = log.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
                if last.is_empty() {
                    return Err(e);
                }
                return Err(e.context(format!("the browser said: {last}")));
            }
        };
        let mut browser = match connect(&endpoint) {
            Ok(socket) => Browser {
                child,
                socket,
                session: String::new(),
                next_id: 0,
                _profile: profile,
            },
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"].as_str().unwrap_or_default().to_string();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        browser.session = attached["sessionId"]
            .as_str()
            .context("the browser did not open a tab")?
            .to_string();
        browser.call("Page.enable", json!({}))?;
        Ok(browser)
    }

    /// Opens `file` in the tab and waits until it and its fonts are loaded.
    pub fn open(&mut self, file: &Path) -> Result<()> {
        let url = super::pdf::file_url(file);
        let id = self.send("Page.navigate", json!({ "url": url }))?;
        let reply = self.wait_reply(id)?;
        if let Some(err) = reply["errorText"].as_str().filter(|e| !e.is_empty()) {
            bail!("the browser could not open `{}`: {err}", file.display());
        }
        self.wait_event("Page.loadEventFired")?;
        // Text is measured with the fonts it is printed in.
        self.evaluate("document.fonts.ready.then(() => true)")?;
        Ok(())
    }

    /// Runs `expression` in the page (a promise is awaited) and returns
    /// its value.
    pub fn evaluate(&mut self, expression: &str) -> Result<Value> {
        let reply = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(ex) = reply.get("exceptionDetails") {
            bail!(
                "a script in the page failed: {}",
                ex["exception"]["description"]
                    .as_str()
                    .or(ex["text"].as_str())
                    .unwrap_or("unknown error")
            );
        }
        Ok(reply["result"]["value"].clone())
    }

    /// Prints the open document to PDF, at the paper size and margins its
    /// `@page` rules give, tagged, with backgrounds.
    pub fn print(&mut self, options: PrintOptions) -> Result<Vec<u8>> {
        let reply = self.call(
            "Page.printToPDF",
            json!({
                "printBackground": true,
                "preferCSSPageSize": true,
                "displayHeaderFooter": false,
                "generateTaggedPDF": true,
                "generateDocumentOutline": options.outline,
                "scale": 1,
            }),
        )?;
        let data = reply["data"].as_str().context("the browser returned no PDF")?;
        base64_decode(data).context("the browser returned a PDF that is not valid base64")
    }

    fn send(&mut self, method: &str, params: Value) -> Result<u64> {
        self.next_id += 1;
        let mut msg = json!({ "id": self.next_id, "method": method, "params": params });
        if !self.session.is_empty() && !method.starts_with("Target.") {
            msg["sessionId"] = Value::from(self.session.as_str());
        }
        self.socket
            .send(Message::text(msg.to_string()))
            .with_context(|| format!("lost the connection to the browser (sending {method})"))?;
        Ok(self.next_id)
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value> {
        let id = self.send(method, params)?;
        self.wait_reply(id)
            .with_context(|| format!("the browser failed at {method}"))
    }

    fn receive(&mut self) -> Result<Value> {
        loop {
            let msg = self
                .socket
                .read()
                .context("lost the connection to the browser (it may have crashed or timed out)")?;
            if let Message::Text(text) = msg {
                return serde_json::from_str(text.as_str())
                    .context("the browser sent a message that is not JSON");
            }
        }
    }

    fn wait_reply(&mut self, id: u64) -> Result<Value> {
        loop {
            let msg = self.receive()?;
            if msg["id"].as_u64() == Some(id) {
                if let Some(err) = msg.get("error") {
                    bail!("{}", err["message"].as_str().unwrap_or("unknown error"));
                }
                return Ok(msg["result"].clone());
            }
        }
    }

    fn wait_event(&mut self, method: &str) -> Result<()> {
        loop {
            let msg = self.receive()?;
            if msg["method"].as_str() == Some(method)
                && msg["sessionId"].as_str() == Some(self.session.as_str())
            {
                return Ok(());
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ask politely, so the browser removes its own files; then make sure.
        if self.send("Browser.close", json!({})).is_ok() {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser's WebSocket address, from the `DevToolsActivePort` file it
/// writes once it listens: the port on the first line, the path on the
/// second.
fn wait_for_endpoint(child: &mut Child, profile: &Path) -> Result<(u16, String)> {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + STARTUP;
    loop {
        if let Ok(text) = std::fs::read_to_string(&file)
            && let Some(endpoint) = parse_active_port(&text)
        {
            return Ok(endpoint);
        }
        if let Some(status) = child.try_wait().context("could not watch the browser")? {
            bail!("the browser stopped as it started ({status})");
        }
        if Instant::now() > deadline {
            bail!(
                "the browser did not open its DevTools port within {} seconds",
                STARTUP.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn parse_active_port(text: &str) -> Option<(u16, String)> {
    let mut lines = text.lines();
    let port = lines.next()?.trim().parse().ok()?;
    let path = lines.next()?.trim();
    path.starts_with('/').then(|| (port, path.to_string()))
}

fn connect((port, path): &(u16, String)) -> Result<WebSocket<TcpStream>> {
    let stream = TcpStream::connect(("127.0.0.1", *port))
        .with_context(|| format!("could not connect to the browser on 127.0.0.1:{port}"))?;
    stream.set_read_timeout(Some(REPLY)).ok();
    stream.set_write_timeout(Some(REPLY)).ok();
    // A printed handbook comes back as one message of tens of megabytes.
    let config = WebSocketConfig::default()
        .max_message_size(Some(1 << 30))
        .max_frame_size(Some(1 << 30));
    let (socket, _) =
        tungstenite::client::client_with_config(format!("ws://127.0.0.1:{port}{path}"), stream, Some(config))
            .map_err(|e| anyhow::anyhow!("could not talk to the browser: {e}"))?;
    Ok(socket)
}

/// Standard base64 with padding, as the protocol sends binary data.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.trim_end_matches('=').as_bytes();
    if !text.len().is_multiple_of(4) || text.len() - bytes.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
        if chunk.len() == 1 {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rfc_4648_examples() {
        for (encoded, plain) in [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmFy", "foobar"),
        ] {
            assert_eq!(base64_decode(encoded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(base64_decode("Zm9"), None);
        assert_eq!(base64_decode("Zm9*"), None);
    }

    #[test]
    fn reads_the_devtools_port_file() {
        assert_eq!(
            parse_active_port("39021\n/devtools/browser/4b1e\n"),
            Some((39021, "/devtools/browser/4b1e".to_string()))
        );
        assert_eq!(parse_active_port("39021\n"), None);
        assert_eq!(parse_active_port("port\n/x\n"), None);
    }
}

//! `wbl serve`: builds into memory, serves the site, handbook and handouts
//! on the local machine, and rebuilds when a toolkit or district file is
//! saved; open pages reload themselves.
//!
//! The reload script and the error panel are added to pages as they are
//! served, never to the build itself, so what `wbl adapt` writes is
//! unaffected.

use std::collections::{BTreeMap, hash_map::DefaultHasher};
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Method, Request, Response, Server};

use crate::cli::ServeArgs;
use crate::diag::{Diagnostics, Severity};
use crate::render::{Formats, OutputFile};
use crate::report::Reporter;
use crate::{fs, pipeline};

/// Everything a reader sees; the zip is left out because nobody browses it.
const FORMATS: Formats = Formats::BUNDLE;

/// Ports tried, in order, when `--port` is not given: a busy default should
/// not stop a first-time user.
const DEFAULT_PORTS: std::ops::RangeInclusive<u16> = 3000..=3009;

/// Where open pages ask whether a newer build exists.
const BUILD_PATH: &str = "/__wbl/build";

/// How long saves are gathered before a rebuild: editors often write a
/// file in several steps.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// `quiet` and `verbose` are the global flags: the watcher thread makes
/// its own reporter for each rebuild.
pub fn run(args: ServeArgs, quiet: bool, verbose: u8) -> Result<u8> {
    let reporter = &mut Reporter::new(quiet, verbose);
    let toolkit_dir = args.toolkit.toolkit.clone();
    for dir in toolkit_dir.iter().chain(&args.district) {
        if !dir.is_dir() {
            bail!("`{}` is not a folder", fs::display(dir));
        }
    }
    let server = Arc::new(listen(args.bind, args.port)?);
    let addr = server
        .server_addr()
        .to_ip()
        .context("the preview server has no network address")?;
    let builder = Builder {
        toolkit: toolkit_dir,
        district: args.district.clone(),
        printed: Arc::default(),
    };
    let state = Arc::new(Mutex::new(State::new()));
    let outcome = builder.build(reporter);
    publish(&state, outcome, None, reporter);

    // The watcher stops when dropped, so it lives until the server stops.
    let _watcher = watch(&builder, &state, quiet, verbose)?;

    let stopper = Arc::clone(&server);
    ctrlc::set_handler(move || stopper.unblock()).context("could not listen for Ctrl-C")?;

    let base = format!("http://{addr}");
    reporter.status(&format!("Serving the preview at {base}/site/"));
    reporter.status(&format!("  handbook  {base}/print/handbook.html"));
    reporter.status(&format!("  handouts  {base}/handouts/"));
    if !args.bind.is_loopback() {
        reporter.status(&format!(
            "warning: listening on {}, so other computers on the network can read the preview",
            args.bind
        ));
    }
    let watched: Vec<String> = builder.roots().iter().map(|p| fs::display(p)).collect();
    if watched.is_empty() {
        reporter.status("Showing the built-in toolkit. Press Ctrl-C to stop.");
    } else {
        reporter.status(&format!(
            "Watching {} for changes; open pages reload on save. Press Ctrl-C to stop.",
            watched.join(" and ")
        ));
    }
    if args.open {
        open_browser(&format!("{base}/site/"), reporter);
    }

    for request in server.incoming_requests() {
        respond(request, &state);
    }
    // After the `^C` the terminal echoed, not on the same line.
    let newline = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        "\n"
    } else {
        ""
    };
    reporter.status(&format!("{newline}Stopped."));
    Ok(0)
}

fn listen(bind: IpAddr, port: Option<u16>) -> Result<Server> {
    let ports: Vec<u16> = match port {
        Some(port) => vec![port],
        None => DEFAULT_PORTS.collect(),
    };
    let mut last = None;
    for port in &ports {
        let addr = SocketAddr::new(bind, *port);
        match Server::http(addr) {
            Ok(server) => return Ok(server),
            Err(e) => last = Some((addr, e)),
        }
    }
    let (addr, e) = last.expect("at least one port is tried");
    match port {
        Some(_) => {
            bail!("could not listen on {addr}: {e}; choose another port with --port (0 picks a free one)")
        }
        None => bail!(
            "could not listen on ports {}–{} of {bind} ({e}); choose a port with --port (0 picks a free one)",
            DEFAULT_PORTS.start(),
            DEFAULT_PORTS.end()
        ),
    }
}

/// Builds the toolkit and district as given on the command line.
#[derive(Clone)]
struct Builder {
    toolkit: Option<PathBuf>,
    district: Option<PathBuf>,
    /// The diagnostics last printed: a rebuild that finds the same ones
    /// does not print them again, so the terminal shows each once.
    printed: Arc<Mutex<Vec<crate::diag::Diagnostic>>>,
}

/// What one build produced.
enum Outcome {
    Good(Vec<OutputFile>),
    /// The diagnostics, as the terminal shows them.
    Broken(String),
}

impl Builder {
    fn roots(&self) -> Vec<PathBuf> {
        self.toolkit.iter().chain(&self.district).cloned().collect()
    }

    fn build(&self, reporter: &mut Reporter) -> Outcome {
        let mut diags = Diagnostics::new();
        let built = self.try_build(&mut diags);
        let mut printed = self.printed.lock().unwrap_or_else(|e| e.into_inner());
        if printed.as_slice() != diags.items() {
            reporter.diagnostics(&diags);
            *printed = diags.items().to_vec();
        }
        drop(printed);
        let mut text = String::new();
        let mut items: Vec<_> = diags.items().iter().collect();
        items.sort_by_key(|d| d.severity);
        for d in items {
            text.push_str(&d.render(false));
            text.push('\n');
        }
        match built {
            Ok(Some(files)) => Outcome::Good(files),
            Ok(None) => {
                if diags.count(Severity::Error) == 0 {
                    text.push_str("error: the build stopped without saying why\n");
                }
                Outcome::Broken(text)
            }
            Err(e) => {
                reporter.fatal(&e);
                let mut message = format!("error: {e}");
                for cause in e.chain().skip(1) {
                    message.push_str(&format!(": {cause}"));
                }
                text.push_str(&message);
                Outcome::Broken(text)
            }
        }
    }

    fn try_build(&self, diags: &mut Diagnostics) -> Result<Option<Vec<OutputFile>>> {
        let toolkit = pipeline::load_toolkit(self.toolkit.as_deref(), diags)?;
        let district = match &self.district {
            Some(dir) => match pipeline::load_district(dir, diags)? {
                Some(d) => Some(d),
                None => return Ok(None),
            },
            None => None,
        };
        let Some(toolkit) = toolkit else {
            return Ok(None);
        };
        Ok(pipeline::build(&toolkit, district.as_ref(), FORMATS, diags)?.files)
    }
}

/// What the server shows. Pages compare `token()` with the one they were
/// served with to know when to reload.
struct State {
    /// Differs between runs, so a page left open across a restart of
    /// `wbl serve` reloads too.
    run: String,
    generation: u64,
    /// The last good build, by path.
    files: Option<Arc<BTreeMap<String, Arc<[u8]>>>>,
    fingerprint: u64,
    /// The diagnostics of the latest build, when it failed.
    error: Option<String>,
}

impl State {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        State {
            run: format!("{:x}", nanos ^ u128::from(std::process::id())),
            generation: 0,
            files: None,
            fingerprint: 0,
            error: None,
        }
    }

    fn token(&self) -> String {
        format!("{}-{}", self.run, self.generation)
    }
}

/// Makes `outcome` what the server shows. Open pages reload only when what
/// they would show changed, so a save that changes nothing in the output
/// (or a stray editor file) does not disturb the reader.
fn publish(state: &Mutex<State>, outcome: Outcome, changed: Option<&str>, reporter: &Reporter) {
    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
    match outcome {
        Outcome::Good(files) => {
            let mut hasher = DefaultHasher::new();
            for f in &files {
                f.path.hash(&mut hasher);
                f.bytes.hash(&mut hasher);
            }
            let fingerprint = hasher.finish();
            let was_broken = state.error.take().is_some();
            if state.files.is_some() && fingerprint == state.fingerprint && !was_broken {
                return;
            }
            let first = state.files.is_none() && !was_broken;
            state.files = Some(Arc::new(files.into_iter().map(|f| (f.path, f.bytes)).collect()));
            state.fingerprint = fingerprint;
            state.generation += 1;
            if was_broken {
                reporter.status("Fixed: the preview shows the new build.");
            } else if !first {
                let why = changed.map_or(String::new(), |c| format!(" after a change to {c}"));
                reporter.status(&format!("Rebuilt{why}; open pages reload."));
            }
        }
        Outcome::Broken(text) => {
            let kept = if state.files.is_some() {
                "; until it is fixed, wbl keeps serving the last good build"
            } else {
                ""
            };
            reporter.status(&format!(
                "The browser shows this error too. Fix it and save{kept}."
            ));
            if state.error.as_deref() != Some(text.as_str()) {
                state.error = Some(text);
                state.generation += 1;
            }
        }
    }
}

/// Watches the toolkit and district folders and rebuilds after each save.
/// The returned watcher stops watching when dropped.
fn watch(
    builder: &Builder,
    state: &Arc<Mutex<State>>,
    quiet: bool,
    verbose: u8,
) -> Result<Option<notify::RecommendedWatcher>> {
    let roots = builder.roots();
    if roots.is_empty() {
        return Ok(None);
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("could not start watching for changes")?;
    let mut canonical = Vec::new();
    for root in &roots {
        // Events name canonical paths on some systems; watching the
        // canonical path makes them comparable everywhere.
        let real = root
            .canonicalize()
            .with_context(|| format!("could not open folder `{}`", fs::display(root)))?;
        watcher
            .watch(&real, RecursiveMode::Recursive)
            .with_context(|| format!("could not watch `{}` for changes", fs::display(root)))?;
        canonical.push((real, root.clone()));
    }
    let builder = builder.clone();
    let state = Arc::clone(state);
    std::thread::spawn(move || {
        let reporter = Reporter::new(quiet, verbose);
        let changed_file = |event: notify::Result<notify::Event>| match event {
            Ok(event) if !is_read(&event.kind) => {
                // The last path of a rename is the name it ends up with.
                event
                    .paths
                    .iter()
                    .rev()
                    .find_map(|path| relevant(&canonical, path))
            }
            Ok(_) => None,
            Err(e) => {
                reporter.status(&format!("warning: watching for changes: {e}"));
                None
            }
        };
        while let Ok(event) = rx.recv() {
            let Some(mut changed) = changed_file(event) else {
                continue;
            };
            // Editors often save in several steps: wait for a quiet moment.
            let mut quiet_at = Instant::now() + DEBOUNCE;
            loop {
                match rx.recv_timeout(quiet_at.saturating_duration_since(Instant::now())) {
                    Ok(event) => {
                        if let Some(path) = changed_file(event) {
                            // Name the file the save ended with, not an
                            // editor's temporary file.
                            if Path::new(&path).exists() {
                                changed = path;
                            }
                            quiet_at = Instant::now() + DEBOUNCE;
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            let mut reporter = Reporter::new(quiet, verbose);
            let outcome = builder.build(&mut reporter);
            publish(&state, outcome, Some(&changed), &reporter);
        }
    });
    Ok(Some(watcher))
}

/// Opening and reading files changes nothing, and every build reads the
/// watched folders, so such events would make each build start the next.
fn is_read(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    matches!(kind, notify::EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}

/// The changed file as the user knows it, unless it is one a build never
/// reads: hidden files and folders (editor swap files, `.git`) and editor
/// backups ending in `~`.
fn relevant(roots: &[(PathBuf, PathBuf)], path: &Path) -> Option<String> {
    let (rel, shown) = roots
        .iter()
        .find_map(|(real, shown)| path.strip_prefix(real).ok().map(|rel| (rel, shown)))?;
    let names: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if names.iter().any(|n| n.starts_with('.') || n.ends_with('~')) {
        return None;
    }
    Some(if names.is_empty() {
        fs::display(shown)
    } else {
        fs::display(&shown.join(rel))
    })
}

fn respond(request: Request, state: &Mutex<State>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text_response(405, "only GET and HEAD are served"));
        return;
    }
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    let (token, files, error) = {
        let state = state.lock().unwrap_or_else(|e| e.into_inner());
        (state.token(), state.files.clone(), state.error.clone())
    };
    if url == BUILD_PATH {
        let _ = request.respond(text_response(200, &token));
        return;
    }
    let Some(path) = percent_decode(&url) else {
        let _ = request.respond(text_response(400, "the address is not valid"));
        return;
    };
    let Some(files) = files else {
        // No good build yet: every page is the error page.
        let html = error_page(
            error.as_deref().unwrap_or("The first build is still running."),
            &token,
        );
        let _ = request.respond(html_response(500, html));
        return;
    };
    let rel = path.trim_start_matches('/');
    if rel.is_empty() {
        let _ = request.respond(redirect("/site/"));
        return;
    }
    let is_folder = |dir: &str| files.keys().any(|k| k.starts_with(dir));
    let file = if rel.ends_with('/') {
        files.get(&format!("{rel}index.html"))
    } else {
        files.get(rel)
    };
    let response = match file {
        Some(bytes) => {
            let name = if rel.ends_with('/') { "index.html" } else { rel };
            if name.ends_with(".html") {
                let html = String::from_utf8_lossy(bytes);
                html_response(200, decorate(&html, &token, error.as_deref()))
            } else {
                let mut response = Response::new(
                    200.into(),
                    Vec::new(),
                    Cursor::new(Arc::clone(bytes)),
                    Some(bytes.len()),
                    None,
                );
                response.add_header(header("Content-Type", content_type(name)));
                response.add_header(header("Cache-Control", "no-store"));
                response.boxed()
            }
        }
        None if !rel.ends_with('/') && is_folder(&format!("{rel}/")) => redirect(&format!("/{rel}/")),
        None if rel.ends_with('/') && is_folder(rel) => {
            html_response(200, decorate(&listing(rel, &files), &token, error.as_deref()))
        }
        None => html_response(404, decorate(&not_found(rel), &token, error.as_deref())),
    };
    let _ = request.respond(response);
}

type Body = Response<Box<dyn std::io::Read + Send>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values are ASCII")
}

fn text_response(status: u16, text: &str) -> Body {
    Response::from_string(text)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
        .boxed()
}

fn html_response(status: u16, html: String) -> Body {
    Response::from_string(html)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
        .boxed()
}

fn redirect(to: &str) -> Body {
    Response::empty(302)
        .with_header(header("Location", to))
        .with_header(header("Cache-Control", "no-store"))
        .boxed()
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `%20` and friends decoded; `None` for malformed escapes, non-UTF-8, or
/// a path that tries to climb out with `..`.
fn percent_decode(url: &str) -> Option<String> {
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    (!path.split(['/', '\\']).any(|part| part == "..")).then_some(path)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The script that makes a served page reload when a newer build exists.
/// It polls rather than holding a connection open: browsers allow only six
/// connections per host, and a coordinator often has more preview tabs open
/// than that.
fn reload_script(token: &str) -> String {
    format!(
        r#"<script>/* added by wbl serve; not part of the built site */
(function () {{
  var built = "{token}";
  function check() {{
    if (document.hidden) return;
    fetch("{BUILD_PATH}", {{ cache: "no-store" }})
      .then(function (r) {{ return r.ok ? r.text() : built; }})
      .then(function (now) {{ if (now !== built) location.reload(); }}, function () {{}});
  }}
  setInterval(check, 500);
  document.addEventListener("visibilitychange", check);
}})();
</script>
"#
    )
}

/// The panel that covers a page while the latest build is broken.
fn error_panel(error: &str, kept: bool) -> String {
    let kept = if kept {
        r#" Until then, wbl keeps serving the last good build. <button type="button" onclick="document.getElementById('wbl-error').remove()">Show the last good build</button>"#
    } else {
        ""
    };
    format!(
        r#"<div id="wbl-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:#fff;color:#1a1a1a;font:16px/1.5 system-ui,sans-serif">
<h1 style="margin-top:0;color:#a50e0e;font-size:1.5rem">wbl could not build the preview</h1>
<p>Fix the problem below and save the file; this page reloads by itself.{kept}</p>
<pre style="white-space:pre-wrap;overflow-wrap:anywhere;padding:1rem;background:#f5f5f5;border-left:4px solid #a50e0e;font:14px/1.45 ui-monospace,Menlo,Consolas,monospace">{}</pre>
</div>
"#,
        escape(error.trim_end())
    )
}

fn error_page(error: &str, token: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Build error · wbl serve</title>\n</head>\n<body>\n{}{}</body>\n</html>\n",
        error_panel(error, false),
        reload_script(token)
    )
}

/// A served page: the reload script, and the error panel over it while the
/// latest build is broken.
fn decorate(html: &str, token: &str, error: Option<&str>) -> String {
    let mut extra = String::new();
    if let Some(error) = error {
        extra.push_str(&error_panel(error, true));
    }
    extra.push_str(&reload_script(token));
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

fn listing(dir: &str, files: &BTreeMap<String, Arc<[u8]>>) -> String {
    let mut items = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in files.keys().filter_map(|k| k.strip_prefix(dir)) {
        let entry = match path.split_once('/') {
            Some((folder, _)) => format!("{folder}/"),
            None => path.to_string(),
        };
        if seen.insert(entry.clone()) {
            let href = escape(&entry);
            items.push_str(&format!("<li><a href=\"{href}\">{href}</a></li>\n"));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>/{0} · wbl serve</title>\n</head>\n<body>\n<main>\n<h1>/{0}</h1>\n<ul>\n{items}</ul>\n<p><a href=\"/site/\">The site</a></p>\n</main>\n</body>\n</html>\n",
        escape(dir)
    )
}

fn not_found(rel: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Not found · wbl serve</title>\n</head>\n<body>\n<main>\n<h1>Not found</h1>\n<p>The build has no <code>{}</code>.</p>\n<p><a href=\"/site/\">Go to the site</a></p>\n</main>\n</body>\n</html>\n",
        escape(rel)
    )
}

/// Opens `url` in the default browser; a failure only costs a message.
fn open_browser(url: &str, reporter: &Reporter) {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        // Reaped in the background so it does not linger as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => reporter.status(&format!("Could not open a browser; open {url} yourself.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths_and_refuses_climbing() {
        assert_eq!(
            percent_decode("/site/a%20b.png").as_deref(),
            Some("/site/a b.png")
        );
        assert_eq!(percent_decode("/site/%2e%2e/x"), None);
        assert_eq!(percent_decode("/../x"), None);
        assert_eq!(percent_decode("/bad%zz"), None);
    }

    #[test]
    fn decorates_before_the_end_of_the_body() {
        let html = decorate("<html><body><p>x</p></body></html>", "t-1", Some("error: <bad>"));
        let body_end = html.find("</body>").unwrap();
        assert!(html.find("wbl-error").unwrap() < body_end);
        assert!(html.find("var built = \"t-1\"").unwrap() < body_end);
        assert!(html.contains("error: &lt;bad&gt;"));
    }

    #[test]
    fn ignores_files_a_build_never_reads() {
        let roots = vec![(PathBuf::from("/r"), PathBuf::from("my-district"))];
        assert_eq!(
            relevant(&roots, Path::new("/r/district.toml")).as_deref(),
            Some("my-district/district.toml")
        );
        assert_eq!(relevant(&roots, Path::new("/r/.district.toml.swp")), None);
        assert_eq!(relevant(&roots, Path::new("/r/pages/a.md~")), None);
        assert_eq!(relevant(&roots, Path::new("/elsewhere/x")), None);
    }
}

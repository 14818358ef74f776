//! `wbl serve`: builds into memory, serves the site, handbook and handouts
//! on the local machine, and rebuilds when a toolkit or district file is
//! saved; open pages reload themselves.
//!
//! The reload script and the error panel are added to pages as they are
//! served, never to the build itself, so what `wbl adapt` writes is
//! unaffected.

use std::collections::{BTreeMap, hash_map::DefaultHasher};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use notify::{RecursiveMode, Watcher};

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

/// The longest request line and header line read, and the most header
/// bytes and lines: a browser's requests are far smaller, and anything
/// bigger is refused before it is read whole.
const MAX_LINE: usize = 8 * 1024;
const MAX_HEAD: usize = 32 * 1024;
const MAX_HEADERS: usize = 100;
/// Connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 64;
/// A client that sends nothing for this long is dropped.
const IDLE: Duration = Duration::from_secs(15);

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
    let listener = listen(args.bind, args.port)?;
    let addr = listener
        .local_addr()
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

    // Ctrl-C sets the flag, then wakes the accept loop with a connection
    // of its own.
    let stop = Arc::new(AtomicBool::new(false));
    let wake = SocketAddr::new(loopback_for(addr.ip()), addr.port());
    let stopping = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    })
    .context("could not listen for Ctrl-C")?;

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

    let hosts = Hosts {
        port: addr.port(),
        ip_literals: !args.bind.is_loopback(),
    };
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (state, active, hosts) = (Arc::clone(&state), Arc::clone(&active), hosts);
        std::thread::spawn(move || {
            serve_connection(stream, &state, hosts);
            active.fetch_sub(1, Ordering::SeqCst);
        });
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

fn listen(bind: IpAddr, port: Option<u16>) -> Result<TcpListener> {
    let ports: Vec<u16> = match port {
        Some(port) => vec![port],
        None => DEFAULT_PORTS.collect(),
    };
    let mut last = None;
    for port in &ports {
        let addr = SocketAddr::new(bind, *port);
        match TcpListener::bind(addr) {
            Ok(listener) => return Ok(listener),
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

/// The loopback address of `ip`'s family (for an unspecified bind
/// address, where the server is reachable on loopback too).
fn loopback_for(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) if !v4.is_unspecified() => ip,
        IpAddr::V6(v6) if !v6.is_unspecified() => ip,
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
    }
}

/// Which `Host` headers get an answer. A web page the coordinator visits
/// can make the browser send requests to the preview, and by pointing its
/// own domain name at 127.0.0.1 (DNS rebinding) read the answers; such
/// requests carry that domain name as their host, so only loopback names
/// (and, when listening on the network, plain IP addresses, which no
/// other site can use as its name) are served.
#[derive(Clone, Copy)]
struct Hosts {
    port: u16,
    ip_literals: bool,
}

impl Hosts {
    fn allows(self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name, Some(port)),
            _ => (host.as_str(), None),
        };
        let port_ok = match port {
            Some(p) => p.parse::<u16>() == Ok(self.port),
            None => self.port == 80,
        };
        if !port_ok {
            return false;
        }
        if matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
            return true;
        }
        self.ip_literals
            && (name.parse::<Ipv4Addr>().is_ok()
                || name
                    .strip_prefix('[')
                    .and_then(|n| n.strip_suffix(']'))
                    .is_some_and(|n| n.parse::<Ipv6Addr>().is_ok()))
    }
}

/// A request's head, read within the size limits.
struct RequestHead {
    method: String,
    target: String,
    host: Option<String>,
}

/// Why a request was not read.
enum Refusal {
    /// Status and message.
    Answer(u16, &'static str),
    /// The connection ended or stalled: nothing to answer.
    Gone,
}

/// One line, without its CRLF; `Err(true)` when it is too long.
fn read_line(reader: &mut impl BufRead, max: usize) -> std::result::Result<Vec<u8>, bool> {
    let mut line = Vec::new();
    let mut limited = reader.take(max as u64 + 2);
    match limited.read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => return Err(false),
        Ok(_) => {}
    }
    if !line.ends_with(b"\n") {
        return Err(line.len() > max);
    }
    line.pop();
    if line.ends_with(b"\r") {
        line.pop();
    }
    Ok(line)
}

fn read_head(reader: &mut impl BufRead) -> std::result::Result<RequestHead, Refusal> {
    let line = read_line(reader, MAX_LINE).map_err(|too_long| {
        if too_long {
            Refusal::Answer(414, "the request line is too long")
        } else {
            Refusal::Gone
        }
    })?;
    let line = String::from_utf8_lossy(&line).into_owned();
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Answer(400, "the request is not valid HTTP"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(Refusal::Answer(400, "the request is not valid HTTP"));
    }
    let mut host = None;
    let mut total = line.len();
    for n in 0.. {
        let header = read_line(reader, MAX_LINE).map_err(|too_long| {
            if too_long {
                Refusal::Answer(431, "a request header is too long")
            } else {
                Refusal::Gone
            }
        })?;
        if header.is_empty() {
            break;
        }
        total += header.len();
        if n >= MAX_HEADERS || total > MAX_HEAD {
            return Err(Refusal::Answer(431, "the request headers are too large"));
        }
        let header = String::from_utf8_lossy(&header);
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("host")
        {
            if host.is_some() {
                return Err(Refusal::Answer(400, "the request has two Host headers"));
            }
            host = Some(value.trim().to_string());
        }
    }
    Ok(RequestHead {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

/// Reads one request from `stream`, answers it and closes the connection.
fn serve_connection(stream: TcpStream, state: &Mutex<State>, hosts: Hosts) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_write_timeout(Some(IDLE));
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let (response, head) = match read_head(&mut reader) {
        Ok(head) => {
            let response = match &head.host {
                Some(host) if hosts.allows(host) => respond(&head.method, &head.target, state),
                Some(_) => text_response(403, "wbl serve answers only requests for localhost"),
                None => text_response(400, "the request has no Host header"),
            };
            (response, head.method == "HEAD")
        }
        Err(Refusal::Answer(status, message)) => {
            let _ = text_response(status, message).write_to(write_half, false);
            drain(reader.get_mut());
            return;
        }
        Err(Refusal::Gone) => return,
    };
    let _ = response.write_to(write_half, head);
}

/// After refusing a request still being sent, reads (and drops) what the
/// client sends for a moment: closing with unread data makes the client's
/// system discard the answer before the client reads it. Bounded in bytes
/// and time, and nothing is kept.
fn drain(stream: &mut TcpStream) {
    const MAX: usize = 64 << 20;
    let until = Instant::now() + Duration::from_secs(5);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buf = vec![0; 64 * 1024];
    let mut total = 0;
    while total < MAX && Instant::now() < until {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// An answer to a request.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Arc<[u8]>,
}

impl Response {
    fn write_to(&self, mut stream: TcpStream, head_only: bool) -> std::io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        stream.write_all(head.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()?;
        let _ = stream.shutdown(std::net::Shutdown::Write);
        Ok(())
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    }
}

fn respond(method: &str, target: &str, state: &Mutex<State>) -> Response {
    if !matches!(method, "GET" | "HEAD") {
        return text_response(405, "only GET and HEAD are served");
    }
    let url = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let (token, files, error) = {
        let state = state.lock().unwrap_or_else(|e| e.into_inner());
        (state.token(), state.files.clone(), state.error.clone())
    };
    if url == BUILD_PATH {
        return text_response(200, &token);
    }
    let Some(path) = percent_decode(&url) else {
        return text_response(400, "the address is not valid");
    };
    let Some(files) = files else {
        // No good build yet: every page is the error page.
        let html = error_page(
            error.as_deref().unwrap_or("The first build is still running."),
            &token,
        );
        return html_response(500, html);
    };
    let rel = path.trim_start_matches('/');
    if rel.is_empty() {
        return redirect("/site/");
    }
    let is_folder = |dir: &str| files.keys().any(|k| k.starts_with(dir));
    let file = if rel.ends_with('/') {
        files.get(&format!("{rel}index.html"))
    } else {
        files.get(rel)
    };
    match file {
        Some(bytes) => {
            let name = if rel.ends_with('/') { "index.html" } else { rel };
            if name.ends_with(".html") {
                let html = String::from_utf8_lossy(bytes);
                html_response(200, decorate(&html, &token, error.as_deref()))
            } else {
                Response {
                    status: 200,
                    headers: vec![("Content-Type", content_type(name).to_string())],
                    body: Arc::clone(bytes),
                }
            }
        }
        None if !rel.ends_with('/') && is_folder(&format!("{rel}/")) => redirect(&format!("/{rel}/")),
        None if rel.ends_with('/') && is_folder(rel) => {
            html_response(200, decorate(&listing(rel, &files), &token, error.as_deref()))
        }
        None => html_response(404, decorate(&not_found(rel), &token, error.as_deref())),
    }
}

fn text_response(status: u16, text: &str) -> Response {
    Response {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".to_string())],
        body: Arc::from(text.as_bytes()),
    }
}

fn html_response(status: u16, html: String) -> Response {
    Response {
        status,
        headers: vec![("Content-Type", "text/html; charset=utf-8".to_string())],
        body: Arc::from(html.into_bytes()),
    }
}

fn redirect(to: &str) -> Response {
    Response {
        status: 302,
        headers: vec![("Location", to.to_string())],
        body: Arc::from(&b""[..]),
    }
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
    fn answers_only_loopback_hosts_on_its_port() {
        let local = Hosts {
            port: 3000,
            ip_literals: false,
        };
        for ok in ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LocalHost:3000"] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:3000",
            "localhost.evil.example:3000",
            "localhost:3001",
            "localhost",
            "192.168.1.5:3000",
            "127.0.0.1:3000@evil",
            "",
        ] {
            assert!(!local.allows(bad), "{bad}");
        }
        let network = Hosts {
            port: 3000,
            ip_literals: true,
        };
        assert!(network.allows("192.168.1.5:3000"));
        assert!(network.allows("[fe80::1]:3000"));
        assert!(!network.allows("evil.example:3000"));
    }

    #[test]
    fn reads_heads_within_limits() {
        let head = read_head(&mut "GET /site/ HTTP/1.1\r\nHost: localhost:3000\r\n\r\n".as_bytes())
            .ok()
            .unwrap();
        assert_eq!((head.method.as_str(), head.target.as_str()), ("GET", "/site/"));
        assert_eq!(head.host.as_deref(), Some("localhost:3000"));
        let status = |request: &str| match read_head(&mut request.as_bytes()) {
            Ok(_) => 0,
            Err(Refusal::Answer(status, _)) => status,
            Err(Refusal::Gone) => 1,
        };
        assert_eq!(
            status(&format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE))),
            414
        );
        assert_eq!(
            status(&format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_LINE))),
            431
        );
        // The connection ends before the head does.
        assert_eq!(status("GET / HTTP/1.1\r\n"), 1);
        assert_eq!(
            status(&format!(
                "GET / HTTP/1.1\r\n{}\r\n",
                "X: y\r\n".repeat(MAX_HEADERS + 1)
            )),
            431
        );
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
        assert_eq!(status("NONSENSE\r\n\r\n"), 400);
    }

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

//! `wbl serve`: a real server on a free port, fetched with plain HTTP
//! requests while the district folder is edited. Waits poll for the
//! expected state with a generous limit; nothing depends on timing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::helper::Fixture;

const PATIENCE: Duration = Duration::from_secs(60);

/// A running `wbl serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: mpsc::Receiver<String>,
    log: String,
}

impl Server {
    fn start(fx: &Fixture, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wbl"))
            .current_dir(fx.path(""))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wbl serve starts");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        // Drained all along, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            stderr: rx,
            log: String::new(),
        };
        let line = server.wait_for_line("http://127.0.0.1:");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in `{line}`"));
        server.port = port;
        server
    }

    /// Waits for a line of stderr containing `needle`.
    fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.log.push_str(&line);
                    self.log.push('\n');
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("wbl serve never printed `{needle}`; it printed:\n{}", self.log),
            }
        }
    }

    fn get(&self, path: &str) -> (u16, String) {
        get(self.port, path)
    }

    /// Fetches `path` until `ok` accepts the response.
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let (status, body) = self.get(path);
            if ok(status, &body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never showed {what}; last:\n{status}\n{body}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server as Ctrl-C would and returns its exit code.
    fn interrupt(mut self) -> Option<i32> {
        #[cfg(unix)]
        {
            let sent = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if sent {
                let deadline = Instant::now() + PATIENCE;
                while Instant::now() < deadline {
                    if let Some(status) = self.child.try_wait().unwrap() {
                        return status.code();
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET; returns the status and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Sends `request` as it is; returns the status and the body.
fn raw(port: u16, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    // The server may answer (and close) before it has read everything.
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").expect("a complete response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    (status, body.to_string())
}

#[test]
fn serve_rebuilds_on_save_and_shows_errors_until_fixed() {
    let fx = Fixture::with_toolkit();
    fx.wbl(&[
        "init",
        "district",
        "d",
        "--toolkit",
        "toolkit",
        "--name",
        "Lake County Schools",
    ])
    .success();
    let mut server = Server::start(&fx, &["--toolkit", "toolkit", "--district", "d"]);

    let (status, _) = server.get("/");
    assert_eq!(status, 302);
    let (status, index) = server.get("/site/");
    assert_eq!(status, 200);
    assert!(index.contains("Lake County Schools"));
    assert!(index.contains("/__wbl/build"), "the reload script is served");
    let (status, _) = server.get("/print/handbook.html");
    assert_eq!(status, 200);
    let (status, _) = server.get("/handouts/forms.html");
    assert_eq!(status, 200);
    let (status, listing) = server.get("/handouts/");
    assert_eq!(status, 200);
    assert!(listing.contains("forms.html"));
    let (status, _) = server.get("/site/nope.html");
    assert_eq!(status, 404);
    let (status, _) = server.get("/site/%2e%2e/toolkit/toolkit.toml");
    assert_eq!(status, 400);
    let (_, first) = server.get("/__wbl/build");

    // An edit shows without a manual reload: the build token changes and
    // the page has the new text.
    let toml = fx.read("d/district.toml");
    fx.write(
        "d/district.toml",
        &toml.replace(
            "name = \"Lake County Schools\"",
            "name = \"Lake County Public Schools\"",
        ),
    );
    server.wait_for("/site/index.html", "the new name", |_, body| {
        body.contains("Lake County Public Schools")
    });
    let (_, second) = server.get("/__wbl/build");
    assert_ne!(first, second);

    // A syntax error: the terminal and every page show it, over the last
    // good build.
    fx.write("d/district.toml", &format!("{toml}\n[vars\n"));
    let page = server.wait_for("/site/safety.html", "the error", |status, body| {
        status == 200 && body.contains("id=\"wbl-error\"")
    });
    assert!(page.contains("d/district.toml:"), "{page}");
    assert!(
        page.contains("Lake County Public Schools"),
        "the last good build stays served"
    );
    server.wait_for_line("district.toml:");
    let (status, css) = server.get("/site/wbl.css");
    assert_eq!(status, 200);
    assert!(!css.is_empty());
    let (_, third) = server.get("/__wbl/build");
    assert_ne!(second, third);

    // Fixed: the error goes, the fix shows.
    fx.write(
        "d/district.toml",
        &toml.replace("Lake County Schools", "Lake County Fixed Schools"),
    );
    server.wait_for("/site/safety.html", "the fix", |status, body| {
        status == 200 && !body.contains("wbl-error") && body.contains("Lake County Fixed Schools")
    });

    if cfg!(unix) {
        assert_eq!(server.interrupt(), Some(0), "Ctrl-C stops wbl serve cleanly");
    }
}

#[test]
fn serve_shows_an_error_page_when_the_first_build_fails() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"d\"\nname = \"Broken\"\n[vars]\nplatfrom = \"Teams\"\n",
    );
    let server = Server::start(&fx, &["--toolkit", "toolkit", "--district", "d"]);
    let (status, page) = server.get("/site/");
    assert_eq!(status, 500);
    assert!(page.contains("platfrom"), "{page}");
    assert!(page.contains("/__wbl/build"), "the error page reloads itself");

    fx.write(
        "d/district.toml",
        "[district]\nid = \"d\"\nname = \"Mended\"\n[vars]\nplatform = \"Teams\"\n",
    );
    server.wait_for("/site/", "the mended site", |status, body| {
        status == 200 && body.contains("Mended")
    });
}

#[test]
fn serve_answers_only_localhost_and_bounds_what_it_reads() {
    let fx = Fixture::with_toolkit();
    let server = Server::start(&fx, &["--toolkit", "toolkit"]);
    let port = server.port;
    let request = |host: &str| {
        raw(
            port,
            format!("GET /site/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    assert_eq!(request(&format!("localhost:{port}")).0, 200);
    assert_eq!(request(&format!("[::1]:{port}")).0, 200);
    // DNS rebinding: a site's own name pointed at 127.0.0.1.
    let (status, body) = request(&format!("evil.example:{port}"));
    assert_eq!(status, 403);
    assert!(!body.contains("Mini Toolkit"));
    assert_eq!(request(&format!("localhost:{}", port.wrapping_add(1))).0, 403);
    assert_eq!(
        raw(port, b"GET /site/ HTTP/1.1\r\nConnection: close\r\n\r\n").0,
        400,
        "no Host header"
    );

    // A 20 MB request line is refused, not read whole.
    let mut huge = b"GET /".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 20 << 20));
    huge.extend_from_slice(format!(" HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes());
    assert_eq!(raw(port, &huge).0, 414);
    let mut headers = format!("GET /site/ HTTP/1.1\r\nHost: localhost:{port}\r\n");
    for i in 0..5000 {
        headers.push_str(&format!("X-Filler-{i}: {}\r\n", "b".repeat(100)));
    }
    headers.push_str("\r\n");
    assert_eq!(raw(port, headers.as_bytes()).0, 431);
    // And it still serves.
    assert_eq!(server.get("/site/").0, 200);
}

#[test]
fn serve_refuses_a_missing_folder() {
    let fx = Fixture::new();
    let run = fx.wbl(&["serve", "--district", "nope", "--port", "0"]);
    run.failure();
    assert!(run.stderr.contains("`nope` is not a folder"), "{}", run.stderr);
}

#[test]
fn serve_prints_a_warning_once_until_it_changes() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"pale\"\nname = \"Pale USD\"\ncolor = \"#ffff99\"\n",
    );
    let mut server = Server::start(&fx, &["--toolkit", "toolkit", "--district", "d"]);
    server.wait_for_line("Watching");
    // A save that leaves the warning as it was does not print it again.
    fx.write(
        "d/district.toml",
        "[district]\nid = \"pale\"\nname = \"Pale Unified\"\ncolor = \"#ffff99\"\n",
    );
    server.wait_for_line("Rebuilt after a change to");
    assert_eq!(
        server.log.matches("warning[low-contrast]: white text").count(),
        1,
        "{}",
        server.log
    );
    // A save that changes it prints the new one.
    fx.write(
        "d/district.toml",
        "[district]\nid = \"pale\"\nname = \"Pale Unified\"\ncolor = \"#ffff66\"\n",
    );
    server.wait_for_line("Rebuilt after a change to");
    assert_eq!(
        server.log.matches("warning[low-contrast]: white text").count(),
        2,
        "{}",
        server.log
    );
    assert!(server.log.contains("#ffff66"), "{}", server.log);
}

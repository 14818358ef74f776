//! Nothing lost, nothing injected, nothing unbounded: the output folder's
//! rules under faults (a kill, Ctrl-C, a read-only folder), publish as a
//! faithful release, district text that tries to become active content,
//! work without bounds, and names some systems cannot hold.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helper::{Fixture, Run};

/// How long a test waits for a process to reach the point it needs:
/// generous, and only ever waited out when something is broken.
const PATIENCE: Duration = Duration::from_secs(60);

/// A district with a section override, so `adapt` writes a wbl.lock.
fn with_district() -> Fixture {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"lake\"\nname = \"Lake County Schools\"\n\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\ntext = \"CALL-THE-OFFICE\"\n",
    );
    fx
}

/// Adds an override the lock does not record yet, so the next `adapt`
/// writes wbl.lock again.
fn add_override(fx: &Fixture) {
    let toml = fx.read("d/district.toml");
    fx.write(
        "d/district.toml",
        &format!("{toml}\n[[sections]]\ntarget = \"intro#overview\"\naction = \"append\"\ntext = \"MORE\"\n"),
    );
}

/// Files in the district folder that a staged wbl.lock would be.
fn staged_locks(fx: &Fixture) -> Vec<String> {
    std::fs::read_dir(fx.path("d"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".wbl.lock."))
        .collect()
}

/// Entries beside `out` that wbl's staging folders would be.
fn staging_folders(fx: &Fixture) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fx.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".wbl-new-") || n.contains(".wbl-old-"))
        .collect();
    names.sort();
    names
}

#[test]
fn an_out_holding_the_sources_is_refused_and_nothing_is_deleted() {
    let fx = with_district();
    fx.adapt(Some("d")).success();
    // The district moved into the previous output.
    std::fs::rename(fx.path("d"), fx.path("out/d")).unwrap();
    let before = fx.tree("out");
    let run = fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "out/d",
        "--out",
        "out",
    ]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[io]: `out` holds the district folder `out/d`; wbl replaces its output folder entirely, so choose an --out outside your sources"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(fx.tree("out"), before, "nothing in OUT changed");

    // The toolkit, the current folder, and a districts folder likewise.
    std::fs::rename(fx.path("out/d"), fx.path("d")).unwrap();
    std::fs::rename(fx.path("toolkit"), fx.path("out/toolkit")).unwrap();
    let run = fx.wbl(&["adapt", "--toolkit", "out/toolkit", "--out", "out"]);
    run.failure();
    assert!(
        run.stderr.contains("holds the toolkit folder `out/toolkit`"),
        "{}",
        run.stderr
    );
    std::fs::rename(fx.path("out/toolkit"), fx.path("toolkit")).unwrap();
    let run = fx.wbl(&["adapt", "--out", "."]);
    run.failure();
    assert!(
        run.stderr.contains("error[io]: `.` is the current folder `"),
        "{}",
        run.stderr
    );
    assert!(fx.exists("toolkit/toolkit.toml") && fx.exists("d/district.toml"));

    fx.write(
        "rel/districts/a/district.toml",
        "[district]\nid = \"a\"\nname = \"A\"\n",
    );
    let run = fx.wbl(&[
        "publish",
        "--toolkit",
        "toolkit",
        "--districts",
        "rel/districts",
        "--out",
        "rel",
    ]);
    run.failure();
    assert!(
        run.stderr
            .contains("`rel` holds the districts folder `rel/districts`"),
        "{}",
        run.stderr
    );
    assert!(fx.exists("rel/districts/a/district.toml"));
}

#[test]
fn files_wbl_did_not_write_are_never_deleted() {
    let fx = with_district();
    fx.adapt(Some("d")).success();
    let marker = fx.read("out/.wbl-output");
    assert!(marker.starts_with("wbl-output 2\n"), "{marker}");
    assert!(
        marker.contains("\nsite/index.html\n"),
        "the marker lists what was written"
    );

    fx.write("out/site/my-notes.txt", "mine");
    fx.write("out/extra/plan.docx", "mine too");
    let before = fx.tree("out");
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains(
            "error[io]: `out` holds files wbl did not write: `out/extra`, `out/extra/plan.docx`, `out/site/my-notes.txt`; wbl replaces its output folder entirely, so move them elsewhere (or choose another --out) and run again"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(fx.tree("out"), before);

    std::fs::remove_file(fx.path("out/site/my-notes.txt")).unwrap();
    std::fs::remove_dir_all(fx.path("out/extra")).unwrap();
    fx.adapt(Some("d")).success();
    assert!(staging_folders(&fx).is_empty());
}

#[test]
fn an_unwritable_lock_leaves_out_as_it_was() {
    let fx = with_district();
    fx.adapt(Some("d")).success();
    let before = fx.tree("out");
    // A new override, so the lock must be written again; but wbl.lock
    // cannot be replaced: a folder stands in its place.
    std::fs::remove_file(fx.path("d/wbl.lock")).unwrap();
    std::fs::create_dir(fx.path("d/wbl.lock")).unwrap();
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains("`d/wbl.lock` is not a file"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.tree("out"), before);
    assert!(staging_folders(&fx).is_empty());
}

/// Makes `dir` read-only for this process, even as root (with the
/// immutable attribute); `None` where the system allows neither.
#[cfg(unix)]
fn read_only(dir: &Path) -> Option<ReadOnly> {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".probe");
    let writable = || {
        let ok = std::fs::write(&probe, "x").is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if !writable() {
        return Some(ReadOnly {
            dir: dir.to_path_buf(),
            immutable: false,
        });
    }
    let immutable = Command::new("chattr")
        .arg("+i")
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if immutable && !writable() {
        return Some(ReadOnly {
            dir: dir.to_path_buf(),
            immutable: true,
        });
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    None
}

#[cfg(unix)]
struct ReadOnly {
    dir: std::path::PathBuf,
    immutable: bool,
}

#[cfg(unix)]
impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").arg(&self.dir).status();
        }
        let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_district_folder_leaves_out_as_it_was() {
    let fx = with_district();
    fx.adapt(Some("d")).success();
    let before = fx.tree("out");
    let lock = fx.read("d/wbl.lock");
    // A second override: its upstream text must be recorded.
    add_override(&fx);
    let Some(_guard) = read_only(&fx.path("d")) else {
        eprintln!("skipped: this system lets the test write to any folder");
        return;
    };
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains("could not write `d/wbl.lock`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was written; `out` is unchanged"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.tree("out"), before, "OUT was not replaced");
    assert_eq!(fx.read("d/wbl.lock"), lock);
    assert!(staging_folders(&fx).is_empty());
}

/// A stand-in for Chromium that says where it is, then hangs: `adapt
/// --pdf` stops with its staging folder full, waiting for it.
#[cfg(unix)]
fn hanging_browser(fx: &Fixture) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = fx.path("fake-chromium");
    let pid_file = fx.path("browser.pid");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho $$ > '{}.tmp'\nmv '{0}.tmp' '{0}'\nexec sleep 600\n",
            pid_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Starts `wbl adapt --pdf` with the hanging browser and waits until it
/// prints; returns the run and the browser's pid.
#[cfg(unix)]
fn adapt_until_printing(fx: &Fixture) -> (std::process::Child, String) {
    let browser = hanging_browser(fx);
    let child = Command::new(env!("CARGO_BIN_EXE_wbl"))
        .current_dir(fx.path(""))
        .args([
            "adapt",
            "--toolkit",
            "toolkit",
            "--district",
            "d",
            "--out",
            "out",
            "--pdf",
        ])
        .env("WBL_BROWSER", &browser)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while !fx.exists("browser.pid") {
        assert!(Instant::now() < deadline, "the browser never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, fx.read("browser.pid").trim().to_string())
}

#[cfg(unix)]
fn signal(signal: &str, pid: &str) {
    assert!(
        Command::new("kill")
            .args([signal, pid])
            .status()
            .unwrap()
            .success()
    );
}

#[cfg(unix)]
fn finish(mut child: std::process::Child) -> Run {
    use std::io::Read;
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr,
    }
}

#[cfg(unix)]
#[test]
fn a_killed_run_leaves_out_whole_and_the_next_run_cleans_up() {
    use std::os::unix::process::ExitStatusExt;
    let fx = with_district();
    fx.adapt(Some("d")).success();
    let before = fx.tree("out");
    let lock = fx.read("d/wbl.lock");
    add_override(&fx);

    let (mut child, browser) = adapt_until_printing(&fx);
    // Every page is rendered and the PDFs are being printed, in a scratch
    // folder, before OUT's staging folder or the new lock exist.
    signal("-KILL", &child.id().to_string());
    let status = child.wait().unwrap();
    signal("-KILL", &browser);
    assert_eq!(status.signal(), Some(9));
    assert_eq!(fx.tree("out"), before, "OUT is the previous build, whole");
    assert_eq!(fx.read("d/wbl.lock"), lock, "the lock is replaced only with OUT");
    assert!(staging_folders(&fx).is_empty(), "{:?}", staging_folders(&fx));
    assert!(staged_locks(&fx).is_empty());

    let run = fx.adapt(Some("d"));
    run.success();
    assert!(staging_folders(&fx).is_empty());
    assert!(staged_locks(&fx).is_empty());
    assert!(fx.read("d/wbl.lock").contains("target = \"intro#overview\""));
}

#[cfg(unix)]
#[test]
fn ctrl_c_removes_the_unfinished_output() {
    let fx = with_district();
    fx.adapt(Some("d")).success();
    let before = fx.tree("out");
    let lock = fx.read("d/wbl.lock");
    add_override(&fx);

    let (child, browser) = adapt_until_printing(&fx);
    signal("-INT", &child.id().to_string());
    let run = finish(child);
    signal("-KILL", &browser);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    assert!(staging_folders(&fx).is_empty(), "{:?}", staging_folders(&fx));
    assert_eq!(fx.tree("out"), before);
    assert!(staged_locks(&fx).is_empty(), "{:?}", staged_locks(&fx));
    assert_eq!(fx.read("d/wbl.lock"), lock);
}

#[cfg(unix)]
#[test]
fn a_linked_out_is_written_through_and_stays_a_link() {
    let fx = with_district();
    std::fs::create_dir(fx.path("real-out")).unwrap();
    std::os::unix::fs::symlink("real-out", fx.path("out")).unwrap();
    fx.adapt(Some("d")).success();
    fx.adapt(Some("d")).success();
    assert!(
        std::fs::symlink_metadata(fx.path("out"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fx.exists("real-out/site/index.html"));

    std::os::unix::fs::symlink("nowhere", fx.path("dangling")).unwrap();
    let run = fx.wbl(&["adapt", "--toolkit", "toolkit", "--out", "dangling"]);
    run.failure();
    assert!(
        run.stderr
            .contains("`dangling` is a link to `nowhere`, which does not exist"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::symlink_metadata(fx.path("dangling"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

fn release(fx: &Fixture, districts: &[(&str, &str)]) {
    for (folder, id) in districts {
        fx.write(
            &format!("districts/{folder}/district.toml"),
            &format!("[district]\nid = \"{id}\"\nname = \"District {folder}\"\n"),
        );
    }
}

fn publish(fx: &Fixture, extra: &[&str]) -> Run {
    let mut args = vec![
        "publish",
        "--toolkit",
        "toolkit",
        "--districts",
        "districts",
        "--out",
        "rel",
    ];
    args.extend(extra);
    fx.wbl(&args)
}

#[test]
fn a_failed_publish_keeps_the_previous_release() {
    let fx = Fixture::with_toolkit();
    release(&fx, &[("a", "a"), ("b", "b"), ("c", "c")]);
    publish(&fx, &[]).success();
    let before = fx.tree("rel");

    fx.write(
        "districts/b/district.toml",
        "[district]\nid = \"b\"\nname = \"B\"\n[vars]\nplatfrom = \"x\"\n",
    );
    let run = publish(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "1 district failed:\n  b: unknown variable `vars.platfrom` (districts/b/district.toml:5)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was published; `rel` is unchanged"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.tree("rel"), before, "the previous release is whole");
    assert!(staging_folders(&fx).is_empty());
}

#[test]
fn duplicate_district_ids_are_an_error_naming_both_folders() {
    let fx = Fixture::with_toolkit();
    release(&fx, &[("a", "same"), ("b", "other"), ("c", "same")]);
    let run = publish(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[duplicate-district]: the district id `same` is used by `districts/a` and `districts/c`"
        ),
        "{}",
        run.stderr
    );
    assert!(!fx.exists("rel"));
}

#[test]
fn a_release_lists_each_bundle_once_and_verifies_with_sha256sum() {
    let fx = Fixture::with_toolkit();
    release(&fx, &[("a", "a"), ("b", "b"), ("c", "c")]);
    // More jobs than bundles: capped to the work there is.
    publish(&fx, &["--jobs", "65535"]).success();
    let sums = fx.read("rel/SHA256SUMS");
    // Each bundle once, each followed by its two LMS cartridges.
    let names: Vec<&str> = sums
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .filter(|n| n.ends_with(".zip"))
        .collect();
    assert_eq!(
        names,
        [
            "a-mini-1.2.3.zip",
            "b-mini-1.2.3.zip",
            "c-mini-1.2.3.zip",
            "mini-1.2.3.zip"
        ]
    );
    let mut all: Vec<&str> = sums.lines().map(|l| l.split_once("  ").unwrap().1).collect();
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "a file is listed twice:\n{sums}");
    assert_eq!(count, 12);
    let release: serde_json::Value = serde_json::from_str(&fx.read("rel/release.json")).unwrap();
    let files: Vec<&str> = release["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["bundle"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["a-mini-1.2.3.zip", "b-mini-1.2.3.zip", "c-mini-1.2.3.zip"]
    );
    if let Ok(out) = Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(fx.path("rel"))
        .output()
    {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }
}

fn check(fx: &Fixture, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--toolkit", "toolkit", "--district", "d"];
    args.extend(extra);
    fx.wbl(&args)
}

#[test]
fn district_urls_must_be_web_mail_or_phone_links() {
    for (website, problem) in [
        ("javascript:alert(1)", "is a `javascript:` link"),
        ("JaVaScRiPt:alert(1)", "is a `javascript:` link"),
        (
            "  javascript:alert(1)",
            "starts with a space or an invisible character",
        ),
        ("data:text/html,<script>alert(1)</script>", "is a `data:` link"),
        ("vbscript:msgbox(1)", "is a `vbscript:` link"),
        ("file:///etc/passwd", "is a `file:` link"),
    ] {
        let fx = Fixture::with_toolkit();
        fx.write(
            "d/district.toml",
            &format!(
                "[district]\nid = \"d\"\nname = \"D\"\n\n[[partners]]\nname = \"Acme\"\nwebsite = \"{website}\"\n"
            ),
        );
        let run = check(&fx, &[]);
        run.failure();
        assert!(
            run.stderr.contains(&format!(
                "error[unsafe-url]: the partner `website` `{website}` {problem}"
            )),
            "{website}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("--> d/district.toml:7:11"), "{}", run.stderr);
        fx.adapt(Some("d")).failure();
        assert!(!fx.exists("out"));
    }
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"d\"\nname = \"D\"\nwebsite = \"https://www.lake.example/\"\n\n[[partners]]\nname = \"Acme\"\nwebsite = \"http://acme.example\"\n\n[[contacts]]\nname = \"Ana\"\nemail = \"ana@lake.example\"\n",
    );
    check(&fx, &["--deny-warnings"]).success();
}

#[test]
fn district_text_never_becomes_active_content() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"d\"\nname = \"D\"\n\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\ntext = \"\"\"\nCall us.<script>alert(1)</script>\n\n<script src=\"https://evil.example/x.js\"></script>\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n<img src=x onerror=alert(2)>\n\n<div class=\"note\" onclick=\"alert(3)\">KEPT-TEXT</div>\n\"\"\"\n",
    );
    fx.write(
        "d/pages/local.md",
        "+++\ntitle = \"Local rules\"\npart = \"one\"\n+++\n\n<SCRIPT>alert(4)</SCRIPT>\n\n<p style=\"background:url(https://t.example/p.png)\">LOCAL-TEXT</p>\n",
    );
    let run = check(&fx, &[]);
    run.success();
    for removed in [
        "warning[raw-html]: raw HTML removed from the page: `<script>` and its content",
        "warning[raw-html]: raw HTML removed from the page: `<iframe>` and its content",
        "warning[raw-html]: raw HTML removed from the page: `<img>`",
        "warning[raw-html]: raw HTML removed from the page: the event handler `onclick` of `<div>`",
        "warning[raw-html]: raw HTML removed from the page: the `style` attribute of `<p>`",
    ] {
        assert!(run.stderr.contains(removed), "{removed}:\n{}", run.stderr);
    }
    assert!(run.stderr.contains("--> d/pages/local.md:6:1"), "{}", run.stderr);
    check(&fx, &["--deny-warnings"]).failure();

    fx.adapt(Some("d")).success();
    for (path, bytes) in fx.tree("out") {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        for bad in [
            "alert(",
            "evil.example",
            "t.example",
            "<iframe",
            "onerror",
            "onclick",
        ] {
            assert!(!html.contains(bad), "{path} holds `{bad}`");
        }
    }
    assert!(
        fx.main_of("safety")
            .contains("<div class=\"note\">KEPT-TEXT</div>")
    );
    assert!(fx.main_of("local").contains("<p>LOCAL-TEXT</p>"));
}

#[test]
fn page_links_must_be_web_mail_or_phone_links() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    fx.write(
        "d/pages/local.md",
        "+++\ntitle = \"Local\"\npart = \"one\"\n+++\n\nSee [the rules](JavaScript:alert(1)) and [mail](mailto:wbl@lake.example).\n",
    );
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[unsafe-url]: link to `JavaScript:alert(1)`: only `https:`, `http:`, `mailto:` and `tel:` links are allowed"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> d/pages/local.md:6:17"), "{}", run.stderr);
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

#[test]
fn a_logo_or_image_must_be_the_type_its_name_says() {
    let fx = Fixture::with_toolkit();
    let district = |logo: &str| format!("[district]\nid = \"d\"\nname = \"D\"\nlogo = \"{logo}\"\n");
    fx.write_bytes("d/assets/logo.png", PNG);
    fx.write("d/district.toml", &district("assets/logo.png"));
    check(&fx, &["--deny-warnings"]).success();

    fx.write("d/assets/logo.png", "<html><script>alert(1)</script></html>");
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr
            .contains("error[bad-image]: `logo.png` is named as a PNG image but is not an image"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> d/district.toml:4:8"), "{}", run.stderr);

    fx.write("d/district.toml", &district("district.toml"));
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr
            .contains("error[bad-image]: the logo `district.toml` is not named as an image"),
        "{}",
        run.stderr
    );

    fx.write(
        "d/assets/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect onload=\"alert(1)\"/></svg>",
    );
    fx.write_bytes("d/assets/logo.png", PNG);
    fx.write("d/district.toml", &district("assets/logo.svg"));
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr
            .contains("error[bad-image]: the SVG image `logo.svg` holds an event handler"),
        "{}",
        run.stderr
    );

    // Any image in assets/, not only the logo.
    fx.write("d/district.toml", &district("assets/logo.png"));
    std::fs::remove_file(fx.path("d/assets/logo.svg")).unwrap();
    fx.write_bytes("d/assets/map.jpg", PNG);
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[bad-image]: `map.jpg` is named as a JPEG image but is a PNG image\n --> d/assets/map.jpg"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn nested_loops_in_a_page_stop_with_an_error_naming_the_page() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    fx.write(
        "d/pages/busy.md",
        "+++\ntitle = \"Busy\"\npart = \"one\"\n+++\n\nText.\n\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}\n",
    );
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains(
            "error[template-limit]: page `busy` does more work than wbl allows: its loops ran more than 1,000,000 times"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> d/pages/busy.md:8:"), "{}", run.stderr);
    check(&fx, &[]).failure();

    fx.write(
        "d/pages/busy.md",
        "+++\ntitle = \"Busy\"\npart = \"one\"\n+++\n\n{% macro x() %}a{% endmacro x %}\n",
    );
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[template-limit]: `{% macro %}` is not available in page text\n --> d/pages/busy.md:6:1"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn many_identical_headings_get_numbered_ids() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    fx.write(
        "d/pages/same.md",
        &format!(
            "+++\ntitle = \"Same\"\npart = \"one\"\n+++\n\n{}",
            "## Same\n\nText.\n\n".repeat(20_000)
        ),
    );
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--out",
        "out",
        "--format",
        "site",
    ])
    .success();
    let page = fx.read("out/site/same.html");
    assert!(page.contains("id=\"same\""));
    assert!(page.contains("id=\"same-19999\""));
    assert!(!page.contains("id=\"same-20000\""));
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_a_section_or_page_is_an_error_not_a_hang() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"d\"\nname = \"D\"\n\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\nfile = \"sections/pipe.md\"\n",
    );
    std::fs::create_dir_all(fx.path("d/sections")).unwrap();
    let mkfifo = |path: &Path| assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
    mkfifo(&fx.path("d/sections/pipe.md"));
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[unreadable-file]: could not read `d/sections/pipe.md`: it is not a plain file (a named pipe, socket or device); wbl reads only plain files"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> d/district.toml:8:8"), "{}", run.stderr);

    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    std::fs::create_dir_all(fx.path("d/pages")).unwrap();
    mkfifo(&fx.path("d/pages/pipe.md"));
    let run = check(&fx, &[]);
    run.failure();
    assert!(run.stderr.contains("d/pages/pipe.md"), "{}", run.stderr);
    assert!(run.stderr.contains("it is not a plain file"), "{}", run.stderr);
}

#[test]
fn names_windows_or_macos_cannot_hold_are_errors() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    fx.write_bytes("d/assets/Pic.png", PNG);
    fx.write_bytes("d/assets/pic.png", PNG);
    fx.write_bytes("d/assets/aux.png", PNG);
    fx.write(
        "d/pages/con.md",
        "+++\ntitle = \"Con\"\npart = \"one\"\n+++\n\nText.\n",
    );
    let run = check(&fx, &[]);
    run.failure();
    for expected in [
        "error[bad-file-name]: `d/assets/pic.png` and `d/assets/Pic.png` differ only by case\n --> d/assets/pic.png",
        "error[bad-file-name]: `d/assets/aux.png` is a name Windows reserves for a device (`AUX`), whatever the extension",
        "error[bad-file-name]: `d/pages/con.md` is a name Windows reserves for a device (`CON`), whatever the extension",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    let adapt = fx.adapt(Some("d"));
    adapt.failure();
    assert!(
        adapt.stderr.contains("differ only by case"),
        "check and adapt agree"
    );

    // A district's file and the toolkit's, which both go into `assets/`.
    let fx = Fixture::with_toolkit();
    fx.write_bytes("toolkit/assets/map.png", PNG);
    fx.write_bytes("d/assets/Map.png", PNG);
    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    for run in [check(&fx, &[]), fx.adapt(Some("d"))] {
        run.failure();
        assert!(
            run.stderr
                .contains("error[bad-file-name]: `d/assets/Map.png` and the toolkit's `assets/map.png` differ only by case"),
            "{}",
            run.stderr
        );
    }

    // In a toolkit too.
    let fx = Fixture::with_toolkit();
    fx.write("toolkit/assets/NUL.txt", "x");
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr
            .contains("`toolkit/assets/NUL.txt` is a name Windows reserves"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_catches_what_adapt_would_refuse() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", "[district]\nid = \"d\"\nname = \"D\"\n");
    fx.write(
        "d/pages/index.md",
        "+++\ntitle = \"Home\"\npart = \"one\"\n+++\n\nText.\n",
    );
    for run in [check(&fx, &[]), fx.adapt(Some("d"))] {
        run.failure();
        assert!(
            run.stderr.contains(
                "error[invalid-id]: the page id `index` is taken by a page wbl writes itself (`site/index.html`)\n --> d/pages/index.md:1:1"
            ),
            "{}",
            run.stderr
        );
    }
    std::fs::remove_file(fx.path("d/pages/index.md")).unwrap();

    let long = "a".repeat(300);
    fx.write(
        "d/district.toml",
        &format!("[district]\nid = \"{long}\"\nname = \"D\"\n"),
    );
    for run in [check(&fx, &[]), fx.adapt(Some("d"))] {
        run.failure();
        assert!(
            run.stderr.contains(
                "error[invalid-id]: the district id is 300 characters long; it becomes part of file names, so keep it to 100\n --> d/district.toml:2:6"
            ),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_damaged_or_newer_lock_gets_messages_about_the_lock() {
    let fx = with_district();
    fx.adapt(Some("d")).success();
    let lock = fx.read("d/wbl.lock");

    fx.write("d/wbl.lock", "");
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains("error[bad-lock]: `d/wbl.lock` is empty"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("wbl.lock is written by wbl, and this one is damaged"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("toolkit.toml"), "{}", run.stderr);

    fx.write("d/wbl.lock", &lock[..lock.len() * 2 / 3]);
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains("error[bad-lock]: wbl.lock cannot be read: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> d/wbl.lock:"), "{}", run.stderr);

    fx.write(
        "d/wbl.lock",
        &lock.replace("version = \"1.2.3\"", "version = \"2.0.0\""),
    );
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[bad-lock]: wbl.lock was written with toolkit version 2.0.0 (for `safety#reporting`), newer than the toolkit in use (1.2.3)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> d/wbl.lock:"), "{}", run.stderr);
    fx.adapt(Some("d")).failure();
}

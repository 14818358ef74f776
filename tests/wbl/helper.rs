//! A fixture folder and a way to run wbl in it.

use std::path::PathBuf;

use tempfile::TempDir;

pub struct Fixture {
    dir: TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(self.code, 0, "wbl failed:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn failure(&self) -> &Self {
        assert_eq!(
            self.code, 1,
            "expected exit 1, got {}:\n{}",
            self.code, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn no_warnings(&self) -> &Self {
        assert!(
            !self.stderr.contains("warning"),
            "unexpected warnings:\n{}",
            self.stderr
        );
        self
    }
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fixture holding the small test toolkit in `toolkit/`.
    pub fn with_toolkit() -> Self {
        let fx = Fixture::new();
        mini_toolkit(&fx, "toolkit");
        fx
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file, creating folders.
    pub fn write(&self, rel: &str, content: &str) -> &Self {
        self.write_bytes(rel, content.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, content: &[u8]) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Runs wbl in the fixture folder.
    pub fn wbl(&self, args: &[&str]) -> Run {
        self.wbl_env(args, &[])
    }

    /// A stand-in for Chromium that fails as it starts, saying why (as a
    /// browser does on a machine without a display).
    #[cfg(unix)]
    pub fn browser_that_will_not_start(&self) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        self.write(
            "fake-browser",
            "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n",
        );
        let fake = self.path("fake-browser");
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        fake
    }

    pub fn wbl_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = assert_cmd::Command::cargo_bin("wbl").unwrap();
        cmd.current_dir(self.dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd.output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `wbl adapt --toolkit toolkit [--district D] --out out`.
    pub fn adapt(&self, district: Option<&str>) -> Run {
        let mut args = vec!["adapt", "--toolkit", "toolkit", "--out", "out"];
        if let Some(d) = district {
            args.extend(["--district", d]);
        }
        self.wbl(&args)
    }

    /// The `<main>` of a site page.
    pub fn main_of(&self, page: &str) -> String {
        main_part(&self.read(&format!("out/site/{page}.html")))
    }

    /// Every file under `rel`, with its bytes, sorted.
    pub fn tree(&self, rel: &str) -> Vec<(String, Vec<u8>)> {
        let root = self.path(rel);
        let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }
}

pub fn main_part(html: &str) -> String {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    html[start..end].to_string()
}

/// Asserts that the `needles` appear in `haystack` in this order.
#[track_caller]
pub fn assert_order(haystack: &str, needles: &[&str]) {
    let mut at = 0;
    for needle in needles {
        match haystack[at..].find(needle) {
            Some(i) => at += i + needle.len(),
            None => panic!("`{needle}` not found after offset {at} in:\n{haystack}"),
        }
    }
}

/// A small toolkit with nested sections, links and variables.
pub fn mini_toolkit(fx: &Fixture, root: &str) {
    fx.write(
        &format!("{root}/toolkit.toml"),
        r#"id = "mini"
title = "Mini Toolkit"
version = "1.2.3"
language = "en"
license = "CC-BY-4.0"
publisher = "Test Alliance"

[vars]
platform = "Zoom"
session_minutes = 90
provides_devices = true

[[parts]]
id = "one"
title = "Part one"
pages = ["intro", "safety"]

[[parts]]
id = "two"
title = "Part two"
pages = ["forms"]
"#,
    );
    fx.write(
        &format!("{root}/pages/intro.md"),
        r#"+++
title = "Introduction"
summary = "Start here."
audience = ["teachers", "coordinators"]
+++

Welcome to {{ district.name }}. Sessions last {{ vars.session_minutes }} minutes on {{ vars.platform }}.

{% if vars.provides_devices %}DEVICES-LENT{% else %}BRING-DEVICE{% endif %}

See [the recording rules](safety.md#recording) and [the forms](forms.md).

## Overview

INTRO-OVERVIEW
"#,
    );
    fx.write(
        &format!("{root}/pages/safety.md"),
        r#"+++
title = "Safety"
kind = "guide"
summary = "Keeping students safe."
+++

SAFETY-INTRO

## Recording sessions {#recording}

RECORDING-TEXT

### When allowed {#allowed}

ALLOWED-TEXT

### Storage

STORAGE-TEXT

## Reporting {#reporting}

REPORTING-TEXT
"#,
    );
    fx.write(
        &format!("{root}/pages/forms.md"),
        r#"+++
title = "Consent form"
kind = "form"
audience = ["families"]
summary = "Signed by a parent."
+++

## Overview

| Field | Your answer |
| --- | --- |
| Student name | |

- [ ] Signed
"#,
    );
}

//! The embedded toolkit and the example districts are complete and clean.

use crate::helper::Fixture;

fn examples() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("district.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn generic_toolkit_and_every_example_render_without_warnings() {
    let dirs = examples();
    assert!(dirs.len() >= 2, "at least two example districts");
    let fx = Fixture::new();
    fx.wbl(&["adapt", "--out", "generic", "--deny-warnings"])
        .success()
        .no_warnings();
    let generic_pages = std::fs::read_dir(fx.path("generic/site")).unwrap().count();
    assert!(generic_pages >= 22 + 2, "at least 22 pages");
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // A copy, so adapting (which may write wbl.lock) leaves the
        // repository alone.
        copy_dir(&dir, &fx.path(&name));
        let out = format!("out-{name}");
        let run = fx.wbl(&["adapt", "--district", &name, "--out", &out, "--deny-warnings"]);
        run.success().no_warnings();
        // Every variable resolved: no template syntax is left in any page.
        for entry in std::fs::read_dir(fx.path(&format!("{out}/site"))).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "html") {
                let html = std::fs::read_to_string(&path).unwrap();
                for leftover in ["{{", "}}", "{%", "%}", "{#"] {
                    assert!(!html.contains(leftover), "{} contains {leftover}", path.display());
                }
            }
        }
    }
}

#[test]
fn embedded_toolkit_is_substantial() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("toolkit-content/pages");
    let mut words = 0;
    let mut kinds = std::collections::BTreeSet::new();
    let mut pages = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        pages += 1;
        words += text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        if let Some(line) = text.lines().find(|l| l.starts_with("kind = ")) {
            kinds.insert(line.to_string());
        }
        for banned in ["lorem ipsum", "TODO", "TBD"] {
            assert!(!text.contains(banned));
        }
    }
    assert!(pages >= 22, "{pages} pages");
    assert!(words >= 15_000, "{words} words");
    assert!(kinds.len() >= 5, "{kinds:?}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The text of every HTML page under `dir` (tags removed, entities for the
/// few characters the renderer escapes decoded), keyed by file name, so the
/// checks below read what a teacher reads rather than markup.
fn page_texts(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(path).unwrap();
        let mut text = String::with_capacity(html.len());
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    text.push(' ');
                }
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        let name = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        out.push((name, text.split_whitespace().collect::<Vec<_>>().join(" ")));
    }
    out.sort();
    out
}

#[test]
fn a_one_hour_teams_middle_school_district_reads_its_own_words() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/teams-60-district");
    let fx = Fixture::new();
    copy_dir(&fixture, &fx.path("district"));
    fx.wbl(&[
        "adapt",
        "--district",
        "district",
        "--out",
        "out",
        "--deny-warnings",
    ])
    .success()
    .no_warnings();

    let mut pages = page_texts(&fx.path("out/site"));
    pages.extend(page_texts(&fx.path("out/handouts")));
    assert!(pages.len() > 40, "{} pages", pages.len());
    let lower: Vec<(String, String)> = pages
        .iter()
        .map(|(name, text)| (name.clone(), text.to_lowercase()))
        .collect();

    // Sentences written for a 90-minute Zoom session with high school
    // students, and number words the plural filter exists to fix.
    for phrase in [
        "hour and a half",
        "90-minute",
        "90 minutes",
        "zoom",
        "co-host",
        "cohost",
        "waiting room",
        "high school",
        " 1 weeks",
        " 1 days",
        " 1 school days",
    ] {
        for (name, text) in &lower {
            if let Some(at) = text.find(phrase) {
                let from = text[..at].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
                let context: String = text[from..].chars().take(140).collect();
                panic!("{name} says {phrase:?}: …{context}…");
            }
        }
    }

    // And it says what this district's staff will see: Teams' roles and
    // lobby, a one-hour run of show with no break, a week-long consent
    // window, middle school students.
    let page = |id: &str| {
        lower
            .iter()
            .find(|(name, _)| name == &format!("{id}.html"))
            .map(|(_, text)| text.as_str())
            .unwrap_or_else(|| panic!("no {id}.html"))
    };
    let agenda = page("session-agenda");
    for expected in ["co-organizer", "lobby", "presenter", "0:55–1:00", "0:35–0:45"] {
        assert!(agenda.contains(expected), "session agenda lacks {expected:?}");
    }
    assert!(!agenda.contains("break:"), "a 60-minute run of show has no break");
    assert!(page("family-letter").contains("at least 1 week before the session"));
    assert!(page("roles-and-responsibilities").contains("middle school students in grades 6–8"));
    assert!(page("facilitator-script").contains("one hands-on skill-building activity"));
    assert!(page("platform-setup-card").contains("who can bypass the lobby?"));

    // The tracking workbook ships as a spreadsheet the coordinator can open.
    let csv = fx.read("out/site/assets/tracking-workbook.csv");
    assert!(csv.starts_with("Student (first name and last initial),"));
    assert!(csv.contains("Consent form returned (date)"));
    assert!(page("tracking-workbook").contains("download the tracking workbook as a spreadsheet"));
}

//! `wbl adapt` and `wbl list` end to end.

use crate::helper::{Fixture, assert_order, main_part};

#[test]
fn adapts_the_embedded_toolkit_with_only_out() {
    let fx = Fixture::new();
    fx.wbl(&["adapt", "--out", "out"]).success().no_warnings();
    let index = fx.read("out/site/index.html");
    assert!(index.contains("<h1>Micro-internship Toolkit</h1>"));
    for page in ["welcome", "online-safety", "session-agenda", "glossary"] {
        assert!(fx.exists(&format!("out/site/{page}.html")), "{page}");
        assert!(
            index.contains(&format!("href=\"{page}.html\"")),
            "index links {page}"
        );
    }
    assert!(fx.exists("out/print/handbook.html"));
    assert!(fx.exists("out/handouts/consent-and-release-form.html"));
    assert!(fx.exists("out/micro-internship-toolkit-1.1.0.zip"));
}

#[test]
fn fills_variables_and_rewrites_links() {
    let fx = Fixture::with_toolkit();
    fx.adapt(None).success().no_warnings();
    let intro = fx.main_of("intro");
    assert!(intro.contains("Welcome to your school district. Sessions last 90 minutes on Zoom."));
    assert!(intro.contains("DEVICES-LENT"));
    assert!(intro.contains(r#"<a href="safety.html#recording">the recording rules</a>"#));
    assert!(intro.contains(r#"<a href="forms.html">the forms</a>"#));
    // Slugged and explicit ids alike.
    let safety = fx.main_of("safety");
    assert!(safety.contains(r#"<h2 id="recording">Recording sessions</h2>"#));
    assert!(safety.contains(r#"<h3 id="storage">Storage</h3>"#));
}

#[test]
fn site_layout_is_accessible_and_offline() {
    let fx = Fixture::with_toolkit();
    fx.adapt(None).success();
    let html = fx.read("out/site/safety.html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_order(
        &html,
        &[
            r##"<a class="skip-link" href="#main">"##,
            "<header class=\"banner\">",
            "<main id=\"main\"",
            "<h1>Safety</h1>",
            "</main>",
            r#"<nav class="toc" id="wbl--contents" aria-label="Toolkit contents">"#,
            "<footer",
        ],
    );
    assert_eq!(html.matches("<h1").count(), 1);
    assert!(html.contains(r#"<a href="safety.html" aria-current="page">Safety</a>"#));
    assert!(html.contains(r#"rel="prev" href="intro.html""#));
    assert!(html.contains(r#"rel="next" href="forms.html""#));
    assert!(html.contains("Mini Toolkit, version 1.2.3"));
    for page in ["index", "intro", "safety", "forms"] {
        let html = fx.read(&format!("out/site/{page}.html"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{page} refers to the web"
        );
        // The one script is the site's own search; nothing needs it to read.
        assert_eq!(
            html.matches("<script").count(),
            1,
            "{page} has a script besides search.js"
        );
        assert!(html.contains(r#"<script src="search.js" defer></script>"#));
    }
}

#[test]
fn rendered_page_matches_snapshot() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        r##"[district]
id = "snap"
name = "Snapshot USD"
color = "#0b5394"

[[contacts]]
name = "Ana Ruiz"
role = "WBL Coordinator"
email = "ana@example.org"
"##,
    );
    fx.adapt(Some("d")).success().no_warnings();
    insta::assert_snapshot!("safety_main", fx.main_of("safety"));
    insta::assert_snapshot!("forms_main", fx.main_of("forms"));
}

#[test]
fn district_values_render_literally() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        r#"[district]
id = "odd"
name = "A <script>x</script> & *bold* _u_ [l](x)"
"#,
    );
    fx.adapt(Some("d")).success();
    let intro = fx.main_of("intro");
    assert!(
        intro.contains("Welcome to A &lt;script&gt;x&lt;/script&gt; &amp; *bold* _u_ [l](x)."),
        "{intro}"
    );
    let page = fx.read("out/site/intro.html");
    assert!(
        page.contains(r#"<span class="brand-name">A &lt;script&gt;x&lt;"#),
        "{page}"
    );
    assert!(!page.contains("<script>"));
}

#[test]
fn list_prints_nested_addresses() {
    let fx = Fixture::with_toolkit();
    let run = fx.wbl(&["list", "--toolkit", "toolkit"]);
    run.success();
    assert_order(
        &run.stdout,
        &[
            "Part one (one)",
            "intro",
            "intro#overview",
            "safety",
            "safety#recording",
            "safety#allowed",
            "safety#storage",
            "safety#reporting",
            "Part two (two)",
            "forms#overview",
        ],
    );
    assert!(
        run.stdout.contains("    safety#allowed"),
        "nested sections are indented:\n{}",
        run.stdout
    );
}

#[test]
fn list_works_on_the_embedded_toolkit() {
    let fx = Fixture::new();
    let run = fx.wbl(&["list"]);
    run.success();
    assert!(run.stdout.contains("online-safety#recording"));
    assert!(run.stdout.contains("online-safety#recording-allowed"));
}

#[test]
fn failed_adapt_leaves_previous_output_untouched() {
    let fx = Fixture::with_toolkit();
    fx.adapt(None).success();
    let before = fx.tree("out");
    fx.write(
        "toolkit/pages/intro.md",
        "+++\ntitle = \"Intro\"\n+++\n\n{{ vars.nope }}\n",
    );
    fx.adapt(None).failure();
    assert_eq!(fx.tree("out"), before);
    // Nothing is left beside it either.
    let names: Vec<String> = std::fs::read_dir(fx.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.contains("wbl-new") && !n.contains("wbl-old")),
        "{names:?}"
    );
}

#[test]
fn failed_first_adapt_creates_nothing() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "toolkit/pages/intro.md",
        "+++\ntitle = \"Intro\"\n+++\n\n[x](missing.md)\n",
    );
    fx.adapt(None).failure();
    assert!(!fx.exists("out"));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let fx = Fixture::with_toolkit();
    fx.write("out/notes.txt", "mine");
    let run = fx.adapt(None);
    run.failure();
    assert!(run.stderr.contains("was not written by wbl"), "{}", run.stderr);
    assert_eq!(fx.read("out/notes.txt"), "mine");
}

#[test]
fn format_selects_outputs() {
    let fx = Fixture::with_toolkit();
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--out",
        "out",
        "--format",
        "site",
    ])
    .success();
    assert!(fx.exists("out/site/index.html"));
    assert!(!fx.exists("out/print"));
    assert!(!fx.exists("out/handouts"));
    assert!(!fx.exists("out/mini-1.2.3.zip"));
    // The site does not link to handouts that were not built.
    assert!(!fx.read("out/site/forms.html").contains("../handouts/"));
}

#[test]
fn usage_errors_exit_2() {
    let fx = Fixture::new();
    let pdf = fx.wbl(&["adapt", "--format", "site,pdf"]);
    assert_eq!(pdf.code, 2);
    assert!(pdf.stderr.contains("add `--pdf`"), "{}", pdf.stderr);
    assert_eq!(fx.wbl(&["frobnicate"]).code, 2);
    assert_eq!(fx.wbl(&["adapt", "--no-such-flag"]).code, 2);
}

#[test]
fn unknown_variable_names_file_and_line() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "toolkit/pages/intro.md",
        "+++\ntitle = \"Intro\"\n+++\n\nFirst line.\nUse {{ vars.platfrom }} today.\n",
    );
    let run = fx.adapt(None);
    run.failure();
    insta::assert_snapshot!("unknown_variable", run.stderr.replace('\\', "/"));
}

#[test]
fn missing_link_target_is_an_error() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "toolkit/pages/intro.md",
        "+++\ntitle = \"Intro\"\n+++\n\nSee [it](safety.md#recordng).\n",
    );
    let run = fx.adapt(None);
    run.failure();
    assert!(
        run.stderr
            .contains("link to section `safety#recordng`, which does not exist"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("toolkit/pages/intro.md:5:10"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `safety#recording`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn crlf_and_bom_files_render_like_lf() {
    let lf = Fixture::with_toolkit();
    lf.adapt(None).success();
    let crlf = Fixture::with_toolkit();
    for rel in [
        "toolkit/toolkit.toml",
        "toolkit/pages/intro.md",
        "toolkit/pages/safety.md",
        "toolkit/pages/forms.md",
    ] {
        let text = crlf.read(rel).replace('\n', "\r\n");
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(text.as_bytes());
        crlf.write_bytes(rel, &bytes);
    }
    crlf.adapt(None).success().no_warnings();
    for page in ["intro", "safety", "forms", "index"] {
        assert_eq!(
            main_part(&crlf.read(&format!("out/site/{page}.html"))),
            main_part(&lf.read(&format!("out/site/{page}.html"))),
            "{page}"
        );
    }
}

#[test]
fn large_toolkits_list_only_the_pages_own_part() {
    // Up to 100 pages every page lists the whole toolkit; beyond that a
    // page lists its own part (at most 100 of its pages, around it) and
    // links to the home page, which lists everything. Otherwise the site
    // would grow with the square of the number of pages.
    let fx = Fixture::new();
    let a: Vec<String> = (0..103).map(|i| format!("a-{i:03}")).collect();
    let b = ["b-000", "b-001"];
    let quoted = |ids: &[&str]| {
        ids.iter()
            .map(|id| format!("\"{id}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let a_ids: Vec<&str> = a.iter().map(String::as_str).collect();
    fx.write(
        "toolkit/toolkit.toml",
        &format!(
            "id = \"big\"\ntitle = \"Big\"\nversion = \"1.0.0\"\n\n[[parts]]\nid = \"a\"\ntitle = \"Part A\"\npages = [{}]\n\n[[parts]]\nid = \"b\"\ntitle = \"Part B\"\npages = [{}]\n",
            quoted(&a_ids),
            quoted(&b)
        ),
    );
    for id in a_ids.iter().chain(&b) {
        fx.write(
            &format!("toolkit/pages/{id}.md"),
            &format!("+++\ntitle = \"Title {id}\"\n+++\n\nText.\n"),
        );
    }
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "site",
        "--out",
        "out",
    ])
    .success()
    .no_warnings();
    let nav = |page: &str| {
        let html = fx.read(&format!("out/site/{page}.html"));
        let start = html.find("<nav class=\"toc\"").expect("a contents list");
        html[start..start + html[start..].find("</nav>").unwrap()].to_string()
    };
    let b0 = nav("b-000");
    assert!(b0.contains("Part B") && !b0.contains("Part A"), "{b0}");
    assert!(b0.contains(r#"<a href="b-000.html" aria-current="page">"#));
    assert!(b0.contains(r#"<a href="index.html">All pages</a>"#));
    let first = nav("a-000");
    assert!(first.contains("a-000.html") && first.contains("a-099.html") && !first.contains("a-100.html"));
    let last = nav("a-102");
    assert!(!last.contains("a-002.html") && last.contains("a-003.html") && last.contains("a-102.html"));
    let index = fx.read("out/site/index.html");
    for id in a_ids.iter().chain(&b) {
        assert!(index.contains(&format!("href=\"{id}.html\"")), "index links {id}");
    }
    assert!(!index.contains("All pages</a>"));
}

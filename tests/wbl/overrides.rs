//! District overrides land exactly where DESIGN.md puts them.

use crate::helper::{Fixture, assert_order};

/// A fixture with the mini toolkit and a district with `body` after its
/// `[district]` table.
fn district(body: &str) -> Fixture {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        &format!("[district]\nid = \"test-usd\"\nname = \"Test USD\"\n\n{body}"),
    );
    fx
}

#[test]
fn replace_swaps_heading_and_subsections() {
    let fx = district(
        r##"[[sections]]
target = "safety#recording"
action = "replace"
text = """
## Our recording rules {#recording}

DISTRICT-RECORDING
"""
"##,
    );
    fx.adapt(Some("d")).success().no_warnings();
    let html = fx.main_of("safety");
    assert_order(
        &html,
        &[
            "SAFETY-INTRO",
            r#"<h2 id="recording">Our recording rules</h2>"#,
            "DISTRICT-RECORDING",
            "REPORTING-TEXT",
        ],
    );
    for gone in [
        "RECORDING-TEXT",
        "ALLOWED-TEXT",
        "STORAGE-TEXT",
        "Recording sessions",
    ] {
        assert!(!html.contains(gone), "{gone} should be replaced");
    }
    // Links to the replaced section still resolve: the new text brings the id.
    assert!(fx.main_of("intro").contains("safety.html#recording"));
}

#[test]
fn append_goes_after_the_subsections() {
    let fx = district(
        r##"[[sections]]
target = "safety#recording"
action = "append"
text = "DISTRICT-APPENDED"
"##,
    );
    fx.adapt(Some("d")).success().no_warnings();
    assert_order(
        &fx.main_of("safety"),
        &[
            "RECORDING-TEXT",
            "ALLOWED-TEXT",
            "STORAGE-TEXT",
            "DISTRICT-APPENDED",
            "id=\"reporting\"",
            "REPORTING-TEXT",
        ],
    );
}

#[test]
fn prepend_goes_right_after_the_heading() {
    let fx = district(
        r##"[[sections]]
target = "safety#recording"
action = "prepend"
file = "sections/note.md"
"##,
    );
    fx.write(
        "d/sections/note.md",
        "DISTRICT-PREPENDED for {{ district.name }}\n",
    );
    fx.adapt(Some("d")).success().no_warnings();
    assert_order(
        &fx.main_of("safety"),
        &[
            "SAFETY-INTRO",
            "id=\"recording\"",
            "DISTRICT-PREPENDED for Test USD",
            "RECORDING-TEXT",
            "ALLOWED-TEXT",
        ],
    );
}

#[test]
fn remove_takes_the_subsections_too() {
    let fx = district(
        r##"[[sections]]
target = "safety#recording"
action = "remove"
"##,
    );
    let run = fx.adapt(Some("d"));
    run.success();
    // The intro links to the removed section: the link falls back to the page.
    assert!(
        run.stderr
            .contains("warning[link-to-removed-section]: link to section `safety#recording`, which the district's overrides removed"),
        "{}",
        run.stderr
    );
    assert!(
        fx.main_of("intro")
            .contains(r#"<a href="safety.html">the recording rules</a>"#)
    );
    let html = fx.main_of("safety");
    assert_order(&html, &["SAFETY-INTRO", "REPORTING-TEXT"]);
    for gone in [
        "RECORDING-TEXT",
        "ALLOWED-TEXT",
        "STORAGE-TEXT",
        "id=\"recording\"",
        "id=\"storage\"",
    ] {
        assert!(!html.contains(gone), "{gone} should be removed");
    }
}

#[test]
fn nested_appends_order_child_before_parent_and_ops_compose() {
    let fx = district(
        r####"[[sections]]
target = "safety#recording"
action = "append"
text = "PARENT-APPEND"

[[sections]]
target = "safety#storage"
action = "append"
text = "CHILD-APPEND"

[[sections]]
target = "safety#allowed"
action = "replace"
text = "### Allowed here {#allowed}\n\nREPLACED-ALLOWED"

[[sections]]
target = "safety"
action = "prepend"
text = "PAGE-PREPEND"

[[sections]]
target = "safety"
action = "append"
text = "PAGE-APPEND"
"####,
    );
    fx.adapt(Some("d")).success().no_warnings();
    assert_order(
        &fx.main_of("safety"),
        &[
            "PAGE-PREPEND",
            "SAFETY-INTRO",
            "RECORDING-TEXT",
            "REPLACED-ALLOWED",
            "STORAGE-TEXT",
            "CHILD-APPEND",
            "PARENT-APPEND",
            "REPORTING-TEXT",
            "PAGE-APPEND",
        ],
    );
}

#[test]
fn overlapping_operations_are_an_error() {
    let fx = district(
        r##"[[sections]]
target = "safety#recording"
action = "remove"

[[sections]]
target = "safety#storage"
action = "append"
text = "LOST"
"##,
    );
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains(
            "`safety#storage` (append) is inside `safety#recording`, which another [[sections]] entry removes"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("d/district.toml:10:10"), "{}", run.stderr);

    let fx = district(
        "[[sections]]\ntarget = \"safety#recording\"\naction = \"replace\"\ntext = \"A\"\n\n[[sections]]\ntarget = \"safety#recording\"\naction = \"replace\"\ntext = \"B\"\n",
    );
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr
            .contains("conflicts with an earlier [[sections]] entry that replaces it"),
        "{}",
        run.stderr
    );
}

#[test]
fn district_headings_get_unique_ids() {
    let fx = district(
        r####"[[sections]]
target = "safety#reporting"
action = "prepend"
text = "### Storage\n\nMORE"
"####,
    );
    fx.adapt(Some("d")).success();
    let html = fx.main_of("safety");
    assert!(html.contains(r#"<h3 id="storage">Storage</h3>"#));
    assert!(html.contains(r#"<h3 id="storage-1">Storage</h3>"#), "{html}");
}

#[test]
fn hide_replace_and_add_pages() {
    let fx = district(
        r#"[pages]
hide = ["forms"]
"#,
    );
    fx.write(
        "d/pages/safety.md",
        "+++\ntitle = \"Our safety rules\"\n+++\n\nDISTRICT-SAFETY\n\n## Recording {#recording}\n\nOURS\n",
    );
    fx.write(
        "d/pages/buses.md",
        "+++\ntitle = \"Late buses\"\nkind = \"handout\"\npart = \"one\"\nafter = \"intro\"\n+++\n\nBUS-TEXT on {{ vars.platform }}\n",
    );
    fx.write(
        "d/pages/extra.md",
        "+++\ntitle = \"Extra\"\npart = \"two\"\n+++\n\nEXTRA\n",
    );
    let run = fx.adapt(Some("d"));
    run.success();
    // The link to the hidden page is reported and becomes plain text.
    assert!(
        run.stderr
            .contains("warning[link-to-hidden-page]: link to page `forms`, which the district hides"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("toolkit/pages/intro.md"), "{}", run.stderr);
    assert!(!fx.exists("out/site/forms.html"));
    let intro = fx.main_of("intro");
    assert!(
        intro.contains("and the forms.") && !intro.contains("forms.html"),
        "{intro}"
    );
    // Replaced page.
    let safety = fx.main_of("safety");
    assert!(safety.contains("<h1>Our safety rules</h1>") && safety.contains("DISTRICT-SAFETY"));
    assert!(!safety.contains("SAFETY-INTRO"));
    // Added pages, in order: intro, buses (after intro), safety; extra in part two.
    let index = fx.read("out/site/index.html");
    assert_order(
        &index,
        &[
            "intro.html",
            "buses.html",
            "safety.html",
            "Part two",
            "extra.html",
        ],
    );
    assert!(fx.main_of("buses").contains("BUS-TEXT on Zoom"));
    assert!(fx.exists("out/handouts/buses.html"));
}

#[test]
fn district_vars_override_and_unknown_keys_fail() {
    let fx = district("[vars]\nplatform = \"Microsoft Teams\"\nprovides_devices = false\n");
    fx.adapt(Some("d")).success();
    let intro = fx.main_of("intro");
    assert!(intro.contains("on Microsoft Teams."));
    assert!(intro.contains("BRING-DEVICE") && !intro.contains("DEVICES-LENT"));

    let fx = district("[vars]\nplatfrom = \"Teams\"\n");
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr
            .contains("error[unknown-variable]: unknown variable `vars.platfrom`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("d/district.toml:6:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `platform`?"), "{}", run.stderr);

    let fx = district("[vars]\nprovides_devices = \"no\"\n");
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr
            .contains("`vars.provides_devices` must be a true/false value"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_targets_suggest_the_closest_address() {
    let fx = district("[[sections]]\ntarget = \"safety#recordings\"\naction = \"remove\"\n");
    let run = fx.adapt(Some("d"));
    run.failure();
    insta::assert_snapshot!("missing_target", run.stderr.replace('\\', "/"));
}

#[test]
fn paths_may_not_leave_the_district_folder() {
    for path in ["../secret.md", "/etc/passwd", "sections/../../x.md"] {
        let fx = district(&format!(
            "[[sections]]\ntarget = \"safety\"\naction = \"append\"\nfile = \"{path}\"\n"
        ));
        let run = fx.adapt(Some("d"));
        run.failure();
        assert!(
            run.stderr.contains("leaves the district folder"),
            "{path}: {}",
            run.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn links_leading_out_of_the_district_are_refused() {
    let fx = district("[[sections]]\ntarget = \"safety\"\naction = \"append\"\nfile = \"sections/x.md\"\n");
    fx.write("outside.md", "SECRET");
    std::fs::create_dir_all(fx.path("d/sections")).unwrap();
    std::os::unix::fs::symlink(fx.path("outside.md"), fx.path("d/sections/x.md")).unwrap();
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains("leads outside the district folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn logo_and_colour_brand_the_site() {
    let fx = district("");
    fx.write(
        "d/district.toml",
        "[district]\nid = \"b\"\nname = \"Brand USD\"\nlogo = \"assets/logo.svg\"\ncolor = \"#fff176\"\n",
    );
    fx.write("d/assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    fx.adapt(Some("d")).success();
    let css = fx.read("out/site/wbl.css");
    assert!(css.contains("--brand: #fff176;"));
    // Light yellow is too light for white text: dark text on it instead.
    assert!(css.contains("--on-brand: #1b1f24;"), "{css}");
    assert!(
        fx.read("out/site/index.html")
            .contains(r#"src="assets/logo.svg""#)
    );
    assert!(fx.exists("out/site/assets/logo.svg"));
}

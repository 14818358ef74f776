//! `wbl check` and the bad-input battery: every mistake a person can make
//! gets a message naming the file and line, exit 1 (or a warning), no
//! panic, and no change to existing output.

use crate::helper::Fixture;

const DISTRICT: &str = "[district]\nid = \"test-usd\"\nname = \"Test USD\"\n";

/// Builds good output first, breaks the fixture with `break_it`, then
/// checks that `check` reports it (snapshot), `adapt` refuses it, and the
/// output is untouched.
fn battery(name: &str, warning: bool, break_it: impl Fn(&Fixture)) {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", DISTRICT);
    fx.adapt(Some("d")).success();
    let before = fx.tree("out");
    break_it(&fx);

    let check = fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"]);
    assert!(!check.stderr.contains("panicked"), "{}", check.stderr);
    if warning {
        assert_eq!(check.code, 0, "{name}: warnings alone pass:\n{}", check.stderr);
        assert!(check.stderr.contains("warning["), "{name}: {}", check.stderr);
        let denied = fx.wbl(&[
            "check",
            "--toolkit",
            "toolkit",
            "--district",
            "d",
            "--deny-warnings",
        ]);
        assert_eq!(denied.code, 1, "{name}: --deny-warnings fails");
    } else {
        assert_eq!(check.code, 1, "{name}: errors fail:\n{}", check.stderr);
        assert!(check.stderr.contains("error["), "{name}: {}", check.stderr);
    }
    insta::assert_snapshot!(name, check.stderr.replace('\\', "/"));

    let adapt = fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--out",
        "out",
        "--deny-warnings",
    ]);
    assert_eq!(adapt.code, 1, "{name}: adapt fails:\n{}", adapt.stderr);
    assert_eq!(fx.tree("out"), before, "{name}: output untouched");
}

macro_rules! error_case {
    ($name:ident, |$fx:ident| $body:block) => {
        #[test]
        fn $name() {
            battery(stringify!($name), false, |$fx: &Fixture| $body);
        }
    };
}

macro_rules! warning_case {
    ($name:ident, |$fx:ident| $body:block) => {
        #[test]
        fn $name() {
            battery(stringify!($name), true, |$fx: &Fixture| $body);
        }
    };
}

fn edit(fx: &Fixture, rel: &str, from: &str, to: &str) {
    let text = fx.read(rel);
    assert!(text.contains(from), "{rel} contains {from}");
    fx.write(rel, &text.replacen(from, to, 1));
}

error_case!(toml_syntax_error, |fx| {
    edit(
        fx,
        "toolkit/toolkit.toml",
        "title = \"Mini Toolkit\"",
        "title = \"Mini Toolkit",
    );
});
error_case!(wrong_type, |fx| {
    fx.write("d/district.toml", "[district]\nid = 5\nname = \"Test USD\"\n");
});
error_case!(unknown_key, |fx| {
    fx.write(
        "d/district.toml",
        "[district]\nid = \"test-usd\"\nnmae = \"Test USD\"\nname = \"T\"\n",
    );
});
error_case!(missing_toolkit_toml, |fx| {
    std::fs::remove_file(fx.path("toolkit/toolkit.toml")).unwrap();
});
error_case!(missing_district_toml, |fx| {
    std::fs::remove_file(fx.path("d/district.toml")).unwrap();
});
error_case!(empty_district_toml, |fx| {
    fx.write("d/district.toml", "\n# nothing yet\n");
});
error_case!(missing_required_field, |fx| {
    fx.write("d/district.toml", "[district]\nid = \"test-usd\"\n");
});
error_case!(invalid_semver, |fx| {
    edit(
        fx,
        "toolkit/toolkit.toml",
        "version = \"1.2.3\"",
        "version = \"1.2\"",
    );
});
error_case!(duplicate_page_id, |fx| {
    fx.write(
        "toolkit/pages/safety-copy.md",
        "+++\nid = \"safety\"\ntitle = \"Copy\"\n+++\n\nText\n",
    );
});
error_case!(listed_page_missing, |fx| {
    edit(
        fx,
        "toolkit/toolkit.toml",
        "pages = [\"forms\"]",
        "pages = [\"forms\", \"form\"]",
    );
});
error_case!(unterminated_front_matter, |fx| {
    fx.write(
        "toolkit/pages/forms.md",
        "+++\ntitle = \"Consent form\"\n\n## Overview\n",
    );
});
error_case!(invalid_front_matter, |fx| {
    fx.write(
        "toolkit/pages/forms.md",
        "+++\ntitle = \"Consent form\"\nkind = \"poster\"\n+++\n\nText\n",
    );
});
error_case!(invalid_utf8, |fx| {
    fx.write_bytes(
        "toolkit/pages/forms.md",
        b"+++\ntitle = \"Form\"\n+++\n\nCaf\xe9\n",
    );
});
error_case!(unknown_action, |fx| {
    fx.write(
        "d/district.toml",
        &format!(
            "{DISTRICT}\n[[sections]]\ntarget = \"safety#recording\"\naction = \"replce\"\ntext = \"x\"\n"
        ),
    );
});
error_case!(missing_target_page, |fx| {
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[[sections]]\ntarget = \"safty#recording\"\naction = \"remove\"\n"),
    );
});
error_case!(unclosed_tag, |fx| {
    fx.write(
        "toolkit/pages/forms.md",
        "+++\ntitle = \"Form\"\n+++\n\nIntro.\n\n{% if vars.provides_devices %}\nDevices.\n",
    );
});
error_case!(unknown_variable_in_district_text, |fx| {
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\nfile = \"sections/more.md\"\n"),
    );
    fx.write(
        "d/sections/more.md",
        "Call {{ contact.nam }} today.\n\nOr {{ district.nme }}.\n",
    );
});
error_case!(link_to_missing_page, |fx| {
    fx.write(
        "d/pages/extra.md",
        "+++\ntitle = \"Extra\"\npart = \"two\"\n+++\n\nSee [the guide](guide.md).\n",
    );
});
error_case!(path_outside_district, |fx| {
    fx.write("d/district.toml", &format!("{DISTRICT}logo = \"../logo.png\"\n"));
});
error_case!(missing_asset, |fx| {
    fx.write(
        "d/pages/extra.md",
        "+++\ntitle = \"Extra\"\n+++\n\n![County map](assets/map.png)\n",
    );
});

warning_case!(unlisted_page, |fx| {
    fx.write(
        "toolkit/pages/draft.md",
        "+++\ntitle = \"Draft\"\n+++\n\nNot ready.\n",
    );
});
warning_case!(low_contrast_colour, |fx| {
    fx.write("d/district.toml", &format!("{DISTRICT}color = \"#fff176\"\n"));
});
warning_case!(image_without_alt, |fx| {
    fx.write("d/assets/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    fx.write(
        "d/pages/extra.md",
        "+++\ntitle = \"Extra\"\n+++\n\n![](assets/map.svg)\n",
    );
});
warning_case!(link_to_hidden_page, |fx| {
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[pages]\nhide = [\"forms\"]\n"),
    );
});
warning_case!(empty_section_left_by_overrides, |fx| {
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[[sections]]\ntarget = \"forms#overview\"\naction = \"replace\"\ntext = \"## Overview\"\n"),
    );
});

#[test]
fn windows_files_are_accepted() {
    let fx = Fixture::with_toolkit();
    let district = "\u{feff}[district]\r\nid = \"w\"\r\nname = \"Windows USD\"  \r\n\r\n[[sections]]\r\ntarget = \"safety#reporting\"\r\naction = \"append\"\r\nfile = \"sections\\\\more.md\"\r\n";
    fx.write("d/district.toml", district);
    fx.write(
        "d/sections/more.md",
        "\u{feff}## More {#more}   \r\n\r\nMORE-TEXT\r\n",
    );
    fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"])
        .success()
        .no_warnings();
    fx.adapt(Some("d")).success();
    assert!(fx.main_of("safety").contains(r#"<h2 id="more">More</h2>"#));
}

#[test]
fn json_diagnostics_parse_one_per_line() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}color = \"#ffff00\"\n[vars]\nplatfrom = \"Teams\"\n"),
    );
    let run = fx.wbl(&[
        "check",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--message-format",
        "json",
    ]);
    run.failure();
    // On stdout, so CI can pipe it; nothing else is printed there.
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["message"], "unknown variable `vars.platfrom`");
    assert_eq!(lines[0]["file"], "d/district.toml");
    assert_eq!(lines[0]["line"], 6);
    assert_eq!(lines[0]["column"], 1);
    assert_eq!(lines[0]["help"], "did you mean `platform`?");
    assert_eq!(lines[1]["severity"], "warning");
}

#[test]
fn check_without_districts_checks_the_generic_toolkit() {
    let fx = Fixture::with_toolkit();
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.success().no_warnings();
    assert!(run.stderr.contains("check: no problems found in the toolkit"));
    assert!(!fx.exists("out"));
    let embedded = Fixture::new().wbl(&["check", "--deny-warnings"]);
    embedded.success().no_warnings();
}

#[test]
fn check_reports_every_district_in_one_run() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "a/district.toml",
        "[district]\nid = \"a\"\nname = \"A\"\n[vars]\nplatfrom = \"x\"\n",
    );
    fx.write(
        "b/district.toml",
        "[district]\nid = \"b\"\nname = \"B\"\n[pages]\nhide = [\"nope\"]\n",
    );
    let run = fx.wbl(&[
        "check",
        "--toolkit",
        "toolkit",
        "--district",
        "a",
        "--district",
        "b",
    ]);
    run.failure();
    assert!(
        run.stderr.contains("a/district.toml:5:1") && run.stderr.contains("b/district.toml:5:9"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("check failed: 2 errors"), "{}", run.stderr);
}

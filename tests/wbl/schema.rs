//! Single-source text and checked variables: snippets pages include, the
//! variable schema of toolkit.toml with its relations, the platform
//! vocabulary, the `plural` filter and what `wbl init district` writes
//! about each variable.

use crate::helper::Fixture;

const DISTRICT: &str = "[district]\nid = \"test-usd\"\nname = \"Test *USD*\"\n";

/// The mini toolkit with a snippet that two pages include.
fn with_snippet() -> Fixture {
    let fx = Fixture::with_toolkit();
    fx.write(
        "toolkit/snippets/display-names.md",
        "## Display names {#display-names}\n\nStudents at {{ district.short_name }} join {{ vars.platform }} as first name and last initial.\n\n### Why\n\nSee [the recording rules](safety.md#recording).\n",
    );
    for page in ["intro", "safety"] {
        let rel = format!("toolkit/pages/{page}.md");
        let text = fx.read(&rel);
        fx.write(
            &rel,
            &format!("{text}\n{{% include \"snippets/display-names.md\" %}}\n"),
        );
    }
    fx
}

#[test]
fn a_snippet_renders_in_every_page_that_includes_it() {
    let fx = with_snippet();
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[vars]\nplatform = \"Webex\"\n"),
    );
    fx.adapt(Some("d")).success().no_warnings();
    for page in ["intro", "safety"] {
        let main = fx.main_of(page);
        // Variables inside the snippet are filled in, and a district's
        // value stays text.
        assert!(
            main.contains("Students at Test *USD* join Webex as first name and last initial."),
            "{page}: {main}"
        );
        assert!(
            main.contains(r#"<h2 id="display-names">Display names</h2>"#),
            "{page}"
        );
        // A slugged heading of the snippet gets its id, like a page's.
        assert!(main.contains(r#"<h3 id="why">Why</h3>"#), "{page}");
        assert!(main.contains(r#"recording">the recording rules</a>"#), "{page}");
    }
    let handbook = fx.read("out/print/handbook.html");
    assert_eq!(handbook.matches("join Webex as first name").count(), 2);
}

#[test]
fn an_include_of_a_missing_snippet_names_the_page_line() {
    let fx = with_snippet();
    let text = fx.read("toolkit/pages/safety.md");
    fx.write(
        "toolkit/pages/safety.md",
        &text.replace("snippets/display-names.md", "snippets/display-name.md"),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert_eq!(
        run.stderr.replace('\\', "/"),
        "error: snippet `snippets/display-name.md` does not exist
  --> toolkit/pages/safety.md:25:13
   |
25 | {% include \"snippets/display-name.md\" %}
   |             ^^^^^^^^^^^^^^^^^^^^^^^^
  = help: did you mean `snippets/display-names.md`?

check failed: 1 error
"
    );
}

#[test]
fn an_error_inside_a_snippet_names_the_snippet_line() {
    let fx = with_snippet();
    let text = fx.read("toolkit/snippets/display-names.md");
    fx.write(
        "toolkit/snippets/display-names.md",
        &text.replace("{{ vars.platform }}", "{{ vars.platfrom }}"),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr.replace('\\', "/").starts_with(
            "error: unknown variable `vars.platfrom`
 --> toolkit/snippets/display-names.md:3:47
"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `vars.platform`?"),
        "{}",
        run.stderr
    );
    // One error, though two pages include the snippet.
    assert!(run.stderr.ends_with("check failed: 1 error\n"), "{}", run.stderr);
}

#[test]
fn a_broken_link_inside_a_snippet_points_at_the_snippet() {
    let fx = with_snippet();
    let text = fx.read("toolkit/snippets/display-names.md");
    fx.write(
        "toolkit/snippets/display-names.md",
        &text.replace("safety.md#recording", "safety.md#recordings"),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr
            .replace('\\', "/")
            .contains("--> toolkit/snippets/display-names.md:7:27"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_syntax_error_in_a_snippet_names_the_snippet() {
    let fx = with_snippet();
    fx.write(
        "toolkit/snippets/broken.md",
        "Intro\n\n{% if vars.platform %}never closed\n",
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr.replace('\\', "/").contains(
            "error: a `{%` tag is not closed: the snippet ends first\n --> toolkit/snippets/broken.md:3:1"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_snippet_no_page_includes_is_a_warning() {
    let fx = with_snippet();
    fx.write("toolkit/snippets/orphan.md", "Nobody reads this.\n");
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.success();
    assert!(
        run.stderr.replace('\\', "/").contains(
            "warning: snippet `snippets/orphan.md` is not included by any page\n --> toolkit/snippets/orphan.md:1:1"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        fx.wbl(&["check", "--toolkit", "toolkit", "--deny-warnings"]).code,
        1
    );
}

#[test]
fn init_toolkit_writes_the_snippets_out() {
    let fx = Fixture::new();
    fx.wbl(&["init", "toolkit", "tk"]).success();
    assert!(fx.path("tk/snippets").is_dir(), "the snippets folder is written");
    // Every snippet of the built-in toolkit, byte for byte.
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("toolkit-content/snippets");
    if source.is_dir() {
        for entry in std::fs::read_dir(&source).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            assert_eq!(
                std::fs::read(entry.path()).unwrap(),
                std::fs::read(fx.path(&format!("tk/snippets/{name}"))).unwrap(),
                "{name}"
            );
        }
    }
    // A snippet written into the toolkit folder is read back from it.
    fx.write(
        "tk/snippets/zz-test.md",
        "SNIPPET-FROM-DISK {{ vars.platform }}\n",
    );
    let page = fx.read("tk/pages/welcome.md");
    fx.write(
        "tk/pages/welcome.md",
        &format!("{page}\n{{% include \"snippets/zz-test.md\" %}}\n"),
    );
    fx.wbl(&["adapt", "--toolkit", "tk", "--out", "out"]).success();
    assert!(fx.main_of("welcome").contains("SNIPPET-FROM-DISK Zoom"));
}

#[test]
fn plural_gives_the_number_and_the_right_word() {
    let fx = Fixture::with_toolkit();
    let text = fx.read("toolkit/pages/intro.md");
    fx.write(
        "toolkit/pages/intro.md",
        &format!(
            "{text}\nDue {{{{ vars.session_minutes | plural(one=\"minute\", other=\"minutes\") }}}} in; {{{{ 1 | plural(one=\"week\", other=\"weeks\") }}}}; {{{{ 2 | plural(one=\"week\", other=\"weeks\", bare=true) }}}}.\n"
        ),
    );
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[vars]\nsession_minutes = 1\n"),
    );
    fx.adapt(Some("d")).success();
    assert!(fx.main_of("intro").contains("Due 1 minute in; 1 week; weeks."));
    fx.adapt(None).success();
    assert!(fx.main_of("intro").contains("Due 90 minutes in; 1 week; weeks."));
}

#[test]
fn check_rejects_impossible_values_in_the_embedded_toolkit() {
    let fx = Fixture::new();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"test-usd\"\nname = \"Test USD\"\n\n[vars]\nsession_minutes = 100\nplatform = \"Microsoft Temas\"\napplication_weeks = 3\nconsent_due_weeks = 4\n",
    );
    let run = fx.wbl(&["check", "--district", "d"]);
    run.failure();
    assert_eq!(
        run.stderr.replace('\\', "/"),
        "error: `vars.session_minutes` must be one of 60, 75, 90, 120 (minutes), not 100
 --> d/district.toml:6:19
  |
6 | session_minutes = 100
  |                   ^^^

error: `vars.platform` must be one of \"Zoom\", \"Microsoft Teams\", \"Google Meet\", \"Webex\", not \"Microsoft Temas\"
 --> d/district.toml:7:12
  |
7 | platform = \"Microsoft Temas\"
  |            ^^^^^^^^^^^^^^^^^
  = help: did you mean \"Microsoft Teams\"?

error: consent_due_weeks = 4 and application_weeks = 3: signed consent forms are due after student applications open, so consent_due_weeks must be less than application_weeks
 --> d/district.toml:9:21
  |
9 | consent_due_weeks = 4
  |                     ^
  = help: the toolkit's rule is `consent_due_weeks < application_weeks`; change `consent_due_weeks` or `application_weeks` (or both) so it holds

check failed: 3 errors
"
    );
    // `adapt` refuses the same values.
    fx.wbl(&["adapt", "--district", "d", "--out", "out"]).failure();
    assert!(!fx.exists("out"));
}

#[test]
fn per_language_values_only_for_words_variables() {
    let fx = Fixture::new();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"test-usd\"\nname = \"Test USD\"\n\n[vars]\ncareer_plan_name = \"ECAP\"\n\n[vars.es]\ncareer_plan_name = \"plan ECAP\"\nsession_minutes = 60\n",
    );
    let run = fx.wbl(&["check", "--district", "d"]);
    run.failure();
    assert!(
        run.stderr.replace('\\', "/").starts_with(
            "error: `session_minutes` is the same in every language, so it cannot be set in [vars.es]\n  --> d/district.toml:10:1\n"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("check failed: 1 error\n"), "{}", run.stderr);
}

/// The mini toolkit with a schema, relations and two platforms.
fn with_schema() -> Fixture {
    let fx = Fixture::with_toolkit();
    let toml = fx.read("toolkit/toolkit.toml");
    let toml = toml.replace(
        "[vars]\nplatform = \"Zoom\"\nsession_minutes = 90\nprovides_devices = true\n",
        r#"[vars]
provides_devices = true

[vars.platform]
default = "Zoom"
description = "Video platform used for sessions."

[vars.session_minutes]
default = 90
description = "Length of one live session."
unit = "minutes"
min = 45
max = 180

[[relations]]
rule = "session_minutes >= 45"
message = "a session needs time for the partner's challenge"

[[platforms]]
name = "Zoom"
co_host = "co-host"
waiting_room = "waiting room"

[[platforms]]
name = "Microsoft Teams"
co_host = "co-organizer"
waiting_room = "lobby"
"#,
    );
    fx.write("toolkit/toolkit.toml", &toml);
    let page = fx.read("toolkit/pages/intro.md");
    fx.write(
        "toolkit/pages/intro.md",
        &format!("{page}\nMake the teacher the {{{{ platform.co_host }}}}; students wait in the {{{{ platform.waiting_room }}}} of {{{{ platform.name }}}}.\n"),
    );
    fx
}

#[test]
fn the_platform_chooses_the_words_of_the_text() {
    let fx = with_schema();
    fx.adapt(None).success().no_warnings();
    assert!(
        fx.main_of("intro")
            .contains("Make the teacher the co-host; students wait in the waiting room of Zoom.")
    );
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[vars]\nplatform = \"Microsoft Teams\"\n"),
    );
    fx.adapt(Some("d")).success().no_warnings();
    let intro = fx.main_of("intro");
    assert!(
        intro.contains("Make the teacher the co-organizer; students wait in the lobby of Microsoft Teams."),
        "{intro}"
    );
    assert!(!intro.contains("co-host") && !intro.contains("waiting room"));
}

#[test]
fn a_platform_missing_a_word_is_an_error_in_toolkit_toml() {
    let fx = with_schema();
    let toml = fx.read("toolkit/toolkit.toml");
    fx.write(
        "toolkit/toolkit.toml",
        &toml.replace("waiting_room = \"lobby\"\n", ""),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr.replace('\\', "/").starts_with(
            "error: platform \"Microsoft Teams\" does not define `waiting_room`\n  --> toolkit/toolkit.toml:32:8\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_range_and_a_relation_with_a_number() {
    let fx = with_schema();
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[vars]\nsession_minutes = 200\n"),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"]);
    run.failure();
    assert!(
        run.stderr
            .starts_with("error: `vars.session_minutes` must be between 45 and 180 (minutes), not 200\n"),
        "{}",
        run.stderr
    );
    // A relation with a number, broken by a district value inside the range
    // (here the range allows it; the relation is stricter).
    let toml = fx.read("toolkit/toolkit.toml");
    fx.write("toolkit/toolkit.toml", &toml.replace("min = 45", "min = 30"));
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[vars]\nsession_minutes = 40\n"),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"]);
    run.failure();
    assert!(
        run.stderr.starts_with(
            "error: session_minutes = 40: a session needs time for the partner's challenge, so session_minutes must be at least 45\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_rule_is_an_error_at_its_line_in_toolkit_toml() {
    let fx = with_schema();
    let toml = fx.read("toolkit/toolkit.toml");
    fx.write(
        "toolkit/toolkit.toml",
        &toml.replace("session_minutes >= 45", "session_minute >= 45"),
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr.replace('\\', "/").starts_with(
            "error: rule `session_minute >= 45` names `session_minute`, which is not a variable\n  --> toolkit/toolkit.toml:23:8\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `session_minutes`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_district_explains_each_variable() {
    let fx = Fixture::new();
    fx.wbl(&["init", "district", "d", "--name", "Lake County"])
        .success();
    let toml = fx.read("d/district.toml");
    for lines in [
        "[vars]\n# Length of one live session. One of 60, 75, 90, 120 (minutes).\n# session_minutes = 90\n",
        "# Weeks before the session that signed consent forms are due. Between 1 and 12\n# (weeks).\n# consent_due_weeks = 2\n",
        "# Sessions are recorded (only with written consent). Write true or false.\n# records_sessions = false\n",
        "# [vars.es]\n# career_plan_name = \"plan de éxito estudiantil\"\n",
    ] {
        assert!(toml.contains(lines), "{lines}\nnot in:\n{toml}");
    }
    assert!(
        toml.contains(
            "One of \"Zoom\", \"Microsoft Teams\", \"Google\n# Meet\", \"Webex\".\n# platform = \"Zoom\"\n"
        ) || toml.contains(
            "One of \"Zoom\", \"Microsoft Teams\", \"Google Meet\", \"Webex\".\n# platform = \"Zoom\"\n"
        ),
        "{toml}"
    );
    // Every line it writes is a value the toolkit accepts: uncommented,
    // the file checks clean.
    let mut in_vars = false;
    let uncommented: String = toml
        .lines()
        .map(|line| {
            if line == "[vars]" {
                in_vars = true;
            } else if line == "[pages]" {
                in_vars = false;
            }
            let body = line.strip_prefix("# ").unwrap_or(line);
            let is_value = (body.starts_with("[vars.") && !body.contains(' '))
                || body.split_once(" = ").is_some_and(|(k, _)| {
                    !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                });
            if in_vars && is_value {
                body.to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\nsession_minutes = 90\n") && uncommented.contains("\n[vars.es]\n"));
    fx.write("d/district.toml", &uncommented);
    fx.wbl(&["check", "--district", "d"]).success().no_warnings();
}

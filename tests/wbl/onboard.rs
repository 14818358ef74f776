//! A newcomer's first hour (issue 19): every message a district
//! coordinator meets says what to do, in words they can act on, and every
//! run ends with what to do next. Each test pins the text a user reads.

use crate::helper::Fixture;

const DISTRICT: &str = "[district]\nid = \"lake\"\nname = \"Lake County Schools\"\n";

fn check(fx: &Fixture, extra: &[&str]) -> crate::helper::Run {
    let mut args = vec!["check", "--toolkit", "toolkit", "--district", "d"];
    args.extend(extra);
    fx.wbl(&args)
}

/// The first diagnostic of a failed `check` of `district_toml`, with the
/// closing count line dropped.
fn first_error(district_toml: &str) -> String {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", district_toml);
    fx.write("d/assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let run = check(&fx, &[]);
    run.failure();
    run.stderr.split("\n\n").next().unwrap().to_string()
}

#[test]
fn a_windows_path_says_to_use_forward_slashes() {
    assert_eq!(
        first_error(&format!("{DISTRICT}logo = \"assets\\logo.svg\"\n")),
        "error[toml-syntax]: `\\` in \"assets\\logo.svg\" cannot be read: in quoted text a backslash starts a special character\n \
         --> d/district.toml:4:8\n  |\n\
         4 | logo = \"assets\\logo.svg\"\n  |        ^^^^^^^^^^^^^^^^^\n  \
         = help: use `/` in paths, e.g. \"assets/logo.svg\" (it works on Windows too)"
    );
    // `\n` is a valid escape, so this one parses, as `assets`, a line
    // break and `ew.svg`: the path is shown as written, with the same help.
    assert_eq!(
        first_error(&format!("{DISTRICT}logo = \"assets\\new.svg\"\n")),
        "error[file-not-found]: `assets\\new.svg` not found in the district folder\n \
         --> d/district.toml:4:8\n  |\n\
         4 | logo = \"assets\\new.svg\"\n  |        ^^^^^^^^^^^^^^^^\n  \
         = help: use `/` in paths, e.g. \"assets/new.svg\" (it works on Windows too)"
    );
}

#[test]
fn one_bracket_for_a_list_says_to_write_two() {
    for (table, each) in [
        ("contacts", "once for each person"),
        ("partners", "once for each partner"),
        ("sections", "once for each change"),
    ] {
        let error = first_error(&format!("{DISTRICT}\n[{table}]\nname = \"Ana\"\n"));
        assert_eq!(
            error,
            format!(
                "error[wrong-type]: `[{table}]` is a list, so it needs two brackets\n \
                 --> d/district.toml:5:1\n  |\n\
                 5 | [{table}]\n  | {}\n  \
                 = help: write `[[{table}]]`, with two brackets, {each}",
                "^".repeat(table.len() + 2)
            )
        );
    }
    assert!(
        first_error("[[district]]\nid = \"lake\"\nname = \"Lake\"\n")
            .contains("error[wrong-type]: `[[district]]` is written once, with one bracket\n")
    );
}

#[test]
fn text_without_quotes_says_to_put_it_in_quotes() {
    assert_eq!(
        first_error("[district]\nid = \"lake\"\nname = Lake County Schools\n"),
        "error[toml-syntax]: the value of `name` is not in quotes\n \
         --> d/district.toml:3:8\n  |\n\
         3 | name = Lake County Schools\n  |        ^^^^^^^^^^^^^^^^^^^\n  \
         = help: put text in double quotes: name = \"Lake County Schools\""
    );
    // `#` starts a comment, so a colour without quotes has no value.
    assert!(
        first_error(&format!("{DISTRICT}color = #0b5394\n"))
            .ends_with("= help: put text in double quotes: color = \"#0b5394\"")
    );
    assert!(
        first_error(&format!("{DISTRICT}\n[pages]\nhide = \"forms\"\n"))
            .ends_with("= help: put the items in square brackets, separated by commas: hide = [\"forms\"]")
    );
}

#[test]
fn a_file_name_with_other_capitals_is_an_error_on_every_system() {
    let help = "Write the name exactly as the file is called: capitals matter on the Linux machines that publish sites, even where Windows or macOS ignore them";
    // The logo.
    let error = first_error(&format!("{DISTRICT}logo = \"assets/Logo.svg\"\n"));
    assert_eq!(
        error,
        format!(
            "error[wrong-case]: `assets/Logo.svg` is not in the district folder: the file there is `assets/logo.svg`, with other capitals\n \
             --> d/district.toml:4:8\n  |\n\
             4 | logo = \"assets/Logo.svg\"\n  |        ^^^^^^^^^^^^^^^^^\n  \
             = help: did you mean `assets/logo.svg`? {help}"
        )
    );

    // A section file, and an image a page refers to.
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\nfile = \"Sections/more.md\"\n"),
    );
    fx.write("d/sections/more.md", "MORE\n");
    fx.write_bytes("d/assets/map.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82");
    fx.write(
        "d/pages/extra.md",
        "+++\ntitle = \"Extra\"\n+++\n\n![The county](assets/Map.png)\n",
    );
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr.contains(
            "error[wrong-case]: `Sections/more.md` is not in the district folder: the file there is `sections/more.md`, with other capitals\n"
        ) && run.stderr.contains(&format!("= help: did you mean `sections/more.md`? {help}")),
        "{}",
        run.stderr
    );
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\nfile = \"sections/more.md\"\n"),
    );
    let run = check(&fx, &[]);
    run.failure();
    assert!(
        run.stderr
            .contains(&format!("= help: did you mean `assets/map.png`? {help}")),
        "{}",
        run.stderr
    );
}

#[test]
fn long_source_lines_are_cut_around_the_caret() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", DISTRICT);
    let words = "Partners join through the link the teacher sends. ".repeat(8);
    fx.write(
        "d/pages/extra.md",
        &format!("+++\ntitle = \"Extra\"\n+++\n\n{words}See [the guide](guide.md) for more. {words}\n"),
    );
    let run = check(&fx, &[]);
    run.failure();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines[1], " --> d/pages/extra.md:5:417");
    let shown = lines[3].strip_prefix("5 | ").unwrap();
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    assert_eq!(shown.chars().count(), 102, "{shown}");
    let caret = lines[4].strip_prefix("  | ").unwrap();
    let under: String = shown.chars().skip(caret.find('^').unwrap()).take(8).collect();
    assert_eq!(under, "guide.md");
}

/// The mini toolkit's `intro` links to `forms` before its first heading.
const HIDE_FORMS: &str =
    "[district]\nid = \"lake\"\nname = \"Lake County Schools\"\n\n[pages]\nhide = [\"forms\"]\n";

#[test]
fn a_link_from_the_toolkit_to_a_hidden_page_is_reported_in_the_districts_folder() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", HIDE_FORMS);
    let run = check(&fx, &[]);
    run.success();
    let block = "[[sections]]\ntarget = \"intro\"\naction = \"replace\"\ntext = '''\nWelcome to {{ district.name }}. Sessions last {{ vars.session_minutes }} minutes on {{ vars.platform }}.\n\n{% if vars.provides_devices %}DEVICES-LENT{% else %}BRING-DEVICE{% endif %}\n\nSee [the recording rules](safety.md#recording) and the forms.\n\n## Overview\n\nINTRO-OVERVIEW\n'''\n";
    assert_eq!(
        run.stderr,
        format!(
            "warning[link-to-hidden-page]: the toolkit links to `forms`, which the district hides, from `intro`; that link prints as plain text\n \
             --> d/district.toml:6:9\n  |\n\
             6 | hide = [\"forms\"]\n  |         ^^^^^^^\n  \
             = help: to reword the text around the link, paste this block into district.toml and edit it; the link is already plain text in it, so pasting it unchanged accepts the plain text:\n\n\
             {block}\n\
             Or show `forms` again: take it out of `hide`.\n\n\
             check: 1 warning\n"
        )
    );
    assert!(
        !run.stderr.contains("toolkit/pages"),
        "nothing points into the toolkit"
    );

    // Pasting the block as it is accepts the plain text: no warning, even
    // with --deny-warnings, and the page reads the same.
    fx.adapt(Some("d")).success();
    let before = fx.main_of("intro");
    fx.write("d/district.toml", &format!("{HIDE_FORMS}\n{block}"));
    check(&fx, &["--deny-warnings"]).success().no_warnings();
    fx.adapt(Some("d")).success().no_warnings();
    assert_eq!(fx.main_of("intro"), before);
    assert!(before.contains("and the forms."), "{before}");
}

#[test]
fn the_built_in_toolkit_hidden_page_warning_points_at_hide() {
    let fx = Fixture::new();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"lake\"\nname = \"Lake\"\n\n[pages]\nhide = [\"youtube-live-events\"]\n",
    );
    let run = fx.wbl(&["check", "--district", "d"]);
    run.success();
    assert!(!run.stderr.contains("<embedded>"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[").count(),
        1,
        "one warning per hidden page:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "warning[link-to-hidden-page]: the toolkit links to `youtube-live-events`, which the district hides, from 3 sections: `welcome#part-session`, `technology-and-platforms#choosing`, `scaling-up#partner-pipeline`; those links print as plain text\n --> d/district.toml:6:9\n"
        ),
        "{}",
        run.stderr
    );
    // Every block, pasted, makes the district clean.
    let help = run.stderr.split("= help: ").nth(1).unwrap();
    let blocks: String = help
        .split("\n\n[[sections]]")
        .skip(1)
        .map(|b| format!("\n[[sections]]{}", b.split("\n\nOr show").next().unwrap()))
        .collect();
    assert_eq!(blocks.matches("[[sections]]").count(), 3, "{blocks}");
    let toml = fx.read("d/district.toml");
    fx.write("d/district.toml", &format!("{toml}{blocks}\n"));
    fx.wbl(&["check", "--district", "d", "--deny-warnings"])
        .success()
        .no_warnings();
}

#[test]
fn upgrade_hints_repeat_the_toolkit_folder_and_work_as_given() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        &format!("{DISTRICT}\n[[sections]]\ntarget = \"safety#recording\"\naction = \"replace\"\ntext = \"## Recording {{#recording}}\\n\\nOURS\"\n"),
    );
    fx.adapt(Some("d")).success();
    let page = fx
        .read("toolkit/pages/safety.md")
        .replace("RECORDING-TEXT", "RECORDING-TEXT\n\nNEW-RULE");
    fx.write("toolkit/pages/safety.md", &page);
    let toml = fx.read("toolkit/toolkit.toml").replace("1.2.3", "1.3.0");
    fx.write("toolkit/toolkit.toml", &toml);

    let run = check(&fx, &[]);
    run.success();
    let hint = "= help: review the change with `wbl diff --toolkit toolkit --district d`, then `wbl diff --toolkit toolkit --district d --accept safety#recording`";
    assert!(run.stderr.contains(hint), "{}", run.stderr);
    let diff = fx.wbl(&["diff", "--toolkit", "toolkit", "--district", "d"]);
    assert!(
        diff.stdout.contains(
            "accept with `wbl diff --toolkit toolkit --district d --accept TARGET` or `--accept-all`"
        ),
        "{}",
        diff.stdout
    );

    // Following the hint word for word records the right version.
    let accept = hint.rsplit("then `").next().unwrap().trim_end_matches('`');
    let args: Vec<&str> = accept.split(' ').skip(1).collect();
    fx.wbl(&args).success();
    assert!(fx.read("d/wbl.lock").contains("version = \"1.3.0\""));
    check(&fx, &["--deny-warnings"]).success().no_warnings();
}

#[test]
fn init_suggests_a_preview_of_the_same_toolkit() {
    let fx = Fixture::with_toolkit();
    let run = fx.wbl(&[
        "init",
        "district",
        "lake",
        "--toolkit",
        "toolkit",
        "--name",
        "Lake",
    ]);
    run.success();
    assert!(
        run.stderr
            .ends_with("Next, preview it: wbl serve --toolkit toolkit --district lake\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_given_with_a_trailing_slash_shows_no_double_slash() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", "[district]\nid = \"lake\"\nname = Lake\n");
    let run = fx.wbl(&["check", "--toolkit", "toolkit/", "--district", "d/"]);
    run.failure();
    assert!(
        run.stderr.contains(" --> d/district.toml:3:8\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("//"), "{}", run.stderr);
}

#[test]
fn adapt_ends_with_what_to_open_print_and_share() {
    let fx = Fixture::with_toolkit();
    fx.write("d/district.toml", DISTRICT);
    let run = fx.adapt(Some("d"));
    run.success();
    let sep = std::path::MAIN_SEPARATOR;
    let handouts = if fx.exists("out/handouts/index.html") {
        format!("out{sep}handouts{sep}index.html")
    } else {
        format!("out{sep}handouts")
    };
    let steps = [
        (
            "open",
            format!("out{sep}site{sep}index.html"),
            "the site: double-click it; it works without the internet",
        ),
        (
            "print",
            format!("out{sep}print{sep}handbook.html"),
            "the handbook: open it in Chrome or Edge and choose Print (or Save as PDF)",
        ),
        (
            "print",
            format!("out{sep}print{sep}family-packet.en.html"),
            "the documents for families and students",
        ),
        ("print", handouts, "1 handout or form, each to print on its own"),
        (
            "share",
            format!("out{sep}lake-mini-1.2.3.zip"),
            "the bundle for teachers: all of the above, to unzip and use offline",
        ),
        (
            "import",
            format!("out{sep}lms{sep}lake-mini-1.2.3-canvas.imscc"),
            "for Canvas: import it in Settings → Import Course Content",
        ),
        (
            "import",
            format!("out{sep}lms{sep}lake-mini-1.2.3.imscc"),
            "for your LMS (Schoology, Moodle, Brightspace…): import it as a Common Cartridge",
        ),
    ];
    let width = steps.iter().map(|s| s.1.len()).max().unwrap();
    let mut expected = "Next:\n".to_string();
    for (verb, path, what) in &steps {
        expected.push_str(&format!("  {verb:<6} {path:<width$}   {what}\n"));
    }
    let next = &run.stderr[run.stderr.find("Next:").expect("a Next: list")..];
    assert_eq!(next, expected);
    assert!(run.stderr.starts_with("wrote "), "{}", run.stderr);
    assert!(fx.exists("out/lake-mini-1.2.3.zip"));

    // Only what was built is named.
    let run = fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--format",
        "site",
        "--out",
        "site-only",
    ]);
    run.success();
    assert!(run.stderr.ends_with(&format!(
        "Next:\n  open   site-only{sep}site{sep}index.html   the site: double-click it; it works without the internet\n"
    )));
}

fn districts(fx: &Fixture, names: &[&str]) {
    for name in names {
        fx.write(
            &format!("districts/{name}/district.toml"),
            &format!("[district]\nid = \"{name}\"\nname = \"District {name}\"\n"),
        );
    }
}

fn publish(fx: &Fixture, folder: &str) -> crate::helper::Run {
    fx.wbl(&[
        "publish",
        "--toolkit",
        "toolkit",
        "--districts",
        folder,
        "--out",
        "rel",
    ])
}

#[test]
fn publish_says_what_it_skipped_and_counts_in_words() {
    let fx = Fixture::with_toolkit();
    districts(&fx, &["lake"]);
    fx.write("districts/README.md", "Our districts\n");
    fx.write("districts/notes/minutes.txt", "not a district\n");
    let run = publish(&fx, "districts");
    run.success();
    assert!(
        run.stderr.contains(
            "skipped 2 entries of districts:\n  README.md (a file, not a folder)\n  notes (no district.toml in it)\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("published 2 bundles to rel (1 district and the generic toolkit, shard 1/1)"),
        "{}",
        run.stderr
    );
}

#[test]
fn publish_refuses_folders_it_would_otherwise_drop() {
    let fx = Fixture::with_toolkit();
    districts(&fx, &["lake", "pine"]);

    // A district file with the wrong name: no work done, the file named.
    std::fs::rename(
        fx.path("districts/pine/district.toml"),
        fx.path("districts/pine/District.toml"),
    )
    .unwrap();
    let run = publish(&fx, "districts");
    run.failure();
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        run.stderr,
        format!(
            "error[io]: `districts{sep}pine{sep}District.toml` is not named `district.toml`: rename it to `district.toml`, all lower-case, so `pine` is published\n"
        )
    );
    assert!(!fx.exists("rel"), "nothing is written");

    // Or a district file by another name that starts a `[district]` table.
    std::fs::rename(
        fx.path("districts/pine/District.toml"),
        fx.path("districts/pine/pine.toml"),
    )
    .unwrap();
    let run = publish(&fx, "districts");
    run.failure();
    assert!(
        run.stderr.starts_with(&format!(
            "error[io]: `districts{sep}pine{sep}pine.toml` is not named `district.toml`"
        )),
        "{}",
        run.stderr
    );

    // A district folder given as the folder of districts.
    let run = publish(&fx, "districts/lake");
    run.failure();
    assert_eq!(
        run.stderr,
        "error[io]: `districts/lake` is a district folder itself (it holds district.toml); --districts takes the folder that holds district folders: pass `--districts districts`, or build this district alone with `wbl adapt --district districts/lake`\n"
    );

    // A folder with no districts: the folder that has them is suggested.
    let run = publish(&fx, ".");
    run.failure();
    assert_eq!(
        run.stderr,
        "error[io]: `.` holds no district folders (folders with a district.toml); did you mean `--districts districts`?\n"
    );
    std::fs::create_dir_all(fx.path("empty")).unwrap();
    let run = publish(&fx, "empty");
    run.failure();
    assert_eq!(
        run.stderr,
        "error[io]: `empty` holds no district folders (folders with a district.toml); pass the folder that holds one folder per district, each with its district.toml (`wbl init district DIR` makes one)\n"
    );
}

#[test]
fn diff_shows_everything_the_district_changes() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"lake\"\nname = \"Lake County Schools\"\nshort_name = \"Lake\"\n\n[[contacts]]\nname = \"Ana Ruiz\"\n\n[vars]\nplatform = \"Microsoft Teams\"\nsession_minutes = 90\n\n[pages]\nhide = [\"forms\"]\n\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\ntext = \"CALL-US\"\n",
    );
    fx.write(
        "d/pages/buses.md",
        "+++\ntitle = \"Late buses\"\npart = \"one\"\n+++\n\nBUSES\n",
    );
    fx.write(
        "d/pages/intro.md",
        "+++\ntitle = \"Our introduction\"\n+++\n\nOURS\n",
    );
    let run = fx.wbl(&["diff", "--toolkit", "toolkit", "--district", "d"]);
    run.success();
    assert_eq!(
        run.stdout,
        "District `lake` (Lake County Schools), against toolkit mini 1.2.3\n\
         \n\
         Its own details: short name \"Lake\", 1 contact\n\
         \n\
         Variables it sets (the toolkit's default beside each):\n  \
         platform        = \"Microsoft Teams\"   (toolkit: \"Zoom\")\n  \
         session_minutes = 90                  (toolkit: 90, the same)\n\
         \n\
         Pages it hides (left out everywhere; links to them print as plain text):\n  \
         forms  \"Consent form\"\n\
         \n\
         Pages it adds:\n  \
         buses  \"Late buses\" from d/pages/buses.md, in part \"Part one\"\n\
         \n\
         Pages it replaces with its own:\n  \
         intro  \"Introduction\" with d/pages/intro.md\n\
         \n\
         Overrides of the toolkit's text, and what changed upstream under them:\n  \
         intro  the district replaces the whole page; not yet in wbl.lock (recorded by the next `wbl adapt`)\n  \
         safety#reporting  the district appends; not yet in wbl.lock (recorded by the next `wbl adapt`)\n\
         \n\
         No upstream changes under the district's overrides (toolkit 1.2.3).\n"
    );
}

/// The example workflow's check step, as GitHub runs it: its `run` script
/// under the step's (or the workflow's default) shell.
#[cfg(unix)]
fn example_check_step() -> (String, Vec<&'static str>) {
    let yaml = include_str!("../../examples/ci/github-actions.yml");
    let start = yaml
        .find("- name: Check the toolkit and every district")
        .expect("the example has a check step");
    let step = &yaml[start..];
    let step_indent = yaml[..start].rsplit('\n').next().unwrap().len();
    // The step's own keys, up to the next step.
    let mut lines = step.lines();
    lines.next();
    let body: Vec<&str> = lines
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > step_indent)
        .collect();
    let key_indent = step_indent + 2;
    let shell = body
        .iter()
        .find_map(|l| l.trim().strip_prefix("shell: "))
        .or_else(|| {
            yaml.lines()
                .skip_while(|l| *l != "defaults:")
                .find_map(|l| l.trim().strip_prefix("shell: "))
        });
    let run_at = body
        .iter()
        .position(|l| l.trim() == "run: |")
        .expect("the check step's run is a block");
    let script: String = body[run_at + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > key_indent)
        .map(|l| format!("{}\n", l.get(key_indent + 2..).unwrap_or("")))
        .collect();
    // GitHub's own commands for each shell, with no `shell:` given: `bash -e`.
    let command = match shell {
        Some("bash") => vec!["bash", "--noprofile", "--norc", "-eo", "pipefail"],
        None => vec!["bash", "-e"],
        Some(other) => panic!("unexpected shell `{other}`"),
    };
    (script, command)
}

#[cfg(unix)]
#[test]
fn the_example_workflow_fails_when_check_fails() {
    let (script, shell) = example_check_step();
    assert!(script.contains("wbl check"), "{script}");
    let fx = Fixture::with_toolkit();
    districts(&fx, &["lake"]);
    // `wbl` on the PATH, as the workflow's install step leaves it.
    std::fs::create_dir_all(fx.path("bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_wbl"), fx.path("bin/wbl")).unwrap();
    fx.write("step.sh", &script);
    let run_step = |command: &[&str]| {
        let path = format!(
            "{}:{}",
            fx.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        std::process::Command::new(command[0])
            .args(&command[1..])
            .arg("step.sh")
            .current_dir(fx.path(""))
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };

    // A clean district passes, and the JSON lines are kept.
    let good = run_step(&shell);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));

    // A broken one fails the step, even under `bash -e` alone (the
    // script sets pipefail itself), and the diagnostics are still saved.
    fx.write(
        "districts/lake/district.toml",
        "[district]\nid = \"lake\"\nname = \"Lake\"\n\n[vars]\nplatfrom = \"Teams\"\n",
    );
    for command in [shell.clone(), vec!["bash", "-e"]] {
        let broken = run_step(&command);
        assert_eq!(broken.status.code(), Some(1), "{command:?} must fail the step");
        let saved = fx.read("diagnostics.jsonl");
        let first: serde_json::Value = serde_json::from_str(saved.lines().next().unwrap()).unwrap();
        assert_eq!(first["severity"], "error");
        assert_eq!(first["file"], "districts/lake/district.toml");
    }
}

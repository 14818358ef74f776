//! `wbl init district`, `wbl init toolkit`, the help and the completions.

use crate::helper::{Fixture, Run};

/// Every `target = "…"` and `hide = [...]` written (commented out) in a
/// district.toml.
fn example_addresses(toml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in toml.lines() {
        let line = line.trim_start_matches('#').trim();
        if let Some(rest) = line.strip_prefix("target = \"") {
            out.push(rest.split('"').next().unwrap().to_string());
        }
        if let Some(rest) = line.strip_prefix("hide = [\"") {
            out.push(rest.split('"').next().unwrap().to_string());
        }
    }
    out
}

/// The district.toml with its example `[[sections]]` blocks and `hide`
/// line uncommented, as a user would.
fn uncomment_examples(toml: &str) -> String {
    let mut out = String::new();
    let mut in_example = false;
    for line in toml.lines() {
        if line.starts_with("# [[sections]]") {
            in_example = true;
        } else if line.is_empty() {
            in_example = false;
        }
        let keep = in_example || line.starts_with("# hide = ");
        out.push_str(if keep {
            line.strip_prefix("# ").unwrap_or(line)
        } else {
            line
        });
        out.push('\n');
    }
    out
}

/// Writes the file the `replace` example names, starting with the heading
/// the example says to keep, then `marker`; returns the target page.
fn write_replacement(fx: &Fixture, dir: &str, toml: &str, marker: &str) -> String {
    let replace = toml.split("# action = \"replace\"").nth(1).unwrap();
    let file = replace
        .split("file = \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let heading = toml
        .lines()
        .find(|l| l.starts_with("#   #"))
        .expect("the heading to start the file with")
        .trim_start_matches("#   ");
    fx.write(&format!("{dir}/{file}"), &format!("{heading}\n\n{marker}\n"));
    let before = toml.split("# action = \"replace\"").next().unwrap();
    let target = before.rsplit("# target = \"").next().unwrap();
    target.split(['#', '"']).next().unwrap().to_string()
}

fn addresses_listed(fx: &Fixture, args: &[&str]) -> Vec<String> {
    let run = fx.wbl(args);
    run.success();
    run.stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn init_district_writes_a_folder_that_adapts_without_warnings() {
    let fx = Fixture::new();
    let run = fx.wbl(&["init", "district", "lake", "--name", "Lake County Schools"]);
    run.success();
    assert!(run.stderr.contains("wbl serve --district lake"), "{}", run.stderr);
    for folder in ["pages", "sections", "assets"] {
        assert!(fx.path(&format!("lake/{folder}")).is_dir(), "{folder}/ missing");
    }
    let toml = fx.read("lake/district.toml");
    assert!(toml.contains("id = \"lake-county-schools\""), "{toml}");
    assert!(toml.contains("name = \"Lake County Schools\""), "{toml}");
    let readme = fx.read("lake/README.md");
    assert!(readme.contains("wbl serve --district lake"), "{readme}");

    fx.wbl(&["check", "--district", "lake", "--deny-warnings"])
        .success()
        .no_warnings();
    fx.wbl(&["adapt", "--district", "lake", "--out", "out", "--deny-warnings"])
        .success()
        .no_warnings();
    let index = fx.read("out/site/index.html");
    assert!(index.contains("Lake County Schools"));
    // The live-reload script belongs to `wbl serve` only.
    assert!(!index.contains("__wbl"));
}

#[test]
fn init_district_examples_point_at_real_sections_and_work_uncommented() {
    let fx = Fixture::new();
    fx.wbl(&["init", "district", "d", "--name", "Pine Ridge SD"])
        .success();
    let toml = fx.read("d/district.toml");
    let examples = example_addresses(&toml);
    assert_eq!(
        examples.len(),
        5,
        "one per action and a hidden page: {examples:?}"
    );
    let known = addresses_listed(&fx, &["list"]);
    for address in &examples {
        assert!(known.contains(address), "`{address}` is not a toolkit address");
    }
    for action in ["replace", "append", "prepend", "remove"] {
        assert!(
            toml.contains(&format!("# action = \"{action}\"")),
            "no {action} example"
        );
    }

    let page = write_replacement(&fx, "d", &toml, "OUR-OWN-RECORDING-RULES");
    assert_eq!(page, "online-safety");
    fx.write("d/district.toml", &uncomment_examples(&toml));
    let run = fx.wbl(&["adapt", "--district", "d", "--out", "out"]);
    run.success();
    assert!(
        fx.read("out/site/online-safety.html")
            .contains("OUR-OWN-RECORDING-RULES")
    );
}

#[test]
fn init_district_uses_the_given_toolkit_for_its_examples() {
    let fx = Fixture::with_toolkit();
    fx.wbl(&[
        "init",
        "district",
        "d",
        "--toolkit",
        "toolkit",
        "--name",
        "Mini District",
    ])
    .success();
    let toml = fx.read("d/district.toml");
    let known = addresses_listed(&fx, &["list", "--toolkit", "toolkit"]);
    let examples = example_addresses(&toml);
    for address in &examples {
        assert!(
            known.contains(address),
            "`{address}` is not a mini toolkit address"
        );
    }
    assert!(toml.contains("# platform = \"Zoom\""), "{toml}");
    fx.adapt(Some("d")).success().no_warnings();
    let page = write_replacement(&fx, "d", &toml, "MINE");
    fx.write("d/district.toml", &uncomment_examples(&toml));
    fx.adapt(Some("d")).success();
    assert!(fx.main_of(&page).contains("MINE"));
}

#[test]
fn init_district_derives_names_and_ids_and_escapes_them() {
    let fx = Fixture::new();
    fx.wbl(&["init", "district", "pine-ridge_schools"]).success();
    let toml = fx.read("pine-ridge_schools/district.toml");
    assert!(toml.contains("name = \"Pine Ridge Schools\""), "{toml}");
    assert!(toml.contains("id = \"pine-ridge-schools\""), "{toml}");

    fx.wbl(&["init", "district", "q", "--name", "St. Mary's \"Best\" <Academy>"])
        .success();
    assert!(
        fx.read("q/district.toml")
            .contains("id = \"st-marys-best-academy\"")
    );
    fx.wbl(&["adapt", "--district", "q", "--out", "out", "--format", "site"])
        .success()
        .no_warnings();
    let index = fx.read("out/site/index.html");
    assert!(index.contains("&quot;Best&quot; &lt;Academy&gt;"), "{index}");

    fx.wbl(&["init", "district", "r", "--name", "Lake", "--id", "lake-2"])
        .success();
    assert!(fx.read("r/district.toml").contains("id = \"lake-2\""));
}

#[test]
fn init_district_refuses_to_overwrite() {
    let fx = Fixture::new();
    fx.write("d/district.toml", "# mine\n");
    let run = fx.wbl(&["init", "district", "d", "--name", "X"]);
    run.failure();
    assert!(
        run.stderr.contains("d/district.toml` already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.read("d/district.toml"), "# mine\n");
    assert!(!fx.exists("d/README.md"));
}

#[test]
fn init_district_keeps_an_existing_readme() {
    let fx = Fixture::new();
    fx.write("d/README.md", "our notes\n");
    fx.wbl(&["init", "district", "d", "--name", "X District"])
        .success();
    assert_eq!(fx.read("d/README.md"), "our notes\n");
    assert!(fx.exists("d/district.toml"));
}

#[test]
fn bad_ids_and_names_are_usage_errors() {
    let fx = Fixture::new();
    let run = fx.wbl(&["init", "district", "d", "--id", "Lake County"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a valid district id"), "{}", run.stderr);
    let run = fx.wbl(&["init", "district", "d", "--name", "  "]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = fx.wbl(&["init", "district", "d", "--name", "東京"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--id"), "{}", run.stderr);
    assert!(!fx.exists("d"));
}

#[test]
fn init_toolkit_round_trips() {
    let fx = Fixture::new();
    let run = fx.wbl(&["init", "toolkit", "tk"]);
    run.success();
    assert!(fx.path("tk/toolkit.toml").is_file());
    assert!(fx.path("tk/pages/welcome.md").is_file());
    assert!(fx.path("tk/assets").is_dir());

    let epoch = [("SOURCE_DATE_EPOCH", "1700000000")];
    fx.wbl_env(&["adapt", "--out", "embedded"], &epoch).success();
    fx.wbl_env(&["adapt", "--toolkit", "tk", "--out", "on-disk"], &epoch)
        .success()
        .no_warnings();
    let embedded = fx.tree("embedded");
    assert!(embedded.len() > 30);
    assert!(
        embedded == fx.tree("on-disk"),
        "the written toolkit builds a different site"
    );

    fx.wbl(&["init", "district", "d", "--toolkit", "tk", "--name", "D"])
        .success();
    fx.wbl_env(
        &["adapt", "--toolkit", "tk", "--district", "d", "--out", "d-out"],
        &epoch,
    )
    .success()
    .no_warnings();
}

#[test]
fn init_toolkit_refuses_to_overwrite() {
    let fx = Fixture::new();
    fx.write("tk/pages/welcome.md", "mine\n");
    let run = fx.wbl(&["init", "toolkit", "tk"]);
    run.failure();
    assert!(
        run.stderr.contains("tk/pages/welcome.md` already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.read("tk/pages/welcome.md"), "mine\n");
    assert!(!fx.exists("tk/toolkit.toml"));
}

fn assert_examples(run: &Run, command: &str) {
    run.success();
    assert!(run.stdout.contains("Examples:"), "{command}:\n{}", run.stdout);
    let examples = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("wbl "))
        .count();
    assert!(
        examples >= 2,
        "{command} shows {examples} examples:\n{}",
        run.stdout
    );
}

#[test]
fn every_command_help_has_examples() {
    let fx = Fixture::new();
    for command in [
        &["adapt"][..],
        &["list"],
        &["init"],
        &["init", "district"],
        &["init", "toolkit"],
        &["serve"],
        &["completions"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        assert_examples(&fx.wbl(&args), &command.join(" "));
    }
}

#[test]
fn wbl_alone_prints_the_usual_flow() {
    let fx = Fixture::new();
    let run = fx.wbl(&[]);
    assert_eq!(run.code, 2);
    crate::helper::assert_order(
        &run.stdout,
        &[
            "wbl init district",
            "district.toml",
            "wbl serve",
            "wbl check",
            "wbl adapt",
        ],
    );
}

#[test]
fn completions_and_man_page_generate() {
    let fx = Fixture::new();
    let run = fx.wbl(&["completions", "bash"]);
    run.success();
    assert!(run.stdout.contains("complete -F _wbl"), "{}", run.stdout);
    assert!(run.stdout.contains("serve"));
    for shell in ["zsh", "fish", "powershell"] {
        let run = fx.wbl(&["completions", shell]);
        run.success();
        assert!(run.stdout.contains("init"), "{shell}");
    }
    assert_eq!(fx.wbl(&["completions", "tcsh"]).code, 2);
    let run = fx.wbl(&["man"]);
    run.success();
    assert!(
        run.stdout.starts_with(".ie"),
        "{}",
        &run.stdout[..80.min(run.stdout.len())]
    );
    assert!(run.stdout.contains("wbl"));
}

//! Upgrade safety: the wbl.lock lifecycle and `wbl diff`.

use crate::helper::Fixture;

fn setup() -> Fixture {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"up-usd\"\nname = \"Up USD\"\n\n[[sections]]\ntarget = \"safety#recording\"\naction = \"replace\"\ntext = \"## Recording {#recording}\\n\\nOUR-RULES\"\n\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"append\"\ntext = \"CALL-US\"\n",
    );
    fx
}

/// Publishes toolkit 1.3.0 with a changed recording section.
fn upgrade(fx: &Fixture) {
    let toml = fx
        .read("toolkit/toolkit.toml")
        .replace("version = \"1.2.3\"", "version = \"1.3.0\"");
    fx.write("toolkit/toolkit.toml", &toml);
    let page = fx
        .read("toolkit/pages/safety.md")
        .replace("RECORDING-TEXT", "RECORDING-TEXT\n\nNEW-UPSTREAM-RULE");
    fx.write("toolkit/pages/safety.md", &page);
}

fn diff(fx: &Fixture, extra: &[&str]) -> crate::helper::Run {
    let mut args = vec!["diff", "--toolkit", "toolkit", "--district", "d"];
    args.extend(extra);
    fx.wbl(&args)
}

#[test]
fn lock_lifecycle() {
    let fx = setup();
    // First adapt creates the lock with both targets' upstream text.
    fx.adapt(Some("d")).success().no_warnings();
    let lock = fx.read("d/wbl.lock");
    assert!(lock.contains("toolkit = \"mini\""));
    assert!(lock.contains("target = \"safety#recording\"") && lock.contains("target = \"safety#reporting\""));
    assert!(lock.contains("version = \"1.2.3\"") && lock.contains("RECORDING-TEXT"));

    // Unchanged upstream: silent, lock untouched.
    fx.adapt(Some("d")).success().no_warnings();
    assert_eq!(fx.read("d/wbl.lock"), lock);
    let run = diff(&fx, &[]);
    run.success();
    assert!(
        run.stdout
            .contains("No upstream changes under the district's overrides (toolkit 1.2.3)"),
        "{}",
        run.stdout
    );

    // Changed upstream: adapt and check warn, naming target and versions;
    // the unchanged target is not mentioned; the lock keeps its baseline.
    upgrade(&fx);
    let run = fx.adapt(Some("d"));
    run.success();
    assert!(
        run.stderr.contains("warning[upstream-changed]: the toolkit's text under `safety#recording` changed since the district's override was made (toolkit 1.2.3 → 1.3.0)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("safety#reporting`"), "{}", run.stderr);
    assert_eq!(fx.read("d/wbl.lock"), lock, "adapt keeps the recorded baseline");
    let check = fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"]);
    check.success();
    assert!(check.stderr.contains("safety#recording") && check.stderr.contains("1.2.3 → 1.3.0"));
    assert_eq!(fx.read("d/wbl.lock"), lock, "check never writes the lock");

    // diff shows the upstream change next to the district's text.
    let run = diff(&fx, &[]);
    run.success();
    assert!(
        run.stdout
            .contains("safety#recording  the district replaces; TOOLKIT TEXT CHANGED 1.2.3 → 1.3.0"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+NEW-UPSTREAM-RULE"), "{}", run.stdout);
    assert!(run.stdout.contains("| OUR-RULES"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("safety#reporting  the district appends; toolkit text unchanged since 1.2.3"),
        "{}",
        run.stdout
    );

    // Accepting records the new baseline and clears the warning, without
    // showing the reviewed diff again.
    let run = diff(&fx, &["--accept", "safety#recording"]);
    run.success();
    assert!(!run.stdout.contains("NEW-UPSTREAM-RULE"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("recorded toolkit 1.3.0 as reviewed for 1 target in d/wbl.lock")
            && !run.stderr.contains("not reviewed yet"),
        "{}",
        run.stderr
    );
    let accepted = fx.read("d/wbl.lock");
    assert!(accepted.contains("NEW-UPSTREAM-RULE") && accepted.contains("version = \"1.3.0\""));
    fx.adapt(Some("d")).success().no_warnings();
    assert!(diff(&fx, &[]).stdout.contains("No upstream changes"));

    // A target that no longer exists upstream is an error naming both
    // versions and where its text went: the id is new, the text is not.
    let toml = fx
        .read("toolkit/toolkit.toml")
        .replace("version = \"1.3.0\"", "version = \"2.0.0\"");
    fx.write("toolkit/toolkit.toml", &toml);
    let page = fx.read("toolkit/pages/safety.md").replace(
        "## Recording sessions {#recording}",
        "## Recording sessions {#video-rules}",
    );
    fx.write("toolkit/pages/safety.md", &page);
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr.contains("target `safety#recording` does not exist: page `safety` has no section `recording` in toolkit 2.0.0 (the override was made against 1.3.0)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: the text this override was made against is now at `safety#video-rules`"),
        "{}",
        run.stderr
    );
}

#[test]
fn accept_all_and_unknown_targets() {
    let fx = setup();
    fx.adapt(Some("d")).success();
    upgrade(&fx);
    let run = diff(&fx, &["--accept", "safety#recordin"]);
    run.failure();
    assert!(
        run.stderr.contains("did you mean `safety#recording`?"),
        "{}",
        run.stderr
    );
    // An upstream change under a second target too: accepting one says
    // the other is still to review.
    let page = fx.read("toolkit/pages/safety.md").replace(
        "## Reporting {#reporting}",
        "## Reporting {#reporting}\n\nREPORTING-NEWS",
    );
    assert_ne!(
        page,
        fx.read("toolkit/pages/safety.md"),
        "the fixture has a Reporting section"
    );
    fx.write("toolkit/pages/safety.md", &page);
    let run = diff(&fx, &["--accept", "safety#recording"]);
    run.success();
    assert!(
        run.stderr
            .contains("1 other target changed upstream and is not reviewed yet"),
        "{}",
        run.stderr
    );
    diff(&fx, &["--accept-all"]).success();
    fx.adapt(Some("d")).success().no_warnings();
    assert_eq!(
        fx.wbl(&["diff", "--district", "d", "--accept", "x", "--accept-all"])
            .code,
        2
    );
}

#[test]
fn no_lock_for_a_district_without_overrides() {
    let fx = Fixture::with_toolkit();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"plain\"\nname = \"Plain\"\n",
    );
    fx.adapt(Some("d")).success();
    assert!(!fx.exists("d/wbl.lock"));
    assert!(diff(&fx, &[]).stdout.contains("overrides no toolkit text"));
}

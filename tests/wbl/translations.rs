//! When a translation falls behind: translations.lock for the toolkit's
//! translations, wbl.lock for a district's, the `translation-stale`
//! warning, and `wbl diff --lang`.

use crate::helper::Fixture;

const SAFETY_ES: &str = r#"+++
title = "Seguridad"
summary = "Cómo cuidamos a los estudiantes."
+++

SEGURIDAD-INTRO

## Grabación de las sesiones {#recording}

GRABACION-TEXTO

### Cuándo se permite {#allowed}

PERMITIDO-TEXTO

### Almacenamiento {#storage}

ALMACENAMIENTO-TEXTO

## Informar {#reporting}

INFORMAR-TEXTO
"#;

/// The small test toolkit, declared in English and Spanish.
fn in_english_and_spanish(fx: &Fixture) {
    let toml = fx
        .read("toolkit/toolkit.toml")
        .replacen("\n", "\nlanguages = [\"en\", \"es\"]\n", 1);
    fx.write("toolkit/toolkit.toml", &toml);
}

/// The small test toolkit with a Spanish translation of `safety`.
fn translated_toolkit() -> Fixture {
    let fx = Fixture::with_toolkit();
    in_english_and_spanish(&fx);
    fx.write("toolkit/pages/safety.es.md", SAFETY_ES);
    fx
}

/// Toolkit 1.3.0, whose recording section says something new.
fn upgrade(fx: &Fixture) {
    let toml = fx
        .read("toolkit/toolkit.toml")
        .replace("version = \"1.2.3\"", "version = \"1.3.0\"");
    fx.write("toolkit/toolkit.toml", &toml);
    let page = fx
        .read("toolkit/pages/safety.md")
        .replace("RECORDING-TEXT", "RECORDING-TEXT\n\nNEW-RULE");
    fx.write("toolkit/pages/safety.md", &page);
}

fn check(fx: &Fixture, extra: &[&str]) -> crate::helper::Run {
    let mut args = vec!["check", "--toolkit", "toolkit"];
    args.extend(extra);
    fx.wbl(&args)
}

fn diff(fx: &Fixture, extra: &[&str]) -> crate::helper::Run {
    let mut args = vec!["diff", "--toolkit", "toolkit", "--lang", "es"];
    args.extend(extra);
    fx.wbl(&args)
}

#[test]
fn a_translation_is_a_translation_not_a_page() {
    let fx = translated_toolkit();
    // `safety.es.md` is not read as a page `safety.es` (an invalid id).
    let run = check(&fx, &[]);
    run.success();
    assert!(!run.stderr.contains("invalid-id"), "{}", run.stderr);
    fx.adapt(None).success();
    assert!(!fx.exists("out/site/safety.es.html"));
}

#[test]
fn toolkit_translation_lifecycle() {
    let fx = translated_toolkit();

    // A translation nothing is recorded for: one warning for the file,
    // naming its sections and how to record them.
    let run = check(&fx, &[]);
    run.success();
    assert!(
        run.stderr.contains(
            "warning[translation-unrecorded]: the Spanish translation in `toolkit/pages/safety.es.md` is not recorded in translations.lock (`safety`, `safety#recording`, `safety#allowed` and 2 more), so wbl cannot tell when its English text changes"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("wbl diff --toolkit toolkit --lang es --accept safety"),
        "{}",
        run.stderr
    );
    let run = diff(&fx, &[]);
    run.success();
    assert!(
        run.stdout
            .contains("safety#recording  not recorded yet: check it against the English, then accept it"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("5 of 5 translated sections to review"),
        "{}",
        run.stdout
    );

    // Recording them writes translations.lock, and only it.
    let before: Vec<_> = fx.tree("toolkit");
    let run = diff(&fx, &["--accept-all"]);
    run.success();
    assert!(
        run.stderr.contains(
            "recorded the English text of 5 Spanish sections as reviewed (toolkit 1.2.3) in toolkit/translations.lock"
        ),
        "{}",
        run.stderr
    );
    let after = fx.tree("toolkit");
    let changed: Vec<&str> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(changed, ["translations.lock"]);
    let lock = fx.read("toolkit/translations.lock");
    assert!(lock.starts_with("# translations.lock"), "{lock}");
    assert!(
        lock.contains("lang = \"es\"\ntarget = \"safety#recording\"\nversion = \"1.2.3\""),
        "{lock}"
    );
    assert!(lock.contains("RECORDING-TEXT"), "{lock}");

    // Unchanged: no warning; the report says all is well.
    check(&fx, &["--deny-warnings"]).success().no_warnings();
    assert!(
        diff(&fx, &[])
            .stdout
            .contains("All 5 translated sections are up to date with their English text.")
    );

    // The English of one section changes in a new toolkit version: check
    // and adapt warn, naming page#section, the language and both
    // versions, at the Spanish heading; the Spanish stays in place.
    upgrade(&fx);
    let run = check(&fx, &[]);
    run.success();
    assert!(
        run.stderr.contains(
            "warning[translation-stale]: the English text of `safety#recording` changed since its Spanish translation was made (toolkit 1.2.3 → 1.3.0)\n --> toolkit/pages/safety.es.md:8:1"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "= help: the Spanish text stays as it is until it is updated; see the change with `wbl diff --toolkit toolkit --lang es`, update `toolkit/pages/safety.es.md`, then record the review with `wbl diff --toolkit toolkit --lang es --accept safety#recording`"
        ),
        "{}",
        run.stderr
    );
    // Its subsections' own text did not change.
    assert!(!run.stderr.contains("safety#allowed"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("translation-stale").count(),
        1,
        "{}",
        run.stderr
    );
    check(&fx, &["--deny-warnings"]).failure();
    let adapt = fx.adapt(None);
    adapt.success();
    assert!(
        adapt.stderr.contains("warning[translation-stale]"),
        "{}",
        adapt.stderr
    );
    assert_eq!(fx.read("toolkit/pages/safety.es.md"), SAFETY_ES);

    // For CI, the JSON message carries the code.
    let run = check(&fx, &["--message-format", "json"]);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("translation-stale"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains("\"code\":\"translation-stale\""), "{line}");
    assert!(line.contains("\"file\":\"toolkit/pages/safety.es.md\""), "{line}");

    // diff shows the English change as a line diff, beside the Spanish.
    let run = diff(&fx, &[]);
    run.success();
    assert!(
        run.stdout
            .contains("safety#recording  ENGLISH TEXT CHANGED 1.2.3 → 1.3.0"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  --- safety#recording (English, toolkit 1.2.3)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  +NEW-RULE"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("The Spanish text now, in toolkit/pages/safety.es.md:\n  | ## Grabación de las sesiones {#recording}\n  | \n  | GRABACION-TEXTO"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("1 of 5 translated sections to review (4 up to date)"),
        "{}",
        run.stdout
    );
    // The warnings this report shows in full are not printed again.
    assert!(!run.stderr.contains("translation-stale"), "{}", run.stderr);

    // A target that is not a translated section is refused, with the
    // closest one.
    let run = diff(&fx, &["--accept", "safety#recordin"]);
    run.failure();
    assert!(
        run.stderr
            .contains("`safety#recordin` is not a section with a Spanish translation")
            && run.stderr.contains("safety#recording"),
        "{}",
        run.stderr
    );

    // Accepting records the new English and clears the warning.
    let run = diff(&fx, &["--accept", "safety#recording"]);
    run.success();
    assert!(
        run.stderr
            .contains("recorded the English text of 1 Spanish section as reviewed (toolkit 1.3.0)"),
        "{}",
        run.stderr
    );
    assert!(fx.read("toolkit/translations.lock").contains("NEW-RULE"));
    check(&fx, &["--deny-warnings"]).success().no_warnings();

    // A section the translation drops is no longer compared; its entry
    // is dropped by --accept-all.
    let fewer = SAFETY_ES.replace("## Informar {#reporting}\n\nINFORMAR-TEXTO\n", "");
    fx.write("toolkit/pages/safety.es.md", &fewer);
    let run = diff(&fx, &[]);
    assert!(
        run.stdout.contains(
            "safety#reporting  recorded in toolkit/translations.lock, but no longer a translated section"
        ),
        "{}",
        run.stdout
    );
    diff(&fx, &["--accept-all"]).success();
    assert!(!fx.read("toolkit/translations.lock").contains("safety#reporting"));
}

#[test]
fn a_changed_title_and_a_translated_snippet_are_noticed() {
    let fx = translated_toolkit();
    fx.write("toolkit/snippets/cameras.md", "Cameras are optional.");
    fx.write("toolkit/snippets/cameras.es.md", "La cámara es opcional.");
    let page = fx.read("toolkit/pages/intro.md").replace(
        "## Overview",
        "{% include \"snippets/cameras.md\" %}\n\n## Overview",
    );
    fx.write("toolkit/pages/intro.md", &page);
    diff(&fx, &["--accept-all"]).success();
    check(&fx, &[]).success().no_warnings();

    let page = fx
        .read("toolkit/pages/safety.md")
        .replace("title = \"Safety\"", "title = \"Keeping students safe\"");
    fx.write("toolkit/pages/safety.md", &page);
    fx.write("toolkit/snippets/cameras.md", "Cameras are optional, always.");
    let run = check(&fx, &[]);
    run.success();
    assert!(
        run.stderr
            .contains("the English text of `safety` changed since its Spanish translation was made (recorded with toolkit 1.2.3, the version in use)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "the English text of `snippets/cameras.md` changed since its Spanish translation was made"
        ),
        "{}",
        run.stderr
    );
    let run = diff(&fx, &[]);
    assert!(
        run.stdout
            .contains("-title = \"Safety\"\n  +title = \"Keeping students safe\""),
        "{}",
        run.stdout
    );
}

#[test]
fn the_built_in_toolkit_cannot_be_changed_by_accept() {
    let fx = Fixture::new();
    let run = fx.wbl(&["diff", "--lang", "es", "--accept-all"]);
    run.failure();
    assert!(
        run.stderr
            .contains("the toolkit built into wbl cannot be changed"),
        "{}",
        run.stderr
    );
    let run = fx.wbl(&["diff", "--lang", "Spanish"]);
    run.failure();
    assert!(
        run.stderr.contains("`Spanish` is not a language code"),
        "{}",
        run.stderr
    );
    // Neither --district nor --lang: a usage error.
    assert_eq!(fx.wbl(&["diff"]).code, 2);
}

/// The embedded toolkit's translations.lock is kept up to date: a
/// translation whose English changed, or one never recorded, fails here
/// rather than reaching families unnoticed.
#[test]
fn the_embedded_toolkit_has_no_stale_translations() {
    let fx = Fixture::new();
    let run = fx.wbl(&["check", "--message-format", "json"]);
    run.success();
    for code in [
        "translation-stale",
        "translation-unrecorded",
        "lock-edited",
        "bad-lock",
    ] {
        assert!(
            !run.stdout.contains(&format!("\"code\":\"{code}\"")),
            "the embedded toolkit's translations need review: run `wbl diff --toolkit toolkit-content --lang es`, update the translations, then `--accept`:\n{}",
            run.stdout
        );
    }
}

fn district(fx: &Fixture) {
    fx.write(
        "d/district.toml",
        "[district]\nid = \"d-usd\"\nname = \"D USD\"\n\n[[sections]]\ntarget = \"safety#reporting\"\naction = \"replace\"\nfile = \"sections/reporting.md\"\n",
    );
    fx.write(
        "d/sections/reporting.md",
        "## Reporting {#reporting}\n\nCALL-THE-OFFICE\n",
    );
    fx.write(
        "d/sections/reporting.es.md",
        "## Informar {#reporting}\n\nLLAME-A-LA-OFICINA\n",
    );
    fx.write(
        "d/pages/intro.es.md",
        "+++\ntitle = \"Introducción\"\nsummary = \"Empiece aquí.\"\n+++\n\nBienvenidos.\n\n## Resumen {#overview}\n\nRESUMEN-ES\n",
    );
}

#[test]
fn district_translations_are_recorded_in_wbl_lock_and_warn_when_the_english_changes() {
    let fx = Fixture::with_toolkit();
    in_english_and_spanish(&fx);
    district(&fx);
    // An old wbl.lock, written before translations, still loads.
    fx.adapt(Some("d")).success().no_warnings();
    let lock = fx.read("d/wbl.lock");
    assert!(
        lock.contains("[[override]]") && lock.contains("[[translation]]"),
        "{lock}"
    );
    let old = lock[..lock.find("[[translation]]").unwrap()].to_string();
    fx.write("d/wbl.lock", &old);
    fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"])
        .success()
        .no_warnings();
    fx.adapt(Some("d")).success().no_warnings();
    let lock = fx.read("d/wbl.lock");
    assert!(
        lock.contains("lang = \"es\"\ntarget = \"safety#reporting\"") && lock.contains("CALL-THE-OFFICE"),
        "{lock}"
    );
    assert!(
        lock.contains("target = \"intro#overview\"") && lock.contains("INTRO-OVERVIEW"),
        "{lock}"
    );
    fx.adapt(Some("d")).success().no_warnings();
    assert_eq!(
        fx.read("d/wbl.lock"),
        lock,
        "an unchanged district keeps its lock"
    );

    // The district changes its own English override: its Spanish one
    // falls behind, and the warning points at the Spanish file.
    fx.write(
        "d/sections/reporting.md",
        "## Reporting {#reporting}\n\nCALL-THE-OFFICE OR TEXT US\n",
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit", "--district", "d"]);
    run.success();
    assert!(
        run.stderr.contains(
            "warning[translation-stale]: the English text of `safety#reporting` changed since its Spanish translation was made (recorded with toolkit 1.2.3, the version in use)\n --> d/sections/reporting.es.md"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("then record the review with `wbl diff --toolkit toolkit --district d --lang es --accept safety#reporting`"),
        "{}",
        run.stderr
    );

    // The toolkit changes the English under the district's Spanish page.
    let toml = fx
        .read("toolkit/toolkit.toml")
        .replace("version = \"1.2.3\"", "version = \"1.4.0\"");
    fx.write("toolkit/toolkit.toml", &toml);
    let page = fx
        .read("toolkit/pages/intro.md")
        .replace("INTRO-OVERVIEW", "INTRO-OVERVIEW, NOW LONGER");
    fx.write("toolkit/pages/intro.md", &page);
    let run = fx.adapt(Some("d"));
    run.success();
    assert!(
        run.stderr.contains(
            "the English text of `intro#overview` changed since its Spanish translation was made (toolkit 1.2.3 → 1.4.0)\n --> d/pages/intro.es.md:8:1"
        ),
        "{}",
        run.stderr
    );
    assert!(
        fx.read("d/wbl.lock").contains("INTRO-OVERVIEW\n"),
        "adapt keeps the recorded English"
    );

    // The override report points at the translations.
    let run = fx.wbl(&["diff", "--toolkit", "toolkit", "--district", "d"]);
    assert!(
        run.stdout.contains(
            "2 sections of the district's Spanish translations fell behind their English: see `wbl diff --toolkit toolkit --district d --lang es`."
        ),
        "{}",
        run.stdout
    );

    // diff --lang shows both changes beside the district's Spanish text.
    let run = fx.wbl(&["diff", "--toolkit", "toolkit", "--district", "d", "--lang", "es"]);
    run.success();
    assert!(
        run.stdout
            .contains("District `d-usd`: its Spanish (es) translations, against d/wbl.lock"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+CALL-THE-OFFICE OR TEXT US"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  | LLAME-A-LA-OFICINA"), "{}", run.stdout);
    assert!(
        run.stdout.contains("+INTRO-OVERVIEW, NOW LONGER"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  | RESUMEN-ES"), "{}", run.stdout);

    // Accepting both clears the warnings.
    fx.wbl(&[
        "diff",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--lang",
        "es",
        "--accept-all",
    ])
    .success();
    fx.wbl(&[
        "check",
        "--toolkit",
        "toolkit",
        "--district",
        "d",
        "--deny-warnings",
    ])
    .success()
    .no_warnings();
    let lock = fx.read("d/wbl.lock");
    assert!(
        lock.contains("NOW LONGER") && lock.contains("OR TEXT US"),
        "{lock}"
    );
    assert!(
        lock.contains("[[override]]"),
        "the overrides' entries stay: {lock}"
    );
}

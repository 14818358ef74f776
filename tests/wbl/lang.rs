//! Languages: translations in the toolkit and in a district become
//! `site/<lang>/`, `handouts/<lang>/` and a family packet per language.

use crate::helper::{Fixture, main_part};

/// A two-language toolkit wbl has never seen: a guide for teachers, a
/// letter for families (translated) that links to a form (not translated).
fn bilingual() -> Fixture {
    let fx = Fixture::new();
    fx.write(
        "toolkit/toolkit.toml",
        r#"id = "tiny"
title = "Tiny Toolkit"
version = "0.1.0"
language = "en"
languages = ["en", "es"]
publisher = "Test Alliance"

[translation.es]
title = "Kit pequeño"

[translation.es.parts]
families = "Familias"

[[parts]]
id = "staff"
title = "Staff"
pages = ["guide"]

[[parts]]
id = "families"
title = "Families"
pages = ["letter", "form"]
"#,
    );
    fx.write(
        "toolkit/pages/guide.md",
        "+++\ntitle = \"Guide\"\naudience = [\"teachers\"]\n+++\n\nSend [the letter](letter.md).\n",
    );
    fx.write(
        "toolkit/pages/letter.md",
        "+++\ntitle = \"Letter\"\nkind = \"letter\"\naudience = [\"families\"]\n+++\n\nDear family, {% include \"snippets/hello.md\" %}\n\n## What to expect {#what-to-expect}\n\nEN-EXPECT\n\n## Questions {#questions}\n\nSign [the form](form.md).\n",
    );
    fx.write(
        "toolkit/pages/letter.es.md",
        "+++\ntitle = \"Carta\"\n+++\n\nEstimada familia, {% include \"snippets/hello.md\" %}\n\n## Qué esperar {#what-to-expect}\n\nES-EXPECT\n\n## Preguntas {#questions}\n\nFirme [el formulario](form.md).\n",
    );
    fx.write(
        "toolkit/pages/form.md",
        "+++\ntitle = \"Consent form\"\nkind = \"form\"\naudience = [\"families\"]\n+++\n\nSIGN-HERE\n",
    );
    fx.write("toolkit/snippets/hello.md", "HELLO-EN");
    fx.write("toolkit/snippets/hello.es.md", "HOLA-ES");
    // The translations are reviewed: translations.lock records them.
    fx.wbl(&["diff", "--toolkit", "toolkit", "--lang", "es", "--accept-all"])
        .success();
    fx
}

fn district(fx: &Fixture, body: &str) {
    fx.write(
        "d/district.toml",
        &format!("[district]\nid = \"test-usd\"\nname = \"Test USD\"\n\n{body}"),
    );
}

#[test]
fn a_translated_page_becomes_a_spanish_page_with_a_switcher_both_ways() {
    let fx = bilingual();
    fx.adapt(None).success().no_warnings();
    let es = fx.read("out/site/es/letter.html");
    assert!(
        es.starts_with("<!DOCTYPE html>\n<html lang=\"es\">"),
        "{}",
        &es[..80]
    );
    assert!(
        es.contains("ES-EXPECT") && es.contains("HOLA-ES"),
        "the Spanish text and snippet"
    );
    assert!(!es.contains("HELLO-EN"));
    assert!(es.contains("Saltar al contenido"), "Spanish interface text");
    assert!(es.contains(r#"<a href="../letter.html" hreflang="en" lang="en">English</a>"#));
    let en = fx.read("out/site/letter.html");
    assert!(en.contains(r#"<a href="es/letter.html" hreflang="es" lang="es">Español</a>"#));
    // A page without a translation has no switcher.
    assert!(!fx.read("out/site/guide.html").contains("hreflang"));
    assert!(!fx.exists("out/site/es/guide.html"));
    // The Spanish home page, and the same address for every section.
    let index = fx.read("out/site/es/index.html");
    assert!(
        index.contains("<html lang=\"es\">") && index.contains("Kit pequeño") && index.contains("Familias")
    );
    assert!(es.contains(r#"<h2 id="what-to-expect">Qué esperar</h2>"#));
    assert!(es.contains(r#"href="../wbl.css""#), "the stylesheet is shared");
    // The Spanish letter is a handout of its own.
    assert!(
        fx.read("out/handouts/es/letter.html")
            .contains("<html lang=\"es\">")
    );
}

#[test]
fn a_link_to_an_untranslated_page_leads_to_the_english_page_marked() {
    let fx = bilingual();
    fx.adapt(None).success();
    let es = main_part(&fx.read("out/site/es/letter.html"));
    assert!(
        es.contains(r#"<a href="../form.html" hreflang="en">el formulario</a> <span class="in-other-language">(en inglés)</span>"#),
        "{es}"
    );
    let handout = fx.read("out/handouts/es/letter.html");
    assert!(
        handout.contains(r#"href="../../site/form.html""#),
        "from handouts/es/ to the English site page"
    );
}

#[test]
fn the_spanish_family_packet_holds_the_spanish_family_pages_only() {
    let fx = bilingual();
    fx.write(
        "toolkit/pages/form.md",
        "+++\ntitle = \"Consent form\"\nkind = \"form\"\naudience = [\"families\"]\nsummary = \"STAFF-SUMMARY\"\n+++\n\nSIGN-HERE\n",
    );
    fx.adapt(None).success();
    // Staff read a document's summary in the handbook; families, in their
    // packet, see only the document.
    assert!(fx.read("out/print/handbook.html").contains("STAFF-SUMMARY"));
    assert!(
        !fx.read("out/print/family-packet.en.html")
            .contains("STAFF-SUMMARY")
    );
    let es = fx.read("out/print/family-packet.es.html");
    assert!(es.contains("<html lang=\"es\">"));
    assert!(es.contains("ES-EXPECT"));
    assert!(
        !es.contains("EN-EXPECT") && !es.contains("SIGN-HERE"),
        "no English page in the Spanish packet"
    );
    assert!(!es.contains("Send "), "no guide in the packet");
    // Its link to the untranslated form leads to the English site page.
    assert!(es.contains(r#"href="../site/form.html""#));
    let en = fx.read("out/print/family-packet.en.html");
    assert!(en.contains("EN-EXPECT") && en.contains("SIGN-HERE") && !en.contains("Send "));
}

#[test]
fn a_translation_missing_or_adding_a_section_warns() {
    let fx = bilingual();
    fx.write(
        "toolkit/pages/letter.es.md",
        "+++\ntitle = \"Carta\"\n+++\n\n## Qué esperar\n\nES-EXPECT\n\n## Preguntas {#questions}\n\nPREGUNTAS\n",
    );
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    assert!(
        run.stderr.contains(
            "warning[translation-missing-section]: the `es` translation of `letter` has no section `what-to-expect` (\"What to expect\")"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "warning[translation-extra-section]: the `es` translation of `letter` has a section `qué-esperar` its source does not have"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_of_a_page_that_does_not_exist_is_an_error() {
    let fx = bilingual();
    fx.write("toolkit/pages/leter.es.md", "+++\ntitle = \"Carta\"\n+++\n\nX\n");
    let run = fx.wbl(&["check", "--toolkit", "toolkit"]);
    run.failure();
    assert!(
        run.stderr.contains("error[translation-of-missing-page]: `toolkit/pages/leter.es.md` translates page `leter`, which does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `letter`?"), "{}", run.stderr);
}

#[test]
fn an_english_only_override_of_a_translated_section_warns_with_the_block_to_add() {
    let fx = bilingual();
    district(
        &fx,
        "[[sections]]\ntarget = \"letter#what-to-expect\"\naction = \"replace\"\ntext = \"\"\"\n## What to expect {#what-to-expect}\n\nDISTRICT-EN\n\"\"\"\n",
    );
    let run = fx.adapt(Some("d"));
    run.success();
    assert!(
        run.stderr.contains(
            "warning[override-in-one-language]: the override of `letter#what-to-expect` is in `en` only; the `es` page keeps the toolkit's text"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("lang = \"es\""),
        "shows the block to add:\n{}",
        run.stderr
    );
    assert!(fx.read("out/site/letter.html").contains("DISTRICT-EN"));
    assert!(fx.read("out/site/es/letter.html").contains("ES-EXPECT"));
}

#[test]
fn an_override_in_both_languages_applies_to_each_and_does_not_warn() {
    let fx = bilingual();
    district(
        &fx,
        "languages = [\"en\", \"es\"]\n\n[[sections]]\ntarget = \"letter#what-to-expect\"\naction = \"replace\"\nfile = \"sections/expect.md\"\n\n[[sections]]\ntarget = \"letter#questions\"\naction = \"append\"\nlang = \"es\"\ntext = \"SOLO-ES\"\n\n[[sections]]\ntarget = \"letter#questions\"\naction = \"append\"\nlang = \"en\"\ntext = \"ONLY-EN\"\n",
    );
    fx.write(
        "d/sections/expect.md",
        "## What to expect {#what-to-expect}\n\nDISTRICT-EN\n",
    );
    fx.write(
        "d/sections/expect.es.md",
        "## Qué esperar {#what-to-expect}\n\nDISTRITO-ES\n",
    );
    fx.adapt(Some("d")).success().no_warnings();
    let (en, es) = (
        fx.read("out/site/letter.html"),
        fx.read("out/site/es/letter.html"),
    );
    assert!(en.contains("DISTRICT-EN") && en.contains("ONLY-EN") && !en.contains("SOLO-ES"));
    assert!(es.contains("DISTRITO-ES") && es.contains("SOLO-ES") && !es.contains("ONLY-EN"));
    assert!(!es.contains("ES-EXPECT"));
}

#[test]
fn a_district_translation_replaces_the_toolkits_spanish_page() {
    let fx = bilingual();
    district(&fx, "");
    fx.write(
        "d/pages/letter.es.md",
        "+++\ntitle = \"Nuestra carta\"\n+++\n\n## Qué esperar {#what-to-expect}\n\nDISTRITO-CARTA\n\n## Preguntas {#questions}\n\nP\n",
    );
    fx.adapt(Some("d")).success().no_warnings();
    let es = fx.read("out/site/es/letter.html");
    assert!(es.contains("Nuestra carta") && es.contains("DISTRITO-CARTA") && !es.contains("ES-EXPECT"));
}

#[test]
fn an_unknown_district_language_is_an_error_at_its_line() {
    let fx = bilingual();
    district(&fx, "");
    fx.write(
        "d/district.toml",
        "[district]\nid = \"test-usd\"\nname = \"Test USD\"\nlanguages = [\"en\", \"sp\"]\n",
    );
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(
        run.stderr
            .contains("error[unknown-language]: `sp` is not a language of the toolkit"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("d/district.toml:4:"), "{}", run.stderr);
}

#[test]
fn a_district_that_publishes_english_only_has_no_spanish_site() {
    let fx = bilingual();
    district(&fx, "languages = [\"en\"]\n");
    fx.adapt(Some("d")).success().no_warnings();
    assert!(!fx.exists("out/site/es"));
    assert!(!fx.read("out/site/letter.html").contains("hreflang"));
}

#[test]
fn the_embedded_toolkit_and_desert_valley_publish_spanish() {
    let fx = Fixture::new();
    let dv = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/desert-valley-usd");
    let run = fx.wbl(&["adapt", "--district", dv, "--out", "out"]);
    run.success().no_warnings();
    for page in [
        "family-letter",
        "consent-and-release-form",
        "student-flyer",
        "student-application",
        "preparation-worksheet",
        "online-etiquette",
        "student-reflection",
        "certificate",
    ] {
        let html = fx.read(&format!("out/site/es/{page}.html"));
        assert!(html.contains("<html lang=\"es\">"), "{page}");
        assert!(
            html.contains(&format!("href=\"../{page}.html\" hreflang=\"en\"")),
            "{page}: switcher"
        );
        assert!(
            fx.read(&format!("out/site/{page}.html"))
                .contains(&format!("href=\"es/{page}.html\" hreflang=\"es\""))
        );
        assert!(html.contains("Desert Valley"), "{page}: the district's values");
    }
    // The district's override in both languages: the Spanish how-to-apply.
    let flyer = fx.read("out/site/es/student-flyer.html");
    assert!(flyer.contains("Cómo presentar tu solicitud"));
    assert!(flyer.contains("Microsoft Forms"));
    assert!(fx.exists("out/site/es/index.html"));
    assert!(fx.exists("out/handouts/es/family-letter.html"));
    assert!(
        fx.read("out/print/family-packet.es.html")
            .contains("<html lang=\"es\">")
    );
}

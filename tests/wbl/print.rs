//! The handbook and handouts as paper: what can be checked without a
//! browser (the PDFs themselves are measured by tests/print/check_pdf.py
//! and the print-width check of tests/browser/check.mjs).

use crate::helper::{Fixture, main_part};

/// The mini toolkit with a flyer, a certificate and a student form with
/// "Other:" and a signature block.
fn fixture() -> Fixture {
    let fx = Fixture::with_toolkit();
    fx.write(
        "toolkit/toolkit.toml",
        &fx.read("toolkit/toolkit.toml").replace(
            r#"pages = ["forms"]"#,
            r#"pages = ["forms", "flyer", "certificate", "agenda"]"#,
        ),
    );
    fx.write(
        "toolkit/pages/flyer.md",
        "+++\ntitle = \"Apply now\"\nkind = \"handout\"\nlayout = \"flyer\"\naudience = [\"students\"]\nsummary = \"STAFF-NOTE-FLYER\"\n+++\n\nLEAD-PARAGRAPH\n\n## Why {#why}\n\nFACTS\n",
    );
    fx.write(
        "toolkit/pages/certificate.md",
        "+++\ntitle = \"Certificate of completion\"\nkind = \"template\"\nlayout = \"certificate\"\naudience = [\"students\"]\n+++\n\nThis certifies that **[Student]** completed a micro-internship.\n\n| Field | Your answer |\n| --- | --- |\n| Teacher signature | |\n| Partner signature | |\n",
    );
    fx.write(
        "toolkit/pages/agenda.md",
        "+++\ntitle = \"Agenda\"\nkind = \"template\"\naudience = [\"teachers\", \"partners\"]\nsummary = \"STAFF-NOTE-AGENDA\"\n+++\n\nSee [safety](safety.md#recording).\n\n| Time | What happens |\n| --- | --- |\n| 0:00 | Welcome |\n",
    );
    fx.write(
        "toolkit/pages/forms.md",
        "+++\ntitle = \"Consent form\"\nkind = \"form\"\naudience = [\"families\"]\nsummary = \"STAFF-NOTE-FORM\"\n+++\n\n## Overview\n\n| Field | Your answer |\n| --- | --- |\n| Student name | |\n\nInterests:\n\n- [ ] Health care\n- [ ] Other:\n\nPhotos may be shared:\n\n- [ ] Yes\n- [ ] No\n\n## Signatures {#signatures}\n\n| Field | Your answer |\n| --- | --- |\n| Parent or guardian signature | |\n| Printed name | |\n| Relationship to the student | |\n| Date | |\n\nSee the [introduction](intro.md).\n",
    );
    fx
}

#[test]
fn form_tables_print_as_labels_and_blanks_with_a_signature_block() {
    let fx = fixture();
    fx.adapt(None).success();
    let form = main_part(&fx.read("out/handouts/forms.html"));
    // No generic header row over the blanks; each label heads its row.
    assert!(!form.contains("Your answer"), "{form}");
    assert!(form.contains(r#"<table class="form-table"><tbody>"#), "{form}");
    assert!(
        form.contains(r#"<tr><th scope="row">Student name</th><td></td></tr>"#),
        "{form}"
    );
    assert!(
        form.contains(r#"<table class="form-table signature-block">"#),
        "{form}"
    );
    assert!(
        form.contains(r#"<tr class="sign"><th scope="row">Parent or guardian signature</th><td></td></tr>"#),
        "{form}"
    );
    assert!(
        form.contains(r#"<th scope="row">Relationship to the student</th>"#),
        "{form}"
    );
    // "Other:" gets a line to write on; short choices share a line.
    assert!(
        form.contains(r#"Other:<span class="write-line" aria-hidden="true"></span></li>"#),
        "{form}"
    );
    assert!(form.contains(r#"<ul class="choices">"#), "{form}");
    // The site keeps the table as written.
    assert!(fx.read("out/site/forms.html").contains("Your answer"));
}

#[test]
fn every_header_cell_has_a_scope() {
    let fx = fixture();
    fx.adapt(None).success();
    for file in [
        "out/print/handbook.html",
        "out/handouts/agenda.html",
        "out/handouts/forms.html",
    ] {
        let html = fx.read(file);
        let cells = html.matches("<th>").count() + html.matches("<th ").count();
        assert!(cells > 0, "{file} has header cells");
        assert_eq!(
            html.matches("<th scope=\"").count(),
            cells,
            "{file}: every <th> has a scope"
        );
    }
    assert!(
        fx.read("out/handouts/agenda.html")
            .contains(r#"<th scope="col">Time</th>"#)
    );
}

#[test]
fn handouts_for_families_and_students_carry_no_staff_notes() {
    let fx = fixture();
    fx.adapt(None).success();
    for page in ["forms", "flyer"] {
        let html = fx.read(&format!("out/handouts/{page}.html"));
        assert!(!html.contains("STAFF-NOTE"), "{page}: {html}");
        assert!(!html.contains(r#"class="page-eyebrow""#), "{page}");
    }
    // A handout for teachers keeps what tells them what it is for…
    let agenda = fx.read("out/handouts/agenda.html");
    assert!(agenda.contains("STAFF-NOTE-AGENDA") && agenda.contains(r#"class="page-eyebrow""#));
    // …and so does the handbook, which staff read.
    assert!(fx.read("out/print/handbook.html").contains("STAFF-NOTE-FORM"));
}

#[test]
fn layouts_come_from_front_matter() {
    let fx = fixture();
    fx.adapt(None).success();
    let flyer = fx.read("out/handouts/flyer.html");
    assert!(flyer.contains(r#"<body class="handout layout-flyer">"#));
    // The lead paragraph is set apart from the columns of facts, and a
    // flyer is one sheet with nothing in its margins.
    assert!(
        flyer
            .contains("<div class=\"flyer-lead\"><p>LEAD-PARAGRAPH</p></div>\n<div class=\"flyer-columns\">")
    );
    assert!(!flyer.contains("counter(pages)"));
    let certificate = fx.read("out/handouts/certificate.html");
    assert!(certificate.contains(r#"<body class="handout layout-certificate">"#));
    assert!(certificate.contains("size: letter landscape;"));
    assert!(certificate.contains(r#"<p class="certificate-district">Test Alliance</p>"#));
    assert!(certificate.contains("signature-block"));
    // Any other handout is a document of one or more sheets.
    let form = fx.read("out/handouts/forms.html");
    assert!(form.contains(r#"<body class="handout layout-document">"#));
    assert!(form.contains(r#"@bottom-right { content: "Page " counter(page) " of " counter(pages);"#));
}

#[test]
fn an_unknown_layout_is_an_error_with_the_closest_one() {
    let fx = fixture();
    fx.write(
        "toolkit/pages/flyer.md",
        "+++\ntitle = \"Apply now\"\nkind = \"handout\"\nlayout = \"certficate\"\n+++\n\nText\n",
    );
    let run = fx.adapt(None);
    run.failure();
    assert!(run.stderr.contains("flyer.md:4:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown variant `certficate`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
    assert!(!fx.exists("out"));
}

#[test]
fn the_handbook_reserves_page_numbers_for_contents_and_cross_references() {
    let fx = fixture();
    fx.adapt(None).success();
    let html = fx.read("out/print/handbook.html");
    // A slot for every part and chapter in the contents; empty until
    // `--pdf` has learned the numbers.
    for id in [
        "part-one",
        "part-two",
        "intro",
        "safety",
        "forms",
        "flyer",
        "certificate",
        "agenda",
    ] {
        assert!(
            html.contains(&format!(r#"<span class="pn" data-pn="{id}"></span>"#)),
            "no page slot for {id}"
        );
    }
    // A link to another chapter gets one for its target; none inside a chapter.
    assert!(html.contains(
        r##"<a href="#safety--recording">the recording rules</a><span class="xref" data-pn="safety--recording"></span>"##
    ));
    assert!(
        html.contains(r##"<a href="#intro">introduction</a><span class="xref" data-pn="intro"></span>"##)
    );
    // "(see page N)" is printed only once the number is there.
    assert!(html.contains(r#".xref:not(:empty)::before { content: " (see page "; }"#));
    // Full size: nothing in the stylesheet makes a blank cell wider than
    // its column, and pages have 1 in margins.
    assert!(!html.contains("min-width: 2in"));
    assert!(html.contains("margin: 1in;"));
}

#[test]
fn the_cover_carries_the_release_date_only_when_one_is_given() {
    let fx = fixture();
    fx.adapt(None).success();
    let cover = fx.read("out/print/handbook.html");
    assert!(cover.contains(
        r#"<p class="cover-version">Version 1.2.3<br>Published by Test Alliance · Licence: CC-BY-4.0</p>"#
    ));
    let run = fx.wbl_env(
        &["adapt", "--toolkit", "toolkit", "--out", "out"],
        &[("SOURCE_DATE_EPOCH", "1764547200")],
    );
    run.success();
    assert!(
        fx.read("out/print/handbook.html")
            .contains(r#"<p class="cover-version">Version 1.2.3 · December 1, 2025<br>"#)
    );
}

#[test]
fn the_summary_says_what_to_open_and_print() {
    let fx = fixture();
    let run = fx.adapt(None);
    run.success();
    assert!(run.stderr.contains("wrote "), "{}", run.stderr);
    for expected in [
        "open   out/site/index.html",
        "print  out/print/handbook.html",
        "the handbook: open it in Chrome or Edge and choose Print (or Save as PDF)",
        "4 handouts and forms, each to print on its own",
        "share  out/mini-1.2.3.zip",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_browser_that_will_not_start_fails_clearly_and_writes_nothing() {
    let fx = fixture();
    let fake = fx.browser_that_will_not_start();
    let run = fx.wbl_env(
        &["adapt", "--toolkit", "toolkit", "--out", "out", "--pdf"],
        &[("WBL_BROWSER", fake.to_str().unwrap())],
    );
    run.failure();
    assert!(run.stderr.contains("could not start"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the browser stopped as it started"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cannot open display"), "{}", run.stderr);
    assert!(run.stderr.contains("Save as PDF"), "{}", run.stderr);
    assert!(!fx.exists("out"));
}

#[test]
fn the_paper_follows_the_district() {
    let fx = fixture();
    fx.write(
        "letter/district.toml",
        "[district]\nid = \"us-sd\"\nname = \"US SD\"\n",
    );
    fx.adapt(Some("letter")).success();
    let handbook = fx.read("out/print/handbook.html");
    assert!(
        handbook.contains("size: letter;") && handbook.contains("margin: 1in;"),
        "{handbook}"
    );
    assert!(!handbook.contains("size: A4"));

    fx.write(
        "a4/district.toml",
        "[district]\nid = \"eu-sd\"\nname = \"EU SD\"\npaper = \"a4\"\n",
    );
    fx.adapt(Some("a4")).success();
    let handbook = fx.read("out/print/handbook.html");
    assert!(
        handbook.contains("size: A4;") && handbook.contains("margin: 25mm;"),
        "{handbook}"
    );
    assert!(handbook.contains("--sheet-long: 297mm;"));
    assert!(!handbook.contains("size: letter"));
    // Every handout too, the landscape certificate included.
    assert!(fx.read("out/handouts/forms.html").contains("size: A4;"));
    assert!(fx.read("out/handouts/flyer.html").contains("size: A4;"));
    assert!(
        fx.read("out/handouts/certificate.html")
            .contains("size: A4 landscape;")
    );
}

#[test]
fn an_unknown_paper_is_an_error_at_its_line_with_the_sizes_allowed() {
    let fx = fixture();
    fx.write(
        "d/district.toml",
        "[district]\nid = \"eu-sd\"\nname = \"EU SD\"\npaper = \"legal\"\n",
    );
    let run = fx.adapt(Some("d"));
    run.failure();
    assert!(run.stderr.contains("district.toml:4:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown variant `legal`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`letter`") && run.stderr.contains("`a4`"),
        "{}",
        run.stderr
    );
    assert!(!fx.exists("out"));
}

#[test]
fn the_counsel_note_is_read_on_screen_and_left_off_the_familys_copy() {
    let fx = fixture();
    let form = fx.read("toolkit/pages/forms.md");
    fx.write(
        "toolkit/pages/forms.md",
        &format!("{form}\n## Legal review {{#legal-review}}\n\n**For the district:** COUNSEL-NOTE\n"),
    );
    fx.adapt(None).success();
    let handout = fx.read("out/handouts/forms.html");
    assert!(
        handout.contains("<div class=\"staff-note\">\n<h2 id=\"legal-review\">Legal review</h2>\n<p><strong>For the district:</strong> COUNSEL-NOTE</p>\n</div>"),
        "{handout}"
    );
    assert!(handout.contains("@media print { .staff-note { display: none; } }"));
    // Staff read the note where it stands in the handbook.
    let handbook = fx.read("out/print/handbook.html");
    assert!(handbook.contains("COUNSEL-NOTE") && !handbook.contains("class=\"staff-note\""));
}

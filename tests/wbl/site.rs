//! The site as a teacher meets it: offline search, "On this page", the
//! contents link for phones, and the way to the handbook and handouts.

use serde_json::Value;

use crate::helper::{Fixture, assert_order};

/// The search index a site ships, as data.
fn search_index(fx: &Fixture) -> Value {
    let js = fx.read("out/site/search-index.js");
    let json = js
        .split_once("window.wblSearchIndex = ")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix(';'))
        .expect("search-index.js sets window.wblSearchIndex");
    serde_json::from_str(json).expect("the index is JSON")
}

fn indexed_pages(index: &Value) -> Vec<String> {
    index["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_string())
        .collect()
}

/// The (page id, section id, folded text) of every section.
fn indexed_sections(index: &Value) -> Vec<(String, String, String)> {
    let pages = indexed_pages(index);
    index["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                pages[s[0].as_u64().unwrap() as usize].clone(),
                s[1].as_str().unwrap().to_string(),
                s[5].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn district_with_changes(fx: &Fixture) {
    fx.write(
        "d/district.toml",
        r#"[district]
id = "dv"
name = "Valle Unificado"

[pages]
hide = ["safety"]

[[sections]]
target = "forms#overview"
action = "append"
text = "Bring the form to the front office by Friday: DISTRICT-OVERRIDE-WORD."
"#,
    );
    fx.write(
        "d/pages/local.md",
        r#"+++
title = "Plan de éxito"
kind = "guide"
audience = ["families"]
summary = "Cómo preparar el plan."
part = "one"
+++

Texto de introducción con ACENTOS: acción, niño.

## Primer paso {#primero}

El consentimiento firmado llega antes del viernes.

## Segundo paso {#segundo}

Reunión con la familia.

## Tercer paso {#tercero}

Celebración.
"#,
    );
}

#[test]
fn search_index_holds_district_pages_and_overrides_but_not_hidden_pages() {
    let fx = Fixture::with_toolkit();
    district_with_changes(&fx);
    fx.adapt(Some("d")).success();
    let index = search_index(&fx);
    let pages = indexed_pages(&index);
    assert_eq!(pages, ["intro", "local", "forms"]);
    assert!(!fx.read("out/site/search-index.js").contains("RECORDING-TEXT"));

    let sections = indexed_sections(&index);
    let find = |page: &str, id: &str| {
        sections
            .iter()
            .find(|(p, s, _)| p == page && s == id)
            .unwrap_or_else(|| panic!("no {page}#{id} in {sections:?}"))
            .2
            .clone()
    };
    assert!(find("forms", "overview").contains("district override word"));
    // Text before the first heading is a section of its own (no id).
    assert_eq!(find("local", ""), "texto de introduccion con acentos accion nino");
    assert_eq!(
        find("local", "primero"),
        "el consentimiento firmado llega antes del viernes"
    );
    // Headings and titles keep their accents for display and are folded
    // for search.
    let local = &index["pages"][1];
    assert_eq!(local[1], "Plan de éxito");
    assert_eq!(local[3], "plan de exito");
    let tercero = index["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[1] == "tercero")
        .unwrap();
    assert_eq!(tercero[2], "Tercer paso");
    assert_eq!(tercero[3], "Celebración.");
    assert_eq!(tercero[5], "celebracion");
}

#[test]
fn every_page_has_the_search_form_and_the_contents_link() {
    let fx = Fixture::with_toolkit();
    fx.adapt(None).success();
    assert!(fx.exists("out/site/search.js"));
    for page in ["index", "intro", "safety", "forms"] {
        let html = fx.read(&format!("out/site/{page}.html"));
        assert_order(
            &html,
            &[
                r#"<script src="search.js" defer></script>"#,
                r##"<a class="skip-link" href="#main">"##,
                r##"<a class="contents-link" href="#wbl--contents">Contents</a>"##,
                // Without JavaScript the form leads to the contents.
                r##"<form class="search" role="search" action="index.html#wbl--contents" method="get" data-index="search-index.js""##,
                r#"<input class="search-input" type="search" id="wbl--search" name="q""#,
                r#"<p class="search-status" role="status"></p>"#,
                "<main id=\"main\"",
                "</main>",
                r#"<nav class="toc" id="wbl--contents""#,
            ],
        );
    }
    // The index page is the one the form goes to.
    assert!(fx.read("out/site/index.html").contains(r#"id="wbl--contents""#));
}

#[test]
fn pages_with_three_sections_list_them() {
    let fx = Fixture::with_toolkit();
    district_with_changes(&fx);
    fx.adapt(Some("d")).success();
    let local = fx.main_of("local");
    assert_order(
        &local,
        &[
            "<h1>Plan de éxito</h1>",
            r#"<nav class="on-this-page" aria-labelledby="wbl--on-this-page">"#,
            r#"<h2 class="on-this-page-heading" id="wbl--on-this-page">On this page</h2>"#,
            r##"<li><a href="#primero">Primer paso</a></li>"##,
            r##"<li><a href="#segundo">Segundo paso</a></li>"##,
            r##"<li><a href="#tercero">Tercer paso</a></li>"##,
            "</nav>",
            r#"<h2 id="primero">"#,
        ],
    );
    // Two `##` sections (and a `###`) are not enough for a list.
    fx.adapt(None).success();
    assert!(!fx.main_of("safety").contains("on-this-page"));
    assert!(!fx.main_of("intro").contains("on-this-page"));
}

#[test]
fn the_site_links_the_handbook_and_a_handouts_index() {
    let fx = Fixture::with_toolkit();
    fx.adapt(None).success();
    let home = fx.read("out/site/index.html");
    assert!(
        home.contains(
            r#"<a class="button button-quiet" href="../print/handbook.html">Print the handbook</a>"#
        )
    );
    assert!(home.contains(
        r#"<a class="button button-quiet" href="../handouts/index.html">Printable forms and handouts</a>"#
    ));
    // Every page's contents end with the printables.
    let intro = fx.read("out/site/intro.html");
    assert_order(
        &intro,
        &[
            r#"<nav class="toc""#,
            r#"<li><a href="../print/handbook.html">Print the handbook</a></li>"#,
            r#"<li><a href="../handouts/index.html">Printable forms and handouts</a></li>"#,
            "</nav>",
        ],
    );
    // A form links its printable version.
    assert!(
        fx.main_of("forms")
            .contains(r#"<a class="print-link" href="../handouts/forms.html">"#)
    );

    let index = fx.read("out/handouts/index.html");
    assert!(index.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_order(
        &index,
        &[
            "<h1>Printable forms and handouts</h1>",
            r#"<a href="../site/index.html">Back to the toolkit site</a>"#,
            r#"<a href="../print/handbook.html">Print the handbook</a>"#,
            r#"<h2 id="part-two">Part two</h2>"#,
            r#"<a class="handout-title" href="forms.html">Consent form</a>"#,
            r#"<span class="handout-kind">Form · for families</span>"#,
            "<p>Signed by a parent.</p>",
        ],
    );
    // Guides are not handouts, and part one has none.
    assert!(!index.contains("intro.html") && !index.contains("part-one"));
    assert!(fx.exists("out/handouts/forms.html"));
}

#[test]
fn the_site_links_only_the_outputs_built_beside_it() {
    let fx = Fixture::with_toolkit();
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "site",
        "--out",
        "out",
    ])
    .success();
    for page in ["index", "intro", "forms"] {
        let html = fx.read(&format!("out/site/{page}.html"));
        assert!(!html.contains("../print/"), "{page} links the handbook");
        assert!(!html.contains("../handouts/"), "{page} links the handouts");
    }
    assert!(!fx.exists("out/handouts"));
    assert!(fx.exists("out/site/search-index.js"));

    let fx = Fixture::with_toolkit();
    fx.wbl(&[
        "adapt",
        "--toolkit",
        "toolkit",
        "--format",
        "site,handouts",
        "--out",
        "out",
    ])
    .success();
    let home = fx.read("out/site/index.html");
    assert!(!home.contains("../print/handbook.html"));
    assert!(home.contains("../handouts/index.html"));
    assert!(
        !fx.read("out/handouts/index.html")
            .contains("../print/handbook.html")
    );
}

//! Property tests: no input makes wbl panic. Front-matter splitting,
//! section splitting and override application get arbitrary text and
//! arbitrary operations. Every `cargo test` runs a few dozen cases; for a
//! long hunt:
//!
//!     PROPTEST_CASES=20000 cargo test --release --test wbl fuzz

use std::sync::Arc;

use proptest::prelude::*;
use wbl::adapt::district::{OverrideText, SectionOp};
use wbl::adapt::{Action, District};
use wbl::content::SourceTree;
use wbl::diag::{Diagnostics, SourceFile};

/// Markdown-ish text: headings, ids, tera syntax, front-matter fences,
/// links, CRLF, tables and stray Unicode mixed at random.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("## Heading\n".to_string()),
        Just("### Sub {#sub}\n".to_string()),
        Just("# Top {#top .x}\n".to_string()),
        Just("Setext\n===\n".to_string()),
        Just("+++\n".to_string()),
        Just("title = \"T\"\n".to_string()),
        Just("{{ district.name }}".to_string()),
        Just("{% if vars.a %}".to_string()),
        Just("{% endif %}".to_string()),
        Just("{# c #}".to_string()),
        Just("{#".to_string()),
        Just("[l](p.md#sub)".to_string()),
        Just("![i](assets/x.png)".to_string()),
        Just("| a | b |\n|---|---|\n| | |\n".to_string()),
        Just("- [ ] task\n".to_string()),
        Just("```\n## not\n```\n".to_string()),
        Just("\r\n".to_string()),
        Just("\n\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{e000}".to_string()),
        "[a-zé#{}%*_<>&\\[\\] \n-]{0,12}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Replace),
        Just(Action::Append),
        Just(Action::Prepend),
        Just(Action::Remove)
    ]
}

/// A few dozen cases each in every `cargo test` (seconds); set
/// `PROPTEST_CASES` for a longer hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn splitting_never_panics(text in markdownish()) {
        let _ = wbl::content::frontmatter::split(&text);
        let (headings, _) = wbl::content::sections::scan(&text, &Default::default());
        for h in &headings {
            prop_assert!(h.start <= h.heading_end && h.heading_end <= h.end.max(h.heading_end) && h.end <= text.len());
        }
        let pinned = wbl::content::sections::pin_ids(&text, &headings);
        let (again, _) = wbl::content::sections::scan(&pinned, &Default::default());
        prop_assert_eq!(again.len(), headings.len());
    }

    #[test]
    fn adapting_arbitrary_pages_and_operations_never_panics(
        page in markdownish(),
        other in markdownish(),
        ops in prop::collection::vec((0usize..6, action(), markdownish()), 0..5),
    ) {
        let files = vec![
            ("toolkit.toml".to_string(), b"id = \"k\"\ntitle = \"K\"\nversion = \"1.0.0\"\n[vars]\na = true\n[[parts]]\nid = \"p\"\ntitle = \"P\"\npages = [\"p\", \"q\"]\n".to_vec()),
            ("pages/p.md".to_string(), format!("+++\ntitle = \"P\"\n+++\n{page}").into_bytes()),
            ("pages/q.md".to_string(), format!("+++\ntitle = \"Q\"\n+++\n{other}").into_bytes()),
        ];
        let tree = SourceTree::from_memory("kit", files);
        let mut diags = Diagnostics::new();
        let Some(toolkit) = wbl::content::load_toolkit(&tree, &mut diags) else { return Ok(()) };
        let mut targets: Vec<String> = toolkit.addresses();
        targets.push("p#missing".into());
        let manifest = SourceFile::new("district.toml", "x");
        let mut district = District::empty_overrides();
        district.id = "d".into();
        district.name = "D <b>".into();
        district.manifest = manifest.clone();
        district.ops = ops
            .into_iter()
            .map(|(i, action, text)| SectionOp {
                target: targets[i % targets.len()].clone(),
                target_span: 0..1,
                action,
                content: (action != Action::Remove).then(|| OverrideText { file: manifest.clone(), offset: 0, text }),
                lang: None,
                translated: Default::default(),
            })
            .collect();
        let district = Arc::new(district);
        if let Some(adapted) = wbl::adapt::adapt(&toolkit, Some(&district), &mut diags) {
            let _ = wbl::render::render(&adapted, wbl::render::Formats::BUNDLE, &mut diags);
        }
        for d in diags.items() {
            let _ = d.render(false);
        }
    }
}

/// What the property test above found: a page's own U+E000 (the character
/// wbl marks holes with) in a setext heading before a table reached the
/// print handbook unreplaced and was read as a hole. It renders as U+FFFD.
#[test]
fn a_private_use_marker_in_a_page_is_text_not_a_hole() {
    let fx = crate::helper::Fixture::with_toolkit();
    let page = fx.read("toolkit/pages/safety.md");
    fx.write(
        "toolkit/pages/safety.md",
        &format!("{page}\n\u{e000}Setext\n===\n| a | b |\n|---|---|\n| | |\n"),
    );
    fx.adapt(None).success();
    assert!(fx.read("out/print/handbook.html").contains('\u{FFFD}'));
}

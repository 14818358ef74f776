//! Interface text per language: the words wbl itself puts around the
//! toolkit's content (skip links, "Contents", kind labels, page footers,
//! the bundle's README). They live in `templates/i18n/<lang>.toml`, not in
//! code, so a language is a file of data. A key a translation lacks falls
//! back to the source language's text, and [`Strings::missing`] says which
//! did, so the caller can warn.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::embedded;

/// The language wbl's own interface text is written in.
pub const SOURCE: &str = "en";

/// One language's interface text, complete: gaps filled from [`SOURCE`].
#[derive(Debug)]
pub struct Strings {
    lang: String,
    table: toml::Table,
    missing: Vec<String>,
    value: tera::Value,
}

impl Strings {
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The text of `key`. Keys are wbl's own, so a key no table has is a
    /// bug in wbl, caught by the tests; it shows as nothing.
    pub fn get(&self, key: &str) -> &str {
        self.table
            .get(key)
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// "a, b and c".
    pub fn list(&self, items: &[&str]) -> String {
        match items {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.get("list_and")),
        }
    }

    /// A calendar date ("March 3, 2027", "3 de marzo de 2027").
    pub fn date(&self, year: i64, month: u8, day: u8) -> String {
        let months = self.table.get("months").and_then(toml::Value::as_array);
        let name = months
            .and_then(|m| m.get(usize::from(month.max(1)) - 1))
            .and_then(toml::Value::as_str)
            .map_or_else(|| month.to_string(), str::to_string);
        self.format(
            "date_format",
            &[
                ("month", &name),
                ("day", &day.to_string()),
                ("year", &year.to_string()),
            ],
        )
    }

    /// Keys this language had to take from the source language.
    pub fn missing(&self) -> &[String] {
        &self.missing
    }

    /// The whole table as a template value (`{{ t.contents }}`), built once.
    pub fn value(&self) -> tera::Value {
        self.value.clone()
    }
}

/// Every language wbl has interface text for, by code.
fn tables() -> &'static BTreeMap<String, Arc<Strings>> {
    static TABLES: OnceLock<BTreeMap<String, Arc<Strings>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut raw: BTreeMap<String, toml::Table> = BTreeMap::new();
        embedded::walk(&embedded::TEMPLATES, &mut |path, bytes| {
            if let Some(lang) = path.strip_prefix("i18n/").and_then(|p| p.strip_suffix(".toml")) {
                let text = std::str::from_utf8(bytes).expect("string tables are UTF-8");
                let table = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("templates/i18n/{lang}.toml does not parse: {e}"));
                raw.insert(lang.to_string(), table);
            }
        });
        let source = raw.get(SOURCE).cloned().unwrap_or_default();
        raw.into_iter()
            .map(|(lang, mut table)| {
                let mut missing = Vec::new();
                for (key, value) in &source {
                    if !table.contains_key(key) {
                        missing.push(key.clone());
                        table.insert(key.clone(), value.clone());
                    }
                }
                let value = tera::Value::from_serializable(&table);
                let strings = Strings {
                    lang: lang.clone(),
                    table,
                    missing,
                    value,
                };
                (lang, Arc::new(strings))
            })
            .collect()
    })
}

/// The interface text of `lang`, or of the source language when wbl has
/// none for it (see [`has`]).
pub fn strings(lang: &str) -> Arc<Strings> {
    let tables = tables();
    tables
        .get(lang)
        .or_else(|| tables.get(SOURCE))
        .cloned()
        .expect("templates/i18n/en.toml is compiled into wbl")
}

/// Whether wbl has interface text in `lang`.
pub fn has(lang: &str) -> bool {
    tables().contains_key(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_parses_and_keeps_to_the_source_keys() {
        let source = strings(SOURCE);
        assert!(source.missing().is_empty());
        for (lang, table) in tables() {
            for key in table.table.keys() {
                assert!(
                    source.table.contains_key(key),
                    "templates/i18n/{lang}.toml has `{key}`, which en.toml lacks"
                );
            }
        }
    }

    #[test]
    fn formats_lists_and_dates() {
        let en = strings("en");
        assert_eq!(
            en.format("page_of", &[("page", "2"), ("pages", "9")]),
            "Page 2 of 9"
        );
        assert_eq!(
            en.list(&["teachers", "partners", "families"]),
            "teachers, partners and families"
        );
        assert_eq!(en.list(&["teachers"]), "teachers");
        assert_eq!(en.date(2027, 3, 3), "March 3, 2027");
    }

    #[test]
    fn every_key_a_template_uses_exists() {
        let source = strings(SOURCE);
        let mut used = 0;
        embedded::walk(&embedded::TEMPLATES, &mut |path, bytes| {
            if path.starts_with("i18n/") {
                return;
            }
            let text = String::from_utf8_lossy(bytes);
            for (i, _) in text.match_indices("t.") {
                let before = text[..i].chars().next_back();
                if !matches!(before, Some(' ' | '{' | '(')) {
                    continue;
                }
                let key: String = text[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if text[..i].ends_with("{{ ") {
                    used += 1;
                    assert!(
                        source.table.contains_key(&key),
                        "templates/{path} uses `t.{key}`, which en.toml lacks"
                    );
                }
            }
        });
        assert!(
            used > 20,
            "found only {used} uses of interface text in the templates"
        );
    }

    #[test]
    fn an_unknown_language_falls_back_to_the_source() {
        assert!(!has("xx"));
        assert_eq!(strings("xx").get("contents"), "Contents");
    }
}

//! The `plural` filter of page text:
//! `{{ vars.consent_due_weeks | plural(one="week", other="weeks") }}` gives
//! "1 week" or "2 weeks", by the plural rules of the page's language, so a
//! value never breaks a sentence ("1 weeks").

use tera::{Kwargs, State, TeraResult, Value};

/// A plural category, as CLDR names them. Only the ones wbl's languages
/// use with whole numbers; a language needing `few` or `many` adds them
/// here and to [`filter`]'s keyword arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    One,
    Other,
}

/// The category of the whole number `n` in `lang` (a language code such as
/// `en`, `es` or `es-MX`: its first part decides), after CLDR's cardinal
/// rules for integers.
pub fn category(lang: &str, n: i64) -> Category {
    let primary = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    let one = match primary.as_str() {
        // French counts zero with one: "0 semaine".
        "fr" => n.unsigned_abs() <= 1,
        // English, Spanish and the default: one is exactly 1. (Spanish
        // also has `many`, for whole millions only, which reads as
        // `other` with the words wbl's pages use.)
        _ => n.unsigned_abs() == 1,
    };
    if one { Category::One } else { Category::Other }
}

/// The words for `n` in `lang`: "1 week", or with `bare` just "week".
pub fn phrase(lang: &str, n: i64, one: &str, other: &str, bare: bool) -> String {
    let word = match category(lang, n) {
        Category::One => one,
        Category::Other => other,
    };
    if bare {
        word.to_string()
    } else {
        format!("{n} {word}")
    }
}

/// The keyword arguments the filter takes.
const ARGS: [&str; 3] = ["one", "other", "bare"];

/// The tera filter. The language is the context's `lang` (the language of
/// the text being filled in), English when there is none.
pub fn filter(value: Value, kwargs: Kwargs, state: &State) -> TeraResult<String> {
    for (key, _) in kwargs.iter() {
        let key = key.as_str().unwrap_or("");
        if !ARGS.contains(&key) {
            let hint = crate::diag::closest(key, ARGS)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(tera::Error::message(format!(
                "`plural` takes `one`, `other` and `bare`, not `{key}`{hint}"
            )));
        }
    }
    let Some(n) = value.as_i64() else {
        return Err(tera::Error::message(format!(
            "`plural` needs a whole number, not the {} `{value}`",
            value.name()
        )));
    };
    let one: &str = kwargs.must_get("one")?;
    let other: &str = kwargs.must_get("other")?;
    let bare: bool = kwargs.get("bare")?.unwrap_or(false);
    let lang: String = state.get("lang")?.unwrap_or_else(|| "en".to_string());
    Ok(phrase(&lang, n, one, other, bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lang: &str, n: i64) -> String {
        let (one, other) = match lang {
            "es" => ("semana", "semanas"),
            _ => ("week", "weeks"),
        };
        phrase(lang, n, one, other, false)
    }

    #[test]
    fn english_and_spanish_count_one_and_other() {
        for lang in ["en", "es"] {
            let got: Vec<String> = [0, 1, 2, 21].iter().map(|&n| words(lang, n)).collect();
            let want: Vec<String> = match lang {
                "es" => vec!["0 semanas", "1 semana", "2 semanas", "21 semanas"],
                _ => vec!["0 weeks", "1 week", "2 weeks", "21 weeks"],
            }
            .into_iter()
            .map(String::from)
            .collect();
            assert_eq!(got, want, "{lang}");
        }
        assert_eq!(category("es-MX", 1), Category::One);
        assert_eq!(category("EN-us", 21), Category::Other);
    }

    #[test]
    fn another_language_can_have_other_rules() {
        assert_eq!(category("fr", 0), Category::One);
        assert_eq!(category("en", 0), Category::Other);
    }

    #[test]
    fn bare_gives_only_the_word() {
        assert_eq!(phrase("en", 1, "week", "weeks", true), "week");
        assert_eq!(phrase("en", 21, "week", "weeks", true), "weeks");
    }

    #[test]
    fn filter_reads_the_language_from_the_context() {
        let mut tera = tera::Tera::new();
        tera.register_filter("plural", filter);
        tera.add_raw_template(
            "t",
            "{{ n | plural(one=\"week\", other=\"weeks\") }}/{{ n | plural(one=\"week\", other=\"weeks\", bare=true) }}",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        for (n, want) in [
            (0, "0 weeks/weeks"),
            (1, "1 week/week"),
            (2, "2 weeks/weeks"),
            (21, "21 weeks/weeks"),
        ] {
            ctx.insert("n", &n);
            assert_eq!(tera.render("t", &ctx).unwrap(), want);
        }
        tera.add_raw_template("es", "{{ n | plural(one=\"semana\", other=\"semanas\") }}")
            .unwrap();
        ctx.insert("lang", "es");
        ctx.insert("n", &1);
        assert_eq!(tera.render("es", &ctx).unwrap(), "1 semana");
        ctx.insert("n", &21);
        assert_eq!(tera.render("es", &ctx).unwrap(), "21 semanas");
    }

    #[test]
    fn filter_refuses_what_it_cannot_count() {
        let mut tera = tera::Tera::new();
        tera.register_filter("plural", filter);
        tera.add_raw_template("s", "{{ n | plural(one=\"day\", other=\"days\") }}")
            .unwrap();
        tera.add_raw_template("k", "{{ 2 | plural(one=\"day\", othr=\"days\") }}")
            .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("n", "3–5");
        let e = tera.render("s", &ctx).unwrap_err();
        assert!(
            format!("{e:?}").contains("`plural` needs a whole number, not the string `3–5`"),
            "{e:?}"
        );
        let e = tera.render("k", &ctx).unwrap_err();
        assert!(
            format!("{e:?}").contains("not `othr` (did you mean `other`?)"),
            "{e:?}"
        );
    }
}

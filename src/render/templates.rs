//! wbl's own HTML templates, compiled into the binary and parsed once.
//!
//! Contexts are built from [`tera::Value`]s directly: they share their
//! contents (`Arc`), so the parts every page has in common (branding,
//! contacts, the contents list) are built once per district and cloned
//! for each page at the cost of a reference count, not a copy.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use tera::{Context, Value};

use crate::embedded;

/// The templates, by their path under `templates/`.
const TEMPLATES: &[&str] = &[
    "site/base.html",
    "site/page.html",
    "site/index.html",
    "site/handouts-index.html",
    "print/handbook.html",
    "print/handout.html",
];

fn tera() -> Result<&'static tera::Tera> {
    static TERA: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        tera.add_raw_templates(TEMPLATES.iter().map(|name| (*name, embedded::template(name))))
            .map_err(|e| format!("wbl's templates do not parse: {e}"))?;
        Ok(tera)
    })
    .as_ref()
    .map_err(|e| anyhow!("{e}"))
}

/// Renders one of wbl's templates with `context`.
pub fn render(name: &str, context: &Context) -> Result<String> {
    tera()?
        .render(name, context)
        .map_err(|e| anyhow!("could not render template {name}: {e}"))
}

/// A template map from its entries.
pub fn map<const N: usize>(entries: [(&'static str, Value); N]) -> Value {
    Value::from(BTreeMap::from(entries))
}

/// A context from its entries.
pub fn context<const N: usize>(entries: [(&'static str, Value); N]) -> Context {
    let mut ctx = Context::new();
    extend(&mut ctx, entries);
    ctx
}

/// Sets the entries in `ctx`, replacing those it had.
pub fn extend<const N: usize>(ctx: &mut Context, entries: [(&'static str, Value); N]) {
    for (key, value) in entries {
        ctx.insert_value(key, value);
    }
}

/// Any serialisable value (a district's contacts) as a template value.
pub fn value<T: serde::Serialize + ?Sized>(v: &T) -> Value {
    Value::from_serializable(v)
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_parse() {
        super::tera().unwrap();
    }
}

//! wbl's own HTML templates, compiled into the binary and parsed once.

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use serde_json::Value;

use crate::embedded;

/// The templates, by their path under `templates/`.
const TEMPLATES: &[&str] = &[
    "site/base.html",
    "site/page.html",
    "site/index.html",
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
pub fn render(name: &str, context: &Value) -> Result<String> {
    let context =
        tera::Context::from_serialize(context).map_err(|e| anyhow!("template context for {name}: {e}"))?;
    tera()?
        .render(name, &context)
        .map_err(|e| anyhow!("could not render template {name}: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_parse() {
        super::tera().unwrap();
    }
}

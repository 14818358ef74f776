//! The variable schema of `toolkit.toml`: what each variable holds, the
//! values it may take, how variables relate to each other, and the words
//! each video platform uses. A district's values are checked against it
//! (at their line in district.toml), and the values for each language are
//! worked out here.
//!
//! Pure functions over TOML text, so every rule is tested on plain strings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diag::{Diagnostic, Diagnostics, SourceFile, closest, did_you_mean};

/// The keys a variable written as a table may have.
pub const VAR_KEYS: [&str; 9] = [
    "default",
    "description",
    "type",
    "unit",
    "allowed",
    "min",
    "max",
    "words",
    "translations",
];

/// The types a table may name in `type`.
const TYPES: [&str; 3] = ["string", "integer", "boolean"];

/// One toolkit variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub default: toml::Value,
    /// Empty for a variable written as a plain value.
    pub description: String,
    pub unit: Option<String>,
    /// The values it may take; empty when any value of its type will do.
    pub allowed: Vec<toml::Value>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Words of the text (a name, a phrase) that differ by language.
    pub words: bool,
    /// The toolkit's default in other languages, by language code.
    pub translations: BTreeMap<String, toml::Value>,
}

impl Var {
    /// `"string"`, `"integer"`, `"boolean"` (or another TOML type for a
    /// plain value).
    pub fn type_str(&self) -> &'static str {
        self.default.type_str()
    }

    /// What the variable may be, in words: "one of 60, 75, 90, 120
    /// (minutes)", "between 45 and 180 (minutes)"; `None` when any value
    /// of its type will do.
    pub fn rule(&self) -> Option<String> {
        let unit = self.unit.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
        let text = if !self.allowed.is_empty() {
            format!("one of {}", list(&self.allowed))
        } else {
            match (self.min, self.max) {
                (Some(min), Some(max)) => format!("between {min} and {max}"),
                (Some(min), None) => format!("at least {min}"),
                (None, Some(max)) => format!("at most {max}"),
                (None, None) => return None,
            }
        };
        Some(format!("{text}{unit}"))
    }

    /// Why `value` (of the right type) breaks the rule, if it does.
    fn refuses(&self, value: &toml::Value) -> bool {
        if !self.allowed.is_empty() {
            return !self.allowed.contains(value);
        }
        let Some(n) = value.as_integer() else { return false };
        self.min.is_some_and(|min| n < min) || self.max.is_some_and(|max| n > max)
    }
}

/// `60, 75, 90` or `"Zoom", "Webex"`.
fn list(values: &[toml::Value]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A comparison of two variables, or of a variable and a number, that
/// every set of values must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// As written: `consent_due_weeks < application_weeks`.
    pub rule: String,
    pub left: Operand,
    pub op: Op,
    pub right: Operand,
    /// Why the rule holds, in words a coordinator understands.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    Var(String),
    Int(i64),
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Var(name) => f.write_str(name),
            Operand::Int(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    /// Longest first, so `<=` is not read as `<`.
    const ALL: [(&'static str, Op); 6] = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];

    fn holds(self, a: &toml::Value, b: &toml::Value) -> bool {
        match (self, a.as_integer(), b.as_integer()) {
            (Op::Eq, ..) => a == b,
            (Op::Ne, ..) => a != b,
            (Op::Lt, Some(a), Some(b)) => a < b,
            (Op::Le, Some(a), Some(b)) => a <= b,
            (Op::Gt, Some(a), Some(b)) => a > b,
            (Op::Ge, Some(a), Some(b)) => a >= b,
            _ => true,
        }
    }

    /// The same comparison with its sides swapped: `a < b` is `b > a`.
    fn flipped(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            other => other,
        }
    }

    /// "must be less than …".
    fn words(self) -> &'static str {
        match self {
            Op::Lt => "less than",
            Op::Le => "at most",
            Op::Gt => "greater than",
            Op::Ge => "at least",
            Op::Eq => "equal to",
            Op::Ne => "different from",
        }
    }
}

/// One video platform and the words its screens use.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    pub name: String,
    /// `host`, `co_host`, `waiting_room`…: the same keys for every platform.
    pub words: BTreeMap<String, String>,
    /// The words in other languages, by language code.
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
}

/// Everything toolkit.toml says about variables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    /// In the order toolkit.toml declares them.
    pub vars: Vec<Var>,
    pub relations: Vec<Relation>,
    pub platforms: Vec<Platform>,
}

impl Schema {
    pub fn var(&self, name: &str) -> Option<&Var> {
        self.vars.iter().find(|v| v.name == name)
    }

    /// Every variable's default, by name.
    pub fn defaults(&self) -> BTreeMap<String, toml::Value> {
        self.vars
            .iter()
            .map(|v| (v.name.clone(), v.default.clone()))
            .collect()
    }

    pub fn platform(&self, name: &str) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.name == name)
    }
}

/// Reads the schema from the text of toolkit.toml: `[vars]`,
/// `[[relations]]` and `[[platforms]]`. Every mistake is reported at its
/// line; `None` when there was one.
pub fn parse(file: &SourceFile, diags: &mut Diagnostics) -> Option<Schema> {
    let errors_before = diags.count(crate::diag::Severity::Error);
    let root = match DeTable::parse(&file.text) {
        Ok(root) => root,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            diags.push(Diagnostic::error(e.message().trim().to_string()).at(file, span));
            return None;
        }
    };
    let root = root.get_ref();
    let mut ctx = Ctx { file, diags };

    let platforms = match root.get("platforms") {
        Some(value) => ctx.platforms(value),
        None => Vec::new(),
    };
    let mut vars = Vec::new();
    if let Some(value) = root.get("vars") {
        match value.get_ref() {
            DeValue::Table(table) => {
                let mut entries: Vec<_> = table.iter().collect();
                // The parser keeps keys sorted; the file's order is the
                // order people wrote them in.
                entries.sort_by_key(|(k, _)| k.span().start);
                for (key, value) in entries {
                    if let Some(var) = ctx.var(key, value, &platforms) {
                        vars.push(var);
                    }
                }
            }
            _ => ctx.error(
                "`vars` must be a table: write `[vars]` and the variables under it",
                value.span(),
            ),
        }
    }
    if !platforms.is_empty() && !vars.iter().any(|v| v.name == "platform") {
        let span = root.get("platforms").map_or(0..0, |p| p.span());
        ctx.push(
            Diagnostic::error("[[platforms]] needs a variable `platform` in [vars] to choose one of them")
                .at(file, span)
                .with_help("add `[vars.platform]` with `default` set to one of the platform names"),
        );
    }
    let schema_so_far = Schema {
        vars,
        relations: Vec::new(),
        platforms,
    };
    let relations = match root.get("relations") {
        Some(value) => ctx.relations(value, &schema_so_far),
        None => Vec::new(),
    };
    if ctx.diags.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(Schema {
        relations,
        ..schema_so_far
    })
}

struct Ctx<'a> {
    file: &'a SourceFile,
    diags: &'a mut Diagnostics,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VarTable {
    default: Spanned<toml::Value>,
    description: Spanned<String>,
    #[serde(rename = "type")]
    ty: Option<Spanned<String>>,
    unit: Option<Spanned<String>>,
    allowed: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    min: Option<Spanned<i64>>,
    max: Option<Spanned<i64>>,
    words: Option<Spanned<bool>>,
    translations: Option<Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationTable {
    rule: Spanned<String>,
    message: Spanned<String>,
}

impl Ctx<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn error(&mut self, message: impl Into<String>, span: Range<usize>) {
        let d = Diagnostic::error(message).at(self.file, span);
        self.push(d);
    }

    fn error_help(&mut self, message: impl Into<String>, span: Range<usize>, help: impl Into<String>) {
        let d = Diagnostic::error(message).at(self.file, span).with_help(help);
        self.push(d);
    }

    /// A serde error from deserialising part of the file, with the keys
    /// allowed there for an unknown one.
    fn de_error(&mut self, e: &toml::de::Error, whole: Range<usize>, what: &str, keys: &[&str]) {
        let message = e.message().trim().to_string();
        let span = e.span().unwrap_or(whole.clone());
        let allowed = keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(rest) = message.strip_prefix("unknown field `")
            && let Some((field, _)) = rest.split_once('`')
        {
            let near = did_you_mean(field, keys.iter().copied())
                .map(|h| format!("{h} "))
                .unwrap_or_default();
            self.error_help(
                format!("unknown key `{field}` in {what}"),
                span,
                format!("{near}the keys allowed here are {allowed}"),
            );
        } else if let Some(rest) = message.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or("");
            self.error_help(
                format!("{what} has no `{field}`"),
                whole,
                format!("the keys allowed here are {allowed}; `{field}` is required"),
            );
        } else {
            self.error(format!("in {what}: {message}"), span);
        }
    }

    fn var(
        &mut self,
        key: &Spanned<toml::de::DeString<'_>>,
        value: &Spanned<DeValue<'_>>,
        platforms: &[Platform],
    ) -> Option<Var> {
        let name = key.get_ref().to_string();
        if !is_name(&name) {
            self.error_help(
                format!("`{name}` is not a valid variable name"),
                key.span(),
                "variable names use lower-case letters, digits and `_`, starting with a letter (pages write `vars.NAME`)",
            );
            return None;
        }
        let table = match value.get_ref() {
            DeValue::Table(_) => VarTable::deserialize(ValueDeserializer::from(value.clone())),
            _ => {
                let default = toml::Value::deserialize(ValueDeserializer::from(value.clone())).ok()?;
                return Some(Var {
                    name,
                    default,
                    description: String::new(),
                    unit: None,
                    allowed: Vec::new(),
                    min: None,
                    max: None,
                    words: false,
                    translations: BTreeMap::new(),
                });
            }
        };
        let what = format!("variable `{name}`");
        let t = match table {
            Ok(t) => t,
            Err(e) => {
                self.de_error(&e, value.span(), &what, &VAR_KEYS);
                return None;
            }
        };
        let before = self.diags.count(crate::diag::Severity::Error);
        let default = t.default.get_ref().clone();
        if let Some(ty) = &t.ty {
            if !TYPES.contains(&ty.get_ref().as_str()) {
                let help = did_you_mean(ty.get_ref(), TYPES)
                    .unwrap_or_else(|| "the types are `string`, `integer` and `boolean`".to_string());
                self.error_help(format!("unknown type `{}`", ty.get_ref()), ty.span(), help);
            } else if default.type_str() != ty.get_ref() {
                self.error(
                    format!(
                        "the default of `{name}` is a {}, but its type is `{}`",
                        type_name(&default),
                        ty.get_ref()
                    ),
                    t.default.span(),
                );
            }
        } else if !TYPES.contains(&default.type_str()) {
            self.error_help(
                format!("the default of `{name}` is a {}", type_name(&default)),
                t.default.span(),
                "a variable holds a string, a whole number or true/false",
            );
        }
        if t.description.get_ref().trim().is_empty() {
            self.error_help(
                format!("the description of `{name}` is empty"),
                t.description.span(),
                "say in a sentence what the variable is; `wbl init district` shows it to districts",
            );
        }

        let mut allowed: Vec<toml::Value> = Vec::new();
        if let Some(list) = &t.allowed {
            if list.get_ref().is_empty() {
                self.error("`allowed` lists no values", list.span());
            }
            for v in list.get_ref() {
                if v.get_ref().type_str() != default.type_str() {
                    self.error(
                        format!(
                            "`{name}` is a {}, so `allowed` holds only {}s, not {}",
                            type_name(&default),
                            type_name(&default),
                            v.get_ref()
                        ),
                        v.span(),
                    );
                } else if allowed.contains(v.get_ref()) {
                    self.error(format!("{} is listed twice in `allowed`", v.get_ref()), v.span());
                } else {
                    allowed.push(v.get_ref().clone());
                }
            }
            if name == "platform" && !platforms.is_empty() {
                let names: Vec<&str> = platforms.iter().map(|p| p.name.as_str()).collect();
                for v in list.get_ref() {
                    if let Some(s) = v.get_ref().as_str()
                        && !names.contains(&s)
                    {
                        let help = did_you_mean(s, names.iter().copied())
                            .unwrap_or_else(|| format!("the platforms are {}", quoted(&names)));
                        self.error_help(format!("no [[platforms]] entry is named \"{s}\""), v.span(), help);
                    }
                }
            }
        } else if name == "platform" && !platforms.is_empty() {
            allowed = platforms
                .iter()
                .map(|p| toml::Value::String(p.name.clone()))
                .collect();
        }
        for (bound, which) in [(&t.min, "min"), (&t.max, "max")] {
            if let Some(b) = bound {
                if default.as_integer().is_none() {
                    self.error(
                        format!(
                            "`{which}` is for whole numbers, and `{name}` is a {}",
                            type_name(&default)
                        ),
                        b.span(),
                    );
                }
                if t.allowed.is_some() {
                    self.error_help(
                        format!("`{name}` has both `allowed` and `{which}`"),
                        b.span(),
                        "give either the list of values or the range",
                    );
                }
            }
        }
        if let (Some(min), Some(max)) = (&t.min, &t.max)
            && min.get_ref() > max.get_ref()
        {
            self.error(
                format!("`min` ({}) is more than `max` ({})", min.get_ref(), max.get_ref()),
                min.span(),
            );
        }
        let words = t.words.as_ref().is_some_and(|w| *w.get_ref());
        if words && default.as_str().is_none() {
            self.error(
                format!(
                    "`words = true` is for text, and `{name}` is a {}",
                    type_name(&default)
                ),
                t.words.as_ref().map_or(0..0, Spanned::span),
            );
        }
        let mut translations = BTreeMap::new();
        if let Some(tr) = &t.translations {
            if !words {
                self.error_help(
                    format!("`{name}` has `translations` but is not words"),
                    tr.span(),
                    "add `words = true` for a variable whose value is words of the text",
                );
            }
            for (lang, v) in tr.get_ref() {
                if !is_language_code(lang.get_ref()) {
                    self.error_help(
                        format!("`{}` is not a language code", lang.get_ref()),
                        lang.span(),
                        "use a code such as `es` or `zh-Hant`",
                    );
                } else if v.get_ref().type_str() != default.type_str() {
                    self.error(
                        format!(
                            "the `{}` value of `{name}` must be a {} like its default",
                            lang.get_ref(),
                            type_name(&default)
                        ),
                        v.span(),
                    );
                } else {
                    translations.insert(lang.get_ref().clone(), v.get_ref().clone());
                }
            }
        }
        let var = Var {
            name,
            default,
            description: t.description.get_ref().trim().to_string(),
            unit: t.unit.map(Spanned::into_inner),
            allowed,
            min: t.min.map(Spanned::into_inner),
            max: t.max.map(Spanned::into_inner),
            words,
            translations,
        };
        if self.diags.count(crate::diag::Severity::Error) > before {
            return None;
        }
        // The toolkit's own default keeps its own rule.
        if var.refuses(&var.default) {
            self.error_help(
                format!(
                    "the default of `{}`, {}, breaks its own rule: it must be {}",
                    var.name,
                    var.default,
                    var.rule().unwrap_or_default()
                ),
                t.default.span(),
                "change the default or the rule",
            );
            return None;
        }
        Some(var)
    }

    fn platforms(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<Platform> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                "`platforms` must be a list of tables: write each one as `[[platforms]]`",
                value.span(),
            );
            return Vec::new();
        };
        // Words with the spans of their keys; translations by language,
        // with the span of the language key.
        type Words = BTreeMap<String, (String, Range<usize>)>;
        type Read = (
            String,
            Range<usize>,
            Words,
            BTreeMap<String, (Range<usize>, Words)>,
        );
        // (name, span of the name, words, translations)
        let mut read: Vec<Read> = Vec::new();
        for item in items.iter() {
            let DeValue::Table(table) = item.get_ref() else {
                self.error(
                    "each entry of `platforms` is a table: write it as `[[platforms]]`",
                    item.span(),
                );
                continue;
            };
            let mut name: Option<(String, Range<usize>)> = None;
            let mut words = Words::new();
            let mut translations = BTreeMap::new();
            for (key, v) in table.iter() {
                let k = key.get_ref().to_string();
                if k == "name" {
                    match v.get_ref() {
                        DeValue::String(s) => name = Some((s.to_string(), v.span())),
                        _ => self.error("a platform's `name` is text in quotes", v.span()),
                    }
                } else if k == "translations" {
                    let DeValue::Table(langs) = v.get_ref() else {
                        self.error(
                            "`translations` of a platform is a table: `[platforms.translations.es]`",
                            v.span(),
                        );
                        continue;
                    };
                    for (lang, words_v) in langs.iter() {
                        let lang_s = lang.get_ref().to_string();
                        if !is_language_code(&lang_s) {
                            self.error_help(
                                format!("`{lang_s}` is not a language code"),
                                lang.span(),
                                "write `[platforms.translations.es]` with a code such as `es`",
                            );
                            continue;
                        }
                        let DeValue::Table(t) = words_v.get_ref() else {
                            self.error(
                                format!(
                                    "the `{lang_s}` words of a platform are a table: `[platforms.translations.{lang_s}]`"
                                ),
                                words_v.span(),
                            );
                            continue;
                        };
                        let mut tr = Words::new();
                        for (wk, wv) in t.iter() {
                            match wv.get_ref() {
                                DeValue::String(s) => {
                                    tr.insert(wk.get_ref().to_string(), (s.to_string(), wk.span()));
                                }
                                _ => self.error(
                                    format!("the word `{}` must be text in quotes", wk.get_ref()),
                                    wv.span(),
                                ),
                            }
                        }
                        translations.insert(lang_s, (lang.span(), tr));
                    }
                } else if !is_name(&k) {
                    self.error_help(
                        format!("`{k}` is not a valid word key"),
                        key.span(),
                        "keys use lower-case letters, digits and `_`; page text writes `platform.KEY`",
                    );
                } else if let DeValue::String(s) = v.get_ref() {
                    words.insert(k, (s.to_string(), key.span()));
                } else {
                    self.error(format!("the word `{k}` must be text in quotes"), v.span());
                }
            }
            match name {
                Some((n, span)) if !n.trim().is_empty() => {
                    if read.iter().any(|(other, ..)| *other == n) {
                        self.error(format!("two [[platforms]] are named \"{n}\""), span);
                        continue;
                    }
                    read.push((n, span, words, translations));
                }
                Some((_, span)) => self.error("a platform's `name` is empty", span),
                None => self.error_help(
                    "a [[platforms]] entry has no `name`",
                    item.span(),
                    "add `name = \"…\"`, as the platform calls itself",
                ),
            }
        }

        // Every platform defines the same words, in every language one of
        // them is translated into, so page text can use any of them.
        let keys: BTreeSet<&String> = read.iter().flat_map(|(_, _, w, _)| w.keys()).collect();
        let langs: BTreeSet<&String> = read.iter().flat_map(|(.., t)| t.keys()).collect();
        let mut problems = Vec::new();
        for (name, name_span, words, translations) in &read {
            for key in &keys {
                if !words.contains_key(*key) {
                    let by = read
                        .iter()
                        .find(|(_, _, w, _)| w.contains_key(*key))
                        .map_or("", |(n, ..)| n.as_str());
                    problems.push(
                        Diagnostic::error(format!("platform \"{name}\" does not define `{key}`"))
                            .at(self.file, name_span.clone())
                            .with_help(format!(
                                "every platform defines the same words; \"{by}\" has `{key}`, so add `{key} = \"…\"` with the word {name} uses"
                            )),
                    );
                }
            }
            for lang in &langs {
                let Some((lang_span, tr)) = translations.get(*lang) else {
                    problems.push(
                        Diagnostic::error(format!("platform \"{name}\" has no `{lang}` words"))
                            .at(self.file, name_span.clone())
                            .with_help(format!(
                                "another platform is translated into `{lang}`; add `[platforms.translations.{lang}]` under \"{name}\""
                            )),
                    );
                    continue;
                };
                for key in &keys {
                    if !tr.contains_key(*key) {
                        problems.push(
                            Diagnostic::error(format!(
                                "platform \"{name}\" has no `{lang}` word for `{key}`"
                            ))
                            .at(self.file, lang_span.clone())
                            .with_help(format!("add `{key} = \"…\"` to [platforms.translations.{lang}]")),
                        );
                    }
                }
                for (key, (_, span)) in tr {
                    if !keys.contains(key) {
                        let help = did_you_mean(key, keys.iter().map(|k| k.as_str())).unwrap_or_else(|| {
                            "a translation gives words the platform defines in the toolkit's language"
                                .to_string()
                        });
                        problems.push(
                            Diagnostic::error(format!(
                                "platform \"{name}\" translates `{key}`, which no platform defines"
                            ))
                            .at(self.file, span.clone())
                            .with_help(help),
                        );
                    }
                }
            }
        }
        let ok = problems.is_empty();
        for d in problems {
            self.push(d);
        }
        if !ok {
            return Vec::new();
        }
        read.into_iter()
            .map(|(name, _, words, translations)| Platform {
                name,
                words: words.into_iter().map(|(k, (v, _))| (k, v)).collect(),
                translations: translations
                    .into_iter()
                    .map(|(lang, (_, w))| (lang, w.into_iter().map(|(k, (v, _))| (k, v)).collect()))
                    .collect(),
            })
            .collect()
    }

    fn relations(&mut self, value: &Spanned<DeValue<'_>>, schema: &Schema) -> Vec<Relation> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                "`relations` must be a list of tables: write each one as `[[relations]]`",
                value.span(),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let table = match RelationTable::deserialize(ValueDeserializer::from(item.clone())) {
                Ok(t) => t,
                Err(e) => {
                    self.de_error(&e, item.span(), "a relation", &["rule", "message"]);
                    continue;
                }
            };
            let span = table.rule.span();
            let relation = match parse_rule(table.rule.get_ref(), schema) {
                Ok((left, op, right)) => Relation {
                    rule: table.rule.get_ref().trim().to_string(),
                    left,
                    op,
                    right,
                    message: table.message.get_ref().trim().to_string(),
                },
                Err((message, help)) => {
                    self.error_help(message, span, help);
                    continue;
                }
            };
            if relation.message.is_empty() {
                self.error_help(
                    "the relation's `message` is empty",
                    table.message.span(),
                    "say why the rule holds; districts read it when their values break it",
                );
                continue;
            }
            let defaults = schema.defaults();
            if let Some(broken) = relation.broken_by(&defaults) {
                self.error_help(
                    format!("the toolkit's own defaults break this rule: {broken}"),
                    span,
                    "change the defaults in [vars] or the rule",
                );
                continue;
            }
            out.push(relation);
        }
        out
    }
}

/// Reads `A OP B`. The error is a message and a help.
fn parse_rule(rule: &str, schema: &Schema) -> Result<(Operand, Op, Operand), (String, String)> {
    let form = "write the rule as `A OP B`: A and B are variable names or whole numbers, OP one of <, <=, >, >=, ==, !=".to_string();
    let Some((at, sym, op)) = Op::ALL
        .iter()
        .filter_map(|(sym, op)| rule.find(sym).map(|at| (at, *sym, *op)))
        .min_by_key(|(at, sym, _)| (*at, std::cmp::Reverse(sym.len())))
    else {
        return Err((format!("`{rule}` has no comparison"), form));
    };
    let (a, b) = (rule[..at].trim(), rule[at + sym.len()..].trim());
    let operand = |s: &str| -> Result<Operand, (String, String)> {
        if let Ok(n) = s.parse::<i64>() {
            return Ok(Operand::Int(n));
        }
        if !is_name(s) {
            return Err((
                format!("`{s}` in rule `{rule}` is not a variable name or a whole number"),
                form.clone(),
            ));
        }
        match schema.var(s) {
            Some(_) => Ok(Operand::Var(s.to_string())),
            None => Err((
                format!("rule `{}` names `{s}`, which is not a variable", rule.trim()),
                did_you_mean(s, schema.vars.iter().map(|v| v.name.as_str()))
                    .unwrap_or_else(|| "the rule compares variables of [vars]".to_string()),
            )),
        }
    };
    let (left, right) = (operand(a)?, operand(b)?);
    let kind = |o: &Operand| match o {
        Operand::Int(_) => "integer",
        Operand::Var(name) => schema.var(name).map_or("", Var::type_str),
    };
    if matches!((&left, &right), (Operand::Int(_), Operand::Int(_))) {
        return Err((
            format!("rule `{}` compares two numbers", rule.trim()),
            "name at least one variable".to_string(),
        ));
    }
    if !matches!(op, Op::Eq | Op::Ne) && (kind(&left) != "integer" || kind(&right) != "integer") {
        return Err((
            format!(
                "rule `{}` compares with `{sym}`, which needs whole numbers on both sides",
                rule.trim()
            ),
            "use `==` or `!=` for text and true/false".to_string(),
        ));
    }
    if kind(&left) != kind(&right) {
        return Err((
            format!(
                "rule `{}` compares a {} with a {}",
                rule.trim(),
                kind(&left),
                kind(&right)
            ),
            "compare variables of the same type".to_string(),
        ));
    }
    Ok((left, op, right))
}

impl Relation {
    /// The variables the rule names, in the order written.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [&self.left, &self.right].into_iter().filter_map(|o| match o {
            Operand::Var(name) => Some(name.as_str()),
            Operand::Int(_) => None,
        })
    }

    /// `None` when `values` keep the rule; otherwise what breaks it, in
    /// words: "consent_due_weeks = 3 and application_weeks = 1: <message>,
    /// so consent_due_weeks must be less than application_weeks".
    pub fn broken_by(&self, values: &BTreeMap<String, toml::Value>) -> Option<String> {
        let value = |o: &Operand| match o {
            Operand::Var(name) => values.get(name).cloned(),
            Operand::Int(n) => Some(toml::Value::Integer(*n)),
        };
        let (a, b) = (value(&self.left)?, value(&self.right)?);
        if self.op.holds(&a, &b) {
            return None;
        }
        let shown: Vec<String> = [(&self.left, &a), (&self.right, &b)]
            .iter()
            .filter(|(o, _)| matches!(o, Operand::Var(_)))
            .map(|(o, v)| format!("{o} = {v}"))
            .collect();
        // A variable reads better first: "session_minutes must be at least 45".
        let (left, op, right) = match (&self.left, &self.right) {
            (Operand::Int(_), Operand::Var(_)) => (&self.right, self.op.flipped(), &self.left),
            _ => (&self.left, self.op, &self.right),
        };
        Some(format!(
            "{}: {}, so {left} must be {} {right}",
            shown.join(" and "),
            self.message.trim_end_matches('.'),
            op.words()
        ))
    }
}

/// A district's values for the toolkit's variables, checked, with what is
/// needed to give the values for each language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    /// Every variable in the toolkit's language: the district's value or
    /// the default.
    pub values: BTreeMap<String, toml::Value>,
    /// The variables the district set in `[vars]`.
    pub set: BTreeSet<String>,
    /// The district's `[vars.<lang>]` values, by language.
    pub by_lang: BTreeMap<String, BTreeMap<String, toml::Value>>,
    /// The toolkit's translations of words variables: lang → name → value.
    translations: BTreeMap<String, BTreeMap<String, toml::Value>>,
    platforms: Vec<Platform>,
}

impl Values {
    /// The variables for text in `lang`. A words variable takes, in
    /// order: the district's `[vars.<lang>]` value; the district's own
    /// `[vars]` value (its name for the thing, even untranslated); the
    /// toolkit's translation; the default. Other variables are the same
    /// in every language. `lang` = the toolkit's language gives `values`.
    pub fn vars_for(&self, lang: &str) -> BTreeMap<String, toml::Value> {
        let mut out = self.values.clone();
        if let Some(tr) = self.translations.get(lang) {
            for (name, value) in tr {
                if !self.set.contains(name) {
                    out.insert(name.clone(), value.clone());
                }
            }
        }
        if let Some(own) = self.by_lang.get(lang) {
            out.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        out
    }

    /// The words variables the district set in `[vars]` but not in
    /// `[vars.<lang>]`, where the toolkit has its own `lang` wording: text
    /// in `lang` shows them as written (a warning is the caller's choice).
    pub fn untranslated(&self, lang: &str) -> Vec<&str> {
        let own = self.by_lang.get(lang);
        self.translations
            .get(lang)
            .into_iter()
            .flat_map(|tr| tr.keys())
            .filter(|name| self.set.contains(*name) && !own.is_some_and(|o| o.contains_key(*name)))
            .map(String::as_str)
            .collect()
    }

    /// The platform `vars.platform` names, in `lang`: `name` and every
    /// word, as page text sees `platform`.
    pub fn platform_for(&self, lang: &str) -> Option<BTreeMap<String, String>> {
        let name = self.values.get("platform")?.as_str()?;
        let p = self.platforms.iter().find(|p| p.name == name)?;
        let mut words = p.words.clone();
        if let Some(tr) = p.translations.get(lang) {
            words.extend(tr.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        words.insert("name".to_string(), p.name.clone());
        Some(words)
    }
}

/// Checks the `[vars]` of a district.toml against `schema` and gives the
/// values. `file` is `None` for the generic toolkit. Every mistake is an
/// error at its line in district.toml.
pub fn resolve(schema: &Schema, file: Option<&SourceFile>, diags: &mut Diagnostics) -> Values {
    let mut out = Values {
        values: schema.defaults(),
        translations: BTreeMap::new(),
        platforms: schema.platforms.clone(),
        ..Values::default()
    };
    for var in &schema.vars {
        for (lang, value) in &var.translations {
            out.translations
                .entry(lang.clone())
                .or_default()
                .insert(var.name.clone(), value.clone());
        }
    }
    let Some(file) = file else { return out };
    let Some(settings) = district_settings(&file.text) else {
        return out;
    };
    let mut spans: BTreeMap<String, Range<usize>> = BTreeMap::new();
    for s in &settings {
        let Some(var) = check_setting(schema, s, file, diags) else {
            continue;
        };
        match &s.lang {
            None => {
                out.values.insert(var.name.clone(), s.value.clone());
                out.set.insert(var.name.clone());
                spans.insert(var.name.clone(), s.value_span.clone());
            }
            Some(lang) => {
                out.by_lang
                    .entry(lang.clone())
                    .or_default()
                    .insert(var.name.clone(), s.value.clone());
            }
        }
    }
    for relation in &schema.relations {
        let Some(broken) = relation.broken_by(&out.values) else {
            continue;
        };
        let Some(span) = relation.names().find_map(|n| spans.get(n)) else {
            continue;
        };
        let others: Vec<&str> = relation.names().collect();
        let help = if others.len() == 2 {
            format!(
                "the toolkit's rule is `{}`; change `{}` or `{}` (or both) so it holds",
                relation.rule, others[0], others[1]
            )
        } else {
            format!("the toolkit's rule is `{}`", relation.rule)
        };
        diags.push(Diagnostic::error(broken).at(file, span.clone()).with_help(help));
    }
    out
}

/// One value written in a district's `[vars]` (or `[vars.<lang>]`).
#[derive(Debug, Clone, PartialEq)]
struct Setting {
    lang: Option<String>,
    name: String,
    name_span: Range<usize>,
    value: toml::Value,
    value_span: Range<usize>,
}

/// The values of `[vars]` and its language tables, in the file's order.
/// `None` when the text does not parse (the loader has reported that).
fn district_settings(text: &str) -> Option<Vec<Setting>> {
    let root = DeTable::parse(text).ok()?;
    let Some(vars) = root.get_ref().get("vars") else {
        return Some(Vec::new());
    };
    let DeValue::Table(table) = vars.get_ref() else {
        return Some(Vec::new());
    };
    let to_value =
        |v: &Spanned<DeValue<'_>>| toml::Value::deserialize(ValueDeserializer::from(v.clone())).ok();
    let mut out = Vec::new();
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        match value.get_ref() {
            DeValue::Table(inner) if is_language_code(&name) => {
                for (k, v) in inner.iter() {
                    out.push(Setting {
                        lang: Some(name.clone()),
                        name: k.get_ref().to_string(),
                        name_span: k.span(),
                        value: to_value(v)?,
                        value_span: v.span(),
                    });
                }
            }
            _ => out.push(Setting {
                lang: None,
                name,
                name_span: key.span(),
                value: to_value(value)?,
                value_span: value.span(),
            }),
        }
    }
    out.sort_by_key(|s| s.name_span.start);
    Some(out)
}

/// Checks one district value; the variable when it is good.
fn check_setting<'s>(
    schema: &'s Schema,
    s: &Setting,
    file: &SourceFile,
    diags: &mut Diagnostics,
) -> Option<&'s Var> {
    let shown = match &s.lang {
        Some(lang) => format!("vars.{lang}.{}", s.name),
        None => format!("vars.{}", s.name),
    };
    let Some(var) = schema.var(&s.name) else {
        let names = schema.vars.iter().map(|v| v.name.as_str());
        let help = did_you_mean(&s.name, names.clone()).unwrap_or_else(|| {
            format!(
                "the toolkit's variables are: {}",
                names.map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )
        });
        diags.push(
            Diagnostic::error(format!("unknown variable `{shown}`"))
                .at(file, s.name_span.clone())
                .with_help(help),
        );
        return None;
    };
    if let Some(lang) = &s.lang
        && !var.words
    {
        let words: Vec<String> = schema
            .vars
            .iter()
            .filter(|v| v.words)
            .map(|v| format!("`{}`", v.name))
            .collect();
        let which = if words.is_empty() {
            "this toolkit has none".to_string()
        } else {
            format!("those are {}", words.join(", "))
        };
        diags.push(
            Diagnostic::error(format!(
                "`{}` is the same in every language, so it cannot be set in [vars.{lang}]",
                s.name
            ))
            .at(file, s.name_span.clone())
            .with_help(format!(
                "set it once in [vars]; only words variables take a value per language ({which})"
            )),
        );
        return None;
    }
    if var.type_str() != s.value.type_str() {
        diags.push(
            Diagnostic::error(format!(
                "`{shown}` must be a {} like the toolkit's default ({}), not a {}",
                type_name(&var.default),
                var.default,
                type_name(&s.value)
            ))
            .at(file, s.value_span.clone()),
        );
        return None;
    }
    if var.refuses(&s.value) {
        let mut d = Diagnostic::error(format!(
            "`{shown}` must be {}, not {}",
            var.rule().unwrap_or_default(),
            s.value
        ))
        .at(file, s.value_span.clone());
        if let Some(text) = s.value.as_str() {
            let choices: Vec<&str> = var.allowed.iter().filter_map(toml::Value::as_str).collect();
            // A different case first ("microsoft teams"), then a typo.
            let lower: Vec<String> = choices.iter().map(|c| c.to_lowercase()).collect();
            let near = choices
                .iter()
                .find(|c| c.eq_ignore_ascii_case(text.trim()))
                .copied()
                .or_else(|| {
                    let hit = closest(&text.to_lowercase(), lower.iter().map(String::as_str))?;
                    choices
                        .iter()
                        .zip(&lower)
                        .find(|(_, l)| l.as_str() == hit)
                        .map(|(c, _)| *c)
                });
            if let Some(c) = near {
                d = d.with_help(format!("did you mean \"{c}\"?"));
            }
        }
        diags.push(d);
        return None;
    }
    Some(var)
}

/// A type as district staff would say it.
pub fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "string",
        toml::Value::Integer(_) => "whole number",
        toml::Value::Float(_) => "number",
        toml::Value::Boolean(_) => "true/false value",
        toml::Value::Datetime(_) => "date",
        toml::Value::Array(_) => "list",
        toml::Value::Table(_) => "table",
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A variable or word name: what page text can write after `vars.`.
fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `es`, `en`, `zh-Hant`, `es-MX`: a primary language of two or three
/// lower-case letters, then optional subtags.
pub fn is_language_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOLKIT: &str = r#"id = "t"
[vars]
grade_levels = "9–12"

[vars.session_minutes]
default = 90
description = "Length of one live session."
unit = "minutes"
allowed = [60, 75, 90, 120]

[vars.platform]
default = "Zoom"
description = "Video platform used for sessions."

[vars.group_size_max]
default = 12
description = "Largest group."
min = 2
max = 30

[vars.application_weeks]
default = 5
description = "Weeks before the session that applications open."

[vars.consent_due_weeks]
default = 2
description = "Weeks before the session that consent forms are due."

[vars.career_plan_name]
default = "student success plan"
description = "What the district calls each student's career plan."
words = true
translations = { es = "plan de éxito estudiantil" }

[[relations]]
rule = "consent_due_weeks < application_weeks"
message = "signed consent forms are due after student applications open"

[[relations]]
rule = "4 <= group_size_max"
message = "a group needs room for four students"

[[platforms]]
name = "Zoom"
host = "host"
co_host = "co-host"

[platforms.translations.es]
host = "anfitrión"
co_host = "coanfitrión"

[[platforms]]
name = "Microsoft Teams"
host = "organizer"
co_host = "co-organizer"

[platforms.translations.es]
host = "organizador"
co_host = "coorganizador"
"#;

    fn schema_of(text: &str) -> (Option<Schema>, Vec<String>) {
        let file = SourceFile::new("toolkit.toml", text);
        let mut diags = Diagnostics::new();
        let schema = parse(&file, &mut diags);
        (schema, diags.items().iter().map(|d| d.render(false)).collect())
    }

    fn toolkit() -> Schema {
        let (schema, errors) = schema_of(TOOLKIT);
        assert!(errors.is_empty(), "{errors:#?}");
        schema.unwrap()
    }

    /// Resolves a district's `[vars]` text; the values and the rendered
    /// diagnostics.
    fn district(vars: &str) -> (Values, Vec<String>) {
        let file = SourceFile::new(
            "district.toml",
            format!("[district]\nid = \"d\"\nname = \"D\"\n\n{vars}"),
        );
        let mut diags = Diagnostics::new();
        let values = resolve(&toolkit(), Some(&file), &mut diags);
        (values, diags.items().iter().map(|d| d.render(false)).collect())
    }

    #[test]
    fn reads_plain_and_table_variables_in_file_order() {
        let schema = toolkit();
        let names: Vec<&str> = schema.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "grade_levels",
                "session_minutes",
                "platform",
                "group_size_max",
                "application_weeks",
                "consent_due_weeks",
                "career_plan_name"
            ]
        );
        let minutes = schema.var("session_minutes").unwrap();
        assert_eq!(
            minutes.rule().as_deref(),
            Some("one of 60, 75, 90, 120 (minutes)")
        );
        assert_eq!(schema.var("grade_levels").unwrap().rule(), None);
        assert_eq!(
            schema.var("group_size_max").unwrap().rule().as_deref(),
            Some("between 2 and 30")
        );
        // The platform's allowed values are the platforms' names.
        assert_eq!(
            schema.var("platform").unwrap().rule().as_deref(),
            Some("one of \"Zoom\", \"Microsoft Teams\"")
        );
        assert_eq!(schema.defaults()["session_minutes"], toml::Value::Integer(90));
        assert_eq!(schema.relations.len(), 2);
        assert_eq!(schema.relations[0].op, Op::Lt);
    }

    #[test]
    fn an_unknown_key_names_the_closest_and_the_allowed_keys() {
        let text = TOOLKIT.replace("allowed = [60, 75, 90, 120]", "alowed = [60, 75, 90, 120]");
        let (schema, errors) = schema_of(&text);
        assert!(schema.is_none());
        assert_eq!(
            errors,
            ["error: unknown key `alowed` in variable `session_minutes`
 --> toolkit.toml:9:1
  |
9 | alowed = [60, 75, 90, 120]
  | ^^^^^^
  = help: did you mean `allowed`? the keys allowed here are `default`, `description`, `type`, `unit`, `allowed`, `min`, `max`, `words`, `translations`
"]
        );
    }

    #[test]
    fn a_table_needs_a_description_and_a_default_of_its_type() {
        let (_, errors) = schema_of("[vars.x]\ndefault = 3\n");
        assert!(
            errors[0].starts_with("error: variable `x` has no `description`"),
            "{errors:?}"
        );
        let (_, errors) = schema_of("[vars.x]\ndefault = 3\ndescription = \"X.\"\ntype = \"string\"\n");
        assert!(
            errors[0].starts_with("error: the default of `x` is a whole number, but its type is `string`\n --> toolkit.toml:2:11"),
            "{errors:?}"
        );
        let (_, errors) = schema_of("[vars.x]\ndefault = 3\ndescription = \"X.\"\nallowed = [1, 2]\n");
        assert!(
            errors[0]
                .starts_with("error: the default of `x`, 3, breaks its own rule: it must be one of 1, 2"),
            "{errors:?}"
        );
        let (_, errors) =
            schema_of("[vars.x]\ndefault = 3\ndescription = \"X.\"\ntranslations = { es = 4 }\n");
        assert!(
            errors[0].starts_with("error: `x` has `translations` but is not words"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_bad_rule_is_an_error_at_its_line() {
        let text = TOOLKIT.replace(
            "consent_due_weeks < application_weeks",
            "consent_due_weeks < aplication_weeks",
        );
        let (_, errors) = schema_of(&text);
        assert_eq!(
            errors,
            ["error: rule `consent_due_weeks < aplication_weeks` names `aplication_weeks`, which is not a variable
  --> toolkit.toml:36:8
   |
36 | rule = \"consent_due_weeks < aplication_weeks\"
   |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: did you mean `application_weeks`?
"]
        );
        let text = TOOLKIT.replace(
            "consent_due_weeks < application_weeks",
            "consent_due_weeks before application_weeks",
        );
        let (_, errors) = schema_of(&text);
        assert!(
            errors[0].starts_with("error: `consent_due_weeks before application_weeks` has no comparison"),
            "{errors:?}"
        );
        let text = TOOLKIT.replace(
            "consent_due_weeks < application_weeks",
            "platform < application_weeks",
        );
        let (_, errors) = schema_of(&text);
        assert!(
            errors[0].contains("needs whole numbers on both sides"),
            "{errors:?}"
        );
    }

    #[test]
    fn the_toolkit_defaults_must_keep_every_relation() {
        let text = TOOLKIT.replace(
            "[vars.consent_due_weeks]\ndefault = 2",
            "[vars.consent_due_weeks]\ndefault = 6",
        );
        let (_, errors) = schema_of(&text);
        assert!(
            errors[0].starts_with(
                "error: the toolkit's own defaults break this rule: consent_due_weeks = 6 and application_weeks = 5: signed consent forms are due after student applications open, so consent_due_weeks must be less than application_weeks"
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn every_platform_defines_the_same_words() {
        let text = TOOLKIT.replace("host = \"organizer\"\n", "");
        let (_, errors) = schema_of(&text);
        assert!(
            errors[0].starts_with("error: platform \"Microsoft Teams\" does not define `host`\n"),
            "{errors:?}"
        );
        assert!(errors[0].contains("\"Zoom\" has `host`"), "{errors:?}");
        let text = TOOLKIT.replace("co_host = \"coorganizador\"\n", "");
        let (_, errors) = schema_of(&text);
        assert!(
            errors[0].starts_with("error: platform \"Microsoft Teams\" has no `es` word for `co_host`"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_value_outside_the_allowed_ones_names_the_rule() {
        let (_, errors) = district("[vars]\nsession_minutes = 100\n");
        assert_eq!(
            errors,
            [
                "error: `vars.session_minutes` must be one of 60, 75, 90, 120 (minutes), not 100
 --> district.toml:6:19
  |
6 | session_minutes = 100
  |                   ^^^
"
            ]
        );
        let (_, errors) = district("[vars]\ngroup_size_max = 40\n");
        assert!(
            errors[0].starts_with("error: `vars.group_size_max` must be between 2 and 30, not 40"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_misspelt_choice_gets_the_closest_one() {
        let (_, errors) = district("[vars]\nplatform = \"Microsoft Temas\"\n");
        assert_eq!(
            errors,
            [
                "error: `vars.platform` must be one of \"Zoom\", \"Microsoft Teams\", not \"Microsoft Temas\"
 --> district.toml:6:12
  |
6 | platform = \"Microsoft Temas\"
  |            ^^^^^^^^^^^^^^^^^
  = help: did you mean \"Microsoft Teams\"?
"
            ]
        );
        let (_, errors) = district("[vars]\nplatform = \"microsoft teams\"\n");
        assert!(
            errors[0].ends_with("= help: did you mean \"Microsoft Teams\"?\n"),
            "{errors:?}"
        );
        let (_, errors) = district("[vars]\nplatform = \"ZOOM\"\n");
        assert!(
            errors[0].ends_with("= help: did you mean \"Zoom\"?\n"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_value_of_another_type_is_an_error() {
        let (_, errors) = district("[vars]\nsession_minutes = \"90\"\n");
        assert!(
            errors[0].starts_with(
                "error: `vars.session_minutes` must be a whole number like the toolkit's default (90), not a string\n --> district.toml:6:19"
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn a_broken_relation_is_reported_at_the_value_the_district_set() {
        let (_, errors) = district("[vars]\napplication_weeks = 1\nconsent_due_weeks = 3\n");
        assert_eq!(
            errors,
            ["error: consent_due_weeks = 3 and application_weeks = 1: signed consent forms are due after student applications open, so consent_due_weeks must be less than application_weeks
 --> district.toml:7:21
  |
7 | consent_due_weeks = 3
  |                     ^
  = help: the toolkit's rule is `consent_due_weeks < application_weeks`; change `consent_due_weeks` or `application_weeks` (or both) so it holds
"]
        );
        // Only one of the two set: the error is at that one.
        let (_, errors) = district("[vars]\napplication_weeks = 2\n");
        assert!(
            errors[0].contains("consent_due_weeks = 2 and application_weeks = 2"),
            "{errors:?}"
        );
        assert!(errors[0].contains("--> district.toml:6:21"), "{errors:?}");
        // A rule with a number reads with the variable first.
        let (_, errors) = district("[vars]\ngroup_size_max = 3\n");
        assert!(
            errors[0].starts_with(
                "error: group_size_max = 3: a group needs room for four students, so group_size_max must be at least 4"
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn language_tables_take_words_variables_only() {
        let (values, errors) =
            district("[vars]\ncareer_plan_name = \"ECAP\"\n\n[vars.es]\ncareer_plan_name = \"plan ECAP\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            values.vars_for("es")["career_plan_name"],
            toml::Value::String("plan ECAP".into())
        );
        assert_eq!(
            values.vars_for("en")["career_plan_name"],
            toml::Value::String("ECAP".into())
        );
        let (_, errors) = district("[vars.es]\nsession_minutes = 60\n");
        assert!(
            errors[0].starts_with(
                "error: `session_minutes` is the same in every language, so it cannot be set in [vars.es]\n --> district.toml:6:1"
            ),
            "{errors:?}"
        );
        assert!(errors[0].contains("(those are `career_plan_name`)"), "{errors:?}");
        let (_, errors) = district("[vars.es]\ncareer_plan_nam = \"x\"\n");
        assert!(
            errors[0].starts_with("error: unknown variable `vars.es.career_plan_nam`"),
            "{errors:?}"
        );
    }

    #[test]
    fn values_for_a_language() {
        // No district: the toolkit's translation.
        let (values, _) = district("");
        assert_eq!(
            values.vars_for("es")["career_plan_name"],
            toml::Value::String("plan de éxito estudiantil".into())
        );
        assert_eq!(values.vars_for("es")["session_minutes"], toml::Value::Integer(90));
        assert_eq!(
            values.vars_for("en")["career_plan_name"],
            toml::Value::String("student success plan".into())
        );
        assert!(values.untranslated("es").is_empty());
        // The district's own name wins over the toolkit's translation of
        // the default, and is reported as untranslated.
        let (values, _) = district("[vars]\ncareer_plan_name = \"ECAP\"\n");
        assert_eq!(
            values.vars_for("es")["career_plan_name"],
            toml::Value::String("ECAP".into())
        );
        assert_eq!(values.untranslated("es"), ["career_plan_name"]);
    }

    #[test]
    fn the_platform_vocabulary_follows_the_platform_and_the_language() {
        let (values, _) = district("[vars]\nplatform = \"Microsoft Teams\"\n");
        let en = values.platform_for("en").unwrap();
        assert_eq!(
            (en["name"].as_str(), en["co_host"].as_str()),
            ("Microsoft Teams", "co-organizer")
        );
        let es = values.platform_for("es").unwrap();
        assert_eq!(
            (es["name"].as_str(), es["co_host"].as_str()),
            ("Microsoft Teams", "coorganizador")
        );
        let (values, _) = district("");
        assert_eq!(values.platform_for("en").unwrap()["host"], "host");
    }

    #[test]
    fn language_codes() {
        assert!(is_language_code("es") && is_language_code("es-MX") && is_language_code("zh-Hant"));
        assert!(!is_language_code("session_minutes") && !is_language_code("e") && !is_language_code("ES"));
    }
}

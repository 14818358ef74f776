//! `wbl init district` and `wbl init toolkit`: start a district folder, or
//! write the built-in toolkit out so it can be edited.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};

use crate::cli::{InitCommand, InitDistrictArgs, InitToolkitArgs};
use crate::content::{Toolkit, is_valid_id};
use crate::diag::Diagnostics;
use crate::report::Reporter;
use crate::{EXIT_ERROR, EXIT_USAGE, embedded, fs, pipeline};

/// The folders a district keeps its own files in; written empty so staff
/// see where things go.
const DISTRICT_FOLDERS: [&str; 3] = ["pages", "sections", "assets"];

/// Section addresses of the default toolkit that make the clearest
/// examples, one per action (replace, append, prepend, remove). A toolkit
/// without them gets examples picked from its own sections instead.
const PREFERRED_TARGETS: [&str; 4] = [
    "online-safety#recording",
    "technology-and-platforms#settings",
    "planning-timeline#overview",
    "equity-and-access#transportation",
];
const PREFERRED_HIDE: &str = "youtube-live-events";

pub fn run(command: InitCommand, reporter: &mut Reporter) -> Result<u8> {
    match command {
        InitCommand::District(args) => district(args, reporter),
        InitCommand::Toolkit(args) => toolkit(args, reporter),
    }
}

fn district(args: InitDistrictArgs, reporter: &mut Reporter) -> Result<u8> {
    let dir = &args.dir;
    let manifest = dir.join("district.toml");
    if manifest.exists() {
        bail!(
            "`{}` already exists; wbl will not overwrite it (choose a new folder, or edit that file)",
            fs::display(&manifest)
        );
    }
    if dir.exists() && !dir.is_dir() {
        bail!("`{}` exists and is not a folder", fs::display(dir));
    }
    let name = match &args.name {
        Some(name) => name.trim().to_string(),
        None => name_from_folder(dir),
    };
    let id = match args.id.clone().or_else(|| id_from_name(&name)) {
        Some(id) => id,
        None => {
            reporter.fatal(&anyhow::anyhow!(
                "could not make a district id from the name `{name}`; give one with --id (for example --id lake-county-schools)"
            ));
            return Ok(EXIT_USAGE);
        }
    };

    let mut diags = Diagnostics::new();
    let toolkit = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)?;
    let Some(toolkit) = toolkit else {
        reporter.diagnostics(&diags);
        reporter.summary("init");
        return Ok(EXIT_ERROR);
    };

    let shown = shell_word(&fs::display(dir));
    let text = district_toml(&toolkit, &name, &id, &shown);
    let readme = fill(
        embedded::template("init/README.md"),
        &[
            ("TITLE", &name),
            ("TOOLKIT", &toolkit.meta.title),
            ("DIR", &shown),
        ],
    );

    fs::create_dir_all(dir)?;
    for folder in DISTRICT_FOLDERS {
        fs::create_dir_all(&dir.join(folder))?;
    }
    fs::write(&manifest, text.as_bytes())?;
    let readme_path = dir.join("README.md");
    let kept_readme = readme_path.exists();
    if !kept_readme {
        fs::write(&readme_path, readme.as_bytes())?;
    }

    let d = fs::display(dir);
    reporter.status(&format!("Created `{d}` for {name} (district id `{id}`):"));
    reporter.status("  district.toml   who you are and what you change; every setting is explained inside");
    if kept_readme {
        reporter.status("  README.md       (already there, left as it was)");
    } else {
        reporter.status("  README.md       what to do next");
    }
    reporter.status("  pages/          your own pages");
    reporter.status("  sections/       text for the section changes in district.toml");
    reporter.status("  assets/         your logo and pictures");
    reporter.status(&format!("Next, preview it: wbl serve --district {shown}"));
    Ok(0)
}

fn toolkit(args: InitToolkitArgs, reporter: &mut Reporter) -> Result<u8> {
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        bail!("`{}` exists and is not a folder", fs::display(dir));
    }
    let manifest = dir.join("toolkit.toml");
    if manifest.exists() {
        bail!(
            "`{}` already exists; wbl will not overwrite it (choose a new folder)",
            fs::display(&manifest)
        );
    }
    let mut files = Vec::new();
    embedded::walk(&embedded::TOOLKIT, &mut |rel, bytes| {
        files.push((rel.to_string(), bytes))
    });
    // Check every file first, so a refusal leaves the folder untouched.
    for (rel, _) in &files {
        let path = fs::join_rel(dir, rel);
        if path.exists() {
            bail!(
                "`{}` already exists; wbl will not overwrite it (choose a new folder)",
                fs::display(&path)
            );
        }
    }
    // Folders the loader reads, even when the embedded toolkit has nothing
    // in them yet (git does not keep empty folders).
    for folder in ["pages", "assets"] {
        fs::create_dir_all(&dir.join(folder))?;
    }
    for (rel, bytes) in &files {
        fs::write(&fs::join_rel(dir, rel), bytes)?;
    }
    let pages = files.iter().filter(|(rel, _)| rel.starts_with("pages/")).count();
    let shown = shell_word(&fs::display(dir));
    reporter.status(&format!(
        "Wrote the built-in toolkit ({} files, {pages} pages) to `{}`.",
        files.len(),
        fs::display(dir)
    ));
    reporter.status(&format!("Build it with:   wbl adapt --toolkit {shown} --out out"));
    reporter.status(&format!("Preview it with: wbl serve --toolkit {shown}"));
    Ok(0)
}

/// "Lake County Schools" → "lake-county-schools". Accented letters lose
/// their accents and apostrophes vanish ("St. Mary's" → "st-marys"), so the
/// id reads like the name; `None` when nothing usable is left.
pub fn id_from_name(name: &str) -> Option<String> {
    let mut id = String::new();
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'a'..='z' | '0'..='9' => Some(c),
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => Some('a'),
            'ç' => Some('c'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ñ' => Some('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ý' | 'ÿ' => Some('y'),
            _ => None,
        };
        match folded {
            Some(c) => {
                if dash && !id.is_empty() {
                    id.push('-');
                }
                dash = false;
                id.push(c);
            }
            None if matches!(c, '\'' | '’') => {}
            None if c == '&' => {
                if !id.is_empty() {
                    id.push_str("-and");
                }
                dash = true;
            }
            None => dash = true,
        }
    }
    is_valid_id(&id).then_some(id)
}

/// A name for a district from its folder name: "lake-county" → "Lake County".
fn name_from_folder(dir: &Path) -> String {
    let stem = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: Vec<String> = stem
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect();
    if words.is_empty() {
        "My District".to_string()
    } else {
        words.join(" ")
    }
}

/// The commented district.toml for `toolkit`.
pub fn district_toml(toolkit: &Toolkit, name: &str, id: &str, dir: &str) -> String {
    let order = reading_order(toolkit);
    let hide = if order.iter().any(|p| p == PREFERRED_HIDE) {
        PREFERRED_HIDE.to_string()
    } else {
        order.last().cloned().unwrap_or_else(|| "page-id".to_string())
    };
    let page_example = order
        .get(1)
        .or(order.first())
        .cloned()
        .unwrap_or_else(|| "page-id".to_string());
    fill(
        embedded::template("init/district.toml"),
        &[
            ("TITLE", &comment_safe(name)),
            ("TOOLKIT", &toolkit.meta.title),
            ("DIR", dir),
            ("ID", &toml_string(id)),
            ("NAME", &toml_string(name)),
            ("SHORT", &toml_string(name)),
            ("LANGUAGE", &toolkit.meta.language),
            ("VARS", &vars_lines(toolkit)),
            ("HIDE", &hide),
            ("PAGE_EXAMPLE", &page_example),
            ("SECTIONS", &section_examples(toolkit)),
        ],
    )
}

/// Replaces each `@KEY@` of `template`.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in values {
        out = out.replace(&format!("@{key}@"), value);
    }
    out
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A name placed in a comment line: a line break would end the comment.
fn comment_safe(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A path as the user would type it in a shell.
fn shell_word(s: &str) -> String {
    if s.chars().any(|c| c.is_whitespace() || "'\"$&;|<>()`".contains(c)) {
        format!("\"{}\"", s.replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

fn reading_order(toolkit: &Toolkit) -> Vec<String> {
    toolkit
        .meta
        .parts
        .iter()
        .flat_map(|p| p.pages.iter())
        .filter(|id| toolkit.pages.contains_key(*id))
        .cloned()
        .collect()
}

/// One commented line per toolkit variable with its default value and the
/// toolkit's own comment, in toolkit.toml order.
fn vars_lines(toolkit: &Toolkit) -> String {
    let comments = var_comments(&toolkit.manifest.text);
    let mut keys: Vec<&String> = Vec::new();
    for (key, _) in &comments {
        if let Some((k, _)) = toolkit.meta.vars.get_key_value(key)
            && !keys.contains(&k)
        {
            keys.push(k);
        }
    }
    for key in toolkit.meta.vars.keys() {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let assignments: Vec<(String, Option<&str>)> = keys
        .iter()
        .map(|key| {
            let value = &toolkit.meta.vars[*key];
            let comment = comments
                .iter()
                .find(|(k, _)| k == *key)
                .and_then(|(_, c)| c.as_deref());
            (format!("# {} = {value}", toml_key(key)), comment)
        })
        .collect();
    let width = assignments
        .iter()
        .map(|(a, _)| a.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    if assignments.is_empty() {
        out.push_str("# (this toolkit has no variables)\n");
    }
    for (assignment, comment) in assignments {
        match comment {
            Some(c) => {
                let pad = width - assignment.chars().count();
                let _ = writeln!(out, "{assignment}{}  # {c}", " ".repeat(pad));
            }
            None => {
                let _ = writeln!(out, "{assignment}");
            }
        }
    }
    out
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// The keys of toolkit.toml's `[vars]` table with the comment after each,
/// read from the text because the TOML parser drops comments.
fn var_comments(manifest: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut in_vars = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_vars = t.split('#').next().map(str::trim) == Some("[vars]");
            continue;
        }
        if !in_vars || t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = t.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"').to_string();
        // The comment starts at the first `#` that is not inside the value:
        // the first one before which the value parses.
        let comment = rest.match_indices('#').find_map(|(i, _)| {
            toml::from_str::<toml::Table>(&format!("v = {}", &rest[..i]))
                .is_ok()
                .then(|| rest[i + 1..].trim().to_string())
        });
        out.push((key, comment.filter(|c| !c.is_empty())));
    }
    out
}

/// A section a commented example can point at.
struct Target {
    address: String,
    id: String,
    title: String,
    level: u8,
}

/// One commented `[[sections]]` example per action, each aimed at a real
/// section of `toolkit`.
fn section_examples(toolkit: &Toolkit) -> String {
    let mut all = Vec::new();
    for page_id in reading_order(toolkit) {
        let page = &toolkit.pages[&page_id];
        for h in page.headings.iter().filter(|h| !h.nested) {
            all.push(Target {
                address: format!("{}#{}", page.id, h.id),
                id: h.id.clone(),
                title: h.title.clone(),
                level: h.level,
            });
        }
    }
    let mut chosen: Vec<&Target> = Vec::new();
    for preferred in PREFERRED_TARGETS {
        let pick = all.iter().find(|t| t.address == preferred).or_else(|| {
            all.iter()
                .filter(|t| t.level == 2)
                .chain(all.iter())
                .find(|t| !chosen.iter().any(|c| c.address == t.address))
        });
        match pick {
            Some(t) => chosen.push(t),
            None => break,
        }
    }
    let [replace, append, prepend, remove] = chosen.as_slice() else {
        return "# (this toolkit has too few sections for examples; see `wbl list`)\n".to_string();
    };
    let title = |t: &Target| comment_safe(&t.title);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"
# Example: replace "{title}" with your own text, written in
# sections/{id}.md. Start that file with the heading
#   {hashes} {title} {{#{id}}}
# so links to this section keep working.
# [[sections]]
# target = "{address}"
# action = "replace"
# file = "sections/{id}.md"
"#,
        title = title(replace),
        id = replace.id,
        hashes = "#".repeat(usize::from(replace.level)),
        address = replace.address,
    );
    let _ = write!(
        out,
        r#"
# Example: add your district's own note at the end of "{title}".
# [[sections]]
# target = "{address}"
# action = "append"
# text = """
# **In {{{{ district.short_name }}}}:** what teachers here do differently.
# """
"#,
        title = title(append),
        address = append.address,
    );
    let _ = write!(
        out,
        r#"
# Example: put a reminder right after the heading "{title}".
# [[sections]]
# target = "{address}"
# action = "prepend"
# text = """
# **Before you start:** ask the {{{{ district.short_name }}}} WBL office for the current dates.
# """
"#,
        title = title(prepend),
        address = prepend.address,
    );
    let _ = write!(
        out,
        r#"
# Example: leave out "{title}" entirely.
# [[sections]]
# target = "{address}"
# action = "remove"
"#,
        title = title(remove),
        address = remove.address,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_like_names() {
        assert_eq!(
            id_from_name("Lake County Schools").as_deref(),
            Some("lake-county-schools")
        );
        assert_eq!(
            id_from_name("St. Mary's Academy").as_deref(),
            Some("st-marys-academy")
        );
        assert_eq!(
            id_from_name("Escuela Pública #4").as_deref(),
            Some("escuela-publica-4")
        );
        assert_eq!(
            id_from_name("Lake & Pine USD").as_deref(),
            Some("lake-and-pine-usd")
        );
        assert_eq!(id_from_name("  --  "), None);
    }

    #[test]
    fn names_from_folders() {
        assert_eq!(
            name_from_folder(Path::new("x/lake-county_usd")),
            "Lake County Usd"
        );
        assert_eq!(name_from_folder(Path::new("/")), "My District");
    }

    #[test]
    fn reads_var_comments_past_hashes_in_values() {
        let comments = var_comments(
            "id = \"x\"\n[vars]\ncolor = \"#fff\"   # the colour\nplain = 3\n[[parts]]\nid = \"p\" # no\n",
        );
        assert_eq!(
            comments,
            vec![
                ("color".to_string(), Some("the colour".to_string())),
                ("plain".to_string(), None),
            ]
        );
    }

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_word("my-district"), "my-district");
        assert_eq!(shell_word("My District"), "\"My District\"");
    }
}

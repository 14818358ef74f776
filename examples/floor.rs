//! The floor the benchmarks measure wbl against: the least work a tool
//! must do to turn the generated pages into the files wbl's job delivers.
//! Each page is rendered once with bare pulldown-cmark and written into a
//! minimal HTML shell as each output holds it:
//!
//! - the teacher bundle (one zip): a page of the site, a chapter of the
//!   one-file handbook and, for handout-like pages, a standalone handout;
//!   the site's search index (each page's text without tags, as JSON);
//! - the two LMS cartridges (two zips): each page once more in each (the
//!   generic cartridge's `pages/`, Canvas's `wiki_content/`), the
//!   handouts once more (the same bytes in both, compressed once) and a
//!   manifest listing every file.
//!
//! Zips are written as wbl writes its own (`wbl::util::zipfile`,
//! libdeflate). Nothing else: no templates, variables, navigation, link
//! checks, stylesheet, README, checksums or course structure.
//!
//! `--bundle-only` leaves out the search index and the cartridges: the
//! floor as it stood before wbl wrote them (kept for comparison with the
//! figures measured then).
//!
//! ```text
//! floor adapt CORPUS OUT [--bundle-only]
//!       read CORPUS/plain, write OUT/site, OUT/print, OUT/handouts, OUT/lms
//!       and OUT/floor.zip (one thread)
//! floor publish CORPUS OUT [--jobs N] [--bundle-only]
//!       read the pages once; for every folder in CORPUS/districts, render the
//!       pages with its name and write OUT/<id>.zip and OUT/lms/<id>*.imscc
//!       (N threads)
//! ```
//!
//! See `docs/performance.md`.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use wbl::output::bundle;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = !args.iter().any(|a| a == "--bundle-only");
    let jobs = args
        .iter()
        .position(|a| a == "--jobs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    match args.as_slice() {
        [mode, corpus, out, ..] if mode == "adapt" => adapt(Path::new(corpus), Path::new(out), full),
        [mode, corpus, out, ..] if mode == "publish" => {
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                .build_global()
                .expect("worker threads");
            publish(Path::new(corpus), Path::new(out), full)
        }
        _ => {
            eprintln!(
                "usage: floor adapt CORPUS OUT [--bundle-only] | floor publish CORPUS OUT [--jobs N] [--bundle-only]"
            );
            std::process::exit(2);
        }
    }
}

struct Page {
    id: String,
    markdown: String,
    handout: bool,
}

/// The pages in name order.
fn read_pages(corpus: &Path) -> Vec<Page> {
    let dir = corpus.join("plain");
    let handouts =
        std::fs::read_to_string(dir.join("handouts.txt")).expect("CORPUS/plain, written by gen-corpus");
    let handouts: Vec<&str> = handouts.lines().collect();
    let mut pages: Vec<Page> = std::fs::read_dir(&dir)
        .expect("CORPUS/plain")
        .map(|e| e.expect("a readable folder").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .map(|path| {
            let id = path
                .file_stem()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            Page {
                handout: handouts.contains(&id.as_str()),
                markdown: std::fs::read_to_string(&path).expect("a readable page"),
                id,
            }
        })
        .collect();
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    pages
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn shell(title: &str, district: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n</head>\n\
         <body>\n<header>{district}</header>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )
}

/// What one district gets: the bundle's files and the two cartridges'
/// files, each as (path, contents).
struct Outputs {
    bundle: Vec<(String, String)>,
    generic: Vec<(String, String)>,
    canvas: Vec<(String, String)>,
}

fn outputs(pages: &[Page], district: &str, full: bool) -> Outputs {
    let mut bundle = Vec::with_capacity(pages.len() * 2 + 2);
    let mut generic = Vec::new();
    let mut canvas = Vec::new();
    let mut handbook = String::new();
    let mut index = String::from("[");
    for page in pages {
        let markdown = page.markdown.replace("your school district", district);
        let mut body = String::with_capacity(markdown.len() * 5 / 4);
        html::push_html(&mut body, Parser::new_ext(&markdown, options()));
        handbook.push_str(&body);
        let shelled = shell(&page.id, district, &body);
        if page.handout {
            let path = format!("handouts/{}.html", page.id);
            if full {
                generic.push((path.clone(), shelled.clone()));
                canvas.push((format!("web_resources/{path}"), shelled.clone()));
            }
            bundle.push((path, shelled.clone()));
        }
        if full {
            generic.push((format!("pages/{}.html", page.id), shelled.clone()));
            canvas.push((format!("wiki_content/{}.html", page.id), shelled.clone()));
            if index.len() > 1 {
                index.push(',');
            }
            index.push_str(&serde_json::to_string(&text_of(&body)).expect("a string"));
        }
        bundle.push((format!("site/{}.html", page.id), shelled));
    }
    bundle.push((
        "print/handbook.html".to_string(),
        shell("Handbook", district, &handbook),
    ));
    if full {
        index.push(']');
        bundle.push(("site/search-index.js".to_string(), index));
        for files in [&mut generic, &mut canvas] {
            let listing: String = files
                .iter()
                .map(|(path, _)| format!("<file href=\"{path}\"/>\n"))
                .collect();
            files.push((
                "imsmanifest.xml".to_string(),
                format!("<manifest>\n{listing}</manifest>\n"),
            ));
        }
    }
    for files in [&mut bundle, &mut generic, &mut canvas] {
        files.sort();
    }
    Outputs {
        bundle,
        generic,
        canvas,
    }
}

/// A page's text for the search index: its HTML without the tags.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The bundle and, unless they are empty (`--bundle-only`), the two
/// cartridges, zipped together so bytes they share are compressed once.
fn zips(out: &Outputs, name: &str) -> Vec<Vec<u8>> {
    let names: Vec<String> = out
        .bundle
        .iter()
        .map(|(path, _)| format!("{name}/{path}"))
        .collect();
    let bundle: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&out.bundle)
        .map(|(entry, (_, text))| (entry.as_str(), text.as_bytes()))
        .collect();
    let (generic, canvas) = (plain(&out.generic), plain(&out.canvas));
    let mut all: Vec<&[(&str, &[u8])]> = vec![&bundle];
    if !generic.is_empty() {
        all.push(&generic);
        all.push(&canvas);
    }
    wbl::util::zipfile::write_all(&all, bundle::FIXED_EPOCH).expect("zips in memory")
}

fn plain(files: &[(String, String)]) -> Vec<(&str, &[u8])> {
    files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())).collect()
}

/// Where each zip of [`zips`] goes, under OUT.
fn zip_paths(id: &str) -> [String; 3] {
    [
        format!("{id}.zip"),
        format!("lms/{id}.imscc"),
        format!("lms/{id}-canvas.imscc"),
    ]
}

fn adapt(corpus: &Path, out: &Path, full: bool) {
    let pages = read_pages(corpus);
    let files = outputs(&pages, "your school district", full);
    for (path, text) in &files.bundle {
        let path = out.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("the output folder");
        std::fs::write(path, text).expect("writing a page");
    }
    // One thread, entry after entry, like the rest of `floor adapt`.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread");
    let zipped = one.install(|| zips(&files, "floor"));
    std::fs::create_dir_all(out.join("lms")).expect("the output folder");
    for (bytes, path) in zipped.iter().zip(zip_paths("floor")) {
        std::fs::write(out.join(path), bytes).expect("writing a zip");
    }
}

fn publish(corpus: &Path, out: &Path, full: bool) {
    let pages = read_pages(corpus);
    std::fs::create_dir_all(out.join("lms")).expect("the output folder");
    let mut districts: Vec<PathBuf> = std::fs::read_dir(corpus.join("districts"))
        .expect("CORPUS/districts")
        .map(|e| e.expect("a readable folder").path())
        .collect();
    districts.sort();
    districts.par_iter().for_each(|dir| {
        let manifest: toml::Table = std::fs::read_to_string(dir.join("district.toml"))
            .expect("district.toml")
            .parse()
            .expect("valid TOML");
        let district = &manifest["district"];
        let id = district["id"].as_str().expect("an id");
        let name = district["name"].as_str().expect("a name");
        let files = outputs(&pages, name, full);
        for (bytes, path) in zips(&files, id).iter().zip(zip_paths(id)) {
            std::fs::write(out.join(path), bytes).expect("writing a zip");
        }
    });
}

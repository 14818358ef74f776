//! The floor the benchmarks measure wbl against: the least work a tool
//! must do to turn the generated pages into the files of a teacher bundle
//! and zip them. Each page is rendered once with bare pulldown-cmark and
//! written into a minimal HTML shell three ways, as the bundle holds them:
//! a page of the site, a chapter of the one-file handbook and, for
//! handout-like pages, a standalone handout. The zip is written as wbl
//! writes its own (`wbl::util::zipfile`, libdeflate). Nothing else: no templates,
//! variables, navigation, link checks, stylesheet, README or manifest.
//!
//! ```text
//! floor adapt CORPUS OUT               read CORPUS/plain, write OUT/site, OUT/print,
//!                                       OUT/handouts and OUT/floor.zip (one thread)
//! floor publish CORPUS OUT [--jobs N]  read the pages once; for every folder in
//!                                       CORPUS/districts, render the pages with its name
//!                                       and write OUT/<id>.zip (N threads)
//! ```
//!
//! See `docs/performance.md`.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use wbl::output::bundle;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let jobs = args
        .iter()
        .position(|a| a == "--jobs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    match args.as_slice() {
        [mode, corpus, out, ..] if mode == "adapt" => adapt(Path::new(corpus), Path::new(out)),
        [mode, corpus, out, ..] if mode == "publish" => {
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                .build_global()
                .expect("worker threads");
            publish(Path::new(corpus), Path::new(out))
        }
        _ => {
            eprintln!("usage: floor adapt CORPUS OUT | floor publish CORPUS OUT [--jobs N]");
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

/// The bundle's files for one district: (path, contents).
fn outputs(pages: &[Page], district: &str) -> Vec<(String, String)> {
    let mut files = Vec::with_capacity(pages.len() * 2 + 1);
    let mut handbook = String::new();
    for page in pages {
        let markdown = page.markdown.replace("your school district", district);
        let mut body = String::with_capacity(markdown.len() * 5 / 4);
        html::push_html(&mut body, Parser::new_ext(&markdown, options()));
        handbook.push_str(&body);
        if page.handout {
            files.push((
                format!("handouts/{}.html", page.id),
                shell(&page.id, district, &body),
            ));
        }
        files.push((format!("site/{}.html", page.id), shell(&page.id, district, &body)));
    }
    files.push((
        "print/handbook.html".to_string(),
        shell("Handbook", district, &handbook),
    ));
    files.sort();
    files
}

fn zip(files: &[(String, String)], name: &str) -> Vec<u8> {
    let names: Vec<String> = files.iter().map(|(path, _)| format!("{name}/{path}")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .zip(files)
        .map(|(entry, (_, text))| (entry.as_str(), text.as_bytes()))
        .collect();
    wbl::util::zipfile::write(&entries, bundle::FIXED_EPOCH).expect("zip in memory")
}

fn adapt(corpus: &Path, out: &Path) {
    let pages = read_pages(corpus);
    let files = outputs(&pages, "your school district");
    for (path, text) in &files {
        let path = out.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("the output folder");
        std::fs::write(path, text).expect("writing a page");
    }
    // One thread, entry after entry, like the rest of `floor adapt`.
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread");
    let bytes = one.install(|| zip(&files, "floor"));
    std::fs::write(out.join("floor.zip"), bytes).expect("writing the zip");
}

fn publish(corpus: &Path, out: &Path) {
    let pages = read_pages(corpus);
    std::fs::create_dir_all(out).expect("the output folder");
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
        let files = outputs(&pages, name);
        std::fs::write(out.join(format!("{id}.zip")), zip(&files, id)).expect("writing a zip");
    });
}

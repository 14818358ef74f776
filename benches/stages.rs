//! The pure stages of the pipeline, one at a time, in process (no process
//! start, no disk writes): load, adapt, render, zip, and all of them.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- target/bench/s40 --pages 40 --districts 4
//! WBL_BENCH_CORPUS=target/bench/s40 cargo bench --bench stages
//! ```
//!
//! Without `WBL_BENCH_CORPUS` the embedded toolkit and
//! `examples/desert-valley-usd` are used. Run by hand, never in CI; see
//! `docs/performance.md`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use divan::Bencher;
use wbl::adapt::{self, Adapted, District};
use wbl::content::Toolkit;
use wbl::diag::Diagnostics;
use wbl::output::bundle;
use wbl::pipeline;
use wbl::render::{self, Formats, OutputFile};

fn main() {
    divan::main();
}

struct Fixture {
    toolkit_dir: Option<PathBuf>,
    district_dir: PathBuf,
    toolkit: Toolkit,
    district: Arc<District>,
    adapted: Adapted,
    files: Vec<OutputFile>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let corpus = std::env::var_os("WBL_BENCH_CORPUS").map(PathBuf::from);
        let toolkit_dir = corpus.as_ref().map(|c| c.join("toolkit"));
        // The second district of a generated corpus replaces a section.
        let district_dir = corpus.map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/desert-valley-usd"),
            |c| c.join("districts/district-0001"),
        );
        let mut diags = Diagnostics::new();
        let toolkit = pipeline::load_toolkit(toolkit_dir.as_deref(), &mut diags)
            .expect("toolkit readable")
            .expect("toolkit valid");
        let district = pipeline::load_district(&district_dir, &mut diags)
            .expect("district readable")
            .expect("district valid");
        let adapted = adapt::adapt(&toolkit, Some(&district), &mut diags).expect("adapts");
        let files = render::render(&adapted, Formats::ALL, &mut diags)
            .expect("templates render")
            .expect("content renders");
        Fixture {
            toolkit_dir,
            district_dir,
            toolkit,
            district,
            adapted,
            files,
        }
    })
}

/// Reading and parsing the toolkit (from disk, or the embedded copy).
#[divan::bench]
fn load_toolkit() -> Toolkit {
    let f = fixture();
    let mut diags = Diagnostics::new();
    pipeline::load_toolkit(f.toolkit_dir.as_deref(), &mut diags)
        .unwrap()
        .unwrap()
}

/// Reading and parsing one district folder.
#[divan::bench]
fn load_district() -> Arc<District> {
    let f = fixture();
    let mut diags = Diagnostics::new();
    pipeline::load_district(&f.district_dir, &mut diags)
        .unwrap()
        .unwrap()
}

/// Applying the district's overrides.
#[divan::bench]
fn adapt() -> Adapted {
    let f = fixture();
    let mut diags = Diagnostics::new();
    adapt::adapt(&f.toolkit, Some(&f.district), &mut diags).unwrap()
}

/// Variables filled in and Markdown turned into HTML, every page; the
/// counter gives the time per page.
#[divan::bench]
fn render_pages(bencher: Bencher) {
    let f = fixture();
    bencher
        .counter(divan::counter::ItemsCount::new(f.adapted.pages.len()))
        .bench(|| {
            let mut diags = Diagnostics::new();
            render::markdown::render_pages(&f.adapted, &mut diags).unwrap()
        });
}

/// Every output (site, handbook, handouts) in memory, pages included.
#[divan::bench]
fn render_all() -> Vec<OutputFile> {
    let f = fixture();
    let mut diags = Diagnostics::new();
    render::render(&f.adapted, Formats::ALL, &mut diags)
        .unwrap()
        .unwrap()
}

/// The teacher bundle from the rendered files; the counter gives the
/// bytes zipped per second.
#[divan::bench]
fn zip(bencher: Bencher) {
    let f = fixture();
    let bytes: usize = f.files.iter().map(|file| file.bytes.len()).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| bundle::zip(&f.adapted, &f.files, bundle::FIXED_EPOCH).unwrap());
}

/// One district from the loaded toolkit to its bundle: what `wbl publish`
/// does per district.
#[divan::bench]
fn district_bundle() -> Vec<OutputFile> {
    let f = fixture();
    let mut diags = Diagnostics::new();
    let district = pipeline::load_district(&f.district_dir, &mut diags)
        .unwrap()
        .unwrap();
    pipeline::build(&f.toolkit, Some(&district), Formats::ALL, &mut diags)
        .unwrap()
        .files
        .unwrap()
}

/// Deflate at each level over the same files, for choosing the bundle's
/// level: the counter gives bytes in per second.
#[divan::bench(args = [1, 2, 3, 4, 5, 6, 9])]
fn deflate_level(bencher: Bencher, level: i64) {
    use std::io::Write;
    let f = fixture();
    let bytes: usize = f.files.iter().map(|file| file.bytes.len()).sum();
    let options = bundle::entry_options(bundle::FIXED_EPOCH)
        .unwrap()
        .compression_level(Some(level));
    let zip = || {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for file in &f.files {
            writer.start_file(file.path.as_str(), options).unwrap();
            writer.write_all(&file.bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    };
    if std::env::var_os("WBL_BENCH_SIZES").is_some() {
        eprintln!("level {level}: {bytes} bytes → {} bytes", zip().len());
    }
    bencher.counter(divan::counter::BytesCount::new(bytes)).bench(zip);
}

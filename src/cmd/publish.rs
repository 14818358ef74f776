//! `wbl publish`: the release build. The toolkit is loaded once; every
//! district is adapted, rendered and zipped in parallel; the bundles,
//! `SHA256SUMS` and `release.json` replace the release folder at the end.
//!
//! A release is all or nothing: when any district fails, every district is
//! still built (so one run reports every problem), but nothing is
//! published and the previous release stays as it was. Half a release
//! would ship some districts' new bundles beside others' missing ones, and
//! replace the good release a district may still need.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::json;

use crate::cli::{MessageFormat, PublishArgs, Shard};
use crate::content::Toolkit;
use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::output::bundle::{self, sha256_hex};
use crate::output::{Out, Source, Staging};
use crate::render::markdown::PageTemplates;
use crate::render::{Formats, Output};
use crate::report::Reporter;
use crate::{EXIT_ERROR, fs, pipeline};

/// The bundle and the LMS cartridges, built as `wbl adapt` builds them.
const BUNDLE_ONLY: Formats = Formats::of(&[Output::Zip, Output::Lms]);

/// What building one bundle gave.
struct Outcome {
    /// The district folder's name, or `None` for the generic toolkit.
    folder: Option<String>,
    /// The district folder as given, for messages.
    path: Option<PathBuf>,
    /// The district's id, once its district.toml was read.
    id: Option<String>,
    district: Option<(String, String)>,
    bundle: Option<(String, u64, String)>,
    /// The LMS cartridges beside the bundle (file, size, SHA-256).
    cartridges: Vec<(String, u64, String)>,
    diags: Diagnostics,
    failure: Option<String>,
}

pub fn run(args: PublishArgs, reporter: &mut Reporter) -> Result<u8> {
    reporter.format = args.message_format;
    if !args.districts.is_dir() {
        bail!("`{}` is not a folder of districts", fs::display(&args.districts));
    }
    let mut sources = vec![Source {
        what: "districts folder",
        path: &args.districts,
    }];
    if let Some(dir) = &args.toolkit.toolkit {
        sources.push(Source {
            what: "toolkit folder",
            path: dir,
        });
    }
    let out = Out::check(&args.out, &sources)?;
    for stale in out.remove_stale() {
        reporter.status(&format!(
            "removed `{stale}`, which an interrupted run left beside `{}`",
            out.shown()
        ));
    }
    let shard = args.shard.unwrap_or(Shard { index: 1, count: 1 });
    let browsers = if args.pdf {
        crate::output::stop_cleanly_on_interrupt();
        Some(crate::output::pdf::Browsers::start(
            crate::output::pdf::find_browser()?,
        )?)
    } else {
        None
    };

    let mut diags = Diagnostics::new();
    let Some(toolkit) = pipeline::load_toolkit(args.toolkit.toolkit.as_deref(), &mut diags)? else {
        reporter.diagnostics(&diags);
        reporter.summary("publish");
        return Ok(EXIT_ERROR);
    };
    reporter.diagnostics(&diags);

    let folders = district_folders(&args.districts, reporter)?;
    let mut work: Vec<Option<PathBuf>> = Vec::new();
    if shard.index == 1 {
        work.push(None);
    }
    work.extend(
        folders
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shard.contains(*i))
            .map(|(_, p)| Some(p)),
    );
    // More threads than bundles only cost memory and start-up time.
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, work.len().max(1));

    // What does not depend on the district is done once: every page of
    // the toolkit parsed as a template, reused by each district that
    // leaves the page's text alone.
    let shared = crate::adapt::adapt(&toolkit, None, &mut Diagnostics::new())
        .map(|generic| PageTemplates::new(&generic));

    let staging = Staging::new(&out)?;
    let claims = Claims::default();
    let time = bundle::build_time()?;
    let progress = Progress::new(work.len(), reporter, args.message_format);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context("could not start worker threads")?;
    let mut outcomes: Vec<Outcome> = pool.install(|| {
        work.par_iter()
            .map(|dir| {
                let outcome = build_one(
                    &toolkit,
                    shared.as_ref(),
                    dir.as_deref(),
                    &staging,
                    &claims,
                    args.deny_warnings,
                    browsers.as_ref(),
                );
                progress.tick(&outcome);
                outcome
            })
            .collect()
    });
    progress.finish();

    let mut all = Diagnostics::new();
    for o in &outcomes {
        for d in o.diags.items() {
            all.push(d.clone());
        }
    }
    all.extend(duplicate_ids(&mut outcomes));
    reporter.diagnostics(&all);

    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    if !failed.is_empty() {
        drop(staging);
        reporter.summary("publish");
        let mut message = format!(
            "{} district{} failed:",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        );
        for o in &failed {
            message.push_str(&format!(
                "\n  {}: {}",
                o.folder.as_deref().unwrap_or("generic toolkit"),
                o.failure.as_deref().unwrap_or_default()
            ));
        }
        eprintln!("{message}");
        reporter.status(&format!("nothing was published; `{}` is unchanged", out.shown()));
        return Ok(EXIT_ERROR);
    }

    // Checksums and the release manifest, sorted by file name.
    let mut built: Vec<&Outcome> = outcomes.iter().filter(|o| o.bundle.is_some()).collect();
    built.sort_by(|a, b| {
        a.bundle
            .as_ref()
            .map(|x| &x.0)
            .cmp(&b.bundle.as_ref().map(|x| &x.0))
    });
    let mut sums = String::new();
    for o in &built {
        let (file, _, sha) = o.bundle.as_ref().expect("built");
        sums.push_str(&format!("{sha}  {file}\n"));
        for (file, _, sha) in &o.cartridges {
            sums.push_str(&format!("{sha}  {file}\n"));
        }
    }
    staging.write("SHA256SUMS", sums.as_bytes())?;
    staging.write(
        "release.json",
        release_json(&toolkit, shard, time, &outcomes).as_bytes(),
    )?;
    staging.commit()?;

    reporter.summary("publish");
    reporter.status(&format!(
        "published {}{} to {} ({}{}, shard {}/{})",
        plural(built.len(), "bundle", "bundles"),
        if args.pdf { " with their PDFs" } else { "" },
        out.shown(),
        plural(
            built.iter().filter(|o| o.folder.is_some()).count(),
            "district",
            "districts"
        ),
        if built.iter().any(|o| o.folder.is_none()) {
            " and the generic toolkit"
        } else {
            ""
        },
        shard.index,
        shard.count
    ));
    Ok(0)
}

/// Bundle names taken so far, by the folder that took them: two folders
/// with one district id would write the same zip.
#[derive(Default)]
struct Claims(Mutex<BTreeMap<String, String>>);

impl Claims {
    /// Takes `name` for `folder`; `false` if another folder has it.
    fn claim(&self, name: &str, folder: &str) -> bool {
        let mut taken = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match taken.get(name) {
            Some(owner) => owner == folder,
            None => {
                taken.insert(name.to_string(), folder.to_string());
                true
            }
        }
    }
}

/// Districts sharing an id: an error naming every folder, and each of them
/// failed (whichever thread zipped first).
fn duplicate_ids(outcomes: &mut [Outcome]) -> Diagnostics {
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, o) in outcomes.iter().enumerate() {
        if let (Some(id), Some(_)) = (&o.id, &o.folder) {
            by_id.entry(id.clone()).or_default().push(i);
        }
    }
    let mut diags = Diagnostics::new();
    for (id, mut users) in by_id.into_iter().filter(|(_, u)| u.len() > 1) {
        users.sort_by(|a, b| outcomes[*a].path.cmp(&outcomes[*b].path));
        let shown: Vec<String> = users
            .iter()
            .filter_map(|&i| outcomes[i].path.as_deref())
            .map(|p| format!("`{}`", fs::display(p)))
            .collect();
        let list = match shown.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => shown.join(""),
        };
        let message = format!("the district id `{id}` is used by {list}");
        for &i in &users {
            let o = &mut outcomes[i];
            // A folder that failed for its own reason keeps that reason.
            if o.failure.is_none() || o.diags.count(Severity::Error) == 0 {
                o.failure = Some(message.clone());
            }
            o.bundle = None;
            o.cartridges.clear();
        }
        let manifest = outcomes[users[1]]
            .path
            .as_deref()
            .map(|p| fs::display(&p.join("district.toml")))
            .unwrap_or_default();
        diags.push(
            Diagnostic::error(Code::DuplicateDistrict, message)
                .in_file(manifest)
                .with_help(
                    "every district needs its own `id` in district.toml: it names the district's bundle",
                ),
        );
    }
    diags
}

/// Subfolders of `root` holding a district.toml, in name order (the order
/// shards are cut in). Nothing is left out without a word: what is
/// skipped is listed with the reason, and a folder that looks like a
/// district but is not one, or a `root` that is not a folder of districts,
/// stops the release before any work with what to do instead.
fn district_folders(root: &Path, reporter: &Reporter) -> Result<Vec<PathBuf>> {
    let shown = fs::display(root);
    if root.join("district.toml").is_file() {
        let parent = root
            .parent()
            .map(fs::display)
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".to_string());
        bail!(
            "`{shown}` is a district folder itself (it holds district.toml); --districts takes the folder that holds district folders: pass `--districts {}`, or build this district alone with `wbl adapt --district {}`",
            crate::content::shell_word(&parent),
            crate::content::shell_word(&shown)
        );
    }
    let list = |e| anyhow::Error::new(e).context(format!("could not list `{shown}`"));
    let mut entries: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(root).map_err(list)? {
        entries.push(entry.map_err(list)?.path());
    }
    entries.sort();
    let mut dirs = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut misnamed: Vec<String> = Vec::new();
    for path in entries {
        let name = path
            .file_name()
            .map_or_else(|| fs::display(&path), |n| n.to_string_lossy().into_owned());
        if !path.is_dir() {
            skipped.push(format!("{name} (a file, not a folder)"));
        } else if path.join("district.toml").is_file()
            && crate::util::filecase::real_name(&path, "district.toml").is_none()
        {
            dirs.push(path);
        } else {
            let mut tomls: Vec<String> = std::fs::read_dir(&path)
                .map(|it| {
                    it.filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .filter(|n| {
                            let lower = n.to_lowercase();
                            // A district file by another name: `District.toml`,
                            // or one that starts a `[district]` table.
                            lower == "district.toml"
                                || (lower.ends_with(".toml")
                                    && std::fs::read_to_string(path.join(n))
                                        .is_ok_and(|t| t.lines().any(|l| l.trim() == "[district]")))
                        })
                        .collect()
                })
                .unwrap_or_default();
            tomls.sort();
            match tomls.first() {
                Some(file) => misnamed.push(format!(
                    "`{}` is not named `district.toml`: rename it to `district.toml`, all lower-case, so `{name}` is published",
                    fs::display(&path.join(file))
                )),
                None => skipped.push(format!("{name} (no district.toml in it)")),
            }
        }
    }
    if !misnamed.is_empty() {
        bail!("{}", misnamed.join("\n"));
    }
    if dirs.is_empty() {
        // A folder of districts one level down is the likely meaning.
        let deeper = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| {
                std::fs::read_dir(p)
                    .into_iter()
                    .flatten()
                    .any(|e| e.is_ok_and(|e| e.path().join("district.toml").is_file()))
            })
            .map(|p| fs::display(&p))
            .min();
        let instead = match deeper {
            Some(d) => format!("did you mean `--districts {}`?", crate::content::shell_word(&d)),
            None => "pass the folder that holds one folder per district, each with its district.toml (`wbl init district DIR` makes one)".to_string(),
        };
        bail!("`{shown}` holds no district folders (folders with a district.toml); {instead}");
    }
    if !skipped.is_empty() {
        reporter.status(&format!(
            "skipped {} of {shown}:\n  {}",
            plural(skipped.len(), "entry", "entries"),
            skipped.join("\n  ")
        ));
    }
    Ok(dirs)
}

/// "1 district", "2 districts".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A built bundle: the district's id and name, and the zip's file name,
/// size and SHA-256.
type Built = (
    Option<(String, String)>,
    (String, u64, String),
    Vec<(String, u64, String)>,
);

fn build_one(
    toolkit: &Toolkit,
    shared: Option<&PageTemplates>,
    dir: Option<&Path>,
    staging: &Staging,
    claims: &Claims,
    deny_warnings: bool,
    browsers: Option<&crate::output::pdf::Browsers>,
) -> Outcome {
    let mut diags = Diagnostics::new();
    let mut id = None;
    let folder = dir.map(|d| {
        d.file_name()
            .map_or_else(|| fs::display(d), |n| n.to_string_lossy().into_owned())
    });
    let result = (|| -> Result<Option<Built>> {
        let district = match dir {
            Some(dir) => match pipeline::load_district(dir, &mut diags)? {
                Some(d) => {
                    id = Some(d.id.clone());
                    Some(d)
                }
                None => return Ok(None),
            },
            None => None,
        };
        let build = pipeline::build_with(
            toolkit,
            district.as_ref(),
            BUNDLE_ONLY,
            shared,
            &mut diags,
            // With --pdf, the bundle's documents are printed before it is
            // zipped, as `wbl adapt --pdf` does.
            &mut |_, files| {
                if let Some(browsers) = browsers {
                    let printed = browsers.print_all(files, bundle::build_time()?)?;
                    crate::output::pdf::merge(files, printed);
                }
                Ok(())
            },
        )?;
        let Some(files) = build.files else {
            return Ok(None);
        };
        let (zips, cartridges): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.path.ends_with(".zip"));
        let Some(zip) = zips.into_iter().next() else {
            return Ok(None);
        };
        if diags.has_errors() || (deny_warnings && diags.count(Severity::Warning) > 0) {
            return Ok(None);
        }
        let owner = dir.map_or_else(String::new, fs::display);
        if !claims.claim(&zip.path, &owner) {
            // Reported with every folder named once all are built.
            return Ok(None);
        }
        staging.write(&zip.path, &zip.bytes)?;
        let mut written = Vec::new();
        for file in cartridges.iter().filter(|f| f.path.starts_with("lms/")) {
            staging.write(&file.path, &file.bytes)?;
            written.push((
                file.path.clone(),
                file.bytes.len() as u64,
                sha256_hex(&file.bytes),
            ));
        }
        let info = district.as_ref().map(|d| (d.id.clone(), d.name.clone()));
        Ok(Some((
            info,
            (zip.path.clone(), zip.bytes.len() as u64, sha256_hex(&zip.bytes)),
            written,
        )))
    })();
    let (district, bundle, cartridges, failure) = match result {
        Ok(Some((district, bundle, cartridges))) => (district, Some(bundle), cartridges, None),
        Ok(None) => {
            let first = diags
                .items()
                .iter()
                .find(|d| d.severity == Severity::Error)
                .or_else(|| diags.items().first())
                .map(|d| match (&d.file, d.line) {
                    (Some(f), Some(l)) => format!("{} ({f}:{l})", d.message),
                    (Some(f), None) => format!("{} ({f})", d.message),
                    _ => d.message.clone(),
                })
                .unwrap_or_else(|| "failed".to_string());
            (None, None, Vec::new(), Some(first))
        }
        Err(e) => (None, None, Vec::new(), Some(format!("{e:#}"))),
    };
    Outcome {
        folder,
        path: dir.map(Path::to_path_buf),
        id,
        district,
        bundle,
        cartridges,
        diags,
        failure,
    }
}

fn release_json(toolkit: &Toolkit, shard: Shard, time: i64, outcomes: &[Outcome]) -> String {
    let bundle_json = |o: &Outcome| {
        o.bundle
            .as_ref()
            .map(|(file, size, sha)| json!({ "file": file, "size": size, "sha256": sha }))
    };
    let warnings = |o: &Outcome| {
        o.diags
            .items()
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    let mut districts: Vec<&Outcome> = outcomes.iter().filter(|o| o.folder.is_some()).collect();
    districts.sort_by(|a, b| a.folder.cmp(&b.folder));
    let value = json!({
        "toolkit": { "id": toolkit.meta.id, "title": toolkit.meta.title, "version": toolkit.meta.version.to_string() },
        "wbl_version": env!("CARGO_PKG_VERSION"),
        "built": bundle::iso8601(time),
        "shard": format!("{}/{}", shard.index, shard.count),
        "generic": outcomes.iter().find(|o| o.folder.is_none()).map(|o| json!({
            "bundle": bundle_json(o),
            "cartridges": o.cartridges.iter().map(|(file, size, sha)| json!({ "file": file, "size": size, "sha256": sha })).collect::<Vec<_>>(),
            "warnings": warnings(o),
            "error": o.failure,
        })),
        "districts": districts.iter().map(|o| json!({
            "folder": o.folder,
            "id": o.district.as_ref().map(|d| &d.0),
            "name": o.district.as_ref().map(|d| &d.1),
            "bundle": bundle_json(o),
            "cartridges": o.cartridges.iter().map(|(file, size, sha)| json!({ "file": file, "size": size, "sha256": sha })).collect::<Vec<_>>(),
            "warnings": warnings(o),
            "error": o.failure,
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&value).expect("JSON values always serialise");
    s.push('\n');
    s
}

/// A progress bar on a terminal; plain lines otherwise (CI logs).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    done: AtomicUsize,
    total: usize,
}

impl Progress {
    fn new(total: usize, reporter: &Reporter, format: MessageFormat) -> Arc<Self> {
        let human = format == MessageFormat::Human && !reporter.is_quiet();
        let bar = (human && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} bundles  {msg}")
                    .expect("a valid progress template"),
            );
            bar
        });
        Arc::new(Progress {
            plain: human && bar.is_none(),
            bar,
            done: AtomicUsize::new(0),
            total,
        })
    }

    fn tick(&self, o: &Outcome) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let name = o.folder.as_deref().unwrap_or("generic toolkit");
        let state = if o.failure.is_some() { "FAILED" } else { "ok" };
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{name} {state}"));
            bar.inc(1);
        } else if self.plain {
            eprintln!("[{n}/{}] {name} {state}", self.total);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

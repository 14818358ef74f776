//! Applying a district's overrides to the toolkit: variables, hidden,
//! replaced and added pages, and `[[sections]]` edits. The result is the
//! adapted toolkit every renderer works from.

pub mod district;
pub mod languages;
pub mod lock;
pub mod sourcemap;
pub mod translations;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::content::schema::{self, Values};
use crate::content::sections::{self, Heading};
use crate::content::{FrontMatter, Page, Toolkit, ToolkitMeta};
use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
pub use district::{Action, District, SectionOp, load_district};
pub use sourcemap::Composed;

/// The toolkit as one district will see it.
#[derive(Debug, Clone)]
pub struct Adapted {
    pub toolkit: ToolkitMeta,
    pub district: Option<Arc<District>>,
    /// What page text and templates can use: `district`, `contacts`,
    /// `contact`, `partners`, `vars`, `toolkit`.
    pub context: Value,
    pub parts: Vec<AdaptedPart>,
    /// Visible pages in reading order.
    pub pages: Vec<AdaptedPage>,
    /// Ids of pages the district hid.
    pub hidden: BTreeSet<String>,
    /// Assets by name: the district's first, then the toolkit's.
    pub assets: BTreeMap<String, Arc<[u8]>>,
    /// The toolkit's snippets, which page text includes.
    pub snippets: crate::content::Snippets,
    /// The variables, checked, with their values in each language
    /// (`vars.vars_for(lang)`, `vars.platform_for(lang)`).
    pub vars: Values,
    /// Every override applied, with the upstream text it was made against.
    pub applied: Vec<AppliedOverride>,
    /// The heading ids each toolkit page has upstream, so a link to a
    /// section the district removed can be told from a broken one.
    pub upstream_ids: BTreeMap<String, BTreeSet<String>>,
    /// The district's `wbl.lock` with new targets added, when it needs
    /// writing (no lock yet, or a new override).
    pub lock_update: Option<lock::Lock>,
    /// The toolkit's source language. The text of this `Adapted` is in
    /// `toolkit.language`, which differs for a translation.
    pub source_lang: String,
    /// The same toolkit adapted in each other language the district
    /// publishes, holding the pages translated into it (empty on a
    /// translation itself). Every override, hide and variable applies to
    /// each, so a renderer treats them as it treats the source.
    pub translations: Vec<Adapted>,
    /// For every other published language, the ids of the pages it has:
    /// what a page's language switcher and an untranslated link lead to.
    pub counterparts: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Debug, Clone)]
pub struct AdaptedPart {
    pub id: String,
    pub title: String,
    /// Indexes into `Adapted::pages`.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Toolkit,
    /// A toolkit page replaced by a district page with the same id.
    Replaced,
    /// A page only the district has.
    Added,
}

#[derive(Debug, Clone)]
pub struct AdaptedPage {
    pub id: String,
    pub meta: FrontMatter,
    /// The page body with every heading id explicit, overrides applied,
    /// variables not yet filled in.
    pub text: Composed,
    pub origin: Origin,
    /// The file the page came from (for diagnostics without a position).
    pub file: Arc<crate::diag::SourceFile>,
}

/// One override as applied, for `wbl.lock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedOverride {
    /// `page`, `page#section`.
    pub target: String,
    /// `replace`, `append`, `prepend`, `remove`, or `page` for a whole-page
    /// replacement.
    pub action: String,
    /// The toolkit's text of the target when it was applied.
    pub upstream: String,
}

/// What a district is called when the generic toolkit is rendered: page
/// text says "at {{ district.name }}", which reads right mid-sentence.
pub const GENERIC_NAME: &str = "your school district";
pub const GENERIC_SHORT_NAME: &str = "your district";

/// Adapts `toolkit` for `district` (or renders it generic), in every
/// language the district publishes. Returns `None` when an error was
/// reported.
pub fn adapt(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    diags: &mut Diagnostics,
) -> Option<Adapted> {
    languages::adapt_all(toolkit, district, diags)
}

/// Adapts one language's text. `source` is false for a translation's
/// view of the toolkit, which leaves the lock, the district's assets and
/// its colours to the source language's run.
pub(crate) fn adapt_one(
    toolkit: &Toolkit,
    district: Option<&Arc<District>>,
    source: bool,
    diags: &mut Diagnostics,
) -> Option<Adapted> {
    let errors_before = diags.count(crate::diag::Severity::Error);
    let vars = merge_vars(toolkit, district.map(|d| &**d), diags);
    let context = build_context(toolkit, district.map(|d| &**d), &vars);

    let empty = District::empty_overrides();
    let d: &District = district.map_or(&empty, |d| d);

    // Hidden pages must exist.
    let mut hidden = BTreeSet::new();
    for id in &d.hide {
        let known = toolkit.pages.contains_key(id.get_ref()) || d.pages.contains_key(id.get_ref());
        if known {
            hidden.insert(id.get_ref().clone());
        } else {
            let mut diag = Diagnostic::error(
                Code::HideUnknownPage,
                format!("cannot hide page `{}`: there is no such page", id.get_ref()),
            )
            .at(&d.manifest, id.span());
            if let Some(help) = did_you_mean(id.get_ref(), toolkit.pages.keys().map(String::as_str)) {
                diag = diag.with_help(help);
            }
            diags.push(diag);
        }
    }

    // Section operations, grouped by page, checked against the toolkit.
    let mut ops_by_page: BTreeMap<&str, Vec<(usize, &SectionOp)>> = BTreeMap::new();
    for (i, op) in d.ops.iter().enumerate() {
        let page_id = op.page();
        let locked = d.lock.as_ref().and_then(|l| l.get(&op.target));
        let in_version = |what: String| match locked {
            Some(entry) => format!(
                "{what} in toolkit {} (the override was made against {})",
                toolkit.meta.version, entry.version
            ),
            None => what,
        };
        // A section or page that was renamed or moved upstream is found by
        // its text, which the lock holds; only then by the closest id.
        let missing_help = |candidates: &[String], fallback: String| {
            if let Some(to) = locked.and_then(|e| moved_to(toolkit, &e.upstream, op.section().is_some())) {
                return format!(
                    "the text this override was made against is now at `{to}`; if that is the same section, point `target` there"
                );
            }
            did_you_mean(&op.target, candidates.iter().map(String::as_str)).unwrap_or(fallback)
        };
        let Some(page) = toolkit.pages.get(page_id) else {
            let addresses = toolkit.addresses();
            let diag = Diagnostic::error(
                Code::MissingTarget,
                in_version(format!(
                    "target `{}` does not exist: there is no page `{page_id}`",
                    op.target
                )),
            )
            .at(&d.manifest, op.target_span.clone())
            .with_help(missing_help(
                &addresses,
                format!(
                    "`{}` prints every page and section address",
                    toolkit.meta.command("list", "")
                ),
            ));
            diags.push(diag);
            continue;
        };
        if let Some(section) = op.section() {
            match page.heading(section) {
                None => {
                    let addresses: Vec<String> = page
                        .headings
                        .iter()
                        .map(|h| format!("{}#{}", page.id, h.id))
                        .collect();
                    let diag = Diagnostic::error(
                        Code::MissingTarget,
                        in_version(format!(
                            "target `{}` does not exist: page `{page_id}` has no section `{section}`",
                            op.target
                        )),
                    )
                    .at(&d.manifest, op.target_span.clone())
                    .with_help(missing_help(
                        &addresses,
                        format!(
                            "`{}` prints the sections of `{page_id}`",
                            toolkit.meta.command("list", "")
                        ),
                    ));
                    diags.push(diag);
                    continue;
                }
                Some(h) if h.nested => {
                    diags.push(
                        Diagnostic::error(
                            Code::NestedTarget,
                            format!(
                                "target `{}` is a heading inside a list or quote, which is not a section",
                                op.target
                            ),
                        )
                        .at(&d.manifest, op.target_span.clone())
                        .with_help(format!(
                            "target the section that holds it, or the page `{page_id}`"
                        )),
                    );
                    continue;
                }
                Some(_) => {}
            }
        }
        if d.pages.contains_key(page_id) {
            diags.push(
                Diagnostic::error(Code::TargetOnReplacedPage, format!(
                    "target `{}` is on page `{page_id}`, which the district replaces with its own `pages/{page_id}.md`",
                    op.target
                ))
                .at(&d.manifest, op.target_span.clone())
                .with_help("edit the district's page directly, or remove this [[sections]] entry"),
            );
            continue;
        }
        if hidden.contains(page_id) {
            diags.push(
                Diagnostic::warning(Code::TargetOnHiddenPage, format!(
                    "target `{}` is on page `{page_id}`, which the district hides; this change has no effect",
                    op.target
                ))
                .at(&d.manifest, op.target_span.clone()),
            );
            continue;
        }
        ops_by_page.entry(page_id).or_default().push((i, op));
    }

    // Pages in toolkit order, then district additions placed.
    let mut applied = Vec::new();
    let mut parts: Vec<(String, String, Vec<AdaptedPage>)> = Vec::new();
    for part in &toolkit.meta.parts {
        let mut pages = Vec::new();
        for id in &part.pages {
            if hidden.contains(id) {
                continue;
            }
            let page = &toolkit.pages[id];
            if let Some(replacement) = d.pages.get(id) {
                applied.push(AppliedOverride {
                    target: id.clone(),
                    action: "page".to_string(),
                    upstream: page.body().to_string(),
                });
                pages.push(adapted_from_page(replacement, Origin::Replaced));
                continue;
            }
            let ops = ops_by_page.get(id.as_str()).map_or(&[][..], Vec::as_slice);
            for (_, op) in ops {
                applied.push(AppliedOverride {
                    target: op.target.clone(),
                    action: op.action.name().to_string(),
                    upstream: upstream_text(page, op).to_string(),
                });
            }
            if let Some(text) = apply_ops(page, ops, &d.manifest, diags) {
                pages.push(AdaptedPage {
                    id: page.id.clone(),
                    meta: page.meta.clone(),
                    text,
                    origin: Origin::Toolkit,
                    file: page.file.clone(),
                });
            }
        }
        parts.push((part.id.clone(), part.title.clone(), pages));
    }
    place_added_pages(toolkit, d, &hidden, &mut parts, diags);

    let mut pages = Vec::new();
    let parts = parts
        .into_iter()
        .filter(|(_, _, p)| !p.is_empty())
        .map(|(id, title, part_pages)| {
            let start = pages.len();
            pages.extend(part_pages);
            AdaptedPart {
                id,
                title,
                pages: (start..pages.len()).collect(),
            }
        })
        .collect();

    let mut assets = toolkit.assets.clone();
    assets.extend(d.assets.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some((name, bytes)) = &d.logo {
        assets.insert(name.clone(), bytes.clone());
    }

    let lock_update = district.filter(|_| source).and_then(|dist| {
        if let Some(lock) = &dist.lock {
            lock.check_toolkit(&toolkit.meta.id, &toolkit.meta.version, diags);
        }
        crate::content::names::check_district_assets(
            toolkit,
            &dist.dir.join("assets"),
            dist.assets.keys().chain(dist.logo.as_ref().map(|(name, _)| name)),
            diags,
        );
        check_upstream_changes(toolkit, dist, &applied, diags);
        let by_target: BTreeMap<String, String> = applied
            .iter()
            .map(|a| (a.target.clone(), a.upstream.clone()))
            .collect();
        lock::updated(
            dist.lock.as_ref(),
            &toolkit.meta.id,
            &toolkit.meta.version.to_string(),
            &by_target,
        )
    });
    if let Some(dist) = district.filter(|_| source) {
        check_brand_contrast(dist, diags);
    }

    if diags.count(crate::diag::Severity::Error) > errors_before {
        return None;
    }
    Some(Adapted {
        toolkit: toolkit.meta.clone(),
        district: district.cloned(),
        context,
        parts,
        pages,
        hidden,
        assets,
        snippets: toolkit.snippets.clone(),
        vars,
        applied,
        lock_update,
        source_lang: toolkit.meta.language.clone(),
        translations: Vec::new(),
        counterparts: BTreeMap::new(),
        upstream_ids: toolkit
            .pages
            .values()
            .map(|p| (p.id.clone(), p.headings.iter().map(|h| h.id.clone()).collect()))
            .collect(),
    })
}

impl Adapted {
    /// Whether this is a translation (its text is not in the source
    /// language).
    pub fn is_translation(&self) -> bool {
        self.toolkit.language != self.source_lang
    }

    /// The folder a translation's files sit in under `site/` and
    /// `handouts/` (`es`), or `None` for the source language.
    pub fn lang_dir(&self) -> Option<&str> {
        self.is_translation().then_some(self.toolkit.language.as_str())
    }

    /// Whether a page of the source language has no version in this one:
    /// a link to it leads to the source language's page.
    pub fn untranslated(&self, id: &str) -> bool {
        self.is_translation()
            && !self.pages.iter().any(|p| p.id == id)
            && self
                .counterparts
                .get(&self.source_lang)
                .is_some_and(|ids| ids.contains(id))
    }

    /// The same adaptation with only the pages at `keep` (indexes into
    /// `pages`, in order), in parts as before; empty parts are left out.
    /// For outputs made of some pages, such as the family packet.
    pub fn subset(&self, keep: &[usize]) -> Adapted {
        let new_index: BTreeMap<usize, usize> = keep.iter().enumerate().map(|(n, &i)| (i, n)).collect();
        let parts = self
            .parts
            .iter()
            .filter_map(|part| {
                let pages: Vec<usize> = part
                    .pages
                    .iter()
                    .filter_map(|i| new_index.get(i).copied())
                    .collect();
                (!pages.is_empty()).then(|| AdaptedPart {
                    id: part.id.clone(),
                    title: part.title.clone(),
                    pages,
                })
            })
            .collect();
        Adapted {
            toolkit: self.toolkit.clone(),
            district: self.district.clone(),
            context: self.context.clone(),
            parts,
            pages: keep.iter().map(|&i| self.pages[i].clone()).collect(),
            hidden: self.hidden.clone(),
            assets: self.assets.clone(),
            snippets: self.snippets.clone(),
            vars: self.vars.clone(),
            applied: Vec::new(),
            upstream_ids: BTreeMap::new(),
            lock_update: None,
            source_lang: self.source_lang.clone(),
            translations: Vec::new(),
            counterparts: self.counterparts.clone(),
        }
    }

    /// `<district>-<toolkit>-<version>`, or `<toolkit>-<version>` for the
    /// generic toolkit: the name of the bundle, the cartridges and their
    /// top folder.
    pub fn bundle_name(&self) -> String {
        let t = &self.toolkit;
        match &self.district {
            Some(d) => format!("{}-{}-{}", d.id, t.id, t.version),
            None => format!("{}-{}", t.id, t.version),
        }
    }
}

/// The toolkit's text under an override's target: the section (heading
/// included) or the whole page body.
pub fn upstream_text<'a>(page: &'a Page, op: &SectionOp) -> &'a str {
    match op.section().and_then(|s| page.heading(s)) {
        Some(h) => &page.body()[h.range()],
        None => page.body(),
    }
}

/// The address whose current toolkit text is most like `baseline` (the
/// text an override was made against), when it is alike enough to be the
/// same section or page renamed or moved. Only on the error path, so the
/// cost of comparing with every section does not matter.
fn moved_to(toolkit: &Toolkit, baseline: &str, section: bool) -> Option<String> {
    let mut best: Option<(f32, String)> = None;
    for page in toolkit.pages.values() {
        let candidates: Vec<(String, &str)> = if section {
            page.headings
                .iter()
                .filter(|h| !h.nested)
                .map(|h| (format!("{}#{}", page.id, h.id), &page.body()[h.range()]))
                .collect()
        } else {
            vec![(page.id.clone(), page.body())]
        };
        for (address, text) in candidates {
            let ratio = similar::TextDiff::from_lines(baseline, text).ratio();
            if ratio >= 0.6 && best.as_ref().is_none_or(|(b, _)| ratio > *b) {
                best = Some((ratio, address));
            }
        }
    }
    best.map(|(_, address)| address)
}

fn adapted_from_page(page: &Page, origin: Origin) -> AdaptedPage {
    let mut text = Composed::new();
    push_pinned(&mut text, page, 0..page.body().len());
    AdaptedPage {
        id: page.id.clone(),
        meta: page.meta.clone(),
        text,
        origin,
        file: page.file.clone(),
    }
}

/// Copies `range` of the page body, writing each slugged heading id
/// explicitly as ` {#id}` so it stays stable.
fn push_pinned(out: &mut Composed, page: &Page, range: Range<usize>) {
    let body = page.body();
    let mut at = range.start;
    for h in &page.headings {
        let Some(pin) = &h.pin else { continue };
        if pin.range.start < range.start || pin.range.end > range.end {
            continue;
        }
        out.push_from(&page.file, page.body_start + at, &body[at..pin.range.start]);
        out.push_generated(&pin.text);
        at = pin.range.end;
    }
    out.push_from(&page.file, page.body_start + at, &body[at..range.end]);
}

/// An edit of a page body: delete `range` (possibly empty) and put
/// `insert` there. `rank` orders edits at the same offset.
struct Edit<'a> {
    range: Range<usize>,
    rank: (usize, usize),
    op: &'a SectionOp,
}

/// Applies a page's `[[sections]]` operations to its toolkit text.
fn apply_ops(
    page: &Page,
    ops: &[(usize, &SectionOp)],
    manifest: &Arc<crate::diag::SourceFile>,
    diags: &mut Diagnostics,
) -> Option<Composed> {
    let body = page.body();
    if ops.is_empty() {
        // Nothing to apply, so nothing to check: most pages, for most
        // districts.
        let mut out = Composed::new();
        push_pinned(&mut out, page, 0..body.len());
        return Some(out);
    }
    let mut edits: Vec<Edit> = Vec::new();
    for &(seq, op) in ops {
        let heading: Option<&Heading> = op.section().and_then(|s| page.heading(s));
        // At one offset: text prepended to the page first, then appends
        // (deepest section first, so a parent's append follows its last
        // child's), then prepends to a section, then replacements.
        let (range, class) = match (heading, op.action) {
            (Some(h), Action::Replace | Action::Remove) => (h.range(), 50),
            (Some(h), Action::Append) => (h.end..h.end, 10 + (7 - h.level as usize)),
            (Some(h), Action::Prepend) => (h.heading_end..h.heading_end, 30),
            (None, Action::Replace | Action::Remove) => (0..body.len(), 50),
            (None, Action::Append) => (body.len()..body.len(), 100),
            (None, Action::Prepend) => (0..0, 0),
        };
        edits.push(Edit {
            range,
            rank: (class, seq),
            op,
        });
    }

    // An edit on text another edit replaces or removes would be lost: say so.
    let target_range = |op: &SectionOp| match op.section().and_then(|s| page.heading(s)) {
        Some(h) => h.range(),
        None => 0..body.len(),
    };
    let mut ok = true;
    for (i, a) in edits.iter().enumerate() {
        for (j, b) in edits.iter().enumerate() {
            if i == j || !matches!(b.op.action, Action::Replace | Action::Remove) {
                continue;
            }
            let (ra, rb) = (target_range(a.op), target_range(b.op));
            let within = rb.start <= ra.start && ra.end <= rb.end;
            let same = a.op.target == b.op.target;
            let lost = within
                && (!same
                    || b.op.action == Action::Remove
                    || (matches!(a.op.action, Action::Replace | Action::Remove) && i > j));
            if lost {
                let verb = if b.op.action == Action::Remove {
                    "removes"
                } else {
                    "replaces"
                };
                let message = if same {
                    format!(
                        "`{}` ({}) conflicts with an earlier [[sections]] entry that {verb} it",
                        a.op.target,
                        a.op.action.name()
                    )
                } else {
                    format!(
                        "`{}` ({}) is inside `{}`, which another [[sections]] entry {verb}",
                        a.op.target,
                        a.op.action.name(),
                        b.op.target
                    )
                };
                diags.push(
                    Diagnostic::error(Code::ConflictingOverrides, message)
                        .at(manifest, a.op.target_span.clone())
                        .with_help("change the outer section once, or target sections that do not overlap"),
                );
                ok = false;
                break;
            }
        }
    }
    if !ok {
        return None;
    }
    edits.sort_by_key(|e| (e.range.start, e.rank));

    // Ids already in the page, which headings brought by the district must
    // not reuse when slugged.
    // Headings the edits delete free their ids, so a replacement that
    // brings back `## Overview` gets `overview` again.
    let deleted: Vec<&Range<usize>> = edits.iter().map(|e| &e.range).filter(|r| !r.is_empty()).collect();
    let mut taken: HashSet<String> = page
        .headings
        .iter()
        .filter(|h| !deleted.iter().any(|r| r.start <= h.start && h.start < r.end))
        .map(|h| h.id.clone())
        .collect();
    let mut out = Composed::new();
    let mut at = 0;
    for edit in &edits {
        push_pinned(&mut out, page, at..edit.range.start.max(at));
        at = at.max(edit.range.end);
        if let Some(content) = &edit.op.content {
            out.push_generated("\n");
            push_district_text(&mut out, content, &mut taken);
            out.push_generated("\n\n");
        }
    }
    push_pinned(&mut out, page, at..body.len());

    // A section the overrides emptied (say, every subsection removed) would
    // print as a bare heading.
    let (after, _) = sections::scan(&out.text, &HashSet::new());
    for h in after.iter().filter(|h| !h.nested) {
        let emptied = out.text[h.heading_end..h.end].trim().is_empty()
            && page
                .heading(&h.id)
                .is_some_and(|orig| !body[orig.heading_end..orig.end].trim().is_empty());
        if emptied {
            let mut diag = Diagnostic::warning(
                Code::EmptySection,
                format!(
                    "section `{}#{}` is empty after the district's overrides",
                    page.id, h.id
                ),
            );
            if let Some((file, offset)) = out.locate(h.start) {
                diag = diag.at(file, offset..offset + 2);
            }
            diags.push(diag.with_help(format!(
                "remove the whole section (`target = \"{}#{}\"`, `action = \"remove\"`) or give it text",
                page.id, h.id
            )));
        }
    }
    Some(out)
}

/// Appends a district's override text with its heading ids pinned.
fn push_district_text(out: &mut Composed, content: &district::OverrideText, taken: &mut HashSet<String>) {
    let text = content.text.trim_end();
    let (headings, _) = sections::scan(text, taken);
    let mut at = 0;
    for h in &headings {
        taken.insert(h.id.clone());
        let Some(pin) = &h.pin else { continue };
        out.push_from(&content.file, content.offset + at, &text[at..pin.range.start]);
        out.push_generated(&pin.text);
        at = pin.range.end;
    }
    out.push_from(&content.file, content.offset + at, &text[at..]);
}

/// Puts the district's new pages where their `part` / `after` say; with
/// neither, at the end of the last part.
fn place_added_pages(
    toolkit: &Toolkit,
    d: &District,
    hidden: &BTreeSet<String>,
    parts: &mut Vec<(String, String, Vec<AdaptedPage>)>,
    diags: &mut Diagnostics,
) {
    for page in d.pages.values() {
        if toolkit.pages.contains_key(&page.id) || hidden.contains(&page.id) {
            continue;
        }
        let adapted = adapted_from_page(page, Origin::Added);
        if let Some(after) = &page.meta.after {
            let found = parts
                .iter()
                .enumerate()
                .find_map(|(pi, (_, _, pages))| pages.iter().position(|p| &p.id == after).map(|i| (pi, i)));
            match found {
                Some((pi, i)) => parts[pi].2.insert(i + 1, adapted),
                None => diags.push(
                    Diagnostic::error(
                        Code::BadPlacement,
                        format!(
                            "page `{}` is placed after `{after}`, which is not a visible page",
                            page.id
                        ),
                    )
                    .at(&page.file, 0..3)
                    .with_help(
                        did_you_mean(
                            after,
                            parts.iter().flat_map(|p| p.2.iter().map(|pg| pg.id.as_str())),
                        )
                        .unwrap_or_else(|| "`after` names the id of the page this one follows".to_string()),
                    ),
                ),
            }
        } else if let Some(part) = &page.meta.part {
            match parts.iter_mut().find(|(id, _, _)| id == part) {
                Some((_, _, pages)) => pages.push(adapted),
                None => diags.push(
                    Diagnostic::error(
                        Code::BadPlacement,
                        format!(
                            "page `{}` is placed in part `{part}`, which does not exist",
                            page.id
                        ),
                    )
                    .at(&page.file, 0..3)
                    .with_help(
                        did_you_mean(part, toolkit.meta.parts.iter().map(|p| p.id.as_str())).unwrap_or_else(
                            || {
                                format!(
                                    "the parts are: {}",
                                    toolkit
                                        .meta
                                        .parts
                                        .iter()
                                        .map(|p| format!("`{}`", p.id))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            },
                        ),
                    ),
                ),
            }
        } else if let Some(last) = parts.last_mut() {
            last.2.push(adapted);
        } else {
            parts.push(("district".into(), d.short_name.clone(), vec![adapted]));
        }
    }
}

/// The toolkit's variables with the district's values over them, checked
/// against the toolkit's schema: an unknown name, a value of another type
/// or outside the allowed values, and a broken relation between variables
/// are errors at their line in district.toml.
fn merge_vars(toolkit: &Toolkit, district: Option<&District>, diags: &mut Diagnostics) -> Values {
    schema::resolve(&toolkit.meta.schema, district.map(|d| &*d.manifest), diags)
}

fn build_context(toolkit: &Toolkit, district: Option<&District>, vars: &Values) -> Value {
    let meta = &toolkit.meta;
    let district_value = match district {
        Some(d) => json!({
            "id": d.id,
            "name": d.name,
            "short_name": d.short_name,
            "website": d.website,
            "color": d.color.as_ref().map(|(c, _)| c.hex()).unwrap_or_default(),
            "language": d.language.clone().unwrap_or_else(|| meta.language.clone()),
        }),
        None => json!({
            "id": "",
            "name": crate::i18n::strings(&meta.language).get("generic_district_name"),
            "short_name": crate::i18n::strings(&meta.language).get("generic_district_short_name"),
            "website": "",
            "color": "",
            "language": meta.language,
        }),
    };
    // The language the toolkit's text is written in, for `plural` and the
    // words variables.
    let lang = meta.language.as_str();
    let contacts = district.map_or(Vec::new(), |d| d.contacts.clone());
    let partners = district.map_or(Vec::new(), |d| d.partners.clone());
    json!({
        "district": district_value,
        "contact": contacts.first(),
        "contacts": contacts,
        "partners": partners,
        "lang": lang,
        "vars": serde_json::to_value(vars.vars_for(lang)).unwrap_or(Value::Null),
        "platform": vars.platform_for(lang),
        "toolkit": {
            "id": meta.id,
            "title": meta.title,
            "version": meta.version.to_string(),
            "publisher": meta.publisher,
            "license": meta.license,
        },
    })
}

/// Warns for each override whose toolkit text changed since the baseline
/// recorded in `wbl.lock`.
fn check_upstream_changes(
    toolkit: &Toolkit,
    d: &District,
    applied: &[AppliedOverride],
    diags: &mut Diagnostics,
) {
    let mut seen = BTreeSet::new();
    for a in applied {
        if !seen.insert(a.target.as_str()) {
            continue;
        }
        let lock::Status::Changed { baseline } = lock::status(d.lock.as_ref(), &a.target, &a.upstream) else {
            continue;
        };
        let mut diag = Diagnostic::warning(
            Code::UpstreamChanged,
            format!(
                "the toolkit's text under `{}` changed since the district's override was made (toolkit {} → {})",
                a.target, baseline.version, toolkit.meta.version
            ),
        );
        diag = match d.ops.iter().find(|op| op.target == a.target) {
            Some(op) => diag.at(&d.manifest, op.target_span.clone()),
            None => match d.pages.get(&a.target) {
                Some(page) => diag.at(&page.file, 0..3),
                None => diag.in_file(d.manifest.path.clone()),
            },
        };
        let district = format!(
            "--district {}",
            crate::content::shell_word(&crate::fs::display(&d.dir))
        );
        diags.push(diag.with_help(format!(
            "review the change with `{}`, then `{}`",
            toolkit.meta.command("diff", &district),
            toolkit.meta.command("diff", &format!("{district} --accept {}", a.target)),
        )));
    }
}

/// White text on the brand colour must reach WCAG AA (4.5:1); wbl uses
/// dark text when it does not, and says so.
fn check_brand_contrast(d: &District, diags: &mut Diagnostics) {
    use crate::util::color::{AA, WHITE, contrast, darken_for};
    let Some((color, span)) = &d.color else { return };
    let ratio = contrast(WHITE, *color);
    if ratio >= AA {
        return;
    }
    let darker = darken_for(*color, WHITE);
    diags.push(
        Diagnostic::warning(Code::LowContrast, format!(
            "white text on the brand colour {} has a contrast of {ratio:.1}:1, below the 4.5:1 WCAG AA needs; wbl uses dark text on it instead",
            color.hex()
        ))
        .at(&d.manifest, span.clone())
        .with_help(format!("for white text, use a darker shade such as \"{}\" ({:.1}:1)", darker.hex(), contrast(WHITE, darker))),
    );
}

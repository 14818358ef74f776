//! Writes a synthetic but realistic corpus for the benchmarks in
//! `benches/` (see `docs/performance.md`):
//!
//! ```text
//! OUT/toolkit/      a wbl toolkit: toolkit.toml, pages/*.md (prose, lists,
//!                   tables, links between pages, headings with ids,
//!                   variables and conditions)
//! OUT/districts/    district folders: branding, contacts, partners,
//!                   variables, a logo, and section overrides and hidden
//!                   pages in some of them
//! OUT/hugo/         the same pages as a Hugo site (variables filled in
//!                   with the generic toolkit's values)
//! OUT/mdbook/       the same pages as an mdBook book (default settings)
//! OUT/plain/        the same pages as bare Markdown, for the floor program
//! ```
//!
//! `cargo run --release --example gen-corpus -- OUT [--pages N]
//! [--districts N] [--words N]`. The output depends only on the arguments.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const PAGES_PER_PART: usize = 8;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let mut pages = 40usize;
    let mut districts = 0usize;
    let mut words = 1500usize;
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| fail(&format!("{name} needs a number")))
        };
        match arg.as_str() {
            "--pages" => pages = number("--pages"),
            "--districts" => districts = number("--districts"),
            "--words" => words = number("--words"),
            "-h" | "--help" => {
                println!("gen-corpus OUT [--pages N (40)] [--districts N (0)] [--words N (1500)]");
                return;
            }
            other if out.is_none() && !other.starts_with('-') => out = Some(PathBuf::from(other)),
            other => fail(&format!("unexpected argument `{other}`")),
        }
    }
    let out = out.unwrap_or_else(|| fail("give the output folder"));
    if pages == 0 {
        fail("--pages must be at least 1");
    }
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
    }
    let corpus = Corpus::new(pages, words);
    corpus.write_toolkit(&out.join("toolkit"));
    corpus.write_hugo(&out.join("hugo"));
    corpus.write_mdbook(&out.join("mdbook"));
    corpus.write_plain(&out.join("plain"));
    for i in 0..districts {
        write_district(&out.join("districts"), i, pages);
    }
    if districts == 0 {
        std::fs::create_dir_all(out.join("districts")).unwrap();
    }
    eprintln!(
        "wrote {pages} pages of about {words} words and {districts} districts to {}",
        out.display()
    );
}

fn fail(message: &str) -> ! {
    eprintln!("gen-corpus: {message}");
    std::process::exit(2)
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    }
    std::fs::write(path, text).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
}

/// xorshift64*: the corpus must not change with a crate's version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NOUNS: &[&str] = &[
    "student",
    "partner",
    "teacher",
    "session",
    "district",
    "coordinator",
    "family",
    "school",
    "skill",
    "challenge",
    "group",
    "schedule",
    "form",
    "letter",
    "platform",
    "meeting",
    "plan",
    "reflection",
    "feedback",
    "rubric",
    "career",
    "business",
    "project",
    "question",
    "presentation",
    "agenda",
    "timeline",
    "consent",
    "checklist",
    "badge",
    "certificate",
    "survey",
    "outcome",
    "mentor",
    "classroom",
    "counselor",
    "principal",
    "employer",
    "internship",
    "workplace",
];
const VERBS: &[&str] = &[
    "prepares",
    "reviews",
    "shares",
    "explains",
    "records",
    "schedules",
    "supports",
    "invites",
    "confirms",
    "describes",
    "chooses",
    "presents",
    "collects",
    "signs",
    "sends",
    "checks",
    "plans",
    "welcomes",
    "guides",
    "answers",
    "practises",
    "completes",
    "discusses",
    "leads",
];
const ADJECTIVES: &[&str] = &[
    "short",
    "online",
    "local",
    "clear",
    "careful",
    "small",
    "useful",
    "practical",
    "weekly",
    "signed",
    "final",
    "shared",
    "new",
    "first",
    "last",
    "quiet",
    "real",
    "open",
    "simple",
    "safe",
];
const LINKERS: &[&str] = &[
    "before the session",
    "with the teacher",
    "for each group",
    "after the break",
    "in writing",
    "by the due date",
    "with families",
    "at the start",
    "on the platform",
    "in the classroom",
    "for every student",
    "during the challenge",
    "with a co-facilitator",
    "in plain language",
];
const TOPICS: &[&str] = &[
    "Planning",
    "Preparing",
    "Running",
    "Reviewing",
    "Recording",
    "Inviting",
    "Choosing",
    "Checking",
    "Supporting",
    "Recognising",
    "Scheduling",
    "Explaining",
    "Following up on",
    "Welcoming",
];

/// Page text in two forms: wbl's (with variables and conditions) and
/// plain (the generic toolkit's values filled in), so the peers build the
/// same words wbl does.
#[derive(Default)]
struct Text {
    wbl: String,
    plain: String,
}

impl Text {
    fn push(&mut self, s: &str) {
        self.wbl.push_str(s);
        self.plain.push_str(s);
    }

    fn var(&mut self, expr: &str, value: &str) {
        write!(self.wbl, "{{{{ {expr} }}}}").unwrap();
        self.plain.push_str(value);
    }

    fn cond(&mut self, expr: &str, yes: &str, no: &str) {
        write!(self.wbl, "{{% if {expr} %}}{yes}{{% else %}}{no}{{% endif %}}").unwrap();
        self.plain.push_str(yes);
    }
}

struct Page {
    id: String,
    title: String,
    kind: &'static str,
    summary: String,
    body: Text,
    /// Links in the body, as (page id, section id); the peers need them
    /// in their own syntax.
    part: usize,
}

struct Corpus {
    pages: Vec<Page>,
    parts: Vec<(String, String)>,
}

fn page_id(i: usize) -> String {
    format!("page-{i:04}")
}

/// Pages whose number ends in 9 are never linked to, so districts may
/// hide them without warnings.
fn linkable(rng: &mut Rng, pages: usize, this: usize) -> usize {
    loop {
        let j = rng.below(pages);
        if j % 10 != 9 || pages < 10 {
            return if pages == 1 { this } else { j };
        }
    }
}

impl Corpus {
    fn new(pages: usize, words: usize) -> Corpus {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let parts = (0..pages.div_ceil(PAGES_PER_PART))
            .map(|p| {
                (
                    format!("part-{p:03}"),
                    format!(
                        "{} {} partners",
                        TOPICS[p % TOPICS.len()],
                        ADJECTIVES[p % ADJECTIVES.len()]
                    ),
                )
            })
            .collect();
        let pages = (0..pages).map(|i| page(&mut rng, i, pages, words)).collect();
        Corpus { pages, parts }
    }

    fn write_toolkit(&self, dir: &Path) {
        let mut toml = String::from(
            "id = \"bench-toolkit\"\ntitle = \"Benchmark Toolkit\"\n\
             description = \"A generated toolkit for wbl's benchmarks.\"\n\
             version = \"1.0.0\"\nlanguage = \"en\"\nlicense = \"CC-BY-4.0\"\n\
             publisher = \"County Work-Based Learning Alliance\"\n\n\
             [vars]\nsession_minutes = 90\nplatform = \"Zoom\"\nprovides_devices = true\n\
             career_plan_name = \"student success plan\"\n",
        );
        for (p, (id, title)) in self.parts.iter().enumerate() {
            let ids: Vec<String> = self
                .pages
                .iter()
                .filter(|page| page.part == p)
                .map(|page| format!("\"{}\"", page.id))
                .collect();
            write!(
                toml,
                "\n[[parts]]\nid = \"{id}\"\ntitle = \"{title}\"\npages = [{}]\n",
                ids.join(", ")
            )
            .unwrap();
        }
        write(&dir.join("toolkit.toml"), &toml);
        for page in &self.pages {
            let text = format!(
                "+++\ntitle = \"{}\"\nkind = \"{}\"\naudience = [\"teachers\", \"coordinators\"]\nsummary = \"{}\"\n+++\n\n{}",
                page.title, page.kind, page.summary, page.body.wbl
            );
            write(&dir.join("pages").join(format!("{}.md", page.id)), &text);
        }
        std::fs::create_dir_all(dir.join("assets")).unwrap();
    }

    /// A Hugo site with a layout like wbl's site page: header, the page,
    /// the contents of its part, previous and next.
    fn write_hugo(&self, dir: &Path) {
        write(
            &dir.join("config.toml"),
            "baseURL = \"/\"\ntitle = \"Benchmark Toolkit\"\nlanguageCode = \"en\"\n\
             uglyURLs = true\nrelativeURLs = true\n\
             disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"404\"]\n\
             [markup.goldmark.renderer]\nunsafe = true\n\
             [markup.goldmark.parser.attribute]\ntitle = true\n",
        );
        write(&dir.join("layouts/_default/baseof.html"), HUGO_BASEOF);
        write(&dir.join("layouts/_default/single.html"), HUGO_SINGLE);
        write(&dir.join("layouts/_default/list.html"), HUGO_LIST);
        write(&dir.join("layouts/index.html"), HUGO_INDEX);
        write(
            &dir.join("static/style.css"),
            "body { font: 16px/1.5 system-ui, sans-serif; }\n",
        );
        write(
            &dir.join("content/_index.md"),
            "+++\ntitle = \"Benchmark Toolkit\"\n+++\n",
        );
        for (p, (id, title)) in self.parts.iter().enumerate() {
            write(
                &dir.join(format!("content/{id}/_index.md")),
                &format!("+++\ntitle = \"{title}\"\nweight = {p}\n+++\n"),
            );
        }
        for (i, page) in self.pages.iter().enumerate() {
            let body = page
                .body
                .plain
                .replace(".md#", ".html#")
                .replace(".md)", ".html)");
            let text = format!(
                "+++\ntitle = \"{}\"\nweight = {}\nurl = \"/{}.html\"\nsummary = \"{}\"\n+++\n\n{}",
                page.title,
                i + 1,
                page.id,
                page.summary,
                body
            );
            write(
                &dir.join(format!("content/{}/{}.md", self.parts[page.part].0, page.id)),
                &text,
            );
        }
    }

    fn write_mdbook(&self, dir: &Path) {
        write(
            &dir.join("book.toml"),
            "[book]\ntitle = \"Benchmark Toolkit\"\nlanguage = \"en\"\nsrc = \"src\"\n\n[output.html]\n",
        );
        let mut summary = String::from("# Summary\n\n");
        for (p, (_, title)) in self.parts.iter().enumerate() {
            writeln!(summary, "# {title}\n").unwrap();
            for page in self.pages.iter().filter(|page| page.part == p) {
                writeln!(summary, "- [{}]({}.md)", page.title, page.id).unwrap();
            }
            summary.push('\n');
        }
        write(&dir.join("src/SUMMARY.md"), &summary);
        for page in &self.pages {
            write(
                &dir.join(format!("src/{}.md", page.id)),
                &format!("# {}\n\n{}", page.title, page.body.plain),
            );
        }
    }

    /// Bare Markdown, one file a page, for `examples/floor.rs`, and the
    /// list of pages that are also printed as handouts.
    fn write_plain(&self, dir: &Path) {
        let mut handouts = String::new();
        for page in &self.pages {
            write(
                &dir.join(format!("{}.md", page.id)),
                &format!("# {}\n\n{}", page.title, page.body.plain),
            );
            if page.kind != "guide" {
                writeln!(handouts, "{}", page.id).unwrap();
            }
        }
        write(&dir.join("handouts.txt"), &handouts);
    }
}

fn sentence(rng: &mut Rng, words: &mut usize) -> String {
    let mut s = format!(
        "The {} {} {} {} {}",
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(VERBS),
        "the",
        rng.pick(NOUNS)
    );
    *words += 5;
    for _ in 0..rng.below(3) {
        write!(s, " {}", rng.pick(LINKERS)).unwrap();
        *words += 3;
    }
    if rng.below(3) == 0 {
        write!(
            s,
            " and {} a {} {}",
            rng.pick(VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS)
        )
        .unwrap();
        *words += 4;
    }
    s.push('.');
    s
}

/// A paragraph of about `target` words, with inline markup, a variable
/// or two and a link.
fn paragraph(rng: &mut Rng, t: &mut Text, target: usize, pages: usize, this: usize) -> usize {
    let mut words = 0;
    let mut n = 0;
    while words < target {
        if n > 0 {
            t.push(" ");
        }
        let s = sentence(rng, &mut words);
        match rng.below(12) {
            0 => {
                let j = linkable(rng, pages, this);
                let section = rng.below(6) + 1;
                t.push(&format!(
                    "See [{} {}]({}.md#s{}-{section}) for the details.",
                    rng.pick(TOPICS),
                    rng.pick(NOUNS),
                    page_id(j),
                    j
                ));
                words += 5;
            }
            1 => {
                t.push("Sessions on ");
                t.var("vars.platform", "Zoom");
                t.push(" last ");
                t.var("vars.session_minutes", "90");
                t.push(" minutes at ");
                t.var("district.name", "your school district");
                t.push(".");
                words += 9;
            }
            2 => {
                t.push(&s.replacen("The ", "The **", 1));
                t.push("**");
            }
            3 => {
                t.push(&format!(
                    "Read the [guidance](https://www.example.org/{}/{}) first.",
                    rng.pick(NOUNS),
                    rng.below(1000)
                ));
                words += 5;
            }
            4 => {
                t.push(&s.replacen(" the ", " the *", 1));
                t.push("*");
            }
            _ => t.push(&s),
        }
        n += 1;
    }
    t.push("\n\n");
    words
}

fn page(rng: &mut Rng, i: usize, pages: usize, target: usize) -> Page {
    const KINDS: &[&str] = &[
        "guide",
        "guide",
        "handout",
        "guide",
        "checklist",
        "guide",
        "form",
        "guide",
        "letter",
    ];
    let kind = KINDS[i % KINDS.len()];
    let title = format!(
        "{} the {} {} {}",
        TOPICS[i % TOPICS.len()],
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        i + 1
    );
    let summary = format!(
        "How the {} and the {} {} the {} {}.",
        rng.pick(NOUNS),
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS)
    );
    let mut t = Text::default();
    let mut words = paragraph(rng, &mut t, 60, pages, i);
    // Six sections; the words left are spread over them.
    // Lists, tables and paragraph overshoot add about a quarter.
    let per_section = target.saturating_sub(60) * 3 / 4 / 6;
    for s in 1..=6 {
        let heading = format!(
            "{} the {} {}",
            rng.pick(TOPICS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS)
        );
        t.push(&format!("## {heading} {{#s{i}-{s}}}\n\n"));
        let mut section_words = 0;
        section_words += paragraph(rng, &mut t, per_section / 3, pages, i);
        match s % 3 {
            0 => {
                t.push("| Step | Who | When | Notes |\n| --- | --- | --- | --- |\n");
                for r in 0..5 {
                    t.push(&format!(
                        "| {} | {} | {} | {} {} |\n",
                        r + 1,
                        rng.pick(NOUNS),
                        rng.pick(LINKERS),
                        rng.pick(ADJECTIVES),
                        rng.pick(NOUNS)
                    ));
                    section_words += 7;
                }
                t.push("\n");
            }
            1 => {
                let checklist = kind == "checklist";
                for _ in 0..5 {
                    let mut w = 0;
                    let item = sentence(rng, &mut w);
                    t.push(if checklist { "- [ ] " } else { "- " });
                    t.push(&item);
                    t.push("\n");
                    section_words += w;
                }
                t.cond(
                    "vars.provides_devices",
                    "- Students may borrow a laptop and a hotspot.\n",
                    "- Students use a school computer.\n",
                );
                t.push("\n");
                section_words += 8;
            }
            _ => {
                for n in 1..=4 {
                    let mut w = 0;
                    let item = sentence(rng, &mut w);
                    t.push(&format!("{n}. {item}\n"));
                    section_words += w;
                }
                t.push("\n");
            }
        }
        t.push(&format!(
            "### Notes for the {} {{#s{i}-{s}-notes}}\n\n",
            rng.pick(NOUNS)
        ));
        while section_words < per_section {
            section_words += paragraph(rng, &mut t, per_section / 3, pages, i);
        }
        words += section_words;
    }
    let _ = words;
    Page {
        id: page_id(i),
        title,
        kind,
        summary,
        body: t,
        part: i / PAGES_PER_PART,
    }
}

/// Colours on which white text passes WCAG AA, so districts build without
/// warnings.
const COLORS: &[&str] = &[
    "#0b5394", "#1b5e20", "#4a148c", "#b71c1c", "#004d40", "#263238", "#3e2723",
];
const PLACES: &[&str] = &[
    "Lakeside",
    "Pine Ridge",
    "Desert Valley",
    "Cedar Falls",
    "Riverbend",
    "Oak Hollow",
    "Granite Peak",
    "Willow Creek",
    "Maple Grove",
    "Sandstone",
];

fn write_district(root: &Path, i: usize, pages: usize) {
    let place = PLACES[i % PLACES.len()];
    let id = format!("district-{i:04}");
    let dir = root.join(&id);
    let name = format!("{place} Unified School District {}", i + 1);
    let platform = ["Zoom", "Microsoft Teams", "Google Meet"][i % 3];
    let mut toml = format!(
        "[district]\nid = \"{id}\"\nname = \"{name}\"\nshort_name = \"{place} USD {n}\"\n\
         logo = \"assets/logo.svg\"\nwebsite = \"https://www.{slug}{n}.example\"\ncolor = \"{color}\"\n\n\
         [[contacts]]\nname = \"Jordan Rivera\"\nrole = \"Work-Based Learning Coordinator\"\n\
         email = \"jrivera@{slug}{n}.example\"\nphone = \"(555) 555-01{c:02}\"\n\n\
         [[contacts]]\nname = \"Sam Lee\"\nrole = \"CTE Director\"\nemail = \"slee@{slug}{n}.example\"\n\n\
         [[partners]]\nname = \"{place} Medical Center\"\nindustry = \"Health care\"\n\n\
         [[partners]]\nname = \"{place} Credit Union\"\nindustry = \"Banking\"\n\n\
         [vars]\nplatform = \"{platform}\"\nsession_minutes = {minutes}\n",
        n = i + 1,
        slug = place.to_lowercase().replace(' ', ""),
        color = COLORS[i % COLORS.len()],
        c = i % 100,
        minutes = [60, 75, 90][i % 3],
    );
    // Some districts change a section or hide a page, as real ones do.
    let p = 3.min(pages - 1);
    if i % 4 == 1 {
        write!(
            toml,
            "\n[[sections]]\ntarget = \"{}#s{p}-2\"\naction = \"replace\"\nfile = \"sections/local.md\"\n",
            page_id(p)
        )
        .unwrap();
        write(
            &dir.join("sections/local.md"),
            &format!(
                "## How {name} runs this {{#s{p}-2}}\n\nAt {{{{ district.short_name }}}} the coordinator \
                 schedules every session on {{{{ vars.platform }}}} and confirms it with the partner a week ahead.\n\n\
                 ### Notes for the partner {{#s{p}-2-notes}}\n\nPartners sign in with the link the coordinator sends.\n"
            ),
        );
    }
    if i % 6 == 2 {
        write!(
            toml,
            "\n[[sections]]\ntarget = \"{}\"\naction = \"append\"\ntext = \"\"\"\n## Local contacts {{#local-contacts}}\n\n\
             Ask {{{{ contact.name }}}} ({{{{ contact.email }}}}) about anything on this page.\n\"\"\"\n",
            page_id(0)
        )
        .unwrap();
    }
    if i % 10 == 3 && pages >= 10 {
        write!(toml, "\n[pages]\nhide = [\"{}\"]\n", page_id(9)).unwrap();
    }
    write(&dir.join("district.toml"), &toml);
    write(
        &dir.join("assets/logo.svg"),
        &format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"64\" height=\"64\">\
             <rect width=\"64\" height=\"64\" rx=\"8\" fill=\"{}\"/><text x=\"32\" y=\"40\" font-size=\"20\" \
             text-anchor=\"middle\" fill=\"#fff\" font-family=\"sans-serif\">{}</text></svg>\n",
            COLORS[i % COLORS.len()],
            place.chars().next().unwrap_or('D')
        ),
    );
}

const HUGO_BASEOF: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="banner"><a class="brand" href="index.html">{{ .Site.Title }}</a></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ .Site.Title }}, built with Hugo.</p></footer>
</body>
</html>
"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}
<article class="page">
<header class="page-header">
<p class="eyebrow">{{ .Parent.Title }}</p>
<h1>{{ .Title }}</h1>
<p class="summary">{{ .Params.summary }}</p>
</header>
<div class="content">
{{ .Content }}
</div>
</article>
<nav class="toc" aria-label="Contents of this part">
<ol>
{{ $current := . }}{{ range .Parent.Pages.ByWeight }}<li><a href="{{ .RelPermalink }}"{{ if eq . $current }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ol>
</nav>
<nav class="pager">
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"##;

const HUGO_LIST: &str = r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ol>
{{ range .Pages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ol>
{{ end }}
"##;

const HUGO_INDEX: &str = r##"{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ range .Site.Sections.ByWeight }}<h2>{{ .Title }}</h2>
<ol>
{{ range .Pages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ol>
{{ end }}
{{ end }}
"##;

#!/usr/bin/env python3
"""Checks the PDFs of `wbl adapt --pdf` the way a reader holding the paper would.

    python3 tests/print/check_pdf.py [--toolkit DIR] OUT_DIR...

OUT_DIR is a `wbl adapt --pdf --out OUT_DIR` folder. Needs `pip install
pdfplumber` (pdfplumber brings pdfminer.six). For each output folder:

handbook  print/handbook.pdf: median size of the body text on the content
          pages (every sheet after the contents) is at least 10.5 pt; every
          contents entry's number is the sheet on which that part or
          chapter's title is printed, both in the PDF's contents and in
          print/handbook.html; a bookmark for every part and chapter; tagged;
          title and language set; every font embedded; no text within
          0.4 in of a sheet's edge
handouts  a PDF beside every handouts/<id>.html; the consent form and the
          family letter on at most 2 pages, a flyer (layout = "flyer") on 1,
          a certificate on 1 landscape sheet; no text within 0.4 in of an
          edge; no handout for families, students or partners (without
          teachers or coordinators among its readers) prints its summary
          from the page's front matter (read from --toolkit, default
          toolkit-content/ beside this script's repository)
          no stub sheet: a content sheet holding fewer than STUB lines
          of text (besides its running header and footer); reported as
          WARN, not yet counted as a failure
paper     every sheet of every PDF is the paper print/handbook.html asks
          for (`size: letter`, the default, or `size: A4` for a district
          with `paper = "a4"`), landscape for a certificate
bundle    the zip holds print/handbook.pdf and every handouts/*.pdf

Prints one line per check and "N passed, N failed"; exits 1 on a failure.
"""

import argparse
import html as htmllib
import re
import statistics
import sys
import tomllib
import zipfile
from pathlib import Path

try:
    import pdfplumber
    from pdfminer.pdftypes import resolve1
except ImportError:
    print("check_pdf.py needs pdfplumber: pip install pdfplumber", file=sys.stderr)
    sys.exit(2)

EDGE = 0.4 * 72  # points
MIN_BODY = 10.5
LIMITS = {"consent-and-release-form": 2, "family-letter": 2}
STUB = 4  # lines of text
# Sheet sizes in points, portrait, as pdfinfo reports them.
PAPERS = {"letter": (612, 792), "A4": (595.28, 841.89)}

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"  ok    {what}")
    else:
        failed += 1
        print(f"  FAIL  {what}{': ' + detail if detail else ''}")


def warn(ok, what, detail=""):
    """A measurement reported but not yet enforced (it does not fail the run)."""
    if ok:
        check(True, what)
    else:
        print(f"  WARN  {what}{': ' + detail if detail else ''}")


def squash(s):
    return re.sub(r"\s+", "", htmllib.unescape(s)).lower()


def text_near_edges(pdf):
    """Sheets with characters within EDGE of an edge: [(sheet, text)]."""
    found = []
    for n, page in enumerate(pdf.pages, 1):
        w, h = page.width, page.height
        near = [c["text"] for c in page.chars if c["text"].strip() and (c["x0"] < EDGE or c["x1"] > w - EDGE or c["top"] < EDGE or c["bottom"] > h - EDGE)]
        if near:
            found.append((n, "".join(near)[:40]))
    return found


def paper_of(out):
    """The paper the output asks for, from the handbook's `@page`."""
    html = (out / "print" / "handbook.html").read_text(encoding="utf-8")
    m = re.search(r"@page \{\s*size: (letter|A4);", html)
    return m.group(1) if m else "letter"


def wrong_sheets(pdf, paper, landscape=False):
    """Sheets whose size is not `paper`: [(sheet, "w x h")]."""
    w, h = PAPERS[paper]
    if landscape:
        w, h = h, w
    return [(n, f"{p.width:.0f} x {p.height:.0f}") for n, p in enumerate(pdf.pages, 1) if abs(p.width - w) > 2 or abs(p.height - h) > 2]


def body_lines(page):
    """Lines of text on a sheet, besides its running header and footer
    (text in the top and bottom 0.9 in)."""
    tops = sorted({round(c["top"]) for c in page.chars if c["text"].strip() and 0.9 * 72 < c["top"] < page.height - 0.9 * 72})
    lines = 0
    last = None
    for t in tops:
        if last is None or t - last > 4:
            lines += 1
        last = t
    return lines


def catalog(pdf):
    return resolve1(pdf.doc.catalog)


def fonts_not_embedded(pdf):
    missing = set()
    for page in pdf.pages:
        res = resolve1(page.page_obj.resources) or {}
        for name, ref in (resolve1(res.get("Font")) or {}).items():
            font = resolve1(ref)
            descs = [font]
            for d in resolve1(font.get("DescendantFonts")) or []:
                descs.append(resolve1(d))
            embedded = False
            for d in descs:
                fd = resolve1(d.get("FontDescriptor"))
                if fd and any(k in fd for k in ("FontFile", "FontFile2", "FontFile3")):
                    embedded = True
            if not embedded and resolve1(font.get("Subtype")).name != "Type3":
                missing.add(str(resolve1(font.get("BaseFont"))))
    return sorted(missing)


def outline_titles(pdf):
    try:
        return [squash(o[1]) for o in pdf.doc.get_outlines()]
    except Exception:
        return []


def check_handbook(out):
    path = out / "print" / "handbook.pdf"
    if not path.is_file():
        check(False, "print/handbook.pdf exists")
        return
    html = (out / "print" / "handbook.html").read_text(encoding="utf-8")
    # Contents entries as the HTML has them: id, title, number.
    entries = []
    for m in re.finditer(r'<a (?:class="contents-part" )?href="#([^"]+)"><span class="contents-title">(.*?)</span><span class="pn" data-pn="\1">(\d*)</span>', html):
        title = re.sub(r'<span class="contents-kind">.*?</span>', "", m.group(2))
        title = re.sub(r"^Part \d+ · ", "", re.sub(r"<[^>]+>", "", title)).strip()
        entries.append((m.group(1), htmllib.unescape(title), m.group(3)))
    with pdfplumber.open(path) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        squashed = [squash(t) for t in pages]
        check(len(entries) > 0 and all(n for _, _, n in entries), f"{out.name}: the contents carry a page number for each of {len(entries)} parts and chapters",
              ", ".join(t for _, t, n in entries if not n)[:200])
        wrong = []
        for id_, title, n in entries:
            if not n:
                continue
            n = int(n)
            # The title on its sheet, set as the heading (after the running header).
            if not (1 <= n <= len(pages)) or squash(title) not in squashed[n - 1]:
                wrong.append(f"{title} → {n}")
        check(not wrong, f"{out.name}: every contents number is the sheet its title is printed on", "; ".join(wrong[:5]))
        # The printed contents (not only the HTML) show those numbers.
        contents_text = "".join(squashed[1:6])
        missing = [f"{t} {n}" for _, t, n in entries if n and squash(t) + n not in contents_text and squash(t) not in contents_text]
        check(not missing, f"{out.name}: the printed contents list every part and chapter", "; ".join(missing[:5]))
        # Body text size over the content pages: every sheet after the last
        # contents sheet.
        last_contents = max((i for i, t in enumerate(pages[:8]) if "Contents" in t or re.search(r"Part \d+ · ", t)), default=1)
        sizes = [round(c["size"], 1) for p in pdf.pages[last_contents + 1:] for c in p.chars if c["text"].strip()]
        median = statistics.median(sizes) if sizes else 0
        check(median >= MIN_BODY, f"{out.name}: median text size on content pages is {median:.1f} pt (≥ {MIN_BODY})")
        titles = outline_titles(pdf)
        nomark = [t for _, t, _ in entries if squash(t) not in titles]
        check(titles and not nomark, f"{out.name}: a bookmark for every part and chapter ({len(titles)} bookmarks)", "; ".join(nomark[:5]))
        cat = catalog(pdf)
        mark = resolve1(cat.get("MarkInfo")) or {}
        check(bool(resolve1(mark.get("Marked"))) and "StructTreeRoot" in cat, f"{out.name}: handbook PDF is tagged")
        lang = resolve1(cat.get("Lang"))
        check(bool(lang), f"{out.name}: handbook language is set ({lang!r})")
        title = pdf.metadata.get("Title", "")
        check(bool(title), f"{out.name}: handbook title is set ({title!r})")
        missing = fonts_not_embedded(pdf)
        check(not missing, f"{out.name}: every font of the handbook is embedded", ", ".join(missing))
        near = text_near_edges(pdf)
        check(not near, f"{out.name}: no handbook text within 0.4 in of a sheet's edge", "; ".join(f"sheet {n}: {t!r}" for n, t in near[:5]))
        stubs = [(n, body_lines(p)) for n, p in enumerate(pdf.pages, 1) if n > last_contents + 1 and body_lines(p) < STUB]
        # Reported, not yet enforced: a table or list nearly a sheet long
        # still moves whole to the next sheet and leaves its heading behind.
        warn(not stubs, f"{out.name}: no stub sheet in the handbook (every content sheet holds at least {STUB} lines)", "; ".join(f"sheet {n}: {k} line(s)" for n, k in stubs[:5]))
        paper = paper_of(out)
        wrong = wrong_sheets(pdf, paper)
        check(not wrong, f"{out.name}: every handbook sheet is {paper}", "; ".join(f"sheet {n}: {s}" for n, s in wrong[:3]))


def front_matter(toolkit):
    pages = {}
    for md in sorted((toolkit / "pages").glob("*.md")):
        if md.name.count(".") > 1:
            continue
        text = md.read_text(encoding="utf-8")
        m = re.match(r"\+\+\+\s*\n(.*?)\n\+\+\+", text, re.S)
        if m:
            meta = tomllib.loads(m.group(1))
            pages[meta.get("id", md.stem)] = meta
    return pages


def check_handouts(out, toolkit_pages):
    folder = out / "handouts"
    htmls = sorted(p for p in folder.glob("*.html") if p.name != "index.html")
    missing = [p.name for p in htmls if not p.with_suffix(".pdf").is_file()]
    check(htmls and not missing, f"{out.name}: a PDF beside each of {len(htmls)} handouts", ", ".join(missing))
    for html_path in htmls:
        pdf_path = html_path.with_suffix(".pdf")
        if not pdf_path.is_file():
            continue
        id_ = html_path.stem
        html = html_path.read_text(encoding="utf-8")
        layout = re.search(r'<body class="handout layout-([a-z]+)"', html)
        layout = layout.group(1) if layout else "document"
        with pdfplumber.open(pdf_path) as pdf:
            n = len(pdf.pages)
            text = squash("".join(p.extract_text() or "" for p in pdf.pages))
            limit = 1 if layout in ("flyer", "certificate") else LIMITS.get(id_)
            if limit:
                check(n <= limit, f"{out.name}: {id_} prints on {n} page(s) (at most {limit})")
            if layout == "certificate":
                p = pdf.pages[0]
                check(p.width > p.height, f"{out.name}: {id_} is landscape")
            wrong = wrong_sheets(pdf, paper_of(out), landscape=layout == "certificate")
            if wrong:
                check(False, f"{out.name}: {id_} is printed on {paper_of(out)}", "; ".join(f"sheet {n}: {s}" for n, s in wrong[:3]))
            near = text_near_edges(pdf)
            check(not near, f"{out.name}: {id_}: no text within 0.4 in of an edge", "; ".join(f"sheet {s}: {t!r}" for s, t in near[:3]))
            meta = toolkit_pages.get(id_)
            if meta:
                audience = set(meta.get("audience", []))
                summary = meta.get("summary", "")
                if audience and not audience & {"teachers", "coordinators"} and summary and "{" not in summary:
                    check(squash(summary) not in text, f"{out.name}: {id_} (for {', '.join(sorted(audience))}) prints no staff summary")


def check_translated_handouts(out):
    """Sheets per translated handout (handouts/<lang>/): reported, not yet
    enforced: Spanish runs about a seventh longer than English, and Desert
    Valley's Spanish consent form does not fit two sides yet."""
    for lang_dir in sorted(p for p in (out / "handouts").glob("*") if p.is_dir()):
        for pdf_path in sorted(lang_dir.glob("*.pdf")):
            id_ = pdf_path.stem
            html = pdf_path.with_suffix(".html").read_text(encoding="utf-8")
            layout = re.search(r'<body class="handout layout-([a-z]+)"', html)
            layout = layout.group(1) if layout else "document"
            limit = 1 if layout in ("flyer", "certificate") else LIMITS.get(id_)
            if not limit:
                continue
            with pdfplumber.open(pdf_path) as pdf:
                n = len(pdf.pages)
            warn(n <= limit, f"{out.name}: {lang_dir.name}/{id_} prints on {n} page(s) (at most {limit})")


def check_bundle(out):
    zips = sorted(out.glob("*.zip"))
    if not zips:
        return
    with zipfile.ZipFile(zips[0]) as z:
        names = z.namelist()
    want = ["print/handbook.pdf"] + [f"handouts/{p.name}" for p in sorted((out / "handouts").glob("*.pdf"))]
    missing = [w for w in want if not any(n.endswith("/" + w) for n in names)]
    check(not missing, f"{out.name}: the bundle holds the {len(want)} PDFs", ", ".join(missing[:5]))


def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--toolkit", type=Path, default=here.parent.parent / "toolkit-content")
    ap.add_argument("outs", nargs="+", type=Path)
    args = ap.parse_args()
    toolkit_pages = front_matter(args.toolkit) if (args.toolkit / "pages").is_dir() else {}
    for out in args.outs:
        print(f"== {out}")
        if not (out / "print" / "handbook.html").is_file():
            check(False, f"{out} is a `wbl adapt --pdf` output folder")
            continue
        check_handbook(out)
        check_handouts(out, toolkit_pages)
        check_translated_handouts(out)
        check_bundle(out)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

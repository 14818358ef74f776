#!/usr/bin/env python3
"""Summarises benches/run.sh: per command, the median wall time, mean CPU
time and peak RSS with the output on the disk (the headline) and in memory
(second column), then the ratios the performance targets of issue 20 are
stated in, for both places."""

import json
import os
import statistics
import sys

res = sys.argv[1]


def load(loc):
    rows = {}
    folder = os.path.join(res, loc)
    if not os.path.isdir(folder):
        return rows
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        key = name[: -len(".json")]
        result = json.load(open(os.path.join(folder, name)))["results"][0]
        times = result["times"]
        # hyperfine records user and system time as means over the runs.
        cpu = (result.get("user") or 0) + (result.get("system") or 0)
        rss = None
        rss_file = os.path.join(folder, key + ".rss")
        if os.path.exists(rss_file):
            text = open(rss_file).read().split()
            rss = int(text[-1]) / 1024 if text and text[-1].isdigit() else None
        rows[key] = {
            "wall": statistics.median(times),
            "cpu": cpu,
            "sys": result.get("system") or 0,
            "rss": rss,
            "runs": len(times),
        }
    return rows


def where(loc):
    path = os.path.join(res, loc, "where")
    return open(path).read().strip() if os.path.exists(path) else loc


disk, mem = load("disk"), load("mem")


def fmt_time(s):
    if s is None:
        return "–"
    return f"{s * 1000:.1f} ms" if s < 0.1 else (f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s")


def cell(rows, key, what):
    r = rows.get(key)
    if r is None:
        return "–"
    if what == "rss":
        return f"{r['rss']:.0f} MB" if r["rss"] is not None else "–"
    return fmt_time(r[what])


print(f"Output on {where('disk')}; memory column: {where('mem')}.")
print()
print("| benchmark | disk: median wall | disk: CPU (user+sys) | disk: of it sys | memory: median wall | memory: CPU | peak RSS |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for key in sorted(set(disk) | set(mem)):
    print(
        f"| {key} | {cell(disk, key, 'wall')} | {cell(disk, key, 'cpu')} | {cell(disk, key, 'sys')} "
        f"| {cell(mem, key, 'wall')} | {cell(mem, key, 'cpu')} | {cell(disk, key, 'rss')} |"
    )


def value(rows, key, what="wall"):
    r = rows.get(key)
    return None if r is None else r[what]


def ratio(rows, a, b, what="wall"):
    x, y = value(rows, a, what), value(rows, b, what)
    if x is None or y is None or y == 0:
        return None
    return x / y


def fastest_peer(rows, pages):
    peers = [k for k in (f"hugo-{pages}", f"mdbook-{pages}-nosearch") if k in rows]
    if not peers:
        return None, None
    best = min(peers, key=lambda k: rows[k]["wall"])
    return best, rows[best]["wall"]


def site_vs_peers(rows, pages):
    best, wall = fastest_peer(rows, pages)
    if best is None or f"adapt-{pages}-site" not in rows:
        return None, ""
    return rows[f"adapt-{pages}-site"]["wall"] / wall, best


checks = []
for pages in (40, 400):
    checks.append(
        (
            f"site only, {pages} pages ÷ fastest of Hugo and mdBook (no search)",
            lambda rows, p=pages: site_vs_peers(rows, p),
            "≤ 0.25",
            lambda x: x <= 0.25,
        )
    )
simple = [
    ("site only, 4,000 ÷ 400 pages", "adapt-4000-site", "adapt-400-site", "wall", "≤ 11", lambda x: x <= 11),
    ("adapt, 40 pages, every output but PDFs ÷ floor", "adapt-40-all", "floor-adapt-40", "wall", "≤ 2", lambda x: x <= 2),
    ("… from no output folder ÷ floor", "adapt-40-all-fresh", "floor-adapt-40", "wall", "(for the record)", None),
    ("… CPU ÷ floor's CPU", "adapt-40-all", "floor-adapt-40", "cpu", "(for the record)", None),
    ("… ÷ the bundle-only floor (no search index, no cartridges)", "adapt-40-all", "floor-bundle-adapt-40", "wall", "(for the record)", None),
    ("publish, 1,000 districts ÷ floor", "publish-1000", "floor-publish-1000", "wall", "≤ 1.3", lambda x: x <= 1.3),
    ("… CPU ÷ floor's CPU", "publish-1000", "floor-publish-1000", "cpu", "(for the record)", None),
    ("… ÷ the bundle-only floor", "publish-1000", "floor-bundle-publish-1000", "wall", "(for the record)", None),
    ("publish, 2,000 ÷ 1,000 districts", "publish-2000", "publish-1000", "wall", "≤ 2.1", lambda x: x <= 2.1),
    ("peak RSS, publish 1,000 ÷ 100 districts", "publish-1000", "publish-100", "rss", "flat (≈ 1)", None),
    ("adapt --pdf ÷ adapt, full example (the browser's share)", "adapt-example-pdf", "adapt-example", "wall", "(figure)", None),
]
for label, a, b, what, target, ok in simple:
    checks.append((label, lambda rows, a=a, b=b, what=what: (ratio(rows, a, b, what), ""), target, ok))
for key in sorted(disk):
    if key.startswith("baseline-"):
        now = key[len("baseline-"):]
        checks.append(
            (
                f"before ÷ after: {now}",
                lambda rows, key=key, now=now: (ratio(rows, key, now), ""),
                "(speed-up)",
                None,
            )
        )

print()
print("| ratio | disk | memory | target | met (disk) |")
print("| --- | ---: | ---: | --- | --- |")
for label, compute, target, ok in checks:
    d, peer = compute(disk)
    m, _ = compute(mem)
    if d is None and m is None:
        continue
    shown = lambda x: "–" if x is None else f"{x:.2f}"
    note = f" (vs {peer})" if peer else ""
    met = "" if ok is None or d is None else ("yes" if ok(d) else "**no**")
    print(f"| {label}{note} | {shown(d)} | {shown(m)} | {target} | {met} |")

limits = [
    ("publish-1000", "rss", 300, "< 300 MB peak"),
    ("adapt-400-site", "rss", 200, "< 200 MB peak"),
]
print()
print("| absolute | measured | target | met |")
print("| --- | ---: | --- | --- |")
for key, what, limit, target in limits:
    v = value(disk, key, what)
    if v is None:
        continue
    print(f"| {key} peak RSS | {v:.0f} MB | {target} | {'yes' if v <= limit else '**no**'} |")

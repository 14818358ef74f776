#!/usr/bin/env python3
"""Summarises benches/run.sh: medians of wall and CPU time per command,
peak RSS, and the ratios the performance targets are stated in."""

import json
import os
import statistics
import sys

res = sys.argv[1]
rows = {}
for name in sorted(os.listdir(res)):
    if not name.endswith(".json"):
        continue
    key = name[: -len(".json")]
    result = json.load(open(os.path.join(res, name)))["results"][0]
    times = result["times"]
    # hyperfine records user and system time as means over the runs.
    cpu = (result.get("user") or 0) + (result.get("system") or 0)
    rss_file = os.path.join(res, key + ".rss")
    rss = None
    if os.path.exists(rss_file):
        text = open(rss_file).read().split()
        rss = int(text[-1]) / 1024 if text and text[-1].isdigit() else None
    rows[key] = {
        "wall": statistics.median(times),
        "min": min(times),
        "cpu": cpu,
        "rss": rss,
        "runs": len(times),
        "command": result["command"].split("/")[-1][:60],
    }

def fmt_time(s):
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"

print("| benchmark | median wall | min wall | CPU (user+sys, mean) | peak RSS | runs |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for key, r in rows.items():
    rss = f"{r['rss']:.0f} MB" if r["rss"] is not None else "–"
    print(f"| {key} | {fmt_time(r['wall'])} | {fmt_time(r['min'])} | {fmt_time(r['cpu'])} | {rss} | {r['runs']} |")

def ratio(a, b, what="wall"):
    if a in rows and b in rows:
        return rows[a][what] / rows[b][what]
    return None

checks = [
    ("adapt, 40 pages, all outputs ÷ floor (wall)", ratio("adapt-40-all", "floor-adapt-40"), "≤ 2", lambda x: x <= 2),
    ("adapt, 40 pages, all outputs ÷ floor (CPU)", ratio("adapt-40-all", "floor-adapt-40", "cpu"), "(for the record)", None),
    ("Hugo ÷ wbl site, 40 pages", ratio("hugo-40", "adapt-40-site"), "≥ 3", lambda x: x >= 3),
    ("mdBook ÷ wbl site, 40 pages", ratio("mdbook-40", "adapt-40-site"), "(for the record)", None),
    ("Hugo ÷ wbl site, 400 pages", ratio("hugo-400", "adapt-400-site"), "≥ 1.5", lambda x: x >= 1.5),
    ("mdBook ÷ wbl site, 400 pages", ratio("mdbook-400", "adapt-400-site"), "≥ 10", lambda x: x >= 10),
    ("mdBook (no search) ÷ wbl site, 400 pages", ratio("mdbook-400-nosearch", "adapt-400-site"), "(for the record)", None),
    ("wbl site 4,000 ÷ 400 pages (wall)", ratio("adapt-4000-site", "adapt-400-site"), "≤ 12", lambda x: x <= 12),
    ("wbl site 4,000 ÷ 400 pages (CPU)", ratio("adapt-4000-site", "adapt-400-site", "cpu"), "(for the record)", None),
    ("Hugo 4,000 ÷ 400 pages (wall)", ratio("hugo-4000", "hugo-400"), "(for the record)", None),
    ("publish 1,000 districts ÷ floor (wall)", ratio("publish-1000", "floor-publish-1000"), "≤ 1.5", lambda x: x <= 1.5),
    ("publish 1,000 districts ÷ floor (CPU)", ratio("publish-1000", "floor-publish-1000", "cpu"), "(for the record)", None),
    ("publish 2,000 ÷ 1,000 districts (wall)", ratio("publish-2000", "publish-1000"), "≤ 2.2", lambda x: x <= 2.2),
    ("baseline ÷ now: adapt, 40 pages, all outputs", ratio("baseline-adapt-40-all", "adapt-40-all"), "(speed-up)", None),
    ("baseline ÷ now: adapt, 40 pages, site", ratio("baseline-adapt-40-site", "adapt-40-site"), "(speed-up)", None),
    ("baseline ÷ now: adapt, 400 pages, site", ratio("baseline-adapt-400-site", "adapt-400-site"), "(speed-up)", None),
    ("baseline ÷ now: publish, 1,000 districts", ratio("baseline-publish-1000", "publish-1000"), "(speed-up)", None),
]
print()
print("| ratio | measured | target | met |")
print("| --- | ---: | --- | --- |")
for label, value, target, ok in checks:
    if value is None:
        continue
    met = "" if ok is None else ("yes" if ok(value) else "**no**")
    print(f"| {label} | {value:.2f} | {target} | {met} |")

limits = [
    ("adapt-40-all", "wall", 0.060, "≈ 60 ms wall"),
    ("adapt-400-site", "rss", 200, "< 200 MB peak"),
    ("adapt-4000-site", "rss", 200, "< 200 MB peak"),
    ("publish-1000", "wall", 15, "≈ 15 s wall"),
    ("publish-1000", "rss", 300, "< 300 MB peak"),
]
print()
print("| absolute | measured | target | met |")
print("| --- | ---: | --- | --- |")
for key, what, limit, target in limits:
    if key not in rows or rows[key][what] is None:
        continue
    value = rows[key][what]
    shown = f"{value:.0f} MB" if what == "rss" else fmt_time(value)
    print(f"| {key} {'peak RSS' if what == 'rss' else what} | {shown} | {target} | {'yes' if value <= limit else '**no**'} |")

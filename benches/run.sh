#!/usr/bin/env bash
# Times whole commands side by side: wbl, the floor program (examples/floor.rs),
# Hugo and mdBook building the same generated pages, with hyperfine. Prints a
# table of medians (wall, CPU, peak RSS) and the ratios the performance
# targets are stated in; docs/performance.md explains the method.
#
#   benches/run.sh            everything (about 10 minutes on two cores)
#   benches/run.sh --quick    fewer runs, no 4,000-page or 2,000-district sizes
#   WBL_BASELINE=path/to/older/wbl benches/run.sh
#                             also times another wbl build on the same commands
#                             (before/after comparisons)
#
# Needs hyperfine and GNU time; Hugo and mdBook are compared when installed:
#   apt-get install -y hyperfine hugo time && cargo install mdbook --locked
# Run it on a quiet machine: the figures are only as steady as the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
[ "${1:-}" = "--quick" ] && quick=true
runs() { if $quick; then echo "$2"; else echo "$1"; fi; }

need() { command -v "$1" >/dev/null 2>&1 || { echo "benches/run.sh needs $1 ($2)" >&2; exit 2; }; }
need hyperfine "apt-get install -y hyperfine"
need python3 "apt-get install -y python3"
[ -x /usr/bin/time ] || { echo "benches/run.sh needs GNU time (apt-get install -y time)" >&2; exit 2; }
HUGO=$(command -v hugo || true)
MDBOOK=$(command -v mdbook || true)
[ -z "$MDBOOK" ] && [ -x "$HOME/.cargo/bin/mdbook" ] && MDBOOK="$HOME/.cargo/bin/mdbook"
[ -z "$HUGO" ] && echo "note: hugo not found; Hugo is left out (apt-get install -y hugo)" >&2
[ -z "$MDBOOK" ] && echo "note: mdbook not found; mdBook is left out (cargo install mdbook --locked)" >&2

echo "=== building (release)" >&2
cargo build --release --locked --bin wbl --example floor --example gen-corpus >&2
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
WBL=$target/release/wbl
FLOOR=$target/release/examples/floor
GEN=$target/release/examples/gen-corpus
B=$target/bench
# Two places to write to. The headline is the disk the checkout is on
# (users write there: every `wbl adapt` pays for it); memory (tmpfs,
# /dev/shm) is the second column, where the file system costs next to
# nothing and only the tools' own work is left. WBL_BENCH_DISK and
# WBL_BENCH_MEM choose other folders; WBL_BENCH_MEM=none skips memory.
DISK=${WBL_BENCH_DISK:-$B/out}
if [ -n "${WBL_BENCH_MEM:-}" ]; then
  MEM=$WBL_BENCH_MEM
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  MEM=/dev/shm/wbl-bench-out
else
  MEM=none
fi
RES=$B/results
mkdir -p "$B" "$DISK"
rm -rf "$RES" && mkdir -p "$RES/disk"
locations="disk"
if [ "$MEM" != none ]; then
  mkdir -p "$MEM" "$RES/mem"
  locations="disk mem"
fi
fstype() { df -T "$1" | awk 'NR == 2 { print $2 }'; }
echo "disk: $DISK ($(fstype "$DISK"))" | tee "$RES/disk/where" >&2
[ "$MEM" != none ] && echo "memory: $MEM ($(fstype "$MEM"))" | tee "$RES/mem/where" >&2

echo "=== generating corpora in $B" >&2
corpus() { # name pages districts
  if [ ! -f "$B/$1/.done-$2-$3" ]; then
    "$GEN" "$B/$1" --pages "$2" --districts "$3" >&2
    touch "$B/$1/.done-$2-$3"
  fi
}
corpus c40 40 1000
corpus c400 400 0
# The first 100 districts of c40, for peak memory against the district count.
if [ ! -d "$B/c40-100/districts" ]; then
  mkdir -p "$B/c40-100/districts"
  for d in $(ls "$B/c40/districts" | head -100); do cp -r "$B/c40/districts/$d" "$B/c40-100/districts/"; done
fi
if ! $quick; then
  corpus c40-2000 40 2000
  corpus c4000 4000 0
fi

# measure NAME RUNS WARMUP COMMAND...: hyperfine (wall and CPU per run) and
# one run under GNU time (peak RSS), once per location (disk, memory).
# Every tool rebuilds over its own previous build of the same input, as a
# user's next run does: the warm-up runs leave one in place, and each run
# replaces it (wbl swaps in a new folder, Hugo overwrites in place, mdBook
# empties its folder first). fresh NAME …: the same, starting every run
# from no output folder at all.
measure() { measure_as rerun "$@"; }
fresh() { measure_as fresh "$@"; }
measure_as() {
  local mode=$1 name=$2 runs=$3 warmup=$4; shift 4
  local loc root out cmd prepare
  for loc in $locations; do
    if [ "$loc" = disk ]; then root=$DISK; else root=$MEM; fi
    out="$root/$name"
    cmd="${*//@OUT@/$out}"
    rm -rf "$out"
    prepare=(--prepare "true")
    [ "$mode" = fresh ] && prepare=(--prepare "rm -rf $out")
    echo "=== $loc $name: $cmd" >&2
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" "${prepare[@]}" \
      --export-json "$RES/$loc/$name.json" "$cmd" >&2
    [ "$mode" = fresh ] && rm -rf "$out"
    # shellcheck disable=SC2086
    /usr/bin/time -f "%M" -o "$RES/$loc/$name.rss" $cmd >/dev/null 2>&1
    rm -rf "$out"
  done
}

BASE=
[ -n "${WBL_BASELINE:-}" ] && BASE=$(realpath "$WBL_BASELINE")
# wbl NAME RUNS WARMUP ARGS...: wbl, then the baseline build on the same
# command right after it (so both see the machine in the same state).
wbl() {
  local kind=$1 name=$2 runs=$3 warmup=$4; shift 4
  "$kind" "$name" "$runs" "$warmup" "$WBL" "$@"
  [ -n "$BASE" ] && "$kind" "baseline-$name" "$runs" "$warmup" "$BASE" "$@"
  return 0
}
# mdBook without its search index (the issue's peer); with it, for the record.
if [ -n "$MDBOOK" ]; then
  for c in c40 c400; do
    rm -rf "$B/$c/mdbook-nosearch" && cp -r "$B/$c/mdbook" "$B/$c/mdbook-nosearch"
    printf '\n[output.html.search]\nenable = false\n' >>"$B/$c/mdbook-nosearch/book.toml"
  done
fi

# One district, 40 pages: every output (site with its search index,
# handbook, handouts, bundle, LMS cartridges, and whatever else `adapt`
# builds by default), then the site alone beside the peers.
D1=$B/c40/districts/district-0001
wbl measure adapt-40-all "$(runs 30 10)" 3 adapt -q --toolkit "$B/c40/toolkit" --district "$D1" --out @OUT@
wbl fresh adapt-40-all-fresh "$(runs 20 10)" 3 adapt -q --toolkit "$B/c40/toolkit" --district "$D1" --out @OUT@
# The floor builds what wbl's job delivers (bundle with its search index,
# both cartridges); --bundle-only is the floor before wbl wrote those.
measure floor-adapt-40 "$(runs 30 10)" 3 "$FLOOR" adapt "$B/c40" @OUT@
measure floor-bundle-adapt-40 "$(runs 30 10)" 3 "$FLOOR" adapt "$B/c40" @OUT@ --bundle-only
wbl measure adapt-40-site "$(runs 30 10)" 3 adapt -q --toolkit "$B/c40/toolkit" --format site --out @OUT@
[ -n "$HUGO" ] && measure hugo-40 "$(runs 20 5)" 2 "$HUGO" --quiet -s "$B/c40/hugo" -d @OUT@
if [ -n "$MDBOOK" ]; then
  measure mdbook-40-nosearch "$(runs 20 5)" 2 "$MDBOOK" build "$B/c40/mdbook-nosearch" -d @OUT@
  measure mdbook-40 "$(runs 20 5)" 2 "$MDBOOK" build "$B/c40/mdbook" -d @OUT@
fi

# 400 pages, and 4,000 for linearity; site only.
wbl measure adapt-400-site "$(runs 10 5)" 2 adapt -q --toolkit "$B/c400/toolkit" --format site --out @OUT@
[ -n "$HUGO" ] && measure hugo-400 "$(runs 10 3)" 1 "$HUGO" --quiet -s "$B/c400/hugo" -d @OUT@
if [ -n "$MDBOOK" ]; then
  measure mdbook-400-nosearch "$(runs 5 3)" 1 "$MDBOOK" build "$B/c400/mdbook-nosearch" -d @OUT@
  measure mdbook-400 "$(runs 5 3)" 1 "$MDBOOK" build "$B/c400/mdbook" -d @OUT@
fi
if ! $quick; then
  measure adapt-4000-site 5 1 "$WBL" adapt -q --toolkit "$B/c4000/toolkit" --format site --out @OUT@
  [ -n "$HUGO" ] && measure hugo-4000 3 1 "$HUGO" --quiet -s "$B/c4000/hugo" -d @OUT@
fi

# A release: 1,000 districts (and 2,000 for linearity) of the 40-page
# toolkit. Every run starts from no release folder: a new release has
# new bytes in every bundle (its version is in each). Peak RSS at 100
# districts too, to show memory does not grow with districts.
wbl fresh publish-1000 "$(runs 5 2)" 1 publish -q --toolkit "$B/c40/toolkit" --districts "$B/c40/districts" --out @OUT@
fresh floor-publish-1000 "$(runs 5 2)" 1 "$FLOOR" publish "$B/c40" @OUT@
fresh floor-bundle-publish-1000 "$(runs 5 2)" 1 "$FLOOR" publish "$B/c40" @OUT@ --bundle-only
if ! $quick; then
  fresh publish-2000 3 1 "$WBL" publish -q --toolkit "$B/c40-2000/toolkit" --districts "$B/c40-2000/districts" --out @OUT@
fi
fresh publish-100 3 1 "$WBL" publish -q --toolkit "$B/c40/toolkit" --districts "$B/c40-100/districts" --out @OUT@

# PDFs: the full example district (embedded toolkit, handbook and every
# handout printed), one run each, with and without --pdf for the browser's
# share. Only when a Chromium-family browser is installed.
if command -v chromium >/dev/null 2>&1 || [ -n "${WBL_BROWSER:-}" ]; then
  # (No baseline run here: printing takes half a minute a run, and the
  # browser's share is the figure asked for.)
  measure adapt-example "$(runs 10 5)" 2 "$WBL" adapt -q --district examples/desert-valley-usd --out @OUT@
  measure adapt-example-pdf "$(runs 3 2)" 1 "$WBL" adapt -q --pdf --district examples/desert-valley-usd --out @OUT@
fi

python3 benches/report.py "$RES" | tee "$B/results.md"

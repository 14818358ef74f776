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
# Outputs go to memory (tmpfs) when there is one: every run removes and
# rewrites up to 4,000 files, and ext4 slows down sharply when creating files
# right after deleting thousands (it avoids recently freed inodes), which
# would measure the file system rather than the tools. WBL_BENCH_OUT
# chooses another folder.
if [ -n "${WBL_BENCH_OUT:-}" ]; then
  OUT=$WBL_BENCH_OUT
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  OUT=/dev/shm/wbl-bench-out
else
  OUT=$B/out
fi
RES=$B/results
mkdir -p "$B" "$OUT"
rm -rf "$RES" && mkdir -p "$RES"

echo "=== generating corpora in $B" >&2
corpus() { # name pages districts
  if [ ! -f "$B/$1/.done-$2-$3" ]; then
    "$GEN" "$B/$1" --pages "$2" --districts "$3" >&2
    touch "$B/$1/.done-$2-$3"
  fi
}
corpus c40 40 1000
corpus c400 400 0
if ! $quick; then
  corpus c40-2000 40 2000
  corpus c4000 4000 0
fi

# measure NAME RUNS WARMUP COMMAND...: hyperfine (wall and CPU per run) and
# one run under GNU time (peak RSS). The output folder is removed before
# every run so that no tool pays for deleting the previous build.
measure() {
  local name=$1 runs=$2 warmup=$3; shift 3
  local out="$OUT/$name"
  local cmd="${*//@OUT@/$out}"
  echo "=== $name: $cmd" >&2
  hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
    --prepare "rm -rf $out" --export-json "$RES/$name.json" "$cmd" >&2
  rm -rf "$out"
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o "$RES/$name.rss" $cmd >/dev/null 2>&1
  rm -rf "$out"
}

# One district, 40 pages.
D1=$B/c40/districts/district-0001
measure adapt-40-all "$(runs 30 10)" 3 "$WBL" adapt -q --toolkit "$B/c40/toolkit" --district "$D1" --out @OUT@
measure floor-adapt-40 "$(runs 30 10)" 3 "$FLOOR" adapt "$B/c40" @OUT@
measure adapt-40-site "$(runs 30 10)" 3 "$WBL" adapt -q --toolkit "$B/c40/toolkit" --format site --out @OUT@
[ -n "$HUGO" ] && measure hugo-40 "$(runs 20 5)" 2 "$HUGO" --quiet -s "$B/c40/hugo" -d @OUT@
[ -n "$MDBOOK" ] && measure mdbook-40 "$(runs 20 5)" 2 "$MDBOOK" build "$B/c40/mdbook" -d @OUT@

# 400 pages, and 4,000 for linearity; site only.
measure adapt-400-site "$(runs 10 5)" 2 "$WBL" adapt -q --toolkit "$B/c400/toolkit" --format site --out @OUT@
[ -n "$HUGO" ] && measure hugo-400 "$(runs 10 3)" 1 "$HUGO" --quiet -s "$B/c400/hugo" -d @OUT@
if [ -n "$MDBOOK" ]; then
  measure mdbook-400 "$(runs 5 3)" 1 "$MDBOOK" build "$B/c400/mdbook" -d @OUT@
  # mdBook's search index is most of its time; without it, for the record.
  cp -r "$B/c400/mdbook" "$B/c400/mdbook-nosearch" 2>/dev/null || true
  printf '\n[output.html.search]\nenable = false\n' >>"$B/c400/mdbook-nosearch/book.toml"
  measure mdbook-400-nosearch "$(runs 5 3)" 1 "$MDBOOK" build "$B/c400/mdbook-nosearch" -d @OUT@
  rm -rf "$B/c400/mdbook-nosearch"
fi
if ! $quick; then
  measure adapt-4000-site 5 1 "$WBL" adapt -q --toolkit "$B/c4000/toolkit" --format site --out @OUT@
  [ -n "$HUGO" ] && measure hugo-4000 3 1 "$HUGO" --quiet -s "$B/c4000/hugo" -d @OUT@
fi

# A release: 1,000 districts (and 2,000 for linearity) of the 40-page toolkit.
measure publish-1000 "$(runs 5 2)" 1 "$WBL" publish -q --toolkit "$B/c40/toolkit" --districts "$B/c40/districts" --out @OUT@
measure floor-publish-1000 "$(runs 5 2)" 1 "$FLOOR" publish "$B/c40" @OUT@
if ! $quick; then
  measure publish-2000 3 1 "$WBL" publish -q --toolkit "$B/c40-2000/toolkit" --districts "$B/c40-2000/districts" --out @OUT@
fi

if [ -n "${WBL_BASELINE:-}" ]; then
  BASE=$(realpath "$WBL_BASELINE")
  measure baseline-adapt-40-all "$(runs 30 10)" 3 "$BASE" adapt -q --toolkit "$B/c40/toolkit" --district "$D1" --out @OUT@
  measure baseline-adapt-40-site "$(runs 30 10)" 3 "$BASE" adapt -q --toolkit "$B/c40/toolkit" --format site --out @OUT@
  measure baseline-adapt-400-site "$(runs 10 5)" 2 "$BASE" adapt -q --toolkit "$B/c400/toolkit" --format site --out @OUT@
  measure baseline-publish-1000 "$(runs 3 2)" 1 "$BASE" publish -q --toolkit "$B/c40/toolkit" --districts "$B/c40/districts" --out @OUT@
fi

rm -rf "$OUT"
echo "(outputs written to $OUT)" >&2
python3 benches/report.py "$RES" | tee "$B/results.md"

#!/usr/bin/env bash
# Browser test suite for wbl output ("Verified in a real browser").
#
#   tests/browser/run.sh [--keep] [--screenshots DIR]
#
# Builds wbl, renders the generic toolkit, every example district
# (examples/*/district.toml) and the fixture districts in
# tests/browser/fixtures/ into a temporary folder, then runs check.mjs over all
# outputs: axe-core (WCAG 2.1 A/AA, file:// and http, screen and print), the
# W3C Nu checker, links, keyboard, 375-px layout, and screenshots, then
# search.mjs (offline search typed in the browser, the phone's contents link,
# "On this page", the links to the printables). First, selftest.mjs breaks a
# copy of the generic output and makes sure check.mjs catches every breakage.
#
# Needs: cargo, node 18+, npm, Java 11+ and Chromium (apt-get install -y chromium).
# Environment: WBL_BIN (a wbl binary to use instead of building one),
# CHROMIUM (browser binary, default /usr/bin/chromium),
# WBL_BROWSER_OUT (render here instead of a temporary folder; kept),
# WBL_SCREENSHOTS (screenshot folder), WBL_JOBS, WBL_VERBOSE, WBL_PAGES, WBL_FULL.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
keep=0
shots="${WBL_SCREENSHOTS:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --screenshots) shots="${2:?--screenshots needs a folder}"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

browser="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$browser" ]; then
  echo "run.sh: no Chromium at $browser. Install it with: apt-get update && apt-get install -y chromium" >&2
  exit 2
fi
for tool in cargo node npm java; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
done

if [ -n "${WBL_BIN:-}" ]; then
  wbl="$(cd "$(dirname "$WBL_BIN")" && pwd)/$(basename "$WBL_BIN")"
else
  echo "== building wbl"
  (cd "$root" && cargo build --release --locked)
  wbl="$root/target/release/wbl"
fi

if [ -n "${WBL_BROWSER_OUT:-}" ]; then
  work="$WBL_BROWSER_OUT"
  rm -rf "$work"
  mkdir -p "$work"
  keep=1
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/wbl-browser.XXXXXX")"
fi
if [ "$keep" = 0 ]; then
  # Keep the screenshots (printed by check.mjs) unless they live inside $work.
  trap 'rm -rf "$work/out" "$work/unzipped"' EXIT
fi
mkdir -p "$work/out"
[ -n "$shots" ] || shots="$work/screenshots"

suite_start=$SECONDS
phase_start=$SECONDS
timings=()
phase_done() { # name
  timings+=("$1 $((SECONDS - phase_start)) s")
  phase_start=$SECONDS
}

echo "== rendering into $work/out"
# All outputs at once (wbl is mostly single-threaded; the machine has two
# cores), each one's messages kept apart and printed in order.
outs=()
pids=()
render() { # name [district dir]
  local name="$1" dest="$work/out/$1"
  shift
  "$wbl" adapt "$@" --out "$dest" >"$work/render-$name.log" 2>&1 &
  pids+=("$!")
  outs+=("$dest")
}
render generic
for d in "$root"/examples/*/ "$here"/fixtures/*/; do
  [ -f "$d/district.toml" ] || continue
  render "$(basename "$d")" --district "${d%/}"
done
render_status=0
for i in "${!outs[@]}"; do
  name="$(basename "${outs[$i]}")"
  wait "${pids[$i]}" || render_status=$?
  echo "-- $name"
  cat "$work/render-$name.log"
done
[ "$render_status" = 0 ] || { echo "run.sh: wbl adapt failed (exit $render_status)" >&2; exit 1; }
phase_done render

if [ ! -d "$here/node_modules" ]; then
  echo "== npm ci"
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund)
  phase_done "npm ci"
fi

echo "== self-test: the checker must catch known breakage"
status=0
node "$here/selftest.mjs" "${outs[0]}" || status=$?
phase_done selftest

echo "== checking ${#outs[@]} output(s) in the browser"
node "$here/check.mjs" --screenshots "$shots" "${outs[@]}" || status=$?
phase_done check.mjs

echo "== search, phone contents, On this page and the printables"
# Also on the generic bundle as a teacher gets it: unzipped, opened from disk.
searched=("${outs[@]}")
zip_file="$(ls "${outs[0]}"/*.zip 2>/dev/null | head -n 1 || true)"
if [ -n "$zip_file" ]; then
  rm -rf "$work/unzipped"
  if command -v python3 >/dev/null; then
    python3 -m zipfile -e "$zip_file" "$work/unzipped"
  elif command -v unzip >/dev/null; then
    unzip -q "$zip_file" -d "$work/unzipped"
  fi
  for d in "$work"/unzipped/*/; do
    [ -f "$d/site/index.html" ] && searched+=("${d%/}")
  done
fi
node "$here/search.mjs" --screenshots "$shots" "${searched[@]}" || status=$?
phase_done search.mjs
if [ "$keep" = 1 ]; then echo "outputs kept in $work/out"; fi
echo "browser suite: $((SECONDS - suite_start)) s ($(IFS=,; echo "${timings[*]}" | sed 's/,/, /g'))$([ "$status" = 0 ] && echo ", passed" || echo ", FAILED")"
exit "$status"

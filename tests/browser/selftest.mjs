#!/usr/bin/env node
// Self-test of check.mjs: breaks a copy of a good wbl output folder in known
// ways and makes sure the checker fails, naming each problem.
//
//   node selftest.mjs OUT_DIR
//
// Prints "N passed, N failed" (one per expected finding) and exits 1 if the
// checker missed anything.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const src = process.argv[2];
if (!src || !fs.existsSync(path.join(src, 'site', 'index.html'))) {
  console.error('usage: node selftest.mjs OUT_DIR (a good `wbl adapt --out` folder)');
  process.exit(2);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wbl-selftest-'));
const out = path.join(tmp, 'broken');
fs.cpSync(src, out, { recursive: true });
const site = path.join(out, 'site');
const pages = fs.readdirSync(site).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
const [pA, pB, pC] = pages;
const edit = (file, fn) => fs.writeFileSync(file, fn(fs.readFileSync(file, 'utf8')));

// Page A: no skip links (neither to the text nor to the contents).
edit(path.join(site, pA), (h) => h.replace(/<a class="skip-link"[^>]*>[^<]*<\/a>\n?/g, ''));
// Page B: remote image, broken fragment, link leaving the folder, absolute
// path, invalid nesting, something too wide for a phone.
edit(path.join(site, pB), (h) =>
  h.replace(
    '</main>',
    `<p><img src="https://example.com/x.png" alt="x"> <a href="${pB}#no-such-id">a</a> <a href="../../outside.html">b</a> <a href="/abs.html">c</a></p><span><div>d</div></span><div style="width:900px">wide</div></main>`,
  ),
);
// Page C: low contrast text, missing image.
edit(path.join(site, pC), (h) => h.replace('</main>', '<p style="color:#bbb">low contrast</p><img src="assets/missing.png" alt=""></main>'));
// A handout gets a box wider than the printed text block (as a 2 in
// minimum width on blank cells once made a whole handbook print small).
const handouts = path.join(out, 'handouts');
const hA = fs.readdirSync(handouts).filter((f) => f.endsWith('.html') && f !== 'index.html').sort()[0];
edit(path.join(handouts, hA), (h) => h.replace('</main>', '<div style="width:9in">wide on paper</div></main>'));
// Every card link on the home page loses its focus indicator.
fs.appendFileSync(path.join(site, 'wbl.css'), '\n.card > a:focus-visible { outline: none !important; box-shadow: none !important; }\n');

const res = spawnSync(process.execPath, [path.join(HERE, 'check.mjs'), '--screenshots', path.join(tmp, 'shots'), out], {
  encoding: 'utf8',
  env: { ...process.env, WBL_PAGES: [...['index.html', pA, pB, pC].map((p) => `site/${p}`), `handouts/${hA}`].join(',') },
});
const report = res.stdout + res.stderr;

// Each expected finding: page, and a piece of the report line under it.
const expected = [
  ['exit status is 1', () => res.status === 1],
  [`${pA}: skip link missing`, () => section(pA).includes('not a skip link')],
  [`${pB}: remote asset`, () => section(pB).includes('remote asset')],
  [`${pB}: request outside the output folder`, () => section(pB).includes('request outside the output folder: https://example.com/x.png')],
  [`${pB}: broken #fragment`, () => section(pB).includes('no id="no-such-id"')],
  [`${pB}: link outside the folder`, () => section(pB).includes('points outside the output folder')],
  [`${pB}: absolute path`, () => section(pB).includes('absolute path')],
  [`${pB}: Nu error`, () => /nu\s+line \d+: Element “div” not allowed as child of element “span”/.test(section(pB))],
  [`${pB}: sideways scrolling at 375 px`, () => section(pB).includes('scrolls sideways at 375px')],
  [`${pC}: axe color-contrast`, () => section(pC).includes('color-contrast (serious)')],
  [`${pC}: missing image`, () => section(pC).includes('assets/missing.png does not exist')],
  ['index.html: no focus indicator', () => section('index.html').includes('no visible focus outline')],
  [`${hA}: wider than the printed text block`, () => section(hA, 'handouts').includes('wider than the')],
];

function section(page, folder = 'site') {
  const lines = report.split('\n');
  const i = lines.findIndex((l) => l.trim() === `FAIL  ${folder}/${page}`);
  if (i < 0) return '';
  const body = [];
  for (const l of lines.slice(i + 1)) {
    if (/^ {2}(ok|FAIL) {2}/.test(l) || l.trim() === '') break;
    body.push(l);
  }
  return body.join('\n');
}

let passed = 0;
let failed = 0;
for (const [name, ok] of expected) {
  if (ok()) {
    passed++;
    console.log(`  ok    detects ${name}`);
  } else {
    failed++;
    console.log(`  MISS  does not detect ${name}`);
  }
}
if (failed) console.log(`\ncheck.mjs output:\n${report}`);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`selftest: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

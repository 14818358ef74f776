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
const [pA, pB, pC, pD] = pages;
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
// Page D: no <meta name="viewport">, so a phone lays it out 980 px wide
// (the 375-px check runs in the page's own tab, which must still act as a
// phone and not as a narrow desktop window).
edit(path.join(site, pD), (h) => {
  const without = h.replace(/<meta name="viewport"[^>]*>\n?/, '');
  if (without === h) throw new Error(`selftest: ${pD} has no <meta name="viewport"> to remove`);
  return without;
});
// A handout gets a box wider than the printed text block (as a 2 in
// minimum width on blank cells once made a whole handbook print small).
const handouts = path.join(out, 'handouts');
const hA = fs.readdirSync(handouts).filter((f) => f.endsWith('.html') && f !== 'index.html').sort()[0];
edit(path.join(handouts, hA), (h) => h.replace('</main>', '<div style="width:9in">wide on paper</div></main>'));
// The home page's skip link goes nowhere when activated (the home page gets
// the Tab walk, whose first Tab the skip link check shares).
edit(path.join(site, 'index.html'), (h) =>
  h.replace('</body>', `<script>document.querySelector('.skip-link').addEventListener('click', (e) => e.preventDefault());</script></body>`),
);
// Every card link on the home page loses its focus indicator.
fs.appendFileSync(path.join(site, 'wbl.css'), '\n.card > a:focus-visible { outline: none !important; box-shadow: none !important; }\n');

// Pages a level down and new print documents (the Spanish pages, the family
// packets) are found without being listed: a Spanish home page (the English
// one a folder down, its links adjusted) with a link to a page that does not
// exist, and page A links into it with a fragment it lacks; a Spanish handout
// and a family packet each with a box wider than the printed text block.
fs.mkdirSync(path.join(site, 'es'), { recursive: true }); // the output may have a Spanish site already
fs.writeFileSync(
  path.join(site, 'es', 'index.html'),
  fs
    .readFileSync(path.join(site, 'index.html'), 'utf8')
    .replace(/(\s(?:href|src)=")(?![#a-z][a-z0-9+.-]*:|#|\.\.\/\.\.\/)/gi, '$1../')
    .replace('</main>', '<p><a href="no-such-page.html">no such page</a></p></main>'),
);
edit(path.join(site, pA), (h) => h.replace('</main>', '<p><a href="es/index.html#no-such-es-id">es</a></p></main>'));
const printDoc = (title) => `<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>@page { size: letter; margin: 0.75in; } body { font: 12pt/1.4 serif; }</style></head>
<body><a href="#main">Saltar al texto</a><main id="main" tabindex="-1"><h1>${title}</h1><div style="width:9in">demasiado ancho en papel</div></main></body></html>
`;
fs.mkdirSync(path.join(handouts, 'es'), { recursive: true });
fs.writeFileSync(path.join(handouts, 'es', hA), printDoc('Hoja'));
fs.writeFileSync(path.join(out, 'print', 'family-packet.es.html'), printDoc('Paquete para familias'));

const res = spawnSync(process.execPath, [path.join(HERE, 'check.mjs'), '--screenshots', path.join(tmp, 'shots'), out], {
  encoding: 'utf8',
  env: {
    ...process.env,
    WBL_SCREENSHOTS: '0',
    WBL_PAGES: [...['index.html', pA, pB, pC, pD, 'es/index.html'].map((p) => `site/${p}`), `handouts/${hA}`, `handouts/es/${hA}`, 'print/family-packet.es.html'].join(','),
  },
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
  [`${pD}: no viewport meta, so a phone lays it out wider than 375 px`, () => section(pD).includes('scrolls sideways at 375px')],
  [`${pC}: axe color-contrast`, () => section(pC).includes('color-contrast (serious)')],
  [`${pC}: missing image`, () => section(pC).includes('assets/missing.png does not exist')],
  ['index.html: a skip link that does not move focus', () => section('index.html').includes('activating the skip link does not move')],
  ['index.html: no focus indicator', () => section('index.html').includes('no visible focus outline')],
  [`${hA}: wider than the printed text block`, () => section(hA, 'handouts').includes('wider than the')],
  ['es/index.html (found a folder down): missing page', () => section('es/index.html').includes('site/es/no-such-page.html does not exist')],
  [`${pA}: broken #fragment in a link into es/`, () => section(pA).includes('no id="no-such-es-id" in site/es/index.html')],
  [`es/${hA}: a Spanish handout wider than the printed text block`, () => section(`es/${hA}`, 'handouts').includes('wider than the')],
  ['family-packet.es.html: a new print document wider than the printed text block', () => section('family-packet.es.html', 'print').includes('wider than the')],
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

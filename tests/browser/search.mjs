#!/usr/bin/env node
// Checks what a teacher on a phone, offline, meets in a wbl site: search
// from the file system, the contents one tap from the top, "On this page",
// and the way to the printables.
//
//   node search.mjs [--screenshots DIR] OUT_DIR...
//
// For each output folder (made by `wbl adapt --out DIR`):
//   fold       search.js folds the query as wbl folded the index ("Éxito" and
//              "exito" alike; every title and heading in the index folded by
//              the Rust side equals the JavaScript fold of its text)
//   index      site/search-index.js is at most 400 KB and loads as a script
//   search     opened from file:// at 375 px, typing "consent" in the search
//              field lists a link to the consent form, the status (role=status)
//              says how many sections match, an accented query finds the same,
//              and following the link opens the page; without JavaScript the
//              form leads to the contents
//   contents   on the longest page, at 375 px, a "Contents" link is on the
//              first screen and tapping it brings the contents into view
//   sections   every page with three or more `##` sections lists them in a
//              nav with an accessible name, and no other page does
//   print      the home page links the handbook and handouts/index.html, the
//              handouts index links every handout, and every handout's site
//              page links its printable version
// Screenshots (home page, the longest guide page, search results; 375 and
// 1280 px) go to DIR (default: OUT/../screenshots). Exits 1 when a check fails.

import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MOBILE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const MAX_INDEX_BYTES = 400 * 1024;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ON_THIS_PAGE_MIN = 3;
const LONGEST_CANDIDATES = 6;

const argv = process.argv.slice(2);
let shotDir = process.env.WBL_SCREENSHOTS || '';
const outDirs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--screenshots') shotDir = argv[++i];
  else if (argv[i].startsWith('-')) usage(`unknown option ${argv[i]}`);
  else outDirs.push(path.resolve(argv[i]));
}
if (!outDirs.length) usage('give at least one output folder');
for (const d of outDirs) if (!fs.existsSync(path.join(d, 'site', 'index.html'))) usage(`${d} has no site/index.html`);
shotDir = path.resolve(shotDir || path.join(path.dirname(outDirs[0]), 'screenshots'));

function usage(msg) {
  console.error(`search.mjs: ${msg}\nusage: node search.mjs [--screenshots DIR] OUT_DIR...`);
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error(`search.mjs: node modules missing; run: (cd ${HERE} && npm ci --ignore-scripts)`);
  process.exit(2);
}
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let passed = 0;
let failed = 0;
// Outputs are checked two at once; each one's lines are kept apart (in the
// store of the output being checked) and printed in order at the end.
const report = new AsyncLocalStorage();
const log = (line) => (report.getStore() ? report.getStore().push(line) : console.log(line));
function check(label, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  log(`  ${ok ? 'ok  ' : 'FAIL'}  ${label}${!ok && detail ? `\n          ${detail}` : ''}`);
  return ok;
}

const read = (out, rel) => fs.readFileSync(path.join(out, rel), 'utf8');
const htmlFiles = (out, sub) =>
  fs.existsSync(path.join(out, sub)) ? fs.readdirSync(path.join(out, sub)).filter((f) => f.endsWith('.html')).sort() : [];
const fileUrl = (out, rel) => pathToFileURL(path.join(out, rel)).href;

// search.js and the index, run outside a browser: the folding both sides do.
function loadScripts(out) {
  const sandbox = {};
  vm.createContext(sandbox);
  vm.runInContext(read(out, 'site/search.js'), sandbox);
  const window = {};
  vm.runInNewContext(read(out, 'site/search-index.js'), { window });
  return { api: sandbox.wblSearch, index: window.wblSearchIndex };
}

function foldChecks(out) {
  const { api, index } = loadScripts(out);
  if (!check('search.js exposes its fold and search functions', api && typeof api.fold === 'function')) return null;
  const { fold } = api;
  check('fold: "Éxito" and "exito" fold alike', fold('Éxito') === 'exito' && fold('éxito') === fold('exito'), `${fold('Éxito')} / ${fold('exito')}`);
  check('fold: "CONSENTIMIENTO" and "consentimiento"', fold('CONSENTIMIENTO') === 'consentimiento' && fold('Consentimiento, firmado.') === 'consentimiento firmado');
  check('fold: decomposed accents and apostrophes', fold('e\u0301xito') === 'exito' && fold("partner's") === 'partners' && fold('niño año') === 'nino ano');
  if (!check('the index sets window.wblSearchIndex', index && Array.isArray(index.pages) && Array.isArray(index.sections))) return null;
  const titleMismatch = index.pages.filter((p) => fold(p[1]) !== p[3]);
  check(`every page title in the index is folded as search.js folds (${index.pages.length} pages)`, titleMismatch.length === 0, JSON.stringify(titleMismatch.slice(0, 3)));
  const headingMismatch = index.sections.filter((s) => fold(s[2]) !== s[4]);
  check(`every heading in the index is folded as search.js folds (${index.sections.length} sections)`, headingMismatch.length === 0, JSON.stringify(headingMismatch.slice(0, 3)));
  const sitePages = htmlFiles(out, 'site').filter((f) => f !== 'index.html').map((f) => f.replace(/\.html$/, ''));
  const indexed = new Set(index.pages.map((p) => p[0]));
  check('every site page is in the index, and nothing else', sitePages.length === indexed.size && sitePages.every((p) => indexed.has(p)), `site: ${sitePages.length}, index: ${indexed.size}`);
  const first = api.search(index, 'consent')[0];
  check('search "consent": the best match is on the consent form', first && /consent/.test(first.href), JSON.stringify(first));
  return { api, index };
}

function sizeCheck(out) {
  const bytes = fs.statSync(path.join(out, 'site/search-index.js')).size;
  check(`site/search-index.js is ${(bytes / 1024).toFixed(1)} KB (at most ${MAX_INDEX_BYTES / 1024} KB)`, bytes <= MAX_INDEX_BYTES);
}

// Static checks over the files: the printables and "On this page".
function fileChecks(out) {
  const home = read(out, 'site/index.html');
  const hasHandbook = fs.existsSync(path.join(out, 'print/handbook.html'));
  const handouts = htmlFiles(out, 'handouts').filter((f) => f !== 'index.html');
  if (hasHandbook) check('the home page links the handbook', home.includes('href="../print/handbook.html"'));
  if (handouts.length) {
    check('the home page links handouts/index.html', home.includes('href="../handouts/index.html"'));
    const idx = read(out, 'handouts/index.html');
    const missing = handouts.filter((f) => !idx.includes(`href="${f}"`));
    check(`handouts/index.html links all ${handouts.length} handouts`, missing.length === 0, `missing: ${missing.join(', ')}`);
    const unlinked = handouts.filter((f) => fs.existsSync(path.join(out, 'site', f)) && !read(out, `site/${f}`).includes(`href="../handouts/${f}"`));
    check('every handout\'s site page links its printable version', unlinked.length === 0, `no link on: ${unlinked.join(', ')}`);
  }
  const wrong = [];
  for (const f of htmlFiles(out, 'site').filter((f) => f !== 'index.html')) {
    const html = read(out, `site/${f}`);
    const content = html.slice(html.indexOf('<div class="content">'), html.indexOf('</article>'));
    const ids = [...content.matchAll(/<h2 id="([^"]+)">/g)].map((m) => m[1]);
    const nav = /<nav class="on-this-page" aria-labelledby="([^"]+)">([\s\S]*?)<\/nav>/.exec(html);
    if (ids.length >= ON_THIS_PAGE_MIN) {
      const listed = nav ? [...nav[2].matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]) : [];
      if (!nav || listed.join(' ') !== ids.join(' ')) wrong.push(`${f}: ${ids.length} sections, listed [${listed.join(' ')}]`);
    } else if (nav) {
      wrong.push(`${f}: only ${ids.length} sections but an "On this page" list`);
    }
  }
  check(`pages with ${ON_THIS_PAGE_MIN} or more sections list them, others do not`, wrong.length === 0, wrong.slice(0, 4).join('; '));
}

// The longest page of the site by height at 375 px is found in the browser;
// the guide page with the most sections is the "long guide page".
function longestGuide(out) {
  let best = null;
  for (const f of htmlFiles(out, 'site').filter((f) => f !== 'index.html')) {
    const html = read(out, `site/${f}`);
    if (!html.includes('class="page kind-guide"')) continue;
    const n = (html.match(/<h2 id="/g) || []).length;
    if (!best || n > best.n) best = { f, n };
  }
  return best && best.f;
}

async function browserChecks(browser, out, label) {
  const shots = [];
  const errors = [];
  const mobile = await browser.newContext({ viewport: MOBILE, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  const desktop = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
  const noJs = await browser.newContext({ viewport: MOBILE, javaScriptEnabled: false });
  const page = async (ctx, rel) => {
    const p = await ctx.newPage();
    p.setDefaultTimeout(20_000);
    p.on('pageerror', (e) => errors.push(`${rel}: ${e.message}`));
    // axe re-reads stylesheets with XHR, which file:// refuses; the site
    // itself makes no such request.
    p.on('requestfailed', (r) => {
      if (!['xhr', 'fetch'].includes(r.resourceType())) errors.push(`${rel}: failed to load ${r.url()}`);
    });
    await p.goto(fileUrl(out, rel), { waitUntil: 'load' });
    return p;
  };
  const shot = async (p, name, full = false) => {
    fs.mkdirSync(shotDir, { recursive: true });
    const file = path.join(shotDir, `${label}-${name}.png`);
    await p.screenshot({ path: file, fullPage: full });
    shots.push(file);
  };
  // axe-core over the page as it is now (the results open), WCAG 2.1 A/AA.
  const axe = async (p, what) => {
    await p.evaluate(AXE_SOURCE);
    const violations = await p.evaluate(
      async (tags) =>
        (await window.axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations.map(
          (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`,
        ),
      AXE_TAGS,
    );
    check(`axe: no WCAG 2.1 A/AA violation ${what}`, violations.length === 0, violations.join('; '));
  };
  const results = (p) =>
    p.evaluate(() => ({
      status: document.querySelector('#wbl--search-results [role=status]')?.textContent || '',
      links: [...document.querySelectorAll('#wbl--search-results .search-list a')].map((a) => a.getAttribute('href')),
    }));
  try {
    // Search, typed as a person would, from the file system at 375 px.
    {
      const p = await page(mobile, 'site/index.html');
      await shot(p, 'home-375');
      const box = p.locator('form[role=search] input[type=search]');
      await box.click();
      await box.pressSequentially('consent');
      await p.waitForSelector('#wbl--search-results .search-list a');
      const r = await results(p);
      check('typing "consent" lists a link to the consent form', r.links.some((h) => h.startsWith('consent-and-release-form.html')), r.links.slice(0, 5).join(' '));
      check(`the result count is announced (role=status): "${r.status}"`, /\d/.test(r.status) && r.status.includes('consent'));
      const live = await p.evaluate(() => {
        const s = document.querySelector('#wbl--search-results [role=status]');
        return s && getComputedStyle(s).display !== 'none';
      });
      check('the status region is rendered (so screen readers hear it)', live);
      const wide = await p.evaluate(() => document.documentElement.scrollWidth);
      check(`the results fit the phone (${wide}px wide)`, wide <= MOBILE.width);
      await shot(p, 'search-consent-375');
      await axe(p, 'with search results open at 375 px');
      await box.fill('');
      await box.pressSequentially('CÓNSENT');
      await p.waitForFunction(() => (document.querySelector('#wbl--search-results [role=status]')?.textContent || '').includes('CÓNSENT'));
      const accented = await results(p);
      check('an accented, capitalised query finds the same sections', accented.links.join(' ') === r.links.join(' '));
      await box.fill('zzqxv');
      await p.waitForFunction(() => !document.querySelector('#wbl--search-results ol.search-list'));
      const none = await results(p);
      check(`a query with no match says so: "${none.status}"`, none.status.includes('zzqxv') && !/\d+ section/.test(none.status));
      await box.fill('consent');
      await p.waitForSelector('#wbl--search-results .search-list a');
      await p.locator('#wbl--search-results .search-list a').first().click();
      await p.waitForLoadState('load');
      check('following the first result opens its page', p.url().includes('consent-and-release-form.html'), p.url());
      await p.close();
    }
    {
      const p = await page(desktop, 'site/index.html');
      await shot(p, 'home-1280');
      const box = p.locator('form[role=search] input[type=search]');
      await box.click();
      await box.pressSequentially('consent form');
      await p.waitForSelector('#wbl--search-results .search-list a');
      await shot(p, 'search-consent-1280');
      await axe(p, 'with search results open at 1280 px');
      await box.fill('zzqxv');
      await p.waitForFunction(() => !document.querySelector('#wbl--search-results ol.search-list'));
      await axe(p, 'with "no match" shown');
      await p.close();
    }
    // Without JavaScript the form leads to the contents.
    {
      const p = await page(noJs, 'site/session-agenda.html');
      await p.locator('form[role=search] input[type=search]').fill('consent');
      await Promise.all([p.waitForEvent('load'), p.locator('form[role=search] input[type=search]').press('Enter')]);
      const at = new URL(p.url());
      const target = await p.evaluate(() => {
        const el = document.getElementById(location.hash.slice(1));
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return { top: r.top, tag: el.tagName.toLowerCase() };
      });
      check(
        'without JavaScript, the search form opens the contents',
        // A fragment scrolls its target to the top to within a pixel: layout
        // in fractions of a pixel leaves it at -0.125 px on some pages.
        at.pathname.endsWith('/site/index.html') && at.hash === '#wbl--contents' && target && target.tag === 'nav' && target.top > -1 && target.top < MOBILE.height,
        `${p.url()} ${JSON.stringify(target)}`,
      );
      await p.close();
    }
    // The contents, one tap from the top of the longest page: measured at
    // 375 px among the pages with the most text (page height follows the
    // text; loading every page to measure it was a fifth of this script).
    {
      let longest = null;
      const text = (f) => read(out, `site/${f}`).replace(/<[^>]*>/g, '').length;
      const candidates = htmlFiles(out, 'site')
        .map((f) => ({ f, n: text(f) }))
        .sort((a, b) => b.n - a.n)
        .slice(0, LONGEST_CANDIDATES)
        .map((c) => c.f);
      for (const f of candidates) {
        const p = await page(mobile, `site/${f}`);
        const h = await p.evaluate(() => document.documentElement.scrollHeight);
        if (!longest || h > longest.h) longest = { f, h };
        await p.close();
      }
      const p = await page(mobile, `site/${longest.f}`);
      const link = await p.evaluate(() => {
        const a = document.querySelector('header a[href="#wbl--contents"]');
        if (!a) return null;
        const r = a.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, width: r.width, text: a.textContent.trim() };
      });
      check(`${longest.f} (${longest.h}px tall at 375 px): a "Contents" link is on the first screen`, link && link.width > 0 && link.bottom <= MOBILE.height, JSON.stringify(link));
      if (link) {
        await p.locator('header a[href="#wbl--contents"]').tap();
        const nav = await p.evaluate(() => {
          const r = document.getElementById('wbl--contents').getBoundingClientRect();
          return { top: r.top, scrolled: scrollY };
        });
        check('tapping it brings the contents into view', nav.top >= -1 && nav.top < MOBILE.height / 2 && nav.scrolled > 0, JSON.stringify(nav));
      }
      await p.close();
    }
    // A long guide page lists its sections, in a nav with a name.
    const guide = longestGuide(out);
    if (guide) {
      const p = await page(mobile, `site/${guide}`);
      const otp = await p.evaluate(() => {
        const nav = document.querySelector('main nav[aria-labelledby]');
        if (!nav) return null;
        const name = document.getElementById(nav.getAttribute('aria-labelledby'))?.textContent.trim();
        const links = [...nav.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href').slice(1));
        return { name, links, resolved: links.filter((id) => document.getElementById(id)).length };
      });
      check(
        `${guide}: "On this page" nav named "${otp && otp.name}" lists ${otp ? otp.links.length : 0} sections`,
        otp && otp.name && otp.links.length >= ON_THIS_PAGE_MIN && otp.resolved === otp.links.length,
        JSON.stringify(otp),
      );
      await shot(p, `${guide.replace(/\.html$/, '')}-375`);
      await p.close();
      const d = await page(desktop, `site/${guide}`);
      await shot(d, `${guide.replace(/\.html$/, '')}-1280`);
      await d.close();
    }
    if (fs.existsSync(path.join(out, 'handouts/index.html'))) {
      const p = await page(mobile, 'handouts/index.html');
      await shot(p, 'handouts-index-375', true);
      await p.close();
    }
  } catch (e) {
    check('the browser checks ran to the end', false, e.message.split('\n')[0]);
  } finally {
    // A closed browser must not hide the error that closed it.
    for (const ctx of [mobile, desktop, noJs]) await ctx.close().catch(() => {});
  }
  check('no script errors and no failed loads', errors.length === 0, errors.slice(0, 5).join('; '));
  return shots;
}

// A digest of everything a reader opens (site/, handouts/, print/, names and
// bytes): an output identical to one already checked in the browser (the
// unzipped bundle is meant to be) would only repeat its results.
function treeDigest(out) {
  const h = crypto.createHash('sha256');
  const walk = (rel) => {
    const abs = path.join(out, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else h.update(`${r}\0${fs.statSync(path.join(out, r)).size}\0`).update(fs.readFileSync(path.join(out, r)));
    }
  };
  for (const sub of ['site', 'handouts', 'print']) walk(sub);
  return h.digest('hex');
}

// Two outputs at once: one output's checks are a chain of round trips to the
// browser, so a second keeps the other core busy.
const JOBS = 2;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
const shots = [];
const labels = new Set();
const checkedInBrowser = new Map(); // digest -> label
const started = Date.now();
// Labels and digests first, in order, so that an output identical to an
// earlier one is known as such before any is checked.
const jobs = outDirs.map((out) => {
  let label = path.basename(out);
  while (labels.has(label)) label += '-1';
  labels.add(label);
  const digest = treeDigest(out);
  const same = checkedInBrowser.get(digest);
  if (!same) checkedInBrowser.set(digest, label);
  return { out, label, same, lines: [] };
});
try {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(JOBS, jobs.length) }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        await report.run(job.lines, async () => {
          const { out, label, same } = job;
          const t = Date.now();
          log(`== ${label}: ${out}`);
          foldChecks(out);
          sizeCheck(out);
          fileChecks(out);
          if (same) {
            check(`site/, handouts/ and print/ are byte for byte those of ${same} (checked in the browser there)`, true);
          } else {
            job.shots = await browserChecks(browser, out, label);
          }
          log(`  (${((Date.now() - t) / 1000).toFixed(0)} s)`);
        });
      }
    }),
  );
} finally {
  await browser.close();
  for (const job of jobs) {
    for (const line of job.lines) console.log(line);
    shots.push(...(job.shots || []));
  }
}
console.log(`\nsearch.mjs: ${outDirs.length} output(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log('\nScreenshots:');
for (const s of shots) console.log(`  ${s}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

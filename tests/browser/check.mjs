#!/usr/bin/env node
// Browser checks for wbl output folders (each made by `wbl adapt --out DIR`).
//
//   node check.mjs [--screenshots DIR] OUT_DIR...
//
// For every HTML page in OUT/site/, OUT/handouts/ and OUT/print/ it checks:
//   axe      axe-core, WCAG 2.0/2.1 A and AA rules: no violation, for the page
//            opened as file:// in screen media everywhere; in print media
//            on the first output and a sample of the others; served over
//            http on the sample (see plan() and sample())
//   nu       the W3C Nu Html Checker (vnu.jar): no error
//   links    every local href/src (and #fragment) resolves inside OUT; nothing
//            points outside it; no remote asset (only <a href> may leave);
//            the browser makes no request outside OUT and no request fails
//   keyboard the first Tab focuses the skip link, activating it moves focus to
//            its target inside <main>; every element Tab reaches has a visible
//            focus indicator (outline or box-shadow) and is on screen (this
//            walk on the sample and on each page with a new kind of stop)
//   mobile   at 375 CSS px (a phone) the page does not scroll sideways
//   print    (the handbook and each handout) laid out with print media at
//            the width of its text block (the paper size less the margins
//            of its @page rule), no element is wider than that block and
//            none scrolls or clips sideways: Chromium shrinks a whole
//            document to fit its widest element, so one would print every
//            sheet in small type
// It saves screenshots of the home page and one content page (desktop 1280 px
// and mobile 375 px) per output, prints a per-page report and exits 1 when any
// check fails (2 on a usage or setup error).
//
// It prints the time each phase and each check took.
//
// Environment:
//   WBL_SCREENSHOTS  folder for screenshots (default: OUT/../screenshots), 0: none
//   CHROMIUM         browser binary (default: /usr/bin/chromium)
//   WBL_JOBS         pages checked at once (default: 3)
//   WBL_VERBOSE=1    also list axe "needs review" results
//   WBL_FULL=1       every check on every page of every output (see sample())

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const DESKTOP = { width: 1280, height: 900 };
const MOBILE_WIDTH = 375;
const MOBILE = { width: MOBILE_WIDTH, height: 740 };
const JOBS = Math.max(1, Number(process.env.WBL_JOBS) || 3);
// WBL_SCREENSHOTS=0 (as the self-test sets it) saves none.
const SCREENSHOTS = process.env.WBL_SCREENSHOTS !== '0';
const VERBOSE = !!process.env.WBL_VERBOSE && process.env.WBL_VERBOSE !== '0';
const MAX_TABS = 1500;
// WBL_PAGES=site/index.html,print/handbook.html checks only those pages (for debugging).
const ONLY = process.env.WBL_PAGES ? process.env.WBL_PAGES.split(',').map((s) => s.trim()) : null; // focus walk limit per page

// ---------------------------------------------------------------- arguments

function usage(msg) {
  if (msg) console.error(`check.mjs: ${msg}`);
  console.error('usage: node check.mjs [--screenshots DIR] OUT_DIR...');
  process.exit(2);
}

const argv = process.argv.slice(2);
let screenshotDir = SCREENSHOTS ? process.env.WBL_SCREENSHOTS || '' : '';
const outDirs = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--screenshots') {
    screenshotDir = argv[++i] || usage('--screenshots needs a folder');
  } else if (a === '-h' || a === '--help') {
    usage();
  } else if (a.startsWith('-')) {
    usage(`unknown option ${a}`);
  } else {
    outDirs.push(path.resolve(a));
  }
}
if (outDirs.length === 0) usage('give at least one output folder');
for (const d of outDirs) {
  if (!fs.existsSync(path.join(d, 'site', 'index.html'))) {
    usage(`${d} is not a wbl output folder (no site/index.html)`);
  }
}
if (!screenshotDir) screenshotDir = path.join(path.dirname(outDirs[0]), 'screenshots');
screenshotDir = path.resolve(screenshotDir);

if (!fs.existsSync(CHROMIUM)) {
  console.error(`check.mjs: no browser at ${CHROMIUM}; install one with: apt-get update && apt-get install -y chromium`);
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error(`check.mjs: node modules missing; run: (cd ${HERE} && npm ci --ignore-scripts)`);
  process.exit(2);
}
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

// ---------------------------------------------------------------- model

// One output folder: label (folder name, made unique), root, pages.
const outputs = [];
const labels = new Set();
for (const [i, root] of outDirs.entries()) {
  let label = path.basename(root);
  while (labels.has(label)) label += `-${i}`;
  labels.add(label);
  const pages = [];
  for (const sub of ['site', 'handouts', 'print']) {
    for (const f of walkHtml(path.join(root, sub))) pages.push(path.relative(root, f).split(path.sep).join('/'));
  }
  if (ONLY) pages.splice(0, pages.length, ...pages.filter((p) => ONLY.includes(p)));
  outputs.push({ index: i, label, root, pages, stylesheets: [] });
}

// Every page at any depth (site/es/, handouts/es/, print/family-packet.*):
// whatever wbl writes is checked without this list being told about it.
function walkHtml(dir) {
  return walkFiles(dir, /\.html?$/i);
}

function walkFiles(dir, pattern) {
  if (!fs.existsSync(dir)) return [];
  const found = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'assets') found.push(...walkFiles(p, pattern));
    } else if (pattern.test(e.name)) {
      found.push(p);
    }
  }
  return found;
}

// failures: key "label\0page" -> [{check, msg}]
const failures = new Map();
const notes = new Map();
function fail(out, page, check, msg) {
  const k = `${out.label}\0${page}`;
  if (!failures.has(k)) failures.set(k, []);
  failures.get(k).push({ check, msg });
}
function note(out, page, msg) {
  const k = `${out.label}\0${page}`;
  if (!notes.has(k)) notes.set(k, []);
  notes.get(k).push(msg);
}

// ---------------------------------------------------------------- http server

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.zip': 'application/zip',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

// Serves output N under /N/ on 127.0.0.1, read-only, nothing outside it.
function startServer() {
  const server = http.createServer((req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const m = /^\/(\d+)(\/.*)$/.exec(decodeURIComponent(url.pathname));
      const out = m && outputs[Number(m[1])];
      if (!out || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404).end();
        return;
      }
      const file = path.resolve(out.root, '.' + m[2]);
      const rel = path.relative(out.root, file);
      if (rel.startsWith('..') || path.isAbsolute(rel) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const body = fs.readFileSync(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(500).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------- Nu checker

// Runs vnu.jar once over every page and stylesheet, alongside the browser
// (the JVM's work overlaps the time the browser waits on layout and axe).
async function runNu() {
  const files = [];
  for (const out of outputs) for (const p of out.pages) files.push(path.join(out.root, p));
  // Stylesheets too (and <style> elements, with --also-check-css).
  const cssFiles = [];
  for (const out of outputs) {
    for (const sub of ['site', 'handouts', 'print']) {
      for (const f of walkFiles(path.join(out.root, sub), /\.css$/i)) {
        const rel = path.relative(out.root, f).split(path.sep).join('/');
        cssFiles.push(f);
        if (!out.stylesheets.includes(rel)) out.stylesheets.push(rel);
      }
    }
  }
  files.push(...cssFiles);
  const res = await new Promise((resolve) => {
    const child = spawn('java', ['-jar', VNU_JAR, '--errors-only', '--also-check-css', '--format', 'json', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (d) => stdout.push(d));
    child.stderr.on('data', (d) => stderr.push(d));
    child.on('error', (error) => resolve({ error }));
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
  if (res.error) {
    console.error(`check.mjs: could not run java (${res.error.message}); the Nu checker needs Java 11 or later`);
    process.exit(2);
  }
  let report;
  try {
    report = JSON.parse(res.stderr || res.stdout);
  } catch {
    console.error(`check.mjs: unexpected output from vnu.jar (exit ${res.status}):\n${res.stderr}${res.stdout}`);
    process.exit(2);
  }
  const byFile = new Map();
  for (const out of outputs) for (const p of [...out.pages, ...out.stylesheets]) byFile.set(path.join(out.root, p), { out, page: p });
  let count = 0;
  for (const m of report.messages || []) {
    let where = null;
    if (m.url) {
      try {
        where = byFile.get(fileURLToPath(m.url));
      } catch {
        where = null;
      }
    }
    if (m.type === 'info' || (m.type !== 'error' && m.type !== 'non-document-error' && m.subType !== 'fatal')) continue;
    count++;
    const line = m.lastLine ? `line ${m.firstLine && m.firstLine !== m.lastLine ? `${m.firstLine}-` : ''}${m.lastLine}: ` : '';
    const extract = m.extract ? `  «${m.extract.replace(/\s+/g, ' ').trim().slice(0, 140)}»` : '';
    if (where) fail(where.out, where.page, 'nu', `${line}${m.message}${extract}`);
    else {
      console.error(`nu: ${m.url || ''} ${m.message}`);
      fail(outputs[0], '(nu)', 'nu', `${m.url || ''} ${m.message}`);
    }
  }
  return count;
}

// ---------------------------------------------------------------- in-page probes

// Collected once per page (file://): ids, links, stylesheets, skip link.
function collectDom() {
  const attrs = [
    ['a', 'href'], ['area', 'href'], ['link', 'href'], ['img', 'src'], ['img', 'srcset'],
    ['script', 'src'], ['source', 'src'], ['source', 'srcset'], ['iframe', 'src'], ['embed', 'src'],
    ['object', 'data'], ['video', 'src'], ['video', 'poster'], ['audio', 'src'], ['track', 'src'],
    ['input', 'src'], ['form', 'action'], ['use', 'href'], ['image', 'href'],
  ];
  const links = [];
  for (const [tag, attr] of attrs) {
    for (const el of document.querySelectorAll(`${tag}[${attr}]`)) {
      const value = el.getAttribute(attr);
      const values = attr === 'srcset' ? value.split(',').map((s) => s.trim().split(/\s+/)[0]).filter(Boolean) : [value];
      for (const v of values) links.push({ tag, attr, value: v, rel: el.getAttribute('rel') || '', text: (el.textContent || '').trim().slice(0, 60) });
    }
  }
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
  const names = [...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name'));
  const styles = [...document.querySelectorAll('style')].map((s) => s.textContent);
  const styleAttrs = [...document.querySelectorAll('[style]')].map((e) => e.getAttribute('style'));
  const base = document.querySelector('base[href]')?.getAttribute('href') || null;
  // The kinds of focusable element on the page, each in its context: what
  // decides its focus ring (its tag and classes, its parent's and
  // grandparent's), whether a box can clip the ring (the nearest box that
  // does not let overflow show), and the landmark it sits in.
  const tabbable = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [tabindex]:not([tabindex="-1"]), [contenteditable=""], [contenteditable=true]';
  const name = (e) => (e ? e.tagName.toLowerCase() + [...e.classList].map((c) => `.${c}`).join('') : '-');
  const focusKinds = new Set();
  for (const el of document.querySelectorAll(tabbable)) {
    let clip = null;
    for (let a = el.parentElement; a && a !== document.body && !clip; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') clip = a;
    }
    const landmark = el.closest('header, nav, main, aside, footer, [role]');
    focusKinds.add([name(el), el.getAttribute('tabindex') ?? '', name(el.parentElement), name(el.parentElement?.parentElement), name(clip), name(landmark)].join(' | '));
  }
  return { links, ids: [...ids, ...names], styles, styleAttrs, base, lang: document.documentElement.lang, focusKinds: [...focusKinds] };
}

function describeActive() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  let d = el.tagName.toLowerCase();
  if (el.id) d += `#${el.id}`;
  if (el.classList.length) d += '.' + [...el.classList].join('.');
  const href = el.getAttribute('href');
  if (href) d += `[href="${href}"]`;
  return d;
}

// ---------------------------------------------------------------- page checks

// A tab, reused page after page by one worker (a new tab per page costs a
// renderer process and axe compiled from cold: about half of each page's
// time). The listeners report to the page the tab is on now (`tab.cur`);
// `state.step` names what that page is being used for, since one load
// serves several checks.
async function openTab(ctx) {
  const p = await ctx.newPage();
  p.setDefaultTimeout(60_000);
  const tab = { p, cur: null };
  p.on('request', (req) => {
    const c = tab.cur;
    const u = req.url();
    if (!c || u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return;
    if (!u.startsWith(c.base)) fail(c.out, c.page, 'links', `[${c.where}] request outside the output folder: ${u}`);
  });
  p.on('requestfailed', (req) => {
    const c = tab.cur;
    const u = req.url();
    if (!c || !u.startsWith(c.base)) return; // already reported above
    // axe-core re-reads stylesheets with XHR to see their rules; from file://
    // that is refused. It is axe's own request, not one the page makes.
    if (c.state.step === 'axe' && ['xhr', 'fetch'].includes(req.resourceType())) return;
    fail(c.out, c.page, 'links', `[${c.where}] failed to load ${decodeURI(u.slice(c.base.length))}: ${req.failure()?.errorText}`);
  });
  p.on('response', (res) => {
    const c = tab.cur;
    if (c && res.status() >= 400) fail(c.out, c.page, 'links', `[${c.where}] HTTP ${res.status()} for ${decodeURI(res.url().slice(c.base.length))}`);
  });
  p.on('pageerror', (err) => {
    const c = tab.cur;
    if (c) fail(c.out, c.page, 'script', `[${c.where}] script error: ${err.message}`);
  });
  return tab;
}

// Points the tab's reports at a page (before it is loaded) and gives its URL.
function aim(tab, out, page, where, step = '') {
  const state = { step };
  const base = where === 'http' ? `http://127.0.0.1:${serverPort}/${out.index}/` : pathToFileURL(out.root + path.sep).href;
  tab.cur = { out, page, where, base, state };
  return { p: tab.p, state, url: base + page.split('/').map(encodeURIComponent).join('/') };
}

// A tab of its own, for the screenshots.
async function newPage(ctx, out, page, where, step = '') {
  return aim(await openTab(ctx), out, page, where, step);
}

async function runAxe(p) {
  const has = await p.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await p.evaluate(AXE_SOURCE);
  return p.evaluate(
    async (tags) => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations', 'incomplete'],
      });
      const slim = (list) =>
        list.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({
            target: n.target.join(' '),
            summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
            html: n.html.replace(/\s+/g, ' ').slice(0, 160),
          })),
        }));
      return { violations: slim(r.violations), incomplete: slim(r.incomplete) };
    },
    AXE_TAGS,
  );
}

// axe on a loaded page, in each of `media`; findings are merged across runs
// (file/http × screen/print) so one problem is reported once with where it
// was seen.
async function axeOn(p, state, where, media, axeFound, spent = {}) {
  state.step = 'axe';
  try {
    for (const m of media) {
      await p.emulateMedia({ media: m });
      const r = await timed(`axe ${m}/${where}`, () => runAxe(p), spent);
      for (const [kind, list] of [['violation', r.violations], ['incomplete', r.incomplete]]) {
        for (const v of list) {
          for (const n of v.nodes) {
            const key = `${kind}\0${v.id}\0${n.target}`;
            if (!axeFound.has(key)) axeFound.set(key, { kind, v, n, ctx: [] });
            axeFound.get(key).ctx.push(`${m}/${where}`);
          }
        }
      }
    }
  } finally {
    await p.emulateMedia({ media: 'screen' });
    state.step = '';
  }
}

// On a page as loaded (nothing focused yet): the first Tab focuses the skip
// link; Enter moves focus to its target in <main>.
// Read right after the first Tab: what it focused (kept as __wblFirstStop).
function firstTabStop() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  window.__wblFirstStop = el;
  const href = el.getAttribute('href') || '';
  const r = el.getBoundingClientRect();
  const target = href.startsWith('#') && href.length > 1 ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  const main = document.querySelector('main, [role=main]');
  return {
    tag: el.tagName.toLowerCase(),
    href,
    text: el.textContent.trim(),
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    hasTarget: !!target,
    targetInMain: !!(target && main && (main === target || main.contains(target))),
  };
}

// `first` is given when the Tab walk pressed that first Tab itself (see
// checkPage, it saves the page a second load); the walk has moved focus on
// since, so the skip link is focused again before Enter, as it is for the
// person who has just tabbed to it.
async function skipLinkCheck(p, out, page, walked = false, first = null) {
  if (!walked) {
    await p.keyboard.press('Tab');
    first = await p.evaluate(firstTabStop);
  }
  if (!first) {
    fail(out, page, 'keyboard', 'pressing Tab once from page load focuses nothing (no skip link)');
  } else if (first.tag !== 'a' || !first.href.startsWith('#')) {
    fail(out, page, 'keyboard', `the first Tab stop is <${first.tag}> "${first.text.slice(0, 40)}" ${first.href}, not a skip link to the main content`);
  } else if (!first.hasTarget) {
    fail(out, page, 'keyboard', `skip link "${first.text}" points to ${first.href}, which is not an id on the page`);
  } else {
    if (!first.targetInMain) fail(out, page, 'keyboard', `skip link "${first.text}" target ${first.href} is not the main content (<main> or inside it)`);
    if (!first.visible) fail(out, page, 'keyboard', `skip link "${first.text}" stays off screen when focused`);
    if (walked) await p.evaluate(() => window.__wblFirstStop.focus());
    await p.keyboard.press('Enter');
    // The fragment navigation focuses a focusable target when the page is
    // next laid out: wait for that focus (at most a second, when the link goes
    // nowhere, which is then reported). A target that cannot take focus only
    // moves the Tab starting point: the 50 ms this check always waited.
    await p.evaluate(
      (href) =>
        new Promise((resolve) => {
          const target = document.getElementById(decodeURIComponent(href.slice(1)));
          if (!(target.tabIndex >= 0 || target.hasAttribute('tabindex'))) return setTimeout(resolve, 50);
          if (target.contains(document.activeElement)) return resolve();
          document.addEventListener('focusin', () => resolve(), { once: true });
          setTimeout(resolve, 1000);
        }),
      first.href,
    );
    const after = await p.evaluate((href) => {
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      const el = document.activeElement;
      const tabbable = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [tabindex]:not([tabindex="-1"])';
      const following = [...document.querySelectorAll(tabbable)].filter(
        (e) => e.getClientRects().length > 0 && (target.contains(e) || target.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING),
      ).length;
      return {
        inTarget: !!(el && el !== document.body && target.contains(el)),
        onBody: el === document.body,
        hash: location.hash,
        following,
      };
    }, first.href);
    if (!after.inTarget && after.following === 0) {
      // Nothing to Tab to after the target: the focus must have left the
      // skip link and the page must have moved to the target.
      if (!after.onBody || after.hash !== first.href) {
        fail(out, page, 'keyboard', `activating the skip link does not move to ${first.href} (focus stays on the link)`);
      }
    } else if (!after.inTarget) {
      // Chromium moves the sequential focus starting point to a target that
      // cannot take focus itself: the next Tab must land inside or after it.
      await p.keyboard.press('Tab');
      const next = await p.evaluate((href) => {
        const target = document.getElementById(decodeURIComponent(href.slice(1)));
        const el = document.activeElement;
        if (!el || el === document.body) return { ok: false, what: 'nothing' };
        const ok = target.contains(el) || !!(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
        return { ok, what: el.outerHTML.slice(0, 80) };
      }, first.href);
      if (!next.ok) fail(out, page, 'keyboard', `activating the skip link does not move focus to ${first.href}: the next Tab goes to ${next.what}`);
    }
  }
}

// On a freshly loaded page: walk every Tab stop; each has a visible focus
// indicator, is on screen, and its ring is not cut off by a scrolling box.
// The page measures each stop itself on the Tab's keyup: by then Chromium
// has moved focus and scrolled the element into view (it does so right after
// focusin), so the walk is one key press per stop and one read at the end
// rather than a round trip to the page per stop.
async function focusWalk(p, out, page, afterFirstTab = null) {
  const expected = await p.evaluate(() => {
    const tabbable = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [tabindex]:not([tabindex="-1"]), [contenteditable=""], [contenteditable=true]';
    const n = [...document.querySelectorAll(tabbable)].filter((e) => !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden').length;
    // How far the focus ring reaches outside the element's border box.
    const ringExtent = (cs) => {
      if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) {
        return Math.max(0, parseFloat(cs.outlineOffset) + parseFloat(cs.outlineWidth));
      }
      let ext = 0;
      for (const sh of (cs.boxShadow || '').split(/,(?![^(]*\))/)) {
        if (/inset/.test(sh)) continue;
        const m = (sh.replace(/rgba?\([^)]*\)/g, '').match(/-?[\d.]+px/g) || []).map(parseFloat);
        if (m.length >= 2) ext = Math.max(ext, (m[2] || 0) + (m[3] || 0)); // blur + spread
      }
      return ext;
    };
    // The first ancestor that clips the ring (overflow other than visible).
    const clippedBy = (el, r, ext) => {
      for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const ar = a.getBoundingClientRect();
        const left = ar.left + a.clientLeft;
        const top = ar.top + a.clientTop;
        const sides = [];
        if (cs.overflowX !== 'visible') {
          if (r.left - ext < left - 1) sides.push('left');
          if (r.right + ext > left + a.clientWidth + 1) sides.push('right');
        }
        if (cs.overflowY !== 'visible') {
          if (r.top - ext < top - 1 && r.top >= top - 1) sides.push('top');
          if (r.bottom + ext > top + a.clientHeight + 1 && r.bottom <= top + a.clientHeight + 1) sides.push('bottom');
        }
        if (sides.length) {
          let d = a.tagName.toLowerCase();
          if (a.classList.length) d += '.' + [...a.classList].join('.');
          return `${d} (${sides.join(', ')})`;
        }
      }
      return null;
    };
    window.__wblStops = [];
    let count = 0;
    document.addEventListener(
      'keyup',
      (ev) => {
        if (ev.key !== 'Tab') return;
        const el = document.activeElement;
        if (!el || el === document.body || el === document.documentElement) {
          window.__wblStops.push({ left: true });
          return;
        }
        if (!el.__wblIndex) el.__wblIndex = ++count;
        const cs = getComputedStyle(el);
        const indicator = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (!!cs.boxShadow && cs.boxShadow !== 'none');
        let d = el.tagName.toLowerCase();
        if (el.id) d += `#${el.id}`;
        if (el.classList.length) d += '.' + [...el.classList].join('.');
        const href = el.getAttribute('href');
        if (href) d += `[href="${href}"]`;
        const r = el.getBoundingClientRect();
        const visible = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
        const clip = indicator ? clippedBy(el, r, ringExtent(cs)) : null;
        window.__wblStops.push({ key: el.__wblIndex, d, indicator, visible, clip });
      },
      true,
    );
    return n;
  });
  // Press Tab past the last stop (the walk ends where focus leaves the page
  // or comes back to a stop already seen).
  const limit = Math.min(MAX_TABS, expected + 3);
  for (let i = 0; i < limit; i++) {
    await p.keyboard.press('Tab');
    if (i === 0 && afterFirstTab) await afterFirstTab();
  }
  const records = await p.evaluate(() => window.__wblStops);
  const seen = new Set();
  const noOutline = [];
  const offScreen = [];
  const clipped = [];
  let stops = 0;
  for (const s of records) {
    if (s.left || seen.has(s.key)) break;
    seen.add(s.key);
    stops++;
    if (!s.indicator) noOutline.push(s.d);
    if (!s.visible) offScreen.push(s.d);
    if (s.clip) clipped.push(`${s.d} by ${s.clip}`);
  }
  if (stops === 0) fail(out, page, 'keyboard', 'Tab reaches no element');
  if (stops < expected) fail(out, page, 'keyboard', `Tab reached ${stops} of ${expected} focusable elements (focus trap or unreachable element?)`);
  if (noOutline.length) fail(out, page, 'keyboard', `${noOutline.length} focused element(s) have no visible focus outline or box-shadow: ${noOutline.slice(0, 5).join(', ')}${noOutline.length > 5 ? ', …' : ''}`);
  if (offScreen.length) fail(out, page, 'keyboard', `${offScreen.length} focused element(s) are not on screen when focused: ${offScreen.slice(0, 5).join(', ')}${offScreen.length > 5 ? ', …' : ''}`);
  if (clipped.length) fail(out, page, 'keyboard', `${clipped.length} focus outline(s) are cut off by a scrolling or clipping container: ${clipped.slice(0, 3).join(', ')}${clipped.length > 3 ? ', …' : ''}`);
  out.tabStops = (out.tabStops || 0) + stops;
}

// In the page: resolves once screen.width is `w` (or after two seconds).
function untilScreenIs(w) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const poll = () => {
      if (screen.width === w || performance.now() - t0 > 2000) resolve({ screen: screen.width, inner: innerWidth });
      else setTimeout(poll, 5);
    };
    poll();
  });
}

// On the page already loaded (no second load in a phone context): the tab
// becomes a phone through the DevTools protocol, with `mobile: true` as
// Playwright's isMobile sets it, so <meta name="viewport"> is obeyed and a
// page without it is laid out 980 px wide and fails here as it would on a
// phone. No script in wbl's pages reads the width, and the layout follows
// the new size as it would on a first load at 375 px (media queries, %
// widths); the self-test's too-wide box is caught this way.
async function mobileCheck(tab, out, page) {
  const { p } = tab;
  const sizes = () => [screen.width, innerWidth, navigator.maxTouchPoints].join(' ');
  const desktop = await p.evaluate(sizes);
  // The session stays open with the tab: closing it would drop its size and
  // leave the tab at none (not the desktop Playwright set).
  tab.cdp = tab.cdp || (await p.context().newCDPSession(p));
  const { cdp } = tab;
  try {
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: MOBILE.width, height: MOBILE.height, deviceScaleFactor: 1, mobile: true });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    // The renderer takes the new size a moment later (polled on a timer:
    // frames come slowly on a busy machine).
    const size = await p.evaluate(untilScreenIs, MOBILE.width);
    if (size.screen !== MOBILE.width) throw new Error(`the tab did not take the phone size (screen ${size.screen}px)`);
    const r = await p.evaluate((w) => {
      const sw = document.documentElement.scrollWidth;
      if (sw <= w) return { sw, culprits: [] };
      // The elements that stick out furthest and whose children do not.
      const wide = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > w + 0.5);
      const leaves = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
      const culprits = leaves.slice(0, 5).map((e) => {
        let d = e.tagName.toLowerCase();
        if (e.id) d += `#${e.id}`;
        if (e.classList.length) d += '.' + [...e.classList].join('.');
        const t = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
        return `${d}${t ? ` "${t}"` : ''} (right edge ${Math.round(e.getBoundingClientRect().right)}px)`;
      });
      return { sw, culprits };
    }, MOBILE_WIDTH);
    if (r.sw > MOBILE_WIDTH) {
      fail(out, page, 'mobile', `scrolls sideways at ${MOBILE_WIDTH}px: document is ${r.sw}px wide; widest: ${r.culprits.join('; ')}`);
    }
    // Allowed (tables may scroll inside their own box), but worth knowing: a
    // scrolling box a keyboard cannot reach (axe's scrollable-region-focusable).
    const boxes = await p.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => {
          const o = getComputedStyle(e).overflowX;
          if ((o !== 'auto' && o !== 'scroll') || e.scrollWidth <= e.clientWidth + 1) return false;
          const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
          return e.tabIndex < 0 && !e.querySelector(focusable);
        })
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? '.' + [...e.classList].join('.') : ''} (${e.scrollWidth}px in ${e.clientWidth}px) "${e.textContent.trim().replace(/\s+/g, ' ').slice(0, 30)}…"`),
    );
    if (boxes.length) note(out, page, `warn: at ${MOBILE_WIDTH}px ${boxes.length} box(es) scroll sideways inside the page but cannot take keyboard focus: ${boxes.join('; ')}`);
  } finally {
    // Back to the desktop for the tab's next page; a tab that does not come
    // back is replaced (see main).
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false }).catch(() => {});
    await cdp
      .send('Emulation.setDeviceMetricsOverride', { ...DESKTOP, deviceScaleFactor: 1, mobile: false, screenWidth: DESKTOP.width, screenHeight: DESKTOP.height })
      .catch(() => {});
    await p.evaluate(untilScreenIs, DESKTOP.width).catch(() => {});
    const back = await p.evaluate(sizes).catch(() => null);
    if (back !== desktop) tab.spoilt = `screen, window and touch points ${back} after the phone, ${desktop} before`;
  }
}

// ---------------------------------------------------------------- print width

// Documents made to be printed: everything in print/ (the handbook, the
// family packets) and every standalone handout, in any language folder.
function isPrintDocument(page) {
  return /^print\/.+\.html?$/.test(page) || (/^handouts\/.+\.html?$/.test(page) && !/(^|\/)index\.html?$/.test(page));
}

// The text block's width in CSS px, from the document's first @page rule
// without a selector: its size (letter, a4, legal, or lengths; landscape)
// less its left and right margins.
function textBlockWidth() {
  const PX = { in: 96, cm: 96 / 2.54, mm: 96 / 25.4, pt: 96 / 72, pc: 16, px: 1 };
  const len = (v, dflt) => {
    const m = /^(-?[\d.]+)(in|cm|mm|pt|pc|px)$/.exec((v || '').trim());
    return m ? parseFloat(m[1]) * PX[m[2]] : dflt;
  };
  const SIZES = { letter: [8.5 * 96, 11 * 96], legal: [8.5 * 96, 14 * 96], a4: [210 * PX.mm, 297 * PX.mm], a5: [148 * PX.mm, 210 * PX.mm] };
  let rule = null;
  for (const sheet of document.styleSheets) {
    for (const r of sheet.cssRules) {
      if (r.type === CSSRule.PAGE_RULE && !r.selectorText) rule = rule || r;
    }
  }
  let [w, h] = SIZES.letter;
  let left = 96;
  let right = 96;
  if (rule) {
    const size = rule.style.getPropertyValue('size').trim().split(/\s+/).filter(Boolean);
    const named = size.find((s) => SIZES[s.toLowerCase()]);
    if (named) [w, h] = SIZES[named.toLowerCase()];
    const lengths = size.map((s) => len(s, null)).filter((n) => n !== null);
    if (lengths.length) [w, h] = [lengths[0], lengths[1] ?? lengths[0]];
    if (size.includes('landscape')) [w, h] = [Math.max(w, h), Math.min(w, h)];
    else if (size.includes('portrait')) [w, h] = [Math.min(w, h), Math.max(w, h)];
    left = len(rule.style.marginLeft, left);
    right = len(rule.style.marginRight, right);
  }
  return { width: Math.floor(w - left - right), height: Math.floor(h) };
}

// On a loaded page; leaves it in screen media at the desktop size again.
async function printWidthCheck(p, out, page) {
  try {
    await p.emulateMedia({ media: 'print' });
    const block = await p.evaluate(textBlockWidth);
    await p.setViewportSize({ width: block.width, height: block.height });
    const r = await p.evaluate((w) => {
      const describe = (e) => {
        let d = e.tagName.toLowerCase();
        if (e.id) d += `#${e.id}`;
        if (e.classList.length) d += '.' + [...e.classList].join('.');
        const t = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
        return `${d}${t ? ` "${t}"` : ''}`;
      };
      const all = [...document.body.querySelectorAll('*')].filter((e) => e.getClientRects().length > 0);
      const wide = all.filter((e) => {
        const b = e.getBoundingClientRect();
        return b.right > w + 0.5 || b.left < -0.5;
      });
      const leaves = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
      // Content wider than its own box that the box scrolls or clips: on
      // paper the rest is lost.
      const clipped = all.filter((e) => {
        const cs = getComputedStyle(e);
        return cs.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1;
      });
      return {
        inner: innerWidth,
        sw: document.documentElement.scrollWidth,
        wide: leaves.slice(0, 5).map((e) => `${describe(e)} (${Math.round(e.getBoundingClientRect().width)}px, right edge ${Math.round(e.getBoundingClientRect().right)}px)`),
        wideCount: leaves.length,
        clipped: clipped.slice(0, 5).map((e) => `${describe(e)} (${e.scrollWidth}px in ${e.clientWidth}px)`),
      };
    }, block.width);
    // The tab is shared with the phone check's DevTools session: make sure
    // the page really was laid out at the text block's width.
    if (r.inner !== block.width) throw new Error(`print width: the tab is ${r.inner}px wide, not the ${block.width}px text block`);
    if (r.wideCount || r.sw > block.width) {
      fail(out, page, 'print', `wider than the ${block.width}px text block in print (document ${r.sw}px): ${r.wide.join('; ')}`);
    }
    if (r.clipped.length) fail(out, page, 'print', `content cut off sideways in print: ${r.clipped.join('; ')}`);
  } finally {
    await p.emulateMedia({ media: 'screen' });
    await p.setViewportSize(DESKTOP);
  }
}

// ---------------------------------------------------------------- links

const idCache = new Map(); // absolute html path -> Set of ids
function idsOf(file) {
  if (!idCache.has(file)) {
    const html = fs.readFileSync(file, 'utf8');
    const ids = new Set();
    for (const m of html.matchAll(/\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) ids.add(m[1] ?? m[2] ?? m[3]);
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

const NAV_RELS = new Set(['canonical', 'alternate', 'author', 'license', 'help', 'me', 'bookmark', 'external', 'next', 'prev', 'search']);

function checkLink(out, page, dom, ref, where) {
  const file = path.join(out.root, page);
  const v = ref.value.trim();
  const label = `<${ref.tag} ${ref.attr}="${ref.value}">${where}`;
  const isNav = ref.tag === 'a' || ref.tag === 'area' || (ref.tag === 'link' && ref.rel.split(/\s+/).every((r) => NAV_RELS.has(r.toLowerCase())));
  if (v === '') return fail(out, page, 'links', `${label}: empty link`);
  if (/^(mailto|tel|sms):/i.test(v)) {
    if (!isNav) fail(out, page, 'links', `${label}: ${v.split(':')[0]}: link on an asset`);
    return;
  }
  if (/^data:/i.test(v)) return;
  if (/^(javascript|vbscript):/i.test(v)) return fail(out, page, 'links', `${label}: script URL`);
  if (/^(https?:)?\/\//i.test(v)) {
    if (!isNav) fail(out, page, 'links', `${label}: remote asset (the output must work offline)`);
    else if (/^\/\//.test(v)) fail(out, page, 'links', `${label}: protocol-relative URL does not work from file://`);
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return fail(out, page, 'links', `${label}: unsupported URL scheme`);
  if (v.startsWith('/') || v.startsWith('\\')) return fail(out, page, 'links', `${label}: absolute path (breaks when opened from disk)`);
  if (v.includes('\\')) return fail(out, page, 'links', `${label}: backslash in URL`);

  let u;
  try {
    u = new URL(v, pathToFileURL(file));
  } catch {
    return fail(out, page, 'links', `${label}: not a valid URL`);
  }
  const bare = new URL(u.href);
  bare.hash = '';
  bare.search = '';
  const targetFile = fileURLToPath(bare);
  const rel = path.relative(out.root, targetFile);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return fail(out, page, 'links', `${label}: points outside the output folder (${rel})`);
  if (!fs.existsSync(targetFile)) return fail(out, page, 'links', `${label}: ${rel.split(path.sep).join('/')} does not exist`);
  if (fs.statSync(targetFile).isDirectory()) return fail(out, page, 'links', `${label}: ${rel} is a folder (opens as a file listing from disk)`);
  const frag = u.hash ? decodeURIComponent(u.hash.slice(1)) : null;
  if (frag !== null && frag !== '' && frag.toLowerCase() !== 'top') {
    if (!/\.html?$/i.test(targetFile)) return fail(out, page, 'links', `${label}: #fragment on a non-HTML file`);
    const samePage = targetFile === file;
    const ids = samePage ? new Set(dom.ids) : idsOf(targetFile);
    if (!ids.has(frag)) fail(out, page, 'links', `${label}: no id="${frag}" in ${samePage ? 'this page' : rel.split(path.sep).join('/')}`);
  }
}

function checkCssUrls(out, page, cssText, cssFile, where) {
  const noComments = cssText.replace(/\/\*[\s\S]*?\*\//g, '');
  const refs = [];
  for (const m of noComments.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi)) refs.push(m[1] ?? m[2] ?? m[3]);
  for (const m of noComments.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)) refs.push(m[1] ?? m[2]);
  for (const r of refs) {
    if (!r || /^data:/i.test(r) || r.startsWith('#')) continue;
    if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(r)) {
      fail(out, page, 'links', `${where}: url(${r}) is remote or not a file (the output must work offline)`);
      continue;
    }
    if (r.startsWith('/')) {
      fail(out, page, 'links', `${where}: url(${r}) is an absolute path`);
      continue;
    }
    const target = path.resolve(path.dirname(cssFile), decodeURIComponent(r.split(/[?#]/)[0]));
    const rel = path.relative(out.root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) fail(out, page, 'links', `${where}: url(${r}) points outside the output folder`);
    else if (!fs.existsSync(target)) fail(out, page, 'links', `${where}: url(${r}) does not exist`);
  }
}

function linkChecks(out, page, dom) {
  const file = path.join(out.root, page);
  if (dom.base) fail(out, page, 'links', `<base href="${dom.base}"> changes how every relative link resolves`);
  for (const ref of dom.links) checkLink(out, page, dom, ref, '');
  dom.styles.forEach((css, i) => checkCssUrls(out, page, css, file, `<style> #${i + 1}`));
  dom.styleAttrs.forEach((css) => checkCssUrls(out, page, css, file, 'style attribute'));
  for (const ref of dom.links) {
    if (ref.tag === 'link' && /(^|\s)stylesheet(\s|$)/i.test(ref.rel) && !/^([a-z][a-z0-9+.-]*:|\/)/i.test(ref.value)) {
      const css = path.resolve(path.dirname(file), decodeURIComponent(ref.value.split(/[?#]/)[0]));
      if (fs.existsSync(css) && path.relative(out.root, css).split(path.sep)[0] !== '..') {
        checkCssUrls(out, page, fs.readFileSync(css, 'utf8'), css, path.relative(out.root, css));
      }
    }
  }
}

// ---------------------------------------------------------------- screenshots

function screenshotPages(out) {
  const site = out.pages.filter((p) => p.startsWith('site/'));
  const content = site.filter((p) => p !== 'site/index.html');
  // A content page with a table shows the hardest layout; else the first page.
  const withTable = content.find((p) => /<table[\s>]/i.test(fs.readFileSync(path.join(out.root, p), 'utf8')));
  const pick = process.env.WBL_SCREENSHOT_PAGE ? `site/${process.env.WBL_SCREENSHOT_PAGE}.html` : withTable || content[0];
  const list = ['site/index.html'];
  if (pick && out.pages.includes(pick)) list.push(pick);
  return list;
}

async function screenshots(desktopCtx, mobileCtx, out) {
  const saved = [];
  fs.mkdirSync(screenshotDir, { recursive: true });
  // One load per page and size: the first screen, then the whole page.
  const shot = async (ctx, page, suffix, opts = {}) => {
    const { p, url } = await newPage(ctx, out, page, 'file', 'screenshot');
    try {
      if (opts.viewport) await p.setViewportSize(opts.viewport);
      await p.goto(url, { waitUntil: 'load' });
      if (opts.media) await p.emulateMedia({ media: opts.media });
      for (const full of opts.alsoFull ? [false, true] : [false]) {
        const name = `${out.label}-${page.replace(/\.html?$/i, '').replace(/\//g, '-')}-${suffix}${full ? '-full' : ''}.png`;
        const file = path.join(screenshotDir, name);
        await p.screenshot({ path: file, fullPage: full });
        saved.push(file);
      }
    } finally {
      await p.close();
    }
  };
  for (const page of screenshotPages(out)) {
    await shot(desktopCtx, page, 'desktop', { alsoFull: true });
    await shot(mobileCtx, page, 'mobile', { alsoFull: true });
  }
  // Print media on a US Letter-sized viewport: the handbook cover and the
  // first handout, roughly as paper sees them; and the handbook as a PDF.
  const printed = ['print/handbook.html', out.pages.find((p) => p.startsWith('handouts/'))].filter((p) => p && out.pages.includes(p));
  for (const page of printed) await shot(desktopCtx, page, 'print', { media: 'print', viewport: { width: 816, height: 1056 } });
  // The handbook as a PDF once (the first output) unless WBL_FULL: CI prints
  // a district's handbook with wbl itself, and laying out the whole book is
  // the dearest screenshot.
  if (out.pages.includes('print/handbook.html') && (FULL || out === outputs[0])) {
    const { p, url } = await newPage(desktopCtx, out, 'print/handbook.html', 'file', 'pdf');
    try {
      await p.goto(url, { waitUntil: 'load' });
      const file = path.join(screenshotDir, `${out.label}-handbook.pdf`);
      await p.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
      saved.push(file);
    } finally {
      await p.close();
    }
  }
  return saved;
}

// ---------------------------------------------------------------- main

let serverPort = 0;
const timings = {};
async function timed(name, fn, perPage = null) {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings[name] = (timings[name] || 0) + (Date.now() - t);
    if (perPage) perPage[name] = (perPage[name] || 0) + (Date.now() - t);
  }
}

async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async (_, worker) => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item, worker);
      }
    }),
  );
}

// Which checks a page gets. Every page of every output: the Nu checker, axe
// (file://, screen media), links and requests, the skip link, the phone
// width, and on print documents the print width. The first output (the
// generic toolkit) also gets axe in print media on every page. Every other
// output shares its layout and differs in branding and in the pages a
// district changed, so it gets that on a sample that carries its branding in
// each layout and language: per folder (site/, site/es/, handouts/, …) its
// index and first page, and every page in print/ (outside the first output,
// not the handbook). The sample also gets the Tab walk and the http pass in
// every output; see plan() and walkedKinds for the rest of the Tab walks.
// WBL_FULL=1 runs every check on every page.
const FULL = !!process.env.WBL_FULL && process.env.WBL_FULL !== '0';
function sample(out) {
  if (!out.sample) {
    out.sample = new Set();
    const folders = new Map();
    for (const p of out.pages) {
      const dir = p.slice(0, p.lastIndexOf('/'));
      if (!folders.has(dir)) folders.set(dir, []);
      folders.get(dir).push(p);
    }
    for (const [dir, pages] of folders) {
      if (dir === 'print') {
        for (const p of pages) out.sample.add(p);
        continue;
      }
      const index = `${dir}/index.html`;
      if (pages.includes(index)) out.sample.add(index);
      const firstPage = pages.find((p) => p !== index);
      if (firstPage) out.sample.add(firstPage);
    }
  }
  return out.sample;
}

function plan(out, page) {
  const inSample = FULL || sample(out).has(page);
  const deep = inSample || out === outputs[0];
  const printDoc = isPrintDocument(page);
  // The handbook is a tenth of all the page time: outside the first output
  // it keeps axe (screen), links, the skip link and the print width.
  const book = page === 'print/handbook.html' && out !== outputs[0] && !FULL;
  // Screen axe is four fifths of the page time. Every page of the generic
  // toolkit and of the full example (the second output) gets it; the other
  // districts' pages differ from those only in branding, which their sample
  // carries in every layout, and in the pages a district wrote itself.
  const axe = FULL || inSample || outputs.indexOf(out) < 2 || !outputs[0].pages.includes(page);
  return {
    axeMedia: !axe ? [] : deep && !book ? ['screen', 'print'] : ['screen'],
    // Over http: the sample, less the handbook (opened from disk, as people
    // do, it gets every other check).
    http: FULL || (inSample && page !== 'print/handbook.html'),
    walkAlways: FULL || (inSample && !book),
    printWidth: printDoc,
    // Every page: a district's own text (a long e-mail address on the
    // handbook's cover) is what makes a page too wide for a phone.
    mobile: true,
  };
}

// The Tab walk checks each stop's focus ring, that it is on screen and that
// no box cuts the ring off; those follow from the kind of element and its
// context (collectDom's focusKinds), and pages share their kinds. So besides
// the sample, a page is walked when it has a kind no walked page had.
const walkedKinds = new Set();
let walkedPages = 0;

async function checkPage(tab, out, page) {
  const want = plan(out, page);
  const spent = {};
  const t0 = Date.now();
  const axeFound = new Map();
  // One load serves the links, axe (screen, then print), the print width,
  // the Tab walk and the skip link, and then the phone width.
  {
    const { p, state, url } = aim(tab, out, page, 'file', 'load');
    try {
      await timed('load', () => p.goto(url, { waitUntil: 'load' }), spent);
      const dom = await p.evaluate(collectDom);
      if (!dom.lang) fail(out, page, 'links', '<html> has no lang');
      linkChecks(out, page, dom);
      await timed('axe', () => axeOn(p, state, 'file', want.axeMedia, axeFound, spent));
      if (want.printWidth) await timed('print', () => printWidthCheck(p, out, page), spent);
      // Nothing has been focused yet. The Tab walk starts from here, and its
      // first Tab is the skip link check's (one load serves both).
      const fresh = dom.focusKinds.filter((k) => !walkedKinds.has(k));
      if (want.walkAlways || fresh.length) {
        for (const k of dom.focusKinds) walkedKinds.add(k);
        walkedPages++;
        if (VERBOSE && !want.walkAlways) note(out, page, `Tab walk for ${fresh.length} new kind(s) of stop: ${fresh.slice(0, 3).join('; ')}`);
        let first = null;
        await timed('tab walk', () => focusWalk(p, out, page, async () => (first = await p.evaluate(firstTabStop))), spent);
        await timed('skip link', () => skipLinkCheck(p, out, page, true, first), spent);
      } else {
        await timed('skip link', () => skipLinkCheck(p, out, page), spent);
      }
      // Last, as it leaves the tab at a phone's size.
      if (want.mobile) await timed('mobile', () => mobileCheck(tab, out, page), spent);
    } finally {
      tab.cur = null;
    }
  }
  if (want.http) {
    const { p, state, url } = aim(tab, out, page, 'http', 'load');
    try {
      await timed('load', () => p.goto(url, { waitUntil: 'load' }), spent);
      await timed('axe', () => axeOn(p, state, 'http', ['screen'], axeFound, spent));
    } finally {
      tab.cur = null;
    }
  }
  for (const { kind, v, n, ctx } of axeFound.values()) {
    const msg = `${v.id} (${v.impact}): ${v.help} [${ctx.join(', ')}]\n        at ${n.target}  ${n.html}\n        ${n.summary.slice(0, 300)}`;
    if (kind === 'violation') {
      axeViolations++;
      fail(out, page, 'axe', msg);
    } else if (VERBOSE) {
      note(out, page, `axe needs review: ${msg}`);
    }
  }
  if (VERBOSE) note(out, page, `time: ${Date.now() - t0} ms (${Object.entries(spent).map(([k, v]) => `${k} ${v}`).join(', ')})`);
}

let axeViolations = 0;

async function main() {
  const started = Date.now();
  const total = outputs.reduce((n, o) => n + o.pages.length, 0);
  const version = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout?.trim() || '?';
  console.log('wbl browser checks');
  console.log(`  browser:     ${CHROMIUM} (${version})`);
  console.log(`  axe-core:    ${require('axe-core/package.json').version}, tags ${AXE_TAGS.join(', ')}`);
  console.log(`  Nu checker:  ${VNU_JAR}`);
  for (const o of outputs) {
    const c = (pre) => o.pages.filter((p) => p.startsWith(pre)).length;
    console.log(`  output:      ${o.root}  (${c('site/')} site, ${c('handouts/')} handouts, ${c('print/')} print)`);
  }
  console.log(`  screenshots: ${screenshotDir}`);
  console.log('');

  const phases = [];
  const phase = async (name, fn) => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      phases.push(`${name} ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
  };
  const nuDone = phase('nu', () => timed('nu', () => runNu()));

  const server = await startServer();
  serverPort = server.address().port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const shots = [];
  try {
    const desktopCtx = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1, reducedMotion: 'reduce' });
    const mobileCtx = await browser.newContext({ viewport: MOBILE, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const tasks = [];
    for (const out of outputs) for (const page of out.pages) tasks.push({ out, page });
    let done = 0;
    const tabs = [];
    await phase(`pages (${JOBS} at once)`, () => pool(tasks, JOBS, async ({ out, page }, worker) => {
      try {
        if (!tabs[worker]) tabs[worker] = await openTab(desktopCtx);
        await checkPage(tabs[worker], out, page);
      } catch (e) {
        fail(out, page, 'error', `check crashed: ${e.message.split('\n')[0]}`);
        if (tabs[worker]) tabs[worker].spoilt = e.message;
      }
      // A tab left in a state the next page must not inherit (still a
      // phone, crashed): the next page gets a new one.
      if (tabs[worker]?.spoilt) {
        if (VERBOSE) note(out, page, `new tab after this page (${tabs[worker].spoilt.split('\n')[0]})`);
        await tabs[worker].p.close().catch(() => {});
        tabs[worker] = null;
      }
      done++;
      if (process.stdout.isTTY) process.stdout.write(`\rbrowser checks: ${done}/${tasks.length} pages`);
    }));
    if (process.stdout.isTTY) process.stdout.write('\n');
    if (SCREENSHOTS) {
      await phase('screenshots', async () => {
        for (const out of outputs) shots.push(...(await timed('screenshots', () => screenshots(desktopCtx, mobileCtx, out))));
      });
    }
  } finally {
    await browser.close();
    server.close();
  }
  const nuErrors = await nuDone;
  console.log(`Nu checker on ${total} pages and their stylesheets: ${nuErrors} error(s)`);

  // ------------------------------------------------------------ report
  let passed = 0;
  let failed = 0;
  const byCheck = {};
  console.log('');
  for (const out of outputs) {
    console.log(`== ${out.label}: ${out.root} (${out.pages.length} pages, ${out.tabStops || 0} Tab stops) ==`);
    const listed = [...out.pages, ...out.stylesheets];
    const extra = [...failures.keys()].filter((k) => k.startsWith(`${out.label}\0`)).map((k) => k.split('\0')[1]).filter((p) => !listed.includes(p));
    for (const page of [...listed, ...extra]) {
      const k = `${out.label}\0${page}`;
      const fs_ = failures.get(k) || [];
      if (fs_.length === 0) {
        passed++;
        console.log(`  ok    ${page}`);
      } else {
        failed++;
        console.log(`  FAIL  ${page}`);
        const seen = new Set();
        for (const f of fs_) {
          const line = `        ${f.check.padEnd(8)} ${f.msg}`;
          if (seen.has(line)) continue;
          seen.add(line);
          byCheck[f.check] = (byCheck[f.check] || 0) + 1;
          console.log(line);
        }
      }
      for (const n of notes.get(k) || []) console.log(`        note     ${n}`);
    }
    console.log('');
  }
  console.log('Screenshots:');
  for (const s of shots) console.log(`  ${s}`);
  console.log('');
  const counts = Object.entries(byCheck).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
  console.log(`${outputs.length} output(s), ${total} pages checked in ${((Date.now() - started) / 1000).toFixed(0)} s; failures by check: ${counts}; axe violations: ${axeViolations}; Nu errors: ${nuErrors}`);
  console.log(`Tab walk on ${walkedPages} of ${total} pages (the sample and every page with a kind of Tab stop not walked before); ${walkedKinds.size} kinds of Tab stop`);
  console.log(`time per phase: ${phases.join(', ')} (the Nu checker runs beside the browser)`);
  console.log(`time per check (summed over workers): ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`check.mjs: ${e.stack || e}`);
  process.exit(2);
});

/* wbl site search. Works from the file system: browsers refuse fetch() on
   file:// pages, so the index (search-index.js, written by wbl) is a script
   that sets window.wblSearchIndex, loaded the first time the search field
   is used. The words shown come from the form's data-msg-* attributes, so
   they follow the page's language. Without JavaScript the form leads to
   the contents. */
(function () {
  'use strict';

  var MAX_SHOWN = 20;

  /* Must fold exactly as wbl folds the index (src/render/search.rs, fold):
     lower case, combining marks dropped after canonical decomposition,
     apostrophes dropped, every other run of non-letters one space. */
  function fold(text) {
    return String(text)
      .normalize('NFD')
      .toLowerCase()
      .replace(/\p{M}/gu, '')
      .replace(/['\u2019]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  }

  /* Counts whole-word-prefix matches of needle (" term") in hay (" text"),
     up to cap. */
  function count(hay, needle, cap) {
    var n = 0;
    var at = hay.indexOf(needle);
    while (at >= 0 && n < cap) {
      n++;
      at = hay.indexOf(needle, at + needle.length);
    }
    return n;
  }

  /* The sections matching every word of query, best first: a word in the
     section's heading counts most, then in the page title, then each use
     in the text (up to five); the opening of a page whose title has every
     word comes before its own sections. Ties keep the reading order. */
  function search(index, query) {
    var terms = fold(query).split(' ').filter(Boolean);
    if (!terms.length) return [];
    var phrase = ' ' + terms.join(' ');
    var found = [];
    index.sections.forEach(function (s, order) {
      var page = index.pages[s[0]];
      var heading = ' ' + (s[4] || page[3]);
      var title = ' ' + page[3];
      var text = ' ' + s[5];
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var needle = ' ' + terms[i];
        var inHeading = heading.indexOf(needle) >= 0;
        var inTitle = title.indexOf(needle) >= 0;
        var uses = count(text, needle, 5);
        if (!inHeading && !inTitle && !uses) return;
        score += (inHeading ? 10 : 0) + (inTitle ? 4 : 0) + uses;
      }
      if (terms.length > 1 && (heading.indexOf(phrase) >= 0 || text.indexOf(phrase) >= 0)) score += 5;
      // A page whose title has every word is what was looked for (the
      // consent form, for "consent"): its opening comes first.
      if (!s[1] && terms.every(function (t) { return title.indexOf(' ' + t) >= 0; })) score += 15;
      found.push({
        score: score,
        order: order,
        href: page[0] + '.html' + (s[1] ? '#' + s[1] : ''),
        heading: s[2] || page[1],
        page: page[1],
        kind: page[2],
        teaser: s[3],
        own: !s[1],
      });
    });
    found.sort(function (a, b) {
      return b.score - a.score || a.order - b.order;
    });
    return found;
  }

  function message(form, name, values) {
    var text = form.getAttribute('data-msg-' + name) || '';
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function setUp(form) {
    var input = form.querySelector('input[type=search]');
    var panel = document.getElementById('wbl--search-results');
    var status = panel && panel.querySelector('[role=status]');
    if (!input || !status) return;
    var loading = false;
    var failed = false;
    var list = null;

    function clear() {
      if (list) list.remove();
      list = null;
      status.textContent = '';
      panel.classList.remove('open');
    }

    function show(query) {
      if (!fold(query)) {
        clear();
        return;
      }
      panel.classList.add('open');
      if (failed) {
        status.textContent = message(form, 'failed', {});
        return;
      }
      if (!window.wblSearchIndex) {
        status.textContent = message(form, 'loading', {});
        load();
        return;
      }
      var found = search(window.wblSearchIndex, query);
      var shown = found.slice(0, MAX_SHOWN);
      var values = { q: query.trim(), n: found.length, shown: shown.length };
      var name = found.length === 0 ? 'none' : found.length === 1 ? 'one' : found.length > shown.length ? 'more' : 'many';
      if (list) list.remove();
      list = document.createElement(found.length ? 'ol' : 'p');
      list.className = 'search-list';
      if (found.length) {
        shown.forEach(function (r) {
          var li = document.createElement('li');
          var a = document.createElement('a');
          a.href = r.href;
          a.textContent = r.heading;
          li.appendChild(a);
          var where = document.createElement('span');
          where.className = 'search-page';
          where.textContent = r.own ? r.kind : r.page + ' · ' + r.kind;
          li.appendChild(where);
          if (r.teaser) {
            var p = document.createElement('p');
            p.textContent = r.teaser;
            li.appendChild(p);
          }
          list.appendChild(li);
        });
      } else {
        var browse = document.createElement('a');
        browse.href = '#wbl--contents';
        browse.textContent = message(form, 'browse', {});
        list.appendChild(browse);
      }
      panel.appendChild(list);
      status.textContent = message(form, name, values);
    }

    function load() {
      if (loading) return;
      loading = true;
      var script = document.createElement('script');
      script.src = form.getAttribute('data-index');
      script.onload = function () {
        if (!window.wblSearchIndex) failed = true;
        show(input.value);
      };
      script.onerror = function () {
        failed = true;
        show(input.value);
      };
      document.head.appendChild(script);
    }

    input.addEventListener('focus', function () {
      if (!window.wblSearchIndex) load();
    });
    input.addEventListener('input', function () {
      show(input.value);
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && input.value) {
        input.value = '';
        clear();
      }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      show(input.value);
    });

    // index.html?q=… (the form sent before this script ran, or a link).
    var q = new URLSearchParams(location.search).get('q');
    if (q) {
      input.value = q;
      show(q);
    }
  }

  if (typeof document !== 'undefined') {
    var form = document.querySelector('form.search[data-index]');
    if (form) setUp(form);
  }

  // For tests (tests/browser/search.mjs runs these outside a page).
  (typeof window !== 'undefined' ? window : globalThis).wblSearch = { fold: fold, search: search };
})();

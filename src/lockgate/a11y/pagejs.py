"""JavaScript run inside the page: lockgate's helpers (selector, snippet) and its own checks.

Kept as Python strings so the package needs no data files; each `*_FN` is a function expression
for Playwright's `page.evaluate`.
"""

from __future__ import annotations

# Installed before the page's own scripts (an init script): window.__lockgate.
HELPERS = r"""
(() => {
  if (window.__lockgate) return;
  const esc = (s) => CSS.escape(s);
  const root = (el) => (!(el instanceof Element) || el.localName === 'head' ? document.documentElement : el);
  function selector(el) {
    el = root(el);
    const parts = [];
    while (el && el.nodeType === 1 && el !== document.documentElement) {
      if (el.id && document.querySelectorAll('#' + esc(el.id)).length === 1) {
        parts.unshift('#' + esc(el.id));
        return parts.join(' > ');
      }
      let part = el.localName;
      const parent = el.parentElement;
      if (parent) {
        const same = Array.from(parent.children).filter((c) => c.localName === el.localName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(el) + 1) + ')';
      }
      parts.unshift(part);
      el = parent;
    }
    parts.unshift('html');
    return parts.join(' > ');
  }
  function snippet(el) {
    el = root(el);
    const html = el.outerHTML || '';
    const open = html.slice(0, html.indexOf('>') + 1);
    return (html.length > 300 || el === document.documentElement ? open : html).slice(0, 300);
  }
  function shown(el) {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  function name(el) {
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const text = by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
      if (text.trim()) return text;
    }
    const label = el.getAttribute('aria-label');
    if (label && label.trim()) return label;
    const alts = Array.from(el.querySelectorAll('img[alt]')).map((i) => i.getAttribute('alt')).join(' ');
    return (el.textContent || '') + ' ' + alts;
  }
  window.__lockgate = { selector, snippet, shown, name };
})();
"""

AXE_FN = r"""
async (opts) => {
  const L = window.__lockgate;
  const result = await axe.run(document, opts);
  const out = [];
  for (const v of result.violations) {
    for (const n of v.nodes) {
      let el = null;
      try {
        if (n.target.length === 1 && typeof n.target[0] === 'string') el = document.querySelector(n.target[0]);
      } catch (e) { el = null; }
      out.push({
        id: v.id, impact: n.impact || v.impact || 'moderate', tags: v.tags, helpUrl: v.helpUrl,
        message: v.help + (n.failureSummary ? ': ' + n.failureSummary : ''),
        selector: el ? L.selector(el) : n.target.flat(Infinity).join(' >>> '),
        snippet: el ? L.snippet(el) : (n.html || '').slice(0, 300),
      });
    }
  }
  return out;
}
"""

HTMLCS_FN = r"""
(standard) => new Promise((resolve, reject) => {
  const L = window.__lockgate;
  try {
    HTMLCS.process(standard, document, () => {
      resolve(HTMLCS.getMessages().filter((m) => m.type === HTMLCS.ERROR).map((m) => ({
        code: m.code, message: m.msg, selector: L.selector(m.element), snippet: L.snippet(m.element),
      })));
    }, (e) => reject(new Error('HTML_CodeSniffer failed: ' + e)));
  } catch (e) { reject(e); }
})
"""

# lockgate's own checks on the loaded page: language, title, main landmark, skip link, heading
# order, link text that says nothing alone, interactive elements the keyboard cannot reach.
PAGE_CHECKS_FN = r"""
({ vague, aa, known }) => {
  const L = window.__lockgate;
  const out = [];
  const add = (rule, criteria, impact, el, message) =>
    out.push({ rule, criteria, impact, selector: L.selector(el), snippet: L.snippet(el), message });
  const html = document.documentElement;
  const lang = (html.getAttribute('lang') || html.getAttribute('xml:lang') || '').trim();
  if (!lang) add('page-language', ['3.1.1'], 'serious', html, 'The page does not say its language: add lang="en" (or the right code) to <html>');
  else if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(lang)) add('page-language', ['3.1.1'], 'serious', html, `lang="${lang}" is not a language code such as "en" or "en-GB"`);
  if (!document.title.trim()) add('page-title', ['2.4.2'], 'serious', html, 'The page has no title: add a <title> that says what the page is for');
  const mains = document.querySelectorAll('main, [role="main"]');
  if (!mains.length) add('main-landmark', ['1.3.1'], 'moderate', html, 'The page has no main landmark: wrap its main content in <main>');
  const navs = Array.from(document.querySelectorAll('nav, [role="navigation"]')).filter(L.shown);
  if (navs.length) {
    const links = Array.from(document.querySelectorAll('a[href^="#"]'));
    const firstFocusable = Array.from(document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]'))
      .find((e) => e.tabIndex >= 0 && !e.disabled);
    const skip = firstFocusable && firstFocusable.matches('a[href^="#"]') && firstFocusable.getAttribute('href').length > 1 ? firstFocusable : null;
    if (!skip) {
      add('skip-link', ['2.4.1'], 'moderate', firstFocusable || html, 'The page has navigation but no skip link: make the first link "Skip to main content" pointing at the main content');
    } else {
      const id = decodeURIComponent(skip.getAttribute('href').slice(1));
      if (!document.getElementById(id) && !document.getElementsByName(id).length)
        add('skip-link-target', ['2.4.1'], 'serious', skip, `The skip link points at #${id}, which is not on the page`);
    }
    void links;
  }
  let previous = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')) {
    if (!L.shown(h)) continue;
    const level = h.getAttribute('role') === 'heading' ? Number(h.getAttribute('aria-level') || 2) : Number(h.localName[1]);
    if (previous && level > previous + 1)
      add('heading-order', ['1.3.1'], 'moderate', h, `Heading level ${level} follows level ${previous}: headings skip a level`);
    previous = level;
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (!L.shown(a)) continue;
    const text = L.name(a).toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (vague.includes(text))
      add('link-text', ['2.4.4'], 'moderate', a, `The link text "${text}" says nothing on its own: say where the link goes (or add visually hidden text)`);
  }
  const composite = '[role="listbox"], [role="menu"], [role="menubar"], [role="tree"], [role="grid"], [role="tablist"], [role="radiogroup"], [role="toolbar"], [role="combobox"]';
  const roles = 'button, link, checkbox, radio, switch, tab, menuitem, option, slider, spinbutton, textbox, combobox, treeitem'.split(', ');
  for (const el of document.querySelectorAll('[onclick], [role]')) {
    const role = el.getAttribute('role');
    if (!el.hasAttribute('onclick') && !roles.includes(role)) continue;
    if (el.tabIndex >= 0 || el.disabled || el.getAttribute('aria-disabled') === 'true' || !L.shown(el)) continue;
    if (el.closest(composite) && el.closest(composite) !== el) continue;
    if (el.closest('a[href], button, label, summary, [tabindex]:not([tabindex^="-"])')) continue;
    add('keyboard-unreachable', ['2.1.1'], 'serious', el, 'This control reacts to the mouse but Tab never reaches it: use a <button> or <a href>, or add tabindex="0" and key handlers');
  }
  for (const el of document.querySelectorAll('a[href][tabindex^="-"], button[tabindex^="-"], input[tabindex^="-"], select[tabindex^="-"], textarea[tabindex^="-"]')) {
    if (el.disabled || !L.shown(el) || el.closest(composite) || el.closest('[aria-hidden="true"], [inert]')) continue;
    add('keyboard-unreachable', ['2.1.1'], 'serious', el, 'tabindex="-1" takes this visible control out of the Tab order: remove it');
  }
  for (const m of document.querySelectorAll('video[autoplay], audio[autoplay]')) {
    if (m.hasAttribute('controls')) continue;
    if (m.localName === 'video')
      add('autoplay', ['2.2.2'], 'serious', m, 'This video plays by itself with no controls to pause or stop it: add controls, or do not autoplay');
    else if (!m.muted)
      add('autoplay', ['1.4.2'], 'serious', m, 'This audio plays by itself with no way to stop it or turn it down: add controls, or do not autoplay');
  }
  // 2.2.2: content that moves by itself for more than 5 s, with nothing on the page to pause it.
  const pause = /\b(pause|stop)\b/i;
  const pausable = Array.from(document.querySelectorAll('button, [role="button"], [role="switch"], input[type="button"], input[type="checkbox"], a[href]'))
    .some((b) => pause.test(L.name(b) + ' ' + (b.value || '') + ' ' + (b.title || '')));
  if (!pausable) {
    const moving = Array.from(document.querySelectorAll('marquee, blink')).filter(L.shown);
    for (const a of document.getAnimations()) {
      const el = a.effect && a.effect.target;
      if (!(el instanceof Element) || a.playState !== 'running' || moving.includes(el)) continue;
      if (a.effect.getComputedTiming().endTime <= 5000 || !L.shown(el)) continue;
      if (el.closest('[role="progressbar"], [role="status"], [aria-busy="true"]')) continue;
      const r = el.getBoundingClientRect();
      if (r.width * r.height < 64 * 64) continue; // a spinner, not content to read
      moving.push(el);
    }
    for (const el of moving.filter((el) => !moving.some((o) => o !== el && o.contains(el))).slice(0, 3))
      add('moving-content', ['2.2.2'], 'serious', el, 'This content moves by itself for more than 5 seconds and nothing on the page pauses or stops it: add a pause button, or stop the movement within 5 seconds');
  }
  // 2.4.3: a positive tabindex pulls an element ahead of the page's order for Tab.
  for (const el of Array.from(document.querySelectorAll('[tabindex]')).filter((el) => el.tabIndex > 0 && !el.disabled && L.shown(el)).slice(0, 5))
    add('focus-order', ['2.4.3'], 'moderate', el, `tabindex="${el.getAttribute('tabindex')}" moves this element ahead of the page's own order for Tab: use tabindex="0" (or none) and put it where it belongs in the page`);
  // 3.1.4 (level AAA, so minor): abbreviations never spelled out on the page.
  if (aa && document.body) {
    const spelled = new Set(Array.from(document.querySelectorAll('abbr[title]')).filter((a) => a.title.trim()).map((a) => a.textContent.trim()));
    const all = document.body.textContent;
    for (const m of all.matchAll(/((?:\S+\s+){1,8})\([A-Z][A-Z0-9]+\)/g)) // "HM Revenue and Customs (HMRC)": HM is part of a name spelled out
      for (const w of m[1].split(/\s+/)) spelled.add(w.replace(/[^A-Za-z0-9]/g, ''));
    const firsts = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && firsts.size < 50; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent.closest('script, style, noscript, template, code, pre, kbd, samp, var')) continue;
      const text = n.textContent;
      if (/\b[A-Z]{2,}\s+[A-Z]{2,}\s+[A-Z]{2,}\b/.test(text)) continue; // words in capitals, not abbreviations
      for (const m of text.matchAll(/(?:^|[\s(\u201c"'])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(?=$|[\s),.;:!?\u201d"'])/g)) {
        const word = m[1];
        if (word.length > 6 || known.includes(word) || /^[IVXLCDM]+$/.test(word) || spelled.has(word) || firsts.has(word)) continue;
        if (all.includes('(' + word + ')') || all.includes(word + ' (')) continue; // "HM Revenue and Customs (HMRC)"
        if (L.shown(parent)) firsts.set(word, parent);
      }
    }
    for (const [word, el] of Array.from(firsts).slice(0, 5))
      add('abbreviation', ['3.1.4'], 'minor', el, `"${word}" is not spelled out anywhere on this page: write it in full the first time it is used, with the abbreviation after it in brackets, or use <abbr title="...">`);
  }
  const sensory = [
    /\b(button|link|icon|field|menu|box|panel|column)s? (on|to|at) the (right|left)(-hand side)?\b/i,
    /\b(on|to|at) the (right|left)(-hand side)? of (the|this) (page|screen)\b/i,
    /\bthe (red|green|blue|orange|round|square|circular) (button|link|icon|field|box)s?\b/i,
    /\b(fields?|items?|words?|options?|answers?) (shown |marked |highlighted )?in (red|green|blue|orange)\b/i,
  ];
  for (const el of document.body ? document.body.querySelectorAll('p, li, label, legend, span, div, td, dd, h1, h2, h3, h4, h5, h6') : []) {
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' ');
    if (own.trim() && sensory.some((re) => re.test(own)) && L.shown(el))
      add('sensory-instructions', ['1.3.3'], 'moderate', el, 'These instructions rely on position or colour alone: name the thing instead (its label or text)');
  }
  const describedBy = (el) => ((el?.getAttribute('aria-describedby') || '') + ' ' + (el?.getAttribute('aria-errormessage') || '')).split(/\s+/).filter(Boolean);
  for (const f of document.querySelectorAll('[aria-invalid="true"]')) {
    const text = describedBy(f).map((id) => document.getElementById(id)?.textContent || '').join('').trim();
    if (!text && L.shown(f))
      add('error-not-linked', ['3.3.1'], 'serious', f, 'This field is marked invalid but no error message is tied to it: point its aria-describedby at the message');
  }
  for (const msg of document.querySelectorAll('.govuk-error-message, .error-message, .invalid-feedback, .field-error, .form-error')) {
    if (!L.shown(msg) || !msg.textContent.trim()) continue;
    const group = msg.closest('.govuk-form-group, .form-group, fieldset, form');
    const field = group && group.querySelector('input:not([type="hidden"]), select, textarea');
    if (!field || Array.from(field.labels || []).some((l) => l.contains(msg))) continue;
    const refs = [...describedBy(field), ...describedBy(field.closest('fieldset'))];
    if (!msg.id || !refs.includes(msg.id))
      add('error-not-linked', ['1.3.1', '3.3.1'], 'serious', msg, "This error message is not tied to its field: give it an id and add that to the field's aria-describedby");
  }
  if (aa && document.body) {
    // Boxes whose own overflow hides text that does not fit them.
    const clips = (v) => v === 'hidden' || v === 'clip';
    // Cheapest tests first: sizes need one layout for the whole page, text is read last.
    const cut = () => Array.from(document.body.querySelectorAll('*')).filter((el) => {
      const [w, h] = [el.clientWidth, el.clientHeight];
      if (w <= 2 || h <= 2) return false;
      const [high, wide] = [el.scrollHeight > h + 1, el.scrollWidth > w + 1];
      if (!high && !wide) return false;
      const o = getComputedStyle(el);
      if (!((high && clips(o.overflowY)) || (wide && clips(o.overflowX)))) return false;
      return !el.matches('input, select, textarea, button, img, svg, video, audio, canvas, iframe, script, style') && el.textContent.trim() !== '';
    });
    const innermost = (els) => els.filter((el) => !els.some((o) => o !== el && el.contains(o))).slice(0, 3);
    // Pairs of text runs that cover each other on screen (what a clipping box hides does not count).
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && texts.length < 2000; n = walker.nextNode())
      if (n.textContent.trim() && !n.parentElement.closest('script, style, noscript, template, textarea, select')) texts.push(n);
    const overlaps = () => {
      const shownCache = new Map();
      const isShown = (el) => { if (!shownCache.has(el)) shownCache.set(el, L.shown(el)); return shownCache.get(el); };
      const clipCache = new Map();
      const clipOf = (el) => {
        if (!el || el === document.documentElement) return null;
        if (clipCache.has(el)) return clipCache.get(el);
        const o = getComputedStyle(el);
        const parent = clipOf(el.parentElement);
        let box = parent;
        if (o.overflowX !== 'visible' || o.overflowY !== 'visible') {
          const r = el.getBoundingClientRect();
          box = parent ? { l: Math.max(r.left, parent.l), t: Math.max(r.top, parent.t), r: Math.min(r.right, parent.r), b: Math.min(r.bottom, parent.b) }
                       : { l: r.left, t: r.top, r: r.right, b: r.bottom };
        }
        clipCache.set(el, box);
        return box;
      };
      const rects = [];
      const range = document.createRange();
      texts.forEach((n, k) => {
        if (!isShown(n.parentElement)) return;
        const clip = clipOf(n.parentElement);
        range.selectNodeContents(n);
        for (const q of range.getClientRects()) {
          let r = { k, l: q.left, t: q.top, r: q.right, b: q.bottom };
          if (clip) r = { k, l: Math.max(r.l, clip.l), t: Math.max(r.t, clip.t), r: Math.min(r.r, clip.r), b: Math.min(r.b, clip.b) };
          if (r.r - r.l > 2 && r.b - r.t > 2) rects.push(r);
        }
      });
      rects.sort((a, b) => a.t - b.t);
      const pairs = new Map();
      for (let i = 0; i < rects.length && pairs.size < 50; i++) {
        const a = rects[i];
        for (let j = i + 1; j < rects.length && rects[j].t < a.b - 2; j++) {
          const b = rects[j];
          if (a.k === b.k || Math.min(a.r, b.r) - Math.max(a.l, b.l) <= 2 || Math.min(a.b, b.b) - b.t <= 2) continue;
          const [x, y] = a.k < b.k ? [a.k, b.k] : [b.k, a.k];
          pairs.set(x + ',' + y, [x, y]);
        }
      }
      return pairs;
    };
    const wasCut = new Set(cut());
    const overlapped = overlaps();
    // 1.4.12: WCAG's text spacing.
    const spacing = document.createElement('style');
    spacing.textContent = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
    document.head.appendChild(spacing);
    const spaced = cut().filter((el) => !wasCut.has(el));
    spacing.remove();
    for (const el of innermost(spaced))
      add('text-spacing', ['1.4.12'], 'serious', el, 'With wider text spacing (line height 1.5, letter spacing 0.12em, word spacing 0.16em) this text is cut off: let the box grow (no fixed height with overflow hidden)');
    // 1.4.4: every element's text at twice its size, as a browser's text-only zoom does.
    const all = [document.documentElement, document.body, ...document.body.querySelectorAll('*')];
    const sizes = all.map((el) => parseFloat(getComputedStyle(el).fontSize) || 0);
    const styles = all.map((el) => el.getAttribute('style'));
    all.forEach((el, k) => el.style?.setProperty('font-size', (sizes[k] * 2) + 'px', 'important'));
    const enlarged = cut().filter((el) => !wasCut.has(el));
    const crossed = [...overlaps()].filter(([key]) => !overlapped.has(key)).map(([, pair]) => pair);
    const restore = (el, style) => {
      if (style !== null) return el.setAttribute('style', style);
      el.getAttribute('style'); // read first: Chromium leaves style="" when a style set through el.style is removed unread
      el.removeAttribute('style');
    };
    all.forEach((el, k) => restore(el, styles[k]));
    for (const el of innermost(enlarged))
      add('resize-text', ['1.4.4'], 'serious', el, 'With text at 200 % this text is cut off: let the box grow with its text (no fixed height with overflow hidden)');
    const named = new Set();
    for (const [x, y] of crossed) {
      const [el, other] = [texts[x].parentElement, texts[y].parentElement];
      if (el.contains(other) || other.contains(el)) continue; // one run of text (a superscript in its line)
      if (named.size >= 3 || named.has(el) || enlarged.some((c) => c.contains(el))) continue;
      named.add(el);
      add('resize-text', ['1.4.4'], 'serious', el, `With text at 200 % this text overlaps other text (${L.selector(other)}): let boxes grow with their text (no fixed heights or positions set for one text size)`);
    }
  }
  return out;
}
"""

# The elements Tab should reach, each with its style when not focused; from now on every focus
# change is logged (null: focus left the document), so a Tab walk reads the page once at the end.
FOCUSABLES_FN = r"""
() => {
  const L = window.__lockgate;
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  const log = (window.__lockgateFocus = []);
  document.addEventListener('focusin', (e) => {
    const el = e.target;
    const style = getComputedStyle(el);
    const moving = el.getAnimations ? el.getAnimations().length > 0 : false;
    log.push({ selector: L.selector(el), snippet: L.snippet(el), look: window.__lockgateLook(el),
      bare: style.outlineStyle === 'none' || style.outlineWidth === '0px', moving,
      frame: el.localName === 'iframe' || el.localName === 'frame' });
  }, true);
  window.addEventListener('blur', () => log.push(null));
  const q = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, summary, iframe, [tabindex], [contenteditable="true"], [contenteditable=""]';
  return Array.from(document.querySelectorAll(q))
    .filter((el) => el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && L.shown(el))
    .map((el) => ({ selector: L.selector(el), look: window.__lockgateLook(el) }));
}
"""

FOCUS_LOG_FN = "() => window.__lockgateFocus || []"

# How an element looks (the properties a focus indicator changes), on it and its parent.
LOOK = r"""
(() => {
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow', 'border-top-color',
    'border-bottom-color', 'border-bottom-width', 'background-color', 'color', 'text-decoration-line'];
  const of = (el, pseudo) => { const s = getComputedStyle(el, pseudo); return props.map((p) => s.getPropertyValue(p)).join('|'); };
  window.__lockgateLook = (el) => [of(el), of(el, '::before'), of(el, '::after'), el.parentElement ? of(el.parentElement) : ''].join('#');
})();
"""

# At the narrow viewport (`narrow` CSS px): the innermost elements that stick out to the right.
REFLOW_FN = r"""
async (narrow) => {
  const L = window.__lockgate;
  for (let k = 0; k < 20 && document.documentElement.clientWidth > narrow; k++)
    await new Promise((r) => setTimeout(r, 15)); // the new width reaches the page (it has by now, as a rule)
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const scrolls = (el) => { const o = getComputedStyle(el).overflowX; return o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip'; };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (wide.length > 2000) break;
    const r = el.getBoundingClientRect();
    if (r.right <= width + 1 || r.width === 0) continue;
    let inside = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrolls(p)) { inside = true; break; }
    if (!inside) wide.push(el);
  }
  const leaves = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o)));
  return leaves.slice(0, 3).map((el) => ({ selector: L.selector(el), snippet: L.snippet(el),
    right: Math.round(el.getBoundingClientRect().right) }));
}
"""

# Same-origin links of the page, for the crawl.
LINKS_FN = r"""
() => Array.from(document.querySelectorAll('a[href], area[href]')).map((a) => a.href)
"""


def run_all(fns: list[str]) -> str:
    """One function expression that runs each of `fns` in turn with its argument (`args[k]`), each
    answer {value, ms} or {error, ms}: every engine in one call into the page."""
    return _RUN_ALL.get(tuple(fns)) or _RUN_ALL.setdefault(tuple(fns), _run_all(fns))


_RUN_ALL: dict[tuple[str, ...], str] = {}


def _run_all(fns: list[str]) -> str:
    calls = ",\n".join(f"    await run({fn.strip()}, args[{k}])" for k, fn in enumerate(fns))
    return (
        "async (args) => {\n"
        "  const run = async (fn, arg) => {\n"
        "    const t = performance.now();\n"
        "    try { return { value: await fn(arg), ms: performance.now() - t }; }\n"
        "    catch (e) { return { error: String((e && e.message) || e), ms: performance.now() - t }; }\n"
        "  };\n"
        f"  return [\n{calls},\n  ];\n"
        "}"
    )

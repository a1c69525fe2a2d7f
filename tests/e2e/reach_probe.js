// For each visible control under a root: whether elementFromPoint finds it (before and after focus),
// and the size of the target a finger has (an input's label counts as its target). Used by
// test_phone_reach.py through page.evaluate, so it is one arrow function.
([rootSel, focus]) => {
  const root = document.querySelector(rootSel);
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const seen = (el) => {
    if (el.closest('[hidden]')) return false;
    const d = el.closest('details');
    if (d && !d.open && !el.closest('summary')) return false;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const own = (el, hit) => !!hit && (el === hit || el.contains(hit) || [...(el.labels || [])].some((l) => l.contains(hit)));
  const target = (el) => {
    const lab = el.labels && el.labels[0];
    const r = (lab || el).getBoundingClientRect();
    const e = el.getBoundingClientRect();
    const left = Math.min(r.left, e.left), top = Math.min(r.top, e.top);
    return { w: Math.max(r.right, e.right) - left, h: Math.max(r.bottom, e.bottom) - top };
  };
  // A link inside a sentence is an inline target (WCAG 2.5.8 exempts it); everything else counts.
  const inline = (el) => el.tagName === 'A' && !el.classList.contains('btn') && el.parentElement
    && el.parentElement.textContent.trim().length > el.textContent.trim().length + 2;
  const name = (el) => (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || el.value || el.id || el.name || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 40)
    + (el.type === 'radio' || el.type === 'checkbox' ? ` [${el.name}=${el.value}]` : '');
  const probe = (el) => {
    // A link that wraps over two lines is probed on its first line box.
    const r = getComputedStyle(el).display === 'inline' ? el.getClientRects()[0] : el.getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const pts = [[cx, r.top + r.height / 2], [cx, r.top + Math.min(4, r.height / 4)], [cx, r.bottom - Math.min(4, r.height / 4)]];
    const vh = window.innerHeight, vw = window.innerWidth;
    const inView = pts.every(([x, y]) => x >= 0 && x < vw && y >= 0 && y < vh);
    const hits = pts.filter(([x, y]) => x >= 0 && x < vw && y >= 0 && y < vh).map(([x, y]) => document.elementFromPoint(x, y));
    const covered = hits.filter((hit) => !own(el, hit))
      .map((hit) => hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : 'nothing');
    // Partly covered: some of it shows, so it looks tappable, but a point of it is under something.
    return { inView, covered, partly: covered.length > 0 && covered.length < hits.length };
  };
  const out = [];
  const els = [...root.querySelectorAll(sel)].filter(seen);
  for (const el of els) {
    const first = probe(el);
    let focused = null;
    if (focus) {
      el.focus();
      focused = probe(el);
      el.blur();
    }
    const t = target(el);
    out.push({ name: name(el), inline: inline(el), first, focused, w: Math.round(t.w), h: Math.round(t.h) });
  }
  window.scrollTo(0, 0);
  return out;
}

// Words the page hands over in the member's language: a JSON script #page-words mapping each English
// sentence (with %(name)s holes, as in the .po file) to its translation. A sentence the page does
// not hand over, or a page with none, stays English.

let handed = null;

function pageWords() {
  if (handed === null) {
    handed = {};
    const el = typeof document === 'undefined' ? null : document.getElementById('page-words');
    if (el) {
      try {
        handed = JSON.parse(el.textContent) || {};
      } catch {
        handed = {};
      }
    }
  }
  return handed;
}

/** `english` in the page's language, with each %(name)s filled from `values`. */
export function say(english, values = {}) {
  const text = pageWords()[english] || english;
  return text.replace(/%\((\w+)\)s/g, (hole, name) => (name in values ? String(values[name]) : hole));
}

/** `x` with at most `digits` decimals, in the page's language (4,5 in German). */
export function num(x, digits = 1) {
  const lang = (typeof document !== 'undefined' && document.documentElement.lang) || 'en';
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(x);
}

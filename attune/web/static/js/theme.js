// The theme's colours, for what draws in a canvas (the charts) and cannot use CSS directly.

/** The value of the CSS custom property `name` on the page, or `fallback` where it is not set. */
export function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

// Two hearts on one clock: where each beat of a batch falls in server time, and the last minute
// of them. Pure module (no DOM), tested by tests/js/room-hearts.test.mjs.

export const WINDOW_MS = 60_000;

/**
 * Beats that ended at `lastAtMs` (server time): a batch of RR intervals, oldest first, places
 * its last beat at the moment it was received and each earlier one an interval before.
 * @returns {{t: number, hr: number}[]} beat times (ms, server clock) with heart rate in bpm
 */
export function beatsBefore(rrMs, lastAtMs) {
  const out = [];
  let t = lastAtMs;
  for (let i = rrMs.length - 1; i >= 0; i -= 1) {
    out.push({ t, hr: 60000 / rrMs[i] });
    t -= rrMs[i];
  }
  return out.reverse();
}

/** Keep only the beats of the last `windowMs` before `nowMs` (in place; returns the array). */
export function trimBeats(beats, nowMs, windowMs = WINDOW_MS) {
  let drop = 0;
  while (drop < beats.length && beats[drop].t < nowMs - windowMs) drop += 1;
  if (drop) beats.splice(0, drop);
  return beats;
}

/** Map beats onto 0..1 (x by time across the window, y by this person's own range). */
export function scaled(beats, nowMs, windowMs = WINDOW_MS) {
  if (beats.length < 2) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of beats) {
    lo = Math.min(lo, b.hr);
    hi = Math.max(hi, b.hr);
  }
  const span = Math.max(hi - lo, 4); // a near-flat heart stays near-flat, not stretched to fill
  const mid = (hi + lo) / 2;
  return beats.map((b) => ({ x: 1 - (nowMs - b.t) / windowMs, y: 0.5 + (b.hr - mid) / span }));
}

// Shared DOM helpers for the player and the pacer page: saving a practice session, the
// before/after readings, and keeping the screen awake. No inline scripts anywhere: data comes
// from json_script elements, and the CSRF token from the body's hx-headers attribute.
// A practice made with no network goes to the outbox (offline-queue.js) and is saved later.

import { newKey } from './offline-queue.js';
import { announceOutbox, csrfToken, member, outbox } from './outbox-page.js';
import { say } from './words.js';

/** The element with this id, or null. */
export const $ = (id) => document.getElementById(id);

export function readJson(id) {
  const el = $(id);
  return el ? JSON.parse(el.textContent) : null;
}

function formBody(fields) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v !== null && v !== undefined && v !== '') body.append(k, String(v));
  }
  return body;
}

/** POST form fields; resolves to the JSON answer, or rejects with an Error (`offline` set when no
 * network answered, or the server was unavailable: worth trying again later). */
export async function post(url, fields) {
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      body: formBody(fields),
      headers: { 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
      credentials: 'same-origin',
    });
  } catch (err) {
    err.offline = true;
    throw err;
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error((data && JSON.stringify(data.errors)) || `HTTP ${res.status}`);
    err.offline = res.status >= 500;
    throw err;
  }
  return data;
}

/** Fire-and-forget POST that survives the page closing (for "stopped" when leaving mid-way). */
export function beacon(url, fields) {
  if (!navigator.sendBeacon) return false;
  return navigator.sendBeacon(url, formBody({ ...fields, csrfmiddlewaretoken: csrfToken() }));
}

/** {safety, state} from a reading form or fieldset; either may be '' (skipped). */
export function readingValues(root, prefix) {
  const pick = (name) => {
    const el = root.querySelector(`input[name="${prefix}-${name}"]:checked`);
    return el ? el.value : '';
  };
  return { safety: pick('safety'), state: pick('state') };
}

/**
 * A session on the server: start() once, finish() once; failures never interrupt the practice.
 * With no network, the session is kept in the outbox and finish() resolves to {queued: true}: it is
 * begun and finished on the server once the network is back, under one idempotency key.
 */
export function createSession({ startUrl, slug }) {
  const key = newKey();
  let started = null; // Promise<{id, finishUrl} | null>
  let startFields = null;
  let offline = false;
  let finished = false;
  let saveFailed = false;

  async function queue(finishUrl, fields) {
    try {
      await outbox.add({ key, member, kind: 'practice', startUrl, start: startFields, finishUrl, finish: fields });
      announceOutbox();
      return { queued: true };
    } catch (err) {
      saveFailed = true;
      console.warn('attune: could not keep this session on the device', err);
      return null;
    }
  }

  return {
    start(reading, pacer) {
      startFields = { practice: slug, safety: reading.safety, state: reading.state, key, started_at: new Date().toISOString() };
      if (pacer) {
        Object.assign(startFields, { inhale: pacer.inhale, hold_in: pacer.holdIn, exhale: pacer.exhale, hold_out: pacer.holdOut });
      }
      started = post(startUrl, startFields).catch((err) => {
        if (err.offline && member) offline = true;
        else saveFailed = true;
        console.warn('attune: could not save the start of this session', err);
        return null;
      });
      return started;
    },
    async finish(outcome, elapsedS, reading) {
      if (finished || !started) return null;
      finished = true;
      const s = await started;
      const fields = {
        outcome, elapsed_s: Math.round(elapsedS), safety: reading.safety, state: reading.state, key, ended_at: new Date().toISOString(),
      };
      if (!s) return offline ? queue(null, fields) : null;
      try {
        return await post(s.finishUrl, fields);
      } catch (err) {
        if (err.offline && member) return queue(s.finishUrl, fields);
        saveFailed = true;
        console.warn('attune: could not save the end of this session', err);
        return null;
      }
    },
    // When the page is closed mid-practice, record it as stopped (no readings).
    leave(elapsedS, outcome = 'stopped') {
      if (finished || !started) return;
      finished = true;
      started.then((s) => {
        if (s) beacon(s.finishUrl, { outcome, elapsed_s: Math.round(elapsedS), key });
      });
    },
    get saveFailed() {
      return saveFailed;
    },
  };
}

/** Keep the screen on while practising (Screen Wake Lock API), if the browser offers it. */
export function createWakeLock() {
  let sentinel = null;
  let wanted = false;
  async function acquire() {
    if (!wanted || !('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
    try {
      sentinel = await navigator.wakeLock.request('screen');
      sentinel.addEventListener('release', () => {
        sentinel = null;
      });
    } catch (_) {
      sentinel = null; // e.g. battery saver; the practice goes on regardless
    }
  }
  document.addEventListener('visibilitychange', () => {
    if (wanted && !sentinel) acquire();
  });
  return {
    on() {
      wanted = true;
      return acquire();
    },
    off() {
      wanted = false;
      if (sentinel) sentinel.release().catch(() => {});
      sentinel = null;
    },
  };
}

/** Show one section, hide the listed others, and move focus to it for keyboard and screen-reader users. */
export function show(section, others = []) {
  for (const o of others) if (o) o.hidden = true;
  section.hidden = false;
  const focusable = section.querySelector('[tabindex="-1"]') || section;
  if (!focusable.hasAttribute('tabindex')) focusable.setAttribute('tabindex', '-1');
  focusable.focus({ preventScroll: false });
}

export function formatClock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** "1:10 in · 3:50 left" (or "1:10 in" with no end): the time in a whole practice, at a glance. */
export function elapsedText(elapsedMs, totalMs = null) {
  const done = formatClock(Math.max(0, elapsedMs - 999)); // whole seconds gone, counting up
  return totalMs
    ? say('%(done)s in · %(left)s left', { done, left: formatClock(totalMs - elapsedMs) })
    : say('%(done)s in', { done });
}

/** A before-and-after in felt safety as people read it at a glance: "Felt safety 3 → 5." */
export function describeChange(before, after) {
  const line = say('Felt safety %(before)s → %(after)s.', { before, after });
  return after >= before + 1 ? line : `${line} ${say('That is useful to know, too.')}`;
}

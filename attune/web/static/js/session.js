// Shared DOM helpers for the player and the pacer page: saving a practice session, the
// before/after readings, and keeping the screen awake. No inline scripts anywhere: data comes
// from json_script elements, and the CSRF token from the body's hx-headers attribute.

export function readJson(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}

function csrfToken() {
  try {
    const headers = JSON.parse(document.body.getAttribute('hx-headers') || '{}');
    if (headers['X-CSRFToken']) return headers['X-CSRFToken'];
  } catch (_) {
    // fall through to the cookie
  }
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

function formBody(fields) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v !== null && v !== undefined && v !== '') body.append(k, String(v));
  }
  return body;
}

/** POST form fields; resolves to the JSON answer, or rejects with an Error. */
export async function post(url, fields) {
  const res = await fetch(url, {
    method: 'POST',
    body: formBody(fields),
    headers: { 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
    credentials: 'same-origin',
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((data && JSON.stringify(data.errors)) || `HTTP ${res.status}`);
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

/** A session on the server: start() once, finish() once; failures never interrupt the practice. */
export function createSession({ startUrl, finishUrl, slug }) {
  let started = null; // Promise<{id, finishUrl}>
  let finished = false;
  let saveFailed = false;
  return {
    start(reading, pacer) {
      const fields = { practice: slug, safety: reading.safety, state: reading.state };
      if (pacer) {
        Object.assign(fields, { inhale: pacer.inhale, hold_in: pacer.holdIn, exhale: pacer.exhale, hold_out: pacer.holdOut });
      }
      started = post(startUrl, fields).catch((err) => {
        saveFailed = true;
        console.warn('attune: could not save the start of this session', err);
        return null;
      });
      return started;
    },
    async finish(outcome, elapsedS, reading) {
      if (finished || !started) return null;
      finished = true;
      const s = await started;
      if (!s) return null;
      try {
        return await post(s.finishUrl, { outcome, elapsed_s: Math.round(elapsedS), safety: reading.safety, state: reading.state });
      } catch (err) {
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
        if (s) beacon(s.finishUrl, { outcome, elapsed_s: Math.round(elapsedS) });
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
  return totalMs ? `${done} in · ${formatClock(totalMs - elapsedMs)} left` : `${done} in`;
}

/** A before-and-after in felt safety as people read it at a glance: "Felt safety 3 → 5." */
export function describeChange(before, after) {
  const line = `Felt safety ${before} → ${after}.`;
  return after >= before + 1 ? line : `${line} That is useful to know, too.`;
}

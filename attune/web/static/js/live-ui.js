// DOM pieces shared by the live practice page and the resonance wizard: the readings panel, the
// heart-rate trace (uPlot) drawn against the pacer's breath, the status tags, and the glue that
// runs one recording (a heart-rate source feeding a live stream).

import { createLiveStream, finishOverHttp } from './live-stream.js';
import { createDemoSource, createStrapSource, webBluetoothAvailable } from './hr-sensor.js';
import { cssVar } from './theme.js';
import { say } from './words.js';

export const TRACE_SECONDS = 60;
/**
 * Finishing waits for the websocket this long after its last sign of progress (a welcome or an
 * ack); then it uploads the beats still on this device over HTTP and closes the recording there.
 */
export const FINISH_PATIENCE_MS = 15_000;
const TRACE_STEP_S = 0.25;
const TRACE_REDRAW_MS = 250;

/** JSON from a `json_script` element. */
export function readConfig(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : {};
}

/**
 * A live page's parts: its settings (the `live-config` json_script), its root (`#live`), its views
 * (the `[data-view]` sections, by name), and `show(name)`, which shows one view and hides the rest.
 */
export function livePage() {
  const root = document.getElementById('live');
  const views = Object.fromEntries([...root.querySelectorAll('[data-view]')].map((el) => [el.dataset.view, el]));
  const show = (name) => {
    for (const [key, el] of Object.entries(views)) el.hidden = key !== name;
    root.dataset.state = name;
    window.scrollTo({ top: 0 });
  };
  return { config: readConfig('live-config'), root, views, show };
}

export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (m) return decodeURIComponent(m[1]);
  const body = document.body.getAttribute('hx-headers');
  try {
    return JSON.parse(body)['X-CSRFToken'] ?? '';
  } catch {
    return '';
  }
}

/**
 * POST JSON and return the JSON answer; throws an Error with the server's message, its HTTP
 * `status` and its JSON `body` (no `status` when the server could not be reached).
 */
export async function postJson(url, data = {}) {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrfToken() },
    body: JSON.stringify(data),
  });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = new Error((body && body.error) || say('The server said %(status)s.', { status: res.status }));
    err.status = res.status;
    err.body = body;
    throw err;
  }
  return body;
}

/** POST form fields (as a form would) and return the JSON answer; throws an Error when not ok. */
export async function postForm(url, fields = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined && v !== '') body.set(k, String(v));
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-CSRFToken': csrfToken() },
    body,
  });
  let out = null;
  try {
    out = await res.json();
  } catch {
    out = null;
  }
  if (!res.ok || !out || out.ok === false) throw new Error(say('The server said %(status)s.', { status: res.status }));
  return out;
}

/** The checked felt-safety and state chips named `<prefix>-safety` and `<prefix>-state`, if any. */
export function readFeltReading(root, prefix) {
  const pick = (name) => root.querySelector(`input[name="${prefix}-${name}"]:checked`)?.value ?? null;
  return { safety: pick('safety'), state: pick('state') };
}

/** A websocket address from the path the server gave, on this page's own host. */
export function wsUrl(rec) {
  if (rec.ws_path) return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${rec.ws_path}`;
  return rec.ws_url;
}

/**
 * The sensor card: shows the Web Bluetooth or no-Web-Bluetooth text, and calls `onChoose(kind)`
 * with 'strap' or 'demo' when a button is pressed (inside the click, so Bluetooth may prompt).
 */
export function setupSensorCard(card, onChoose) {
  const ble = webBluetoothAvailable();
  card.querySelector('[data-ble="yes"]').hidden = !ble;
  card.querySelector('[data-ble="no"]').hidden = ble;
  const strapBtn = card.querySelector('[data-action="strap"]');
  strapBtn.hidden = !ble;
  const demoBtn = card.querySelector('[data-action="demo"]');
  if (!ble) demoBtn.classList.add('btn-primary');
  const error = card.querySelector('.setup-error');
  const busy = (on) => {
    strapBtn.disabled = on;
    demoBtn.disabled = on;
  };
  const run = (kind) => async () => {
    error.hidden = true;
    busy(true);
    try {
      await onChoose(kind);
    } catch (err) {
      error.textContent = kind === 'strap' && err && err.name === 'NotFoundError'
        ? say('No strap was chosen. You might check that it is on and moistened, then try again.')
        : say("That didn't work: %(why)s", { why: err && err.message ? err.message : err });
      error.hidden = false;
    } finally {
      busy(false);
    }
  };
  strapBtn.addEventListener('click', run('strap'));
  demoBtn.addEventListener('click', run('demo'));
  return { bluetooth: ble };
}

/** A heart-rate source of `kind` ('strap' or 'demo') whose state and skin contact show in `status`. */
export function makeSource(kind, status) {
  const source = kind === 'strap' ? createStrapSource() : createDemoSource();
  source.on('status', (s) => status.source(s.status, s.name ?? source.name, source.simulated));
  source.on('contact', (c) => status.contact(c.contact));
  return source;
}

/**
 * The status tags, readings panel and heart-rate trace of a session view (the markup of the
 * `session` partial in live/practice.html), as startRecording takes them.
 *
 * @param {HTMLElement} session
 * @param {object} config the page's live-config (its reading windows)
 * @param {object} [options]
 * @param {() => ({levelAt(atMs: number): number}|null)} [options.pacer] the pacer running now, if
 *   any (from live-pacer.js): the trace draws its breath
 */
export function mountSessionView(session, config, { pacer = () => null } = {}) {
  const breathAt = () => {
    const running = pacer();
    return running ? (atMs) => running.levelAt(atMs) : null;
  };
  return {
    status: createStatusTags(session),
    readings: createReadingsPanel(session.querySelector('[data-role="readings"]'), config),
    trace: createTrace(session.querySelector('[data-role="trace"]'), { breathAt }),
  };
}

const FORMAT = {
  hr_bpm: (v) => v.toFixed(0),
  rmssd_ms: (v) => v.toFixed(0),
  coherence: (v) => v.toFixed(1),
  breathing_rate_bpm: (v) => v.toFixed(1),
};

/**
 * Seconds of beats each reading needs before the meter has it (attune.core.streaming): heart rate
 * at once, RMSSD from half its window, coherence and breathing from the whole meter window.
 */
export function readySeconds({ rmssd_window_s: rmssd = 60, meter_window_s: meter = 64 } = {}) {
  return { hr_bpm: 0, rmssd_ms: rmssd / 2, coherence: meter, breathing_rate_bpm: meter };
}

/** "calibrating · 34 s": what a waiting reading says, counting down to when it comes. */
export function waitText(readyS, beatTimeS) {
  if (typeof beatTimeS !== 'number' || !(readyS > 0)) return say('calibrating');
  const left = Math.ceil(readyS - beatTimeS);
  return left > 0 ? say('calibrating · %(s)s s', { s: left }) : say('calibrating · a moment');
}

/**
 * The four readings. Each shows as soon as the meter has it (heart rate from the first beats,
 * RMSSD after 30 s, coherence and breathing after about a minute), and until then says
 * "calibrating" with the seconds still to come. `windows` are the meter's, from the page's config.
 */
export function createReadingsPanel(root, windows = {}) {
  const ready = readySeconds(windows);
  const items = [...root.querySelectorAll('[data-reading]')].map((el) => ({
    key: el.dataset.reading,
    el,
    value: el.querySelector('[data-role="value"]'),
    wait: el.querySelector('.reading-wait'),
  }));
  return {
    update(reading) {
      for (const { key, el, value, wait } of items) {
        const v = reading[key];
        const waiting = v === null || v === undefined;
        el.dataset.state = waiting ? 'calibrating' : 'ready';
        if (!waiting) value.textContent = FORMAT[key](v);
        else if (wait) wait.textContent = waitText(ready[key], reading.beat_time_s);
      }
      root.dataset.artifact = String(Boolean(reading.artifact));
    },
    reset() {
      for (const { el, value, wait } of items) {
        el.dataset.state = 'calibrating';
        value.textContent = '–';
        if (wait) wait.textContent = say('calibrating');
      }
    },
  };
}

/**
 * Heart rate over the last minute against the pacer's breath.
 *
 * @param {HTMLElement} el
 * @param {object} options
 * @param {() => ((atMs: number) => number|null)|null} options.breathAt gives, for a clock time,
 *   the pacer's breath level 0..1 (or null when there is no pacer then)
 * @param {{now(): number}} [options.clock]
 */
export function createTrace(el, { breathAt, clock = { now: () => performance.now() } }) {
  const beats = []; // {atMs, hr}
  const n = Math.round(TRACE_SECONDS / TRACE_STEP_S) + 1;
  const xs = Array.from({ length: n }, (_, i) => -TRACE_SECONDS + i * TRACE_STEP_S);
  let plot = null;
  let timer = null;
  let resize = null;

  function build() {
    const UPlot = globalThis.uPlot;
    if (!UPlot) return;
    const accent = cssVar('--accent', '#2f6f6a');
    const clay = cssVar('--clay', '#c9825f');
    const soft = cssVar('--ink-soft', '#5f5a53');
    const line = cssVar('--line', '#ddd3c5');
    const width = Math.max(240, el.clientWidth);
    const height = width < 500 ? 180 : 230;
    const axis = { stroke: soft, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 }, font: '12px system-ui, sans-serif' };
    plot = new UPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false },
        scales: {
          x: { time: false, range: [-TRACE_SECONDS, 0] },
          hr: {
            range: (_u, lo, hi) => {
              if (lo === null || hi === null) return [50, 90];
              const mid = (lo + hi) / 2;
              const half = Math.max(10, (hi - lo) / 2 + 3);
              return [Math.floor(mid - half), Math.ceil(mid + half)];
            },
          },
          breath: { range: [-0.15, 1.6] },
        },
        axes: [
          { ...axis, values: (_u, ticks) => ticks.map((t) => (t === 0 ? say('now') : `${Math.abs(t)} s`)), space: 60 },
          { ...axis, scale: 'hr', size: 40, values: (_u, ticks) => ticks.map((t) => String(Math.round(t))) },
        ],
        series: [
          {},
          { scale: 'breath', stroke: clay, width: 1.5, fill: `${clay}33`, spanGaps: false, points: { show: false } },
          { scale: 'hr', stroke: accent, width: 2.5, spanGaps: false, points: { show: false } },
        ],
      },
      [xs, new Array(n).fill(null), new Array(n).fill(null)],
      el,
    );
    resize = new ResizeObserver(() => {
      const w = Math.max(240, el.clientWidth);
      if (plot && Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height: w < 500 ? 180 : 230 });
    });
    resize.observe(el);
  }

  function hrAt(tMs) {
    // Linear between beats; nothing before the first beat or after the last.
    if (beats.length === 0 || tMs < beats[0].atMs || tMs > beats[beats.length - 1].atMs) return null;
    let lo = 0;
    let hi = beats.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (beats[mid].atMs <= tMs) lo = mid;
      else hi = mid;
    }
    const a = beats[lo];
    const b = beats[hi];
    if (b.atMs === a.atMs) return b.hr;
    return a.hr + ((b.hr - a.hr) * (tMs - a.atMs)) / (b.atMs - a.atMs);
  }

  function redraw() {
    if (!plot) build();
    if (!plot) return;
    const now = clock.now();
    const level = breathAt ? breathAt() : null;
    const breath = xs.map((x) => (level ? level(now + x * 1000) : null));
    const hr = xs.map((x) => hrAt(now + x * 1000));
    plot.setData([xs, breath, hr]);
  }

  return {
    /** RR intervals of one notification received at `receivedMs`: the last beat is then. */
    addBeats(rrMs, receivedMs) {
      let t = receivedMs;
      const fresh = [];
      for (let i = rrMs.length - 1; i >= 0; i -= 1) {
        fresh.unshift({ atMs: t, hr: 60000 / rrMs[i] });
        t -= rrMs[i];
      }
      for (const b of fresh) {
        if (beats.length && b.atMs <= beats[beats.length - 1].atMs) b.atMs = beats[beats.length - 1].atMs + 1;
        beats.push(b);
      }
      const cutoff = clock.now() - (TRACE_SECONDS + 10) * 1000;
      while (beats.length && beats[0].atMs < cutoff) beats.shift();
    },
    start() {
      if (timer === null) timer = setInterval(redraw, TRACE_REDRAW_MS);
      redraw();
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
    clear() {
      beats.length = 0;
    },
    destroy() {
      this.stop();
      resize?.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  live: 'Saving as you go',
  reconnecting: 'Connection dropped: beats are kept and will be sent',
  finishing: 'Saving…',
  finished: 'Saved',
  refused: 'This recording could not be opened',
  signedOut: 'You are signed out. Sign in again to go on.',
  closed: 'Stopped',
};

/** The server closes with 4401 when the session that opened the socket has ended (docs/live-protocol.md). */
const SIGNED_OUT_CODE = 4401;

/** Status tags: the source (strap name or "simulated"), skin contact, and the connection. */
export function createStatusTags(root) {
  const source = root.querySelector('[data-role="source"]');
  const contact = root.querySelector('[data-role="contact"]');
  const conn = root.querySelector('[data-role="connection"]');
  return {
    source(status, name, simulated) {
      const text = {
        connecting: say('Connecting to your strap…'),
        connected: simulated ? say('Demo strap · simulated') : say('%(name)s connected', { name }),
        reconnecting: say('Reconnecting to %(name)s…', { name }),
        disconnected: simulated ? say('Demo strap stopped') : say('%(name)s disconnected', { name }),
        failed: say('No strap connected'),
      }[status] ?? status;
      source.textContent = text;
      source.dataset.status = status;
      source.classList.toggle('tag-sim', simulated);
    },
    contact(value) {
      contact.hidden = value === null || value === undefined;
      contact.textContent = value ? say('Good skin contact') : say('No skin contact: you might moisten the electrodes');
      contact.dataset.status = value ? 'ok' : 'poor';
    },
    connection(status, code) {
      const key = status === 'refused' && code === SIGNED_OUT_CODE ? 'signedOut' : status;
      conn.textContent = CONNECTION_TEXT[key] ? say(CONNECTION_TEXT[key]) : status;
      conn.dataset.status = status;
    },
  };
}

/**
 * One recording: POST to create it, open its websocket, forward each notification of `source`
 * as a `beats` message, and show readings. The source is connected by the caller and may outlive
 * the recording (the resonance wizard uses one source for five recordings).
 *
 * @returns {Promise<{recording: object, stream: object, finish(): Promise<object>, detach(): void}>}
 */
export async function startRecording({ startUrl, body, source, root, readings, trace, status }) {
  // Listen before asking the server for the recording, so beats that arrive meanwhile are kept.
  const early = [];
  let stream = null;
  const onPacket = (p) => {
    if (p.rrMs.length === 0) return;
    trace.addBeats(p.rrMs, p.receivedMs);
    if (!stream) {
      early.push(p);
      return;
    }
    stream.sendBeats(p.rrMs, p.receivedMs);
    const c = stream.counts;
    root.dataset.beatsQueued = String(c.beatsQueued);
    root.dataset.lastSeq = String(stream.lastSeq);
    root.dataset.reconnects = String(c.reconnects);
  };
  const off = source.on('packet', onPacket);
  let recording;
  try {
    // `body` may be a promise (the live page first starts a practice session); beats that
    // arrive meanwhile are already being kept above.
    recording = await postJson(startUrl, { ...(await body), simulated: source.simulated });
  } catch (err) {
    off();
    throw err;
  }
  root.dataset.recording = String(recording.id);
  root.dataset.ackedSeq = '0';
  let resolveFinished;
  let rejectFinished;
  const finished = new Promise((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  finished.catch(() => {}); // a refusal is handled in finish()
  let lastProgressMs = performance.now();
  stream = createLiveStream({
    url: wsUrl(recording),
    onEvent(type, detail) {
      // Only the server's answers count as progress (reconnect attempts do not).
      if (type === 'ack' || type === 'welcome') lastProgressMs = performance.now();
      if (type === 'status') {
        status.connection(detail.status, detail.code);
        if (detail.status === 'refused' || detail.status === 'closed') rejectFinished(new Error(detail.status));
      } else if (type === 'reading') {
        readings.update(detail);
        root.dataset.beatsStored = String(detail.beat);
        if (typeof detail.latencyMs === 'number') {
          root.dataset.latencyMs = detail.latencyMs.toFixed(1);
          const lat = (root.dataset.latencies ? root.dataset.latencies.split(',') : []).slice(-49);
          lat.push(detail.latencyMs.toFixed(1));
          root.dataset.latencies = lat.join(',');
        }
      } else if (type === 'ack') {
        root.dataset.ackedSeq = String(detail.seq);
      } else if (type === 'finished') {
        resolveFinished(detail.summary);
      }
    },
  });
  stream.connect();
  for (const p of early.splice(0)) stream.sendBeats(p.rrMs, p.receivedMs);
  root.dataset.lastSeq = String(stream.lastSeq);
  return {
    recording,
    stream,
    detach: off,
    /**
     * Stop taking beats, wait until every one is stored, and return what happened:
     * `{summary, via, unsentBeats}`. `via` is 'websocket' when every beat was stored and the
     * websocket closed the recording. When the websocket makes no progress for
     * FINISH_PATIENCE_MS (or the server refused it), the beats still on this device are uploaded
     * over HTTP and then the recording is closed over HTTP: `via` is 'http' and `unsentBeats`
     * counts the beats on this device that never reached the server (0 when the upload worked).
     * If the server cannot be reached at all, `summary` is null, `via` is 'none' and the
     * recording stays open (the recordings page summarises it later).
     */
    async finish({ patienceMs = FINISH_PATIENCE_MS } = {}) {
      off();
      stream.finish();
      const summary = await new Promise((resolve) => {
        const check = setInterval(() => {
          if (performance.now() - lastProgressMs < patienceMs) return;
          clearInterval(check);
          resolve(null);
        }, 250);
        finished.then(
          (value) => {
            clearInterval(check);
            resolve(value);
          },
          () => {
            clearInterval(check);
            resolve(null);
          },
        );
      });
      if (summary) return { summary, via: 'websocket', unsentBeats: 0 };
      root.dataset.finishedVia = 'http';
      const outcome = await finishOverHttp({
        stream,
        post: postJson,
        beatsUrl: recording.beats_url,
        finishUrl: recording.finish_url,
      });
      root.dataset.finishedVia = outcome.via;
      root.dataset.uploadedBeats = String(outcome.uploadedBeats);
      return outcome;
    },
  };
}

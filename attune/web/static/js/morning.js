// The morning reading page: one to three minutes of beats from a strap (or the demo strap),
// through the same recording and websocket as a live practice. It stops by itself once the chosen
// time's worth of heartbeats has arrived, then shows RMSSD and ln RMSSD.

import {
  livePage,
  makeSource,
  mountSessionView,
  setupSensorCard,
  startRecording,
} from './live-ui.js';
import { formatClock } from './session.js';
import { num, say } from './words.js';

const { config, root, views, show } = livePage();
const session = views.session;
const view = mountSessionView(session, config);
const { status, trace } = view;
const remainingEl = session.querySelector('[data-role="remaining"]');
const progressBar = session.querySelector('[data-role="progress-bar"]');
const progressEl = session.querySelector('[data-role="progress"]');
const stopBtn = session.querySelector('[data-action="stop"]');

let source = null;
let live = null;
let targetMs = 0;
let beatsMs = 0;
let finishing = false;

function chosenMinutes() {
  const picked = views.setup.querySelector('input[name="minutes"]:checked');
  const minutes = picked ? Number(picked.value) : 2;
  return config.choices_min.includes(minutes) ? minutes : 2;
}

function showTime() {
  const fraction = targetMs > 0 ? Math.min(1, beatsMs / targetMs) : 0;
  remainingEl.textContent = beatsMs === 0
    ? say('Waiting for your first heartbeats…')
    : say('%(time)s to go', { time: formatClock(targetMs - beatsMs) });
  progressEl.style.setProperty('--progress', `${(fraction * 100).toFixed(1)}%`);
  progressBar.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  root.dataset.beatsMs = String(Math.round(beatsMs));
}

async function begin(kind) {
  targetMs = chosenMinutes() * 60_000;
  beatsMs = 0;
  source = makeSource(kind, view.status);
  source.on('packet', (p) => {
    if (finishing || !p.rrMs.length) return;
    for (const rr of p.rrMs) beatsMs += rr;
    showTime();
    // The packet that crosses the line is sent first (startRecording listens before this does).
    if (beatsMs >= targetMs) setTimeout(() => finish(), 0);
  });
  await source.connect();
  status.connection('connecting');
  live = await startRecording({
    startUrl: config.start_url,
    body: { kind: 'morning' },
    source,
    root,
    ...view,
  });
  show('session');
  showTime();
  trace.start();
}

setupSensorCard(views.setup, begin);

/** `x` with exactly two decimals, in the page's language (ln RMSSD 3,40 in German). */
function num2(x) {
  const lang = document.documentElement.lang || 'en';
  return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
}

function describe(summary) {
  const rows = [];
  const add = (label, value) => {
    if (value !== null && value !== undefined) rows.push([label, value]);
  };
  add(say('Time'), summary.duration_s != null ? formatClock(summary.duration_s * 1000) : null);
  add(say('Heart rate'), summary.mean_hr_bpm != null ? `${num(summary.mean_hr_bpm, 0)} bpm` : null);
  add('RMSSD', summary.rmssd_ms != null ? `${num(summary.rmssd_ms, 0)} ms` : null);
  add('ln RMSSD', summary.rmssd_ms > 0 ? num2(Math.log(summary.rmssd_ms)) : null);
  return rows;
}

/** What the done view says about this reading and the baseline. */
function doneNote(summary, { minS, simulated }) {
  if (!summary) {
    return say("We couldn't reach the server, so this reading is still open there with the beats it already has. It will be closed and summarised the next time you open your recordings.");
  }
  if (!(summary.duration_s >= minS) || !(summary.rmssd_ms > 0)) {
    return say('This reading was shorter than a minute, so it is kept as a recording but stays out of your morning baseline. A full minute or more next time will count.');
  }
  if (simulated) {
    return say('These numbers came from the demo strap, so they are simulated. Simulated readings show on your morning chart, marked as such, only until you take a real one; they never mix with real readings.');
  }
  return say('Thank you. This reading joins your morning baseline.');
}

async function finish() {
  if (!live || finishing) return;
  finishing = true;
  stopBtn.disabled = true;
  stopBtn.textContent = say('Saving…');
  const outcome = await live.finish();
  source?.disconnect();
  trace.stop();
  const dl = views.done.querySelector('[data-role="summary"]');
  dl.replaceChildren();
  for (const [label, value] of outcome.summary ? describe(outcome.summary) : []) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    dl.append(dt, dd);
  }
  views.done.querySelector('[data-role="done-note"]').textContent = doneNote(outcome.summary, {
    minS: config.min_s,
    simulated: Boolean(source?.simulated),
  });
  views.done.querySelector('[data-role="recording-link"]').href = live.recording.detail_url;
  root.dataset.finished = 'true';
  show('done');
}

stopBtn.addEventListener('click', () => finish());

window.addEventListener('pagehide', () => {
  // Leaving mid-reading: the recording stays open on the server and is closed later.
  source?.disconnect();
});

// The live practice page: choose a pace and a sensor, then breathe with the pacer while the
// heart-rate trace, the readings and the recording run; finish saves it.

import { rateToPattern } from './pacer-clock.js';
import { mountPacer } from './live-pacer.js';
import {
  createReadingsPanel,
  createStatusTags,
  createTrace,
  makeSource,
  readConfig,
  setupSensorCard,
  startRecording,
} from './live-ui.js';

const config = readConfig('live-config');
const root = document.getElementById('live');
const views = Object.fromEntries([...root.querySelectorAll('[data-view]')].map((el) => [el.dataset.view, el]));

function show(name) {
  for (const [key, el] of Object.entries(views)) el.hidden = key !== name;
  root.dataset.state = name;
  window.scrollTo({ top: 0 });
}

// Pace choice
const customField = root.querySelector('.custom-pace');
const customInput = root.querySelector('#pace-custom');
for (const radio of root.querySelectorAll('input[name="pace"]')) {
  radio.addEventListener('change', () => {
    customField.hidden = radio.value !== 'custom' || !radio.checked;
  });
}

function chosenBpm() {
  const picked = root.querySelector('input[name="pace"]:checked');
  let bpm = picked && picked.value !== 'custom' ? Number(picked.value) : Number(customInput.value);
  if (!Number.isFinite(bpm)) bpm = config.initial_bpm;
  return Math.min(config.max_bpm, Math.max(config.min_bpm, bpm));
}

function paceNote(bpm) {
  const pattern = rateToPattern(bpm);
  const s = (x) => x.toFixed(1).replace(/\.0$/, '');
  return `${s(bpm)} breaths a minute: in for ${s(pattern.inhale)} seconds, out for ${s(pattern.exhale)}.`;
}

const session = views.session;
const status = createStatusTags(session);
const readings = createReadingsPanel(session.querySelector('[data-role="readings"]'));
let pacer = null;
const trace = createTrace(session.querySelector('[data-role="trace"]'), {
  breathAt: () => (pacer ? (atMs) => pacer.levelAt(atMs) : null),
});

let source = null;
let live = null;

async function begin(kind) {
  const bpm = chosenBpm();
  const pattern = rateToPattern(bpm);
  source = makeSource(kind);
  source.on('status', (s) => status.source(s.status, s.name ?? source.name, source.simulated));
  source.on('contact', (c) => status.contact(c.contact));
  await source.connect();
  status.connection('connecting');
  live = await startRecording({
    startUrl: config.start_url,
    body: { kind: 'practice', pacer_bpm: bpm },
    source,
    root,
    readings,
    trace,
    status,
  });
  show('session');
  session.querySelector('[data-role="pace-note"]').textContent = paceNote(bpm);
  pacer = mountPacer(session.querySelector('[data-role="pacer"]'), pattern);
  pacer.start();
  if (source.setPacer) source.setPacer(pattern, pacer.startedAtMs());
  trace.start();
}

setupSensorCard(views.setup.querySelector('.sensor-card'), begin);

function describeSummary(summary) {
  const rows = [];
  const add = (label, value) => {
    if (value !== null && value !== undefined) rows.push([label, value]);
  };
  const mins = summary.duration_s ? Math.round(summary.duration_s / 60) : null;
  add('Time', mins !== null ? (mins < 1 ? 'under a minute' : `${mins} min`) : null);
  add('Heartbeats', summary.beats);
  add('RMSSD, whole practice', summary.rmssd_ms != null ? `${summary.rmssd_ms.toFixed(0)} ms` : null);
  add('Time in coherence', summary.time_in_coherence_s != null ? `${Math.round(summary.time_in_coherence_s)} s` : null);
  add('Breathing', summary.breathing_rate_bpm != null ? `${summary.breathing_rate_bpm.toFixed(1)} a minute` : null);
  return rows;
}

const finishBtn = session.querySelector('[data-action="finish"]');
finishBtn.addEventListener('click', async () => {
  if (!live) return;
  finishBtn.disabled = true;
  finishBtn.textContent = 'Saving…';
  pacer?.stop();
  const current = live;
  let summary = null;
  try {
    summary = await current.finish();
  } catch {
    summary = null;
  }
  source?.disconnect();
  trace.stop();
  const dl = views.done.querySelector('[data-role="summary"]');
  dl.replaceChildren();
  for (const [label, value] of summary ? describeSummary(summary) : []) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    dl.append(dt, dd);
  }
  if (!summary) {
    views.done.querySelector('[data-role="done-note"]').textContent =
      'The connection did not come back in time, so the last beats may not be saved yet.';
  } else if (source?.simulated) {
    views.done.querySelector('[data-role="done-note"]').textContent =
      'Thank you for trying it. These numbers came from the demo strap, so they are simulated.';
  }
  views.done.querySelector('[data-role="recording-link"]').href = current.recording.detail_url;
  root.dataset.finished = 'true';
  show('done');
});

window.addEventListener('pagehide', () => {
  // Leaving mid-practice: the recording stays open on the server and can be finished later.
  source?.disconnect();
});

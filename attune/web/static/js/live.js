// The live practice page: choose a pace and a sensor, then breathe with the pacer while the
// heart-rate trace, the readings and the recording run; finish saves it.

import { rateToPattern } from './pacer-clock.js';
import { createWakeLock } from './session.js';
import { num, say } from './words.js';
import { mountPacer } from './live-pacer.js';
import {
  livePage,
  makeSource,
  mountSessionView,
  postForm,
  readFeltReading,
  setupSensorCard,
  startRecording,
} from './live-ui.js';

const { config, root, views, show } = livePage();

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
  return say('%(bpm)s breaths a minute: in for %(in)s seconds, out for %(out)s.', {
    bpm: num(bpm),
    in: num(pattern.inhale),
    out: num(pattern.exhale),
  });
}

const session = views.session;
let pacer = null;
const view = mountSessionView(session, config, { pacer: () => pacer });
const { status, trace } = view;

let source = null;
let live = null;
let practiceSession = null; // {id, finishUrl, lowSafety} of the pacer session carrying before/after
let startedAtMs = 0;

/** The practice session that keeps the felt-safety readings; the recording links to it. */
async function startPracticeSession(pattern) {
  if (!config.session_start_url) return null;
  const before = readFeltReading(views.setup, 'before');
  try {
    return await postForm(config.session_start_url, {
      practice: config.session_practice,
      safety: before.safety,
      state: before.state,
      inhale: pattern.inhale.toFixed(3),
      hold_in: 0,
      exhale: pattern.exhale.toFixed(3),
      hold_out: 0,
    });
  } catch {
    return null; // the heart recording does not depend on it
  }
}

async function begin(kind) {
  const bpm = chosenBpm();
  const pattern = rateToPattern(bpm);
  source = makeSource(kind, view.status);
  await source.connect();
  status.connection('connecting');
  startedAtMs = performance.now();
  // The strap is already sending: startRecording listens first, then waits for the practice session.
  const body = startPracticeSession(pattern).then((ps) => {
    practiceSession = ps;
    return { kind: 'practice', pacer_bpm: bpm, practice_session: ps ? ps.id : null };
  });
  live = await startRecording({
    startUrl: config.start_url,
    body,
    source,
    root,
    ...view,
  });
  show('session');
  screenLock.on();
  session.querySelector('[data-role="pace-note"]').textContent = paceNote(bpm);
  pacer = mountPacer(session.querySelector('[data-role="pacer"]'), pattern);
  pacer.start();
  if (source.setPacer) source.setPacer(pattern, pacer.startedAtMs());
  trace.start();
  const elapsedTag = session.querySelector('[data-role="elapsed"]');
  const showElapsed = () => {
    elapsedTag.textContent = say('%(time)s so far', { time: clockText(performance.now() - startedAtMs) });
  };
  showElapsed();
  clockTimer = setInterval(showElapsed, 1000);
}

let clockTimer = null;
const screenLock = createWakeLock(); // the screen stays on during the session, where the browser allows
function clockText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

setupSensorCard(views.setup, begin);

function describeSummary(summary) {
  const rows = [];
  const add = (label, value) => {
    if (value !== null && value !== undefined) rows.push([label, value]);
  };
  const mins = summary.duration_s ? Math.round(summary.duration_s / 60) : null;
  add(say('Time'), mins !== null ? (mins < 1 ? say('under a minute') : say('%(n)s min', { n: mins })) : null);
  add(say('Heartbeats'), summary.beats);
  if (summary.summarising) add(say('Summary'), say('being summarised: it will be on the recording’s page in a moment'));
  add(say('RMSSD, whole practice'), summary.rmssd_ms != null ? `${num(summary.rmssd_ms, 0)} ms` : null);
  add(say('Time in coherence'),
    summary.time_in_coherence_s != null ? `${Math.round(summary.time_in_coherence_s)} s` : null);
  add(say('Breathing'),
    summary.breathing_rate_bpm != null ? say('%(rate)s a minute', { rate: num(summary.breathing_rate_bpm, 1) }) : null);
  return rows;
}

const finishBtn = session.querySelector('[data-action="finish"]');
finishBtn.addEventListener('click', async () => {
  if (!live) return;
  finishBtn.disabled = true;
  screenLock.off();
  finishBtn.textContent = say('Saving…');
  clearInterval(clockTimer);
  pacer?.stop();
  const current = live;
  const outcome = await current.finish();
  const summary = outcome.summary;
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
  const note = views.done.querySelector('[data-role="done-note"]');
  const heading = views.done.querySelector('h1');
  const beats = (n) => (n === 1 ? say('%(n)s heartbeat', { n }) : say('%(n)s heartbeats', { n }));
  if (outcome.via === 'none') {
    heading.textContent = say('Not closed yet');
    note.textContent = say("We couldn't reach the server, so this recording is still open there with the beats it already has. It will be closed and summarised the next time you open your recordings.")
      + (outcome.unsentBeats
        ? ' ' + say('The last %(beats)s stayed on this device and could not be sent.', { beats: beats(outcome.unsentBeats) })
        : '');
  } else if (outcome.via === 'http' && outcome.unsentBeats > 0) {
    note.textContent = say('The live connection did not come back, so we closed the recording with the %(kept)s the server already had. The last %(lost)s could not be sent and are not in it.',
    { kept: beats(summary.beats), lost: beats(outcome.unsentBeats) });
  } else if (outcome.via === 'http') {
    note.textContent = say('The live connection did not come back, so we saved the recording another way: every heartbeat from this device is in it.');
  } else if (source?.simulated) {
    note.textContent = say('Thank you for trying it. These numbers came from the demo strap, so they are simulated.');
  }
  root.dataset.unsentBeats = String(outcome.unsentBeats);
  views.done.querySelector('[data-role="recording-link"]').href = current.recording.detail_url;
  root.dataset.finished = 'true';
  showAfterReading();
  show('done');
});

// After the practice: the optional felt-safety reading, saved with the practice session.
const afterForm = views.done.querySelector('[data-role="after"]');
const afterNote = views.done.querySelector('[data-role="after-note"]');
const crisisBox = views.done.querySelector('[data-role="crisis"]');

function showAfterReading() {
  afterForm.hidden = !practiceSession;
  if (practiceSession?.lowSafety) crisisBox.hidden = false;
}

async function endPracticeSession(reading) {
  afterForm.hidden = true;
  const elapsed = Math.round((performance.now() - startedAtMs) / 1000);
  try {
    const out = await postForm(practiceSession.finishUrl, {
      outcome: 'completed',
      elapsed_s: elapsed,
      safety: reading.safety,
      state: reading.state,
    });
    root.dataset.practiceSession = String(out.id);
    if (reading.safety !== null) {
      const before = readFeltReading(views.setup, 'before').safety;
      afterNote.textContent = before !== null
        ? say('Saved with this practice: felt safety %(before)s → %(after)s.', { before, after: reading.safety })
        : say('Saved with this practice: felt safety %(after)s after.', { after: reading.safety });
    }
    if (out.lowSafety) crisisBox.hidden = false;
  } catch {
    afterNote.textContent = say("We couldn't save that reading just now. The practice and its heartbeats are saved.");
  }
}

afterForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  endPracticeSession(readFeltReading(afterForm, 'after'));
});
afterForm.querySelector('[data-action="skip-after"]').addEventListener('click', () => {
  endPracticeSession({ safety: null, state: null });
});

window.addEventListener('pagehide', () => {
  // Leaving mid-practice: the recording stays open on the server and can be finished later.
  source?.disconnect();
});

// The resonance-rate wizard: the server's plan (five rates, seconds each, rests), one recording per
// rate with the pacer at that rate, rests between, then the score and the evidence for each rate;
// "use this rate" makes it the member's pacer rate.

import { rateToPattern } from './pacer-clock.js';
import { createWakeLock, formatClock } from './session.js';
import { mountPacer } from './live-pacer.js';
import { num, say } from './words.js';
import {
  livePage,
  makeSource,
  mountSessionView,
  postJson,
  setupSensorCard,
  startRecording,
} from './live-ui.js';

const { config, root, views, show } = livePage();
const $ = (sel, el = root) => el.querySelector(sel);
const clock = { now: () => performance.now() };
const TICK_MS = 200;

const fmtRate = (r) => num(r, 1);

const quick = $('#rz-quick');
quick.addEventListener('change', () => {
  $('[data-role="plan-text"]').textContent = quick.checked
    ? say('one minute each, with half a minute of rest between (about 7 minutes)')
    : say("two minutes each, with a minute's rest between (about 14 minutes)");
});

const run = views.run;
const session = $('[data-role="session"]', run);
let pacer = null;
const view = mountSessionView(session, config, { pacer: () => pacer });
const { readings, trace } = view;

let source = null;
let stopped = false;
let current = null; // the recording in progress
let wake = null; // resolves the current wait early (skip rest / stop)
const screenLock = createWakeLock(); // the screen stays on while the check runs, where the browser allows

/** Wait until `done()` is true, calling `tick(elapsedMs)` every TICK_MS; resolves early on wake. */
function waitUntil(done, tick) {
  const started = clock.now();
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(id);
      wake = null;
      resolve();
    };
    const id = setInterval(() => {
      const elapsed = clock.now() - started;
      tick(elapsed);
      if (stopped || done(elapsed)) finish();
    }, TICK_MS);
    wake = finish;
    tick(0);
  });
}

async function segment(plan, index) {
  const rate = plan.rates_bpm[index];
  const total = plan.rates_bpm.length;
  const pattern = rateToPattern(rate);
  $('[data-role="step"]', run).textContent = say('Pace %(n)s of %(total)s', { n: index + 1, total });
  $('[data-role="title"]', run).textContent = say('%(rate)s breaths a minute', { rate: fmtRate(rate) });
  $('[data-role="rest"]', run).hidden = true;
  session.hidden = false;
  readings.reset();
  trace.clear();
  current = await startRecording({
    startUrl: config.start_url,
    body: { assessment: plan.assessment, segment_rate_bpm: rate },
    source,
    root,
    ...view,
  });
  let beatMs = 0;
  const off = source.on('packet', (p) => {
    beatMs += p.rrMs.reduce((a, b) => a + b, 0);
  });
  const pacerEl = $('[data-role="pacer"]', session);
  pacer = mountPacer(pacerEl, pattern);
  pacer.start();
  if (source.setPacer) source.setPacer(pattern, pacer.startedAtMs());
  $('[data-role="pace-note"]', session).textContent =
    say('In for %(in)s seconds, out for %(out)s.', { in: fmtRate(pattern.inhale), out: fmtRate(pattern.exhale) });
  const segMs = plan.segment_s * 1000;
  const progress = $('[data-role="progress"]', run);
  // The segment ends when its time is up and it holds that much heartbeat time (the first beats
  // arrive a second or so after the start).
  await waitUntil(
    (elapsed) => elapsed >= segMs && beatMs >= segMs,
    (elapsed) => {
      $('[data-role="remaining"]', run).textContent = say('%(time)s left', { time: formatClock(segMs - elapsed) });
      progress.style.width = `${(100 * (index + Math.min(1, elapsed / segMs))) / total}%`;
    },
  );
  off();
  pacer.stop();
  pacer = null;
  if (source.setPacer) source.setPacer(null);
  const rec = current;
  current = null;
  root.dataset.segmentsDone = String(index + 1);
  try {
    await rec.finish();
  } catch {
    // The recording stays open; scoring uses what was stored.
  }
}

async function rest(plan, index) {
  const next = plan.rates_bpm[index + 1];
  session.hidden = true;
  const box = $('[data-role="rest"]', run);
  box.hidden = false;
  $('[data-role="title"]', run).textContent = say('Rest');
  $('[data-role="remaining"]', run).textContent = '';
  $('[data-role="rest-next"]', run).textContent = say('Next: %(rate)s breaths a minute.', { rate: fmtRate(next) });
  const restMs = plan.rest_s * 1000;
  await waitUntil(
    (elapsed) => elapsed >= restMs,
    (elapsed) => {
      $('[data-role="rest-remaining"]', run).textContent = formatClock(restMs - elapsed);
    },
  );
}

function renderResult(plan, scored) {
  // The server words the evidence from the stored numbers (physio/_resonance_evidence.html).
  const best = scored.best_rate_bpm;
  $('[data-role="best"]').textContent = scored.summary || say('There was not enough to score.');
  $('[data-role="simulated-note"]').hidden = !source.simulated;
  const area = $('[data-role="evidence-area"]');
  const doc = new DOMParser().parseFromString(scored.evidence_html || '', 'text/html');
  area.replaceChildren(...doc.body.childNodes);
  $('[data-role="result-link"]').href = plan.result_url;
  const apply = $('[data-action="apply"]');
  apply.hidden = best == null;
  if (best != null) {
    apply.textContent = say('Use %(rate)s a minute for my pacer', { rate: fmtRate(best) });
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      try {
        const out = await postJson(plan.apply_url || plan.result_url.replace(/\/?$/, '/apply/'), { rate_bpm: best });
        $('[data-role="applied"]').textContent = say(
          'Done: your pacer now breathes at %(rate)s a minute. You can check again any time.',
          { rate: fmtRate(out.default_pacer_bpm) },
        );
        root.dataset.applied = String(out.default_pacer_bpm);
      } catch (err) {
        $('[data-role="applied"]').textContent = say("That didn't work: %(why)s", { why: err.message });
        apply.disabled = false;
      }
    }, { once: true });
  }
}

async function begin(kind) {
  source = makeSource(kind, view.status);
  await source.connect();
  const plan = await postJson(config.resonance_start_url, { quick: quick.checked });
  root.dataset.assessment = String(plan.assessment);
  show('run');
  screenLock.on();
  trace.start();
  try {
    for (let i = 0; i < plan.rates_bpm.length && !stopped; i += 1) {
      await segment(plan, i);
      if (i < plan.rates_bpm.length - 1 && !stopped) await rest(plan, i);
    }
  } finally {
    trace.stop();
    source.disconnect();
    screenLock.off();
  }
  if (stopped) return;
  show('scoring');
  try {
    const scored = await postJson(plan.score_url, {});
    renderResult(plan, scored);
  } catch (err) {
    $('[data-role="best"]').textContent = say('We could not score this check: %(why)s', { why: err.message });
    $('[data-action="apply"]').hidden = true;
    $('[data-role="result-link"]').href = plan.result_url;
  }
  root.dataset.scored = 'true';
  show('result');
}

setupSensorCard(views.intro, begin);

$('[data-action="skip-rest"]', run).addEventListener('click', () => wake?.());
$('[data-action="stop"]', run).addEventListener('click', () => {
  stopped = true;
  pacer?.stop();
  current?.finish().catch(() => {});
  wake?.();
  show('stopped');
});

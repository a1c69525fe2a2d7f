// The guided practice player: before-reading, timed steps (with the breathing pacer where a
// step has one), pause / next step / stop at any moment, after-reading, saved as a session.
// Timing is clock-based (player-steps.js, pacer-clock.js); this module only wires the DOM.

import { makePattern, phaseAt } from './pacer-clock.js';
import { createStepTimeline } from './player-steps.js';
import { createPracticeParts, wireFinish, wirePause } from './pacer-controls.js';
import { $, elapsedText, formatClock, readJson, readingValues, show } from './session.js';
import { say } from './words.js';

const data = readJson('player-data');

if (data) {
  const before = $('before');
  const pacerBox = $('pacer-box');
  const btnSkip = $('btn-skip');

  const steps = data.steps.map((s) => ({
    ...s,
    pacer: s.pacer ? makePattern({ ...s.pacer, calming: data.calming && !(s.pacer.holdIn > 0 || s.pacer.holdOut > 0) }) : null,
  }));
  const firstPacer = data.steps.find((s) => s.pacer)?.pacer || null;
  const timeline = createStepTimeline(steps);
  const { view, session, wake, run, after, done, btnPause, btnStop } = createPracticeParts(data);
  let shownIndex = -1;
  let shownSecond = -1;
  let frame = 0;

  function renderStep(state) {
    const i = state.index;
    if (i !== shownIndex) {
      shownIndex = i;
      const stepOf = say('Step %(n)s of %(total)s', { n: i + 1, total: steps.length });
      $('step-count').textContent = stepOf;
      $('step-title').textContent = state.step.title;
      $('step-text').textContent = state.step.text;
      pacerBox.hidden = !state.step.pacer;
      view.reset();
      btnSkip.textContent = i === steps.length - 1 ? say('Finish') : say('Next step');
      $('announce').textContent = `${stepOf}: ${state.step.title}. ${state.step.text}`;
    }
    const sec = Math.ceil(state.remainingMs / 1000);
    if (sec !== shownSecond) {
      shownSecond = sec;
      $('timer').textContent = say('%(time)s left in this step', { time: formatClock(state.remainingMs) });
      $('progress').value = timeline.totalMs ? state.totalElapsedMs / timeline.totalMs : 0;
      $('elapsed').textContent = elapsedText(state.totalElapsedMs, timeline.totalMs);
    }
    if (state.step.pacer) view.render(phaseAt(state.step.pacer, state.stepElapsedMs));
  }

  function tick() {
    const state = timeline.state();
    renderStep(state);
    if (state.done) {
      end(state.endedBy);
      return;
    }
    frame = state.paused ? 0 : requestAnimationFrame(tick);
  }

  let ended = false;
  function end(how) {
    if (ended) return;
    ended = true;
    cancelAnimationFrame(frame);
    wake.off();
    after.dataset.outcome = how === 'finished' ? 'completed' : 'stopped';
    show(after, [run]);
  }

  function begin(reading) {
    session.start(reading, firstPacer);
    $('run-crisis').hidden = !(reading.safety !== '' && Number(reading.safety) <= 2);
    show(run, [before]);
    timeline.start();
    wake.on();
    $('step-title').focus();
    tick();
  }

  before.addEventListener('submit', (e) => {
    e.preventDefault();
    begin(readingValues(before, 'before'));
  });
  before.querySelector('[data-action="skip"]').addEventListener('click', () => begin({ safety: '', state: '' }));

  wirePause({
    run,
    button: btnPause,
    wake,
    paused() {
      const s = timeline.state();
      return s.done ? null : s.paused;
    },
    pause() {
      const { remainingMs } = timeline.state();
      timeline.pause();
      $('timer').textContent = say('Paused · %(time)s left in this step', { time: formatClock(remainingMs) });
    },
    resume: () => timeline.resume(),
    tick,
    pausedText: say('Paused. Take all the time you need.'),
  });
  btnSkip.addEventListener('click', () => {
    const wasPaused = timeline.state().paused;
    timeline.skip();
    if (wasPaused) tick();
  });
  btnStop.addEventListener('click', () => {
    timeline.stop();
    end('stopped');
  });

  wireFinish({
    after,
    done,
    session,
    elapsedS: () => (timeline.state().started ? timeline.state().totalElapsedMs / 1000 : null),
    ended: () => ended,
  });
}

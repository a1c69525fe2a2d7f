// The DOM wiring the pacer page and the guided player share: the pacer view, the saved session
// and the wake lock; pause / resume from the button and the space bar; and the after-reading that
// finishes the session (or records it as stopped when the page is closed mid-way).
// Each page keeps its own clock and what it draws; this module only wires the common controls.

import { createPacerView } from './pacer.js';
import { $, createSession, createWakeLock, describeChange, readingValues, show } from './session.js';
import { say } from './words.js';

/**
 * The parts both pages share: the pacer view (with its sound and vibration toggles), the session and
 * the wake lock for `data`, and the elements of practices/_parts.html they are wired to.
 */
export function createPracticeParts(data) {
  return {
    run: $('run'),
    after: $('after'),
    done: $('done'),
    btnPause: $('btn-pause'),
    btnStop: $('btn-stop'),
    view: createPacerView($('pacer'), { soundToggle: $('opt-sound'), vibrateToggle: $('opt-vibrate') }),
    session: createSession({ startUrl: data.startUrl, slug: data.slug }),
    wake: createWakeLock(),
  };
}

/**
 * Pause and resume from `button` and from the space bar while `run` shows (and focus is not on a
 * control). `paused()` says whether the practice is paused now, or null when there is nothing to
 * pause or resume; `pause()` / `resume()` act on the clock, and `tick()` draws again after a resume.
 */
export function wirePause({ run, button, wake, paused, pause, resume, tick, pausedText = say('Paused.') }) {
  function toggle() {
    const isPaused = paused();
    if (isPaused === null) return;
    if (isPaused) {
      resume();
      button.textContent = say('Pause');
      $('announce').textContent = say('Resumed.');
      wake.on();
      tick();
    } else {
      pause();
      button.textContent = say('Resume');
      $('announce').textContent = pausedText;
      wake.off();
    }
  }
  button.addEventListener('click', toggle);
  document.addEventListener('keydown', (e) => {
    if (run.hidden || e.target.closest('input, textarea, select, button, a')) return;
    if (e.code === 'Space') {
      e.preventDefault();
      toggle();
    }
  });
}

/**
 * The after-reading form (submit or skip) finishes the session and shows `done`; closing the page
 * before then records it as stopped. `elapsedS()` is the practice time in seconds, or null before it
 * began; `ended()` says whether it ran to an end (then `after.dataset.outcome` is kept). With a
 * reading at both ends, the thank-you reads "Felt safety 3 → 5."
 */
export function wireFinish({ after, done, session, elapsedS, ended }) {
  async function finish(reading) {
    const res = await session.finish(after.dataset.outcome || 'stopped', elapsedS() ?? 0, reading);
    if (res && typeof res.change === 'number') {
      const now = Number(reading.safety);
      $('done-text').textContent = describeChange(now - res.change, now);
    }
    $('save-problem').hidden = !session.saveFailed;
    $('save-queued').hidden = !(res && res.queued);
    $('done-crisis').hidden = !(res && res.lowSafety);
    show(done, [after]);
  }
  after.addEventListener('submit', (e) => {
    e.preventDefault();
    finish(readingValues(after, 'after'));
  });
  after.querySelector('[data-action="skip"]').addEventListener('click', () => finish({ safety: '', state: '' }));
  window.addEventListener('pagehide', () => {
    const s = elapsedS();
    if (s !== null) session.leave(s, ended() ? after.dataset.outcome : 'stopped');
  });
}

// The standalone breathing pacer page: choose a pace (presets or your own), a length, optional
// before/after readings; the schedule comes from the clock (pacer-clock.js), so it stays in time
// over 20 minutes and more.

import { createPacerTimeline, makePattern, presets, rateToPattern } from './pacer-clock.js';
import { createPracticeParts, wireFinish, wirePause } from './pacer-controls.js';
import { $, elapsedText, readJson, readingValues, show } from './session.js';
import { num, say } from './words.js';

const data = readJson('pacer-data');

if (data) {
  const setup = $('setup');
  const custom = $('custom');
  const rate = $('rate');
  const paceError = $('pace-error');
  const { view, session, wake, run, after, done, btnPause, btnStop } = createPracticeParts(data);
  let timeline = null;
  let limitMs = 0;
  let frame = 0;
  let shownSecond = -1;
  let ended = false;

  function chosenPattern() {
    const preset = setup.querySelector('input[name="preset"]:checked')?.value || 'six-a-minute';
    custom.hidden = preset !== 'custom';
    if (preset === 'own') return rateToPattern(data.defaultBpm);
    if (preset !== 'custom') return presets[preset].pattern;
    const num = (id) => {
      const raw = $(id).value.trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        throw new RangeError(say('%(label)s needs a number of seconds.', { label: $(id).labels[0].textContent }));
      }
      return v;
    };
    const spec = { inhale: num('c-inhale'), holdIn: num('c-hold-in'), exhale: num('c-exhale'), holdOut: num('c-hold-out') };
    if (spec.inhale < 1 || spec.exhale < 1) throw new RangeError('Breathing in and out each need at least 1 second.');
    if (spec.holdIn < 0 || spec.holdOut < 0) throw new RangeError('Holds can be 0 seconds, but not less.');
    if (spec.holdIn > 10 || spec.holdOut > 10) throw new RangeError('Holds can be up to 10 seconds.');
    return makePattern({ ...spec, calming: !(spec.holdIn > 0 || spec.holdOut > 0) });
  }

  function describe() {
    try {
      const p = chosenPattern();
      const parts = [say('in %(s)s s', { s: num(p.inhale) })];
      if (p.holdIn) parts.push(say('hold %(s)s s', { s: num(p.holdIn) }));
      parts.push(say('out %(s)s s', { s: num(p.exhale) }));
      if (p.holdOut) parts.push(say('hold %(s)s s', { s: num(p.holdOut) }));
      const perMinute = num(Math.round(p.breathsPerMin * 10) / 10);
      rate.textContent = say('%(rate)s breaths a minute: %(parts)s.', { rate: perMinute, parts: parts.join(', ') });
      paceError.hidden = true;
      $('btn-start').disabled = false;
      return p;
    } catch (err) {
      rate.textContent = '';
      paceError.querySelector('li').textContent = err instanceof RangeError || err instanceof TypeError ? plain(err.message) : say('That timing does not work.');
      paceError.hidden = false;
      $('btn-start').disabled = true;
      return null;
    }
  }

  function plain(message) {
    if (/breaths a minute/.test(message)) {
      return say('That comes to a pace outside 3 to 10 breaths a minute; try a longer or shorter breath.');
    }
    if (/greater than 0/.test(message)) return say('Breathing in and out each need at least a moment.');
    const own = say(message);
    return own.charAt(0).toUpperCase() + own.slice(1);
  }

  setup.addEventListener('input', describe);
  setup.addEventListener('change', describe);
  describe();

  function tick() {
    const s = timeline.state();
    view.render(s);
    const remaining = limitMs ? limitMs - s.elapsedMs : null;
    const sec = Math.floor(s.elapsedMs / 1000);
    if (sec !== shownSecond) {
      shownSecond = sec;
      $('timer').textContent = elapsedText(s.elapsedMs, limitMs || null);
    }
    if (remaining !== null && remaining <= 0) {
      end('completed');
      return;
    }
    frame = s.status === 'running' ? requestAnimationFrame(tick) : 0;
  }

  function end(outcome) {
    if (ended) return;
    ended = true;
    cancelAnimationFrame(frame);
    timeline.stop();
    wake.off();
    after.dataset.outcome = outcome;
    show(after, [run]);
  }

  setup.addEventListener('submit', (e) => {
    e.preventDefault();
    const pattern = describe();
    if (!pattern) return;
    const minutes = Number(setup.querySelector('input[name="minutes"]:checked')?.value || 0);
    limitMs = minutes > 0 ? minutes * 60000 : 0;
    session.start(readingValues(setup, 'before'), pattern);
    timeline = createPacerTimeline(pattern);
    view.reset();
    show(run, [setup]);
    timeline.start();
    wake.on();
    tick();
  });

  wirePause({
    run,
    button: btnPause,
    wake,
    paused() {
      if (!timeline || ended) return null;
      const status = timeline.state().status;
      return status === 'paused' ? true : status === 'running' ? false : null;
    },
    pause: () => timeline.pause(),
    resume: () => timeline.resume(),
    tick,
  });
  btnStop.addEventListener('click', () => end('stopped'));

  wireFinish({
    after,
    done,
    session,
    elapsedS: () => (timeline ? timeline.elapsedMs() / 1000 : null),
    ended: () => ended,
  });
}

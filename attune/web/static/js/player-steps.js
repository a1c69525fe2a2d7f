// Step sequencing for a guided practice, computed from a clock.
//
// Pure module: no DOM, no timers. A practice is a list of steps, each with a title and a length
// in seconds, and optionally a breathing pattern for the pacer during that step. The page reads
// `state()` from its animation frame (or a slow interval) and renders what it says. Every step
// can be skipped and the whole practice can be stopped at any moment: nothing here forces.

function defaultClock() {
  return { now: () => performance.now() };
}

function validateSteps(steps) {
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new TypeError('steps must be a non-empty array of {title, seconds}');
  }
  return steps.map((step, i) => {
    if (!step || typeof step !== 'object') throw new TypeError(`step ${i + 1} must be an object`);
    const { title, seconds, pacer = null } = step;
    if (typeof title !== 'string' || title.trim() === '') {
      throw new TypeError(`step ${i + 1} needs a title`);
    }
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError(`step ${i + 1} ("${title}") needs a length in seconds greater than 0, got ${String(seconds)}`);
    }
    return Object.freeze({ ...step, title, seconds, pacer });
  });
}

/**
 * A clock-driven practice timeline.
 *
 * @param {{title: string, seconds: number, pacer?: object}[]} steps `pacer` is passed through
 *   untouched (typically a pattern from pacer-clock.js).
 * @param {{now(): number}} [clock] milliseconds; defaults to `performance.now()`.
 * @returns an object with `start()`, `pause()`, `resume()`, `skip()`, `stop()`, `state()`,
 *   `steps` and `totalMs`.
 *
 * `state()` returns `{index, step, stepElapsedMs, remainingMs, totalElapsedMs, totalRemainingMs,
 * started, paused, done, endedBy}`. `index` is the current step (the last one once done);
 * `remainingMs` is what is left of it. `endedBy` is null while running, then 'finished' or
 * 'stopped'. Paused time never counts. `skip()` moves to the start of the next step (and ends the
 * practice after the last step); while paused it stays paused at that new position.
 * `stepElapsedMs` can drive a pacer directly: `phaseAt(step.pacer, stepElapsedMs)`.
 */
export function createStepTimeline(steps, clock = defaultClock()) {
  const list = Object.freeze(validateSteps(steps));
  if (!clock || typeof clock.now !== 'function') {
    throw new TypeError('clock must have a now() method returning milliseconds');
  }
  const ends = [];
  let acc = 0;
  for (const s of list) {
    acc += s.seconds * 1000;
    ends.push(acc);
  }
  const totalMs = acc;

  let started = false;
  let paused = false;
  let endedBy = null;
  let startedAt = 0;
  let pausedAt = 0;
  let pausedTotal = 0;
  let skippedMs = 0; // time jumped over by skip()
  let frozenMs = 0; // position when stopped

  function positionMs() {
    if (!started) return 0;
    if (endedBy === 'stopped') return frozenMs;
    const now = paused ? pausedAt : clock.now();
    return Math.min(totalMs, Math.max(0, now - startedAt - pausedTotal + skippedMs));
  }

  function stepIndexAt(pos) {
    for (let i = 0; i < ends.length; i += 1) if (pos < ends[i]) return i;
    return ends.length - 1;
  }

  function state() {
    const pos = positionMs();
    const finished = started && endedBy !== 'stopped' && pos >= totalMs;
    if (finished) endedBy = 'finished';
    const index = stepIndexAt(pos);
    const stepStart = index === 0 ? 0 : ends[index - 1];
    return {
      index,
      step: list[index],
      stepElapsedMs: pos - stepStart,
      remainingMs: ends[index] - pos,
      totalElapsedMs: pos,
      totalRemainingMs: totalMs - pos,
      started,
      paused: paused && endedBy === null,
      done: endedBy !== null,
      endedBy,
    };
  }

  function start() {
    if (started) return;
    started = true;
    startedAt = clock.now();
  }

  return {
    steps: list,
    totalMs,
    start,
    pause() {
      if (!started || paused || state().done) return;
      pausedAt = clock.now();
      paused = true;
    },
    resume() {
      if (!paused || state().done) return;
      pausedTotal += clock.now() - pausedAt;
      paused = false;
    },
    skip() {
      if (!started) start();
      const s = state();
      if (s.done) return;
      skippedMs += s.remainingMs;
      state(); // settles 'finished' if that was the last step
    },
    stop() {
      if (state().done) return;
      if (!started) start();
      frozenMs = positionMs();
      endedBy = 'stopped';
    },
    state,
  };
}

// Breathing pacer schedule, computed from a clock.
//
// Pure module: no DOM, no timers. Every answer is a function of (pattern, elapsed ms), and the
// elapsed time comes from a clock read (`performance.now()` by default), never from summing
// timeouts or frame deltas. A late or dropped animation frame therefore never shifts the
// schedule: the next frame simply reads the clock and lands where it should be.
//
// Units: patterns are written in seconds (as people think about breathing) and everything the
// functions return is in milliseconds.

/** Phase names, in the order they occur within one breath cycle. */
export const PHASES = Object.freeze(['inhale', 'hold-in', 'exhale', 'hold-out']);

/** Slowest and fastest pacing offered, in breaths per minute. */
export const MIN_BREATHS_PER_MIN = 3;
export const MAX_BREATHS_PER_MIN = 10;

// Rounding slack so that e.g. 10 breaths/min (a 6 s cycle) built from floats is accepted.
const EPS = 1e-9;

function requireSeconds(name, value, { positive }) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number of seconds, got ${String(value)}`);
  }
  if (positive ? value <= 0 : value < 0) {
    throw new RangeError(`${name} must be ${positive ? 'greater than 0' : '0 or more'} seconds, got ${value}`);
  }
}

/**
 * Build a validated, frozen breathing pattern.
 *
 * @param {object} spec
 * @param {number} spec.inhale   seconds, > 0
 * @param {number} spec.exhale   seconds, > 0
 * @param {number} [spec.holdIn=0]  seconds, >= 0 (pause with full lungs)
 * @param {number} [spec.holdOut=0] seconds, >= 0 (pause with empty lungs)
 * @param {boolean} [spec.calming=true] calming patterns never hold the breath
 * @returns a frozen pattern with `cycleMs`, `breathsPerMin` and `phases` ({name, ms, startMs}).
 * @throws {TypeError|RangeError} with a sentence that says what is wrong.
 */
export function makePattern({ inhale, exhale, holdIn = 0, holdOut = 0, calming = true } = {}) {
  requireSeconds('inhale', inhale, { positive: true });
  requireSeconds('exhale', exhale, { positive: true });
  requireSeconds('holdIn', holdIn, { positive: false });
  requireSeconds('holdOut', holdOut, { positive: false });
  if (typeof calming !== 'boolean') throw new TypeError('calming must be true or false');
  if (calming && (holdIn > 0 || holdOut > 0)) {
    throw new RangeError('a calming pattern has no breath holds: set holdIn and holdOut to 0');
  }
  const cycleS = inhale + holdIn + exhale + holdOut;
  const breathsPerMin = 60 / cycleS;
  if (breathsPerMin < MIN_BREATHS_PER_MIN - EPS || breathsPerMin > MAX_BREATHS_PER_MIN + EPS) {
    throw new RangeError(
      `one breath takes ${cycleS} s, which is ${breathsPerMin.toFixed(2)} breaths a minute; ` +
        `the pacer offers ${MIN_BREATHS_PER_MIN} to ${MAX_BREATHS_PER_MIN} (a cycle of 6 to 20 s)`,
    );
  }
  const durations = [inhale, holdIn, exhale, holdOut].map((s) => s * 1000);
  let startMs = 0;
  const phases = PHASES.map((name, i) => {
    const phase = Object.freeze({ name, ms: durations[i], startMs });
    startMs += durations[i];
    return phase;
  });
  return Object.freeze({
    inhale,
    holdIn,
    exhale,
    holdOut,
    calming,
    cycleMs: cycleS * 1000,
    breathsPerMin,
    phases: Object.freeze(phases),
  });
}

/**
 * A pattern for a breathing rate and an in:out split.
 *
 * @param {number} breathsPerMin 3..10
 * @param {number|number[]} [ratio=[45, 55]] either the inhale fraction of the cycle (0 < r < 1)
 *   or a pair `[in, out]` of positive weights, e.g. `[45, 55]` or `[4, 6]`.
 * @returns a calming pattern (no holds).
 */
export function rateToPattern(breathsPerMin, ratio = [45, 55]) {
  if (typeof breathsPerMin !== 'number' || !Number.isFinite(breathsPerMin) || breathsPerMin <= 0) {
    throw new RangeError(`breathsPerMin must be a positive number, got ${String(breathsPerMin)}`);
  }
  let inhaleFraction;
  if (Array.isArray(ratio)) {
    const [a, b] = ratio;
    if (ratio.length !== 2 || !(a > 0) || !(b > 0) || !Number.isFinite(a + b)) {
      throw new RangeError('ratio must be a pair of positive numbers such as [45, 55]');
    }
    inhaleFraction = a / (a + b);
  } else {
    inhaleFraction = ratio;
    if (typeof ratio !== 'number' || !(ratio > 0 && ratio < 1)) {
      throw new RangeError(`ratio as a number is the inhale fraction, between 0 and 1; got ${String(ratio)}`);
    }
  }
  const cycleS = 60 / breathsPerMin;
  return makePattern({ inhale: cycleS * inhaleFraction, exhale: cycleS * (1 - inhaleFraction) });
}

function preset(id, label, description, spec, extra = {}) {
  return Object.freeze({ id, label, description, pattern: makePattern(spec), ...extra });
}

/** Built-in pacings. `custom` is the editable starting point for a member's own pattern. */
export const presets = Object.freeze({
  'six-a-minute': preset(
    'six-a-minute',
    'Six a minute',
    'In for 4.5 seconds, out for 5.5. Near the rate where many adults find heart and breath move together.',
    { inhale: 4.5, exhale: 5.5 },
  ),
  relaxing: preset(
    'relaxing',
    'Longer out-breath',
    'In for 4 seconds, out for 6. A longer out-breath can help the body settle.',
    { inhale: 4, exhale: 6 },
  ),
  coherent: preset(
    'coherent',
    'Even breathing',
    'In for 5.5 seconds, out for 5.5. Smooth and even, about 5.5 breaths a minute.',
    { inhale: 5.5, exhale: 5.5 },
  ),
  custom: preset(
    'custom',
    'Your own pace',
    'Choose your own timing, between 3 and 10 breaths a minute.',
    { inhale: 5, exhale: 5 },
    { editable: true },
  ),
});

// Cosine ease: 0 -> 1 with zero slope at both ends, so the visual never jerks at a boundary.
function ease(progress) {
  return (1 - Math.cos(Math.PI * progress)) / 2;
}

function locate(pattern, elapsedMs) {
  if (typeof elapsedMs !== 'number' || Number.isNaN(elapsedMs)) {
    throw new TypeError(`elapsedMs must be a number, got ${String(elapsedMs)}`);
  }
  const t = Math.max(0, elapsedMs);
  const { cycleMs } = pattern;
  let cycle = Math.floor(t / cycleMs);
  let withinMs = t - cycle * cycleMs;
  // Guard float rounding right at a cycle boundary (e.g. non-integer cycle lengths).
  if (withinMs >= cycleMs - 1e-6) {
    cycle += 1;
    withinMs = 0;
  }
  let index = 0;
  for (let i = PHASES.length - 1; i >= 0; i -= 1) {
    const p = pattern.phases[i];
    if (p.ms > 0 && withinMs >= p.startMs) {
      index = i;
      break;
    }
  }
  return { t, cycle, withinMs, index };
}

/**
 * Where the breath is at `elapsedMs` since the pacer began.
 *
 * @returns {{phase: string, phaseIndex: number, phaseProgress: number, phaseElapsedMs: number,
 *   phaseRemainingMs: number, phaseMs: number, cycle: number, cycleElapsedMs: number,
 *   breathLevel: number, elapsedMs: number}}
 *   `breathLevel` is 0 (empty) .. 1 (full), eased with a half cosine during inhale and exhale,
 *   held flat during holds. `cycle` counts completed cycles (0 during the first breath).
 *   Negative elapsed times are treated as 0 (the pacer has not started).
 */
export function phaseAt(pattern, elapsedMs) {
  const { t, cycle, withinMs, index } = locate(pattern, elapsedMs);
  const p = pattern.phases[index];
  const phaseElapsedMs = Math.min(p.ms, withinMs - p.startMs);
  const phaseProgress = p.ms > 0 ? phaseElapsedMs / p.ms : 1;
  let breathLevel;
  if (p.name === 'inhale') breathLevel = ease(phaseProgress);
  else if (p.name === 'hold-in') breathLevel = 1;
  else if (p.name === 'exhale') breathLevel = 1 - ease(phaseProgress);
  else breathLevel = 0;
  return {
    phase: p.name,
    phaseIndex: index,
    phaseProgress,
    phaseElapsedMs,
    phaseRemainingMs: p.ms - phaseElapsedMs,
    phaseMs: p.ms,
    cycle,
    cycleElapsedMs: withinMs,
    breathLevel,
    elapsedMs: t,
  };
}

/**
 * The next phase boundary strictly after `elapsedMs` (zero-length holds are skipped).
 *
 * @returns {{atMs: number, inMs: number, phase: string, cycle: number}} `atMs` is elapsed time of
 *   the boundary, `inMs` how long until it, `phase` the phase that starts there, `cycle` the cycle
 *   it belongs to.
 */
export function nextBoundary(pattern, elapsedMs) {
  const { t, cycle, index } = locate(pattern, elapsedMs);
  const cycleStart = cycle * pattern.cycleMs;
  for (let i = index + 1; i < PHASES.length; i += 1) {
    const p = pattern.phases[i];
    if (p.ms > 0) {
      const atMs = cycleStart + p.startMs;
      return { atMs, inMs: atMs - t, phase: p.name, cycle };
    }
  }
  const atMs = cycleStart + pattern.cycleMs;
  return { atMs, inMs: atMs - t, phase: 'inhale', cycle: cycle + 1 };
}

function defaultClock() {
  return { now: () => performance.now() };
}

/**
 * A running pacer bound to a clock. Nothing here schedules work; the page reads `state()` from
 * its animation frame, and may use `nextBoundary()` to time a gentle sound cue.
 *
 * @param pattern from `makePattern`, `rateToPattern` or `presets[id].pattern`
 * @param {{now(): number}} [clock] milliseconds, monotonic; defaults to `performance.now()`.
 *   Tests pass a fake clock.
 * @returns {{start(): void, pause(): void, resume(): void, stop(): void, elapsedMs(): number,
 *   state(): object, nextBoundary(): object, pattern: object}}
 *   `state()` is `phaseAt(pattern, elapsed)` plus `status` ('ready' | 'running' | 'paused' |
 *   'stopped'). Paused time is excluded from elapsed time. `start()` after `stop()` starts afresh.
 */
export function createPacerTimeline(pattern, clock = defaultClock()) {
  if (!pattern || typeof pattern.cycleMs !== 'number' || !Array.isArray(pattern.phases)) {
    throw new TypeError('createPacerTimeline needs a pattern from makePattern() or rateToPattern()');
  }
  if (!clock || typeof clock.now !== 'function') {
    throw new TypeError('clock must have a now() method returning milliseconds');
  }
  let status = 'ready';
  let startedAt = 0; // clock time of start
  let pausedTotal = 0; // ms spent paused since start
  let pausedAt = 0; // clock time of the current pause
  let frozenElapsed = 0; // elapsed when stopped

  function elapsedMs() {
    if (status === 'ready') return 0;
    if (status === 'stopped') return frozenElapsed;
    const now = status === 'paused' ? pausedAt : clock.now();
    return Math.max(0, now - startedAt - pausedTotal);
  }

  return {
    pattern,
    start() {
      if (status === 'running' || status === 'paused') return;
      startedAt = clock.now();
      pausedTotal = 0;
      status = 'running';
    },
    pause() {
      if (status !== 'running') return;
      pausedAt = clock.now();
      status = 'paused';
    },
    resume() {
      if (status !== 'paused') return;
      pausedTotal += clock.now() - pausedAt;
      status = 'running';
    },
    stop() {
      if (status === 'stopped') return;
      frozenElapsed = elapsedMs();
      status = 'stopped';
    },
    elapsedMs,
    state() {
      return { ...phaseAt(pattern, elapsedMs()), status };
    },
    nextBoundary() {
      return nextBoundary(pattern, elapsedMs());
    },
  };
}

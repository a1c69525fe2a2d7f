import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  createPacerTimeline,
  makePattern,
  nextBoundary,
  phaseAt,
  presets,
  rateToPattern,
} from '../../attune/web/static/js/pacer-clock.js';

// Small seeded generator so the jittery frame loop is the same on every run.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fakeClock(start = 1000) {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

const close = (actual, expected, tol, msg) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${msg ?? ''} expected ${expected} ± ${tol}, got ${actual}`);

// A browser frame loop on a busy phone: 5-40 ms between frames, sub-ms jitter, and a 500 ms
// stall now and then (tab switch, garbage collection).
function jitteryFrameGaps(rng) {
  return () => {
    if (rng() < 0.002) return 500 + rng() * 3;
    return 5 + rng() * 35 + (rng() - 0.5) * 0.8;
  };
}

const TWENTY_MIN_MS = 20 * 60 * 1000;

test('the 120th cycle starts within 50 ms of its ideal time after 20 minutes of jittery frames', () => {
  const pattern = presets['six-a-minute'].pattern;
  const clock = fakeClock(12_345.678);
  const gap = jitteryFrameGaps(mulberry32(7));
  const pacer = createPacerTimeline(pattern, clock);
  const t0 = clock.now();
  pacer.start();

  const observedCycleStart = new Map(); // cycle -> clock time it began, as computed at first sight
  let stalls = 0;
  let previous = pacer.state();
  while (clock.now() - t0 < TWENTY_MIN_MS + 2 * pattern.cycleMs) {
    const g = gap();
    if (g >= 500) stalls += 1;
    clock.advance(g);
    const s = pacer.state();
    if (s.cycle !== previous.cycle) observedCycleStart.set(s.cycle, clock.now() - s.cycleElapsedMs);
    previous = s;
  }
  assert.ok(stalls >= 5, `the simulated loop should include stalls, got ${stalls}`);
  assert.ok(observedCycleStart.has(120), 'the loop should reach cycle 120');
  close(observedCycleStart.get(120) - t0, 120 * pattern.cycleMs, 50, 'cycle 120 start');
  // every cycle, not only the 120th
  for (const [cycle, at] of observedCycleStart) close(at - t0, cycle * pattern.cycleMs, 50, `cycle ${cycle}`);
});

test('every phase boundary stays on schedule over 20 minutes of an uneven rate pattern', () => {
  // 5.5 breaths/min gives a non-integer cycle (10909.09 ms), the hard case for float error.
  const pattern = rateToPattern(5.5, [45, 55]);
  const clock = fakeClock(0.25);
  const gap = jitteryFrameGaps(mulberry32(99));
  const pacer = createPacerTimeline(pattern, clock);
  const t0 = clock.now();
  pacer.start();
  let prev = pacer.state();
  let boundaries = 0;
  let worst = 0;
  while (clock.now() - t0 < TWENTY_MIN_MS) {
    clock.advance(gap());
    const s = pacer.state();
    if (s.phase !== prev.phase) {
      // phase start in clock time, as the pacer reports it
      const at = clock.now() - s.phaseElapsedMs - t0;
      const ideal = s.cycle * pattern.cycleMs + pattern.phases[s.phaseIndex].startMs;
      worst = Math.max(worst, Math.abs(at - ideal));
      boundaries += 1;
    }
    prev = s;
  }
  assert.ok(boundaries >= 2 * 109, `expected about 220 boundaries, saw ${boundaries}`);
  assert.ok(worst < 50, `worst boundary error ${worst} ms`);
});

test('a pacer that sums frame or timeout delays would drift in the same loop (the check can fail)', () => {
  // Control: schedule each phase with a timer that fires at the first frame after it is due,
  // and start the next phase from that late moment. This is what clock-based timing avoids.
  const pattern = presets['six-a-minute'].pattern;
  const gap = jitteryFrameGaps(mulberry32(7));
  let now = 0;
  let phaseStart = 0;
  let index = 0;
  let cycles = 0;
  while (cycles < 120) {
    now += gap();
    const due = phaseStart + pattern.phases[index].ms;
    if (now >= due) {
      phaseStart = now; // the late firing becomes the new origin: error accumulates
      index = (index + 1) % 4;
      if (pattern.phases[index].ms === 0) index = (index + 1) % 4;
      if (index === 0) cycles += 1;
    }
  }
  assert.ok(Math.abs(phaseStart - 120 * pattern.cycleMs) > 50, `naive drift was only ${phaseStart - 120 * pattern.cycleMs} ms`);
});

test('phaseAt follows inhale then exhale with an eased breath level', () => {
  const p = makePattern({ inhale: 4, exhale: 6 });
  assert.equal(p.cycleMs, 10_000);
  assert.equal(p.breathsPerMin, 6);

  const start = phaseAt(p, 0);
  assert.equal(start.phase, 'inhale');
  assert.equal(start.cycle, 0);
  assert.equal(start.breathLevel, 0);
  assert.equal(start.phaseRemainingMs, 4000);

  const midIn = phaseAt(p, 2000);
  close(midIn.phaseProgress, 0.5, 1e-12);
  close(midIn.breathLevel, 0.5, 1e-12);
  const quarterIn = phaseAt(p, 1000);
  assert.ok(quarterIn.breathLevel < 0.25, 'cosine ease starts slowly');

  const full = phaseAt(p, 4000);
  assert.equal(full.phase, 'exhale');
  assert.equal(full.breathLevel, 1);
  assert.equal(full.phaseRemainingMs, 6000);

  const late = phaseAt(p, 9999);
  assert.equal(late.phase, 'exhale');
  close(late.breathLevel, 0, 1e-6);

  const next = phaseAt(p, 10_000);
  assert.equal(next.phase, 'inhale');
  assert.equal(next.cycle, 1);
  assert.equal(phaseAt(p, 25_000).cycle, 2);
  assert.equal(phaseAt(p, -500).elapsedMs, 0, 'before the start counts as the start');
});

test('breath level is continuous across every boundary, holds included', () => {
  const p = makePattern({ inhale: 4, holdIn: 1, exhale: 4, holdOut: 2, calming: false });
  const phases = [];
  let last = phaseAt(p, 0).breathLevel;
  for (let t = 1; t < 2 * p.cycleMs; t += 1) {
    const s = phaseAt(p, t);
    assert.ok(Math.abs(s.breathLevel - last) < 0.001, `jump at ${t} ms`);
    last = s.breathLevel;
    if (phases.at(-1) !== s.phase) phases.push(s.phase);
  }
  assert.deepEqual(phases, ['inhale', 'hold-in', 'exhale', 'hold-out', 'inhale', 'hold-in', 'exhale', 'hold-out']);
  assert.equal(phaseAt(p, 4500).breathLevel, 1);
  assert.equal(phaseAt(p, 10_000).breathLevel, 0);
});

test('nextBoundary names the next phase and skips empty holds', () => {
  const calm = makePattern({ inhale: 4.5, exhale: 5.5 });
  assert.deepEqual(nextBoundary(calm, 1000), { atMs: 4500, inMs: 3500, phase: 'exhale', cycle: 0 });
  assert.deepEqual(nextBoundary(calm, 4500), { atMs: 10_000, inMs: 5500, phase: 'inhale', cycle: 1 });
  assert.deepEqual(nextBoundary(calm, 123_456), { atMs: 124_500, inMs: 1044, phase: 'exhale', cycle: 12 });
  assert.deepEqual(nextBoundary(calm, 125_000), { atMs: 130_000, inMs: 5000, phase: 'inhale', cycle: 13 });

  const box = makePattern({ inhale: 4, holdIn: 2, exhale: 4, holdOut: 2, calming: false });
  assert.equal(nextBoundary(box, 0).phase, 'hold-in');
  assert.equal(nextBoundary(box, 4000).phase, 'exhale');
  assert.equal(nextBoundary(box, 6000).phase, 'hold-out');
  assert.equal(nextBoundary(box, 11_000).phase, 'inhale');
});

test('the timeline excludes paused time', () => {
  const p = presets.relaxing.pattern;
  const clock = fakeClock(50_000);
  const pacer = createPacerTimeline(p, clock);
  assert.equal(pacer.state().status, 'ready');
  assert.equal(pacer.elapsedMs(), 0);
  clock.advance(3000);
  assert.equal(pacer.elapsedMs(), 0, 'time before start does not count');

  pacer.start();
  clock.advance(3000);
  pacer.pause();
  const paused = pacer.state();
  assert.equal(paused.status, 'paused');
  assert.equal(paused.elapsedMs, 3000);
  clock.advance(60_000);
  assert.equal(pacer.state().elapsedMs, 3000, 'the breath waits while paused');
  pacer.pause(); // pausing twice changes nothing
  clock.advance(1000);
  pacer.resume();
  clock.advance(2000);
  const s = pacer.state();
  assert.equal(s.status, 'running');
  assert.equal(s.elapsedMs, 5000);
  assert.equal(s.phase, 'exhale');
  close(s.phaseElapsedMs, 1000, 1e-9);
  pacer.resume(); // resuming while running changes nothing
  assert.equal(pacer.elapsedMs(), 5000);
  assert.equal(pacer.nextBoundary().atMs, 10_000);

  pacer.stop();
  clock.advance(10_000);
  assert.equal(pacer.state().status, 'stopped');
  assert.equal(pacer.elapsedMs(), 5000, 'a stopped pacer keeps its last position');
  pacer.start();
  assert.equal(pacer.elapsedMs(), 0, 'starting again begins a fresh breath');
});

test('two pauses in a row both stay excluded', () => {
  const clock = fakeClock();
  const pacer = createPacerTimeline(presets.coherent.pattern, clock);
  pacer.start();
  for (let i = 0; i < 5; i += 1) {
    clock.advance(1000);
    pacer.pause();
    clock.advance(777);
    pacer.resume();
  }
  assert.equal(pacer.elapsedMs(), 5000);
});

test('makePattern rejects holds in calming mode', () => {
  assert.throws(() => makePattern({ inhale: 4, holdIn: 2, exhale: 4 }), { name: 'RangeError', message: /calming.*no breath holds/ });
  assert.throws(() => makePattern({ inhale: 4, exhale: 4, holdOut: 1, calming: true }), /no breath holds/);
  assert.equal(makePattern({ inhale: 4, holdIn: 2, exhale: 4, calming: false }).holdIn, 2);
});

test('makePattern rejects rates outside 3 to 10 breaths a minute', () => {
  assert.throws(() => makePattern({ inhale: 2, exhale: 3 }), { name: 'RangeError', message: /12\.00 breaths a minute/ });
  assert.throws(() => makePattern({ inhale: 10, exhale: 10.5 }), /2\.93 breaths a minute/);
  assert.equal(makePattern({ inhale: 3, exhale: 3 }).breathsPerMin, 10);
  assert.equal(makePattern({ inhale: 10, exhale: 10 }).breathsPerMin, 3);
});

test('makePattern rejects missing, negative and non-numeric durations', () => {
  assert.throws(() => makePattern({ exhale: 5 }), { name: 'TypeError', message: /inhale must be a finite number/ });
  assert.throws(() => makePattern({ inhale: 5, exhale: 0 }), { name: 'RangeError', message: /exhale must be greater than 0/ });
  assert.throws(() => makePattern({ inhale: 5, exhale: 5, holdIn: -1, calming: false }), /holdIn must be 0 or more/);
  assert.throws(() => makePattern({ inhale: '5', exhale: 5 }), TypeError);
  assert.throws(() => makePattern({ inhale: Infinity, exhale: 5 }), TypeError);
  assert.throws(() => makePattern(), TypeError);
  assert.throws(() => makePattern({ inhale: 5, exhale: 5, calming: 'yes' }), TypeError);
});

test('patterns are frozen', () => {
  const p = makePattern({ inhale: 5, exhale: 5 });
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.phases) && Object.isFrozen(p.phases[0]));
});

test('presets have the documented timings and are all calming', () => {
  const expected = {
    'six-a-minute': [4.5, 5.5, 6],
    relaxing: [4, 6, 6],
    coherent: [5.5, 5.5, 60 / 11],
    custom: [5, 5, 6],
  };
  assert.deepEqual(Object.keys(presets).sort(), Object.keys(expected).sort());
  for (const [id, [inhale, exhale, bpm]] of Object.entries(expected)) {
    const { pattern } = presets[id];
    assert.equal(presets[id].id, id);
    assert.equal(pattern.inhale, inhale);
    assert.equal(pattern.exhale, exhale);
    assert.equal(pattern.holdIn + pattern.holdOut, 0);
    assert.equal(pattern.calming, true);
    close(pattern.breathsPerMin, bpm, 1e-9, id);
    assert.ok(presets[id].label.length > 0 && presets[id].description.length > 0);
  }
  assert.equal(presets.custom.editable, true);
});

test('rateToPattern splits a rate by an in:out ratio', () => {
  const p = rateToPattern(6, [45, 55]);
  close(p.inhale, 4.5, 1e-12);
  close(p.exhale, 5.5, 1e-12);
  close(p.cycleMs, 10_000, 1e-9);
  const q = rateToPattern(5, 0.4);
  close(q.inhale, 4.8, 1e-12);
  close(q.exhale, 7.2, 1e-12);
  close(rateToPattern(4.5).breathsPerMin, 4.5, 1e-12);
  assert.throws(() => rateToPattern(12), /breaths a minute/);
  assert.throws(() => rateToPattern(0), RangeError);
  assert.throws(() => rateToPattern(6, 1.2), /inhale fraction/);
  assert.throws(() => rateToPattern(6, [45, 0]), /pair of positive numbers/);
  assert.throws(() => rateToPattern(6, [1, 2, 3]), /pair/);
});

test('createPacerTimeline checks its arguments', () => {
  assert.throws(() => createPacerTimeline({ inhale: 4 }), /needs a pattern/);
  assert.throws(() => createPacerTimeline(presets.relaxing.pattern, {}), /now\(\)/);
  const real = createPacerTimeline(presets.relaxing.pattern); // default clock is performance.now
  real.start();
  assert.ok(real.elapsedMs() >= 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createStepTimeline } from '../../attune/web/static/js/player-steps.js';
import { phaseAt, presets } from '../../attune/web/static/js/pacer-clock.js';

function fakeClock(start = 500) {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

const STEPS = [
  { title: 'Arrive', seconds: 30 },
  { title: 'Slow breathing', seconds: 120, pacer: presets['six-a-minute'].pattern },
  { title: 'Notice', seconds: 45 },
];

test('it walks through the steps from the clock', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  assert.equal(tl.totalMs, 195_000);

  let s = tl.state();
  assert.equal(s.started, false);
  assert.equal(s.index, 0);
  assert.equal(s.remainingMs, 30_000);
  clock.advance(10_000);
  assert.equal(tl.state().totalElapsedMs, 0, 'nothing moves before start');

  tl.start();
  clock.advance(29_999);
  s = tl.state();
  assert.equal(s.index, 0);
  assert.equal(s.remainingMs, 1);
  clock.advance(1);
  s = tl.state();
  assert.equal(s.index, 1);
  assert.equal(s.step.title, 'Slow breathing');
  assert.equal(s.stepElapsedMs, 0);
  assert.equal(s.remainingMs, 120_000);
  assert.equal(s.totalRemainingMs, 165_000);

  clock.advance(165_000 - 1);
  s = tl.state();
  assert.equal(s.index, 2);
  assert.equal(s.done, false);
  assert.equal(s.remainingMs, 1);
  clock.advance(1);
  s = tl.state();
  assert.equal(s.done, true);
  assert.equal(s.endedBy, 'finished');
  assert.equal(s.index, 2, 'a finished practice rests on its last step');
  assert.equal(s.remainingMs, 0);
  clock.advance(60_000);
  assert.equal(tl.state().totalElapsedMs, 195_000, 'time past the end is clamped');
});

test('a late frame lands on the right step instead of drifting', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  tl.start();
  clock.advance(31_250); // one long stall across a boundary
  const s = tl.state();
  assert.equal(s.index, 1);
  assert.equal(s.stepElapsedMs, 1250);
});

test('paused time does not count', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  tl.start();
  clock.advance(20_000);
  tl.pause();
  assert.equal(tl.state().paused, true);
  clock.advance(600_000);
  let s = tl.state();
  assert.equal(s.index, 0);
  assert.equal(s.remainingMs, 10_000);
  tl.resume();
  assert.equal(tl.state().paused, false);
  clock.advance(15_000);
  s = tl.state();
  assert.equal(s.index, 1);
  assert.equal(s.stepElapsedMs, 5000);
});

test('skip moves to the start of the next step and keeps the rest of the schedule', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  tl.start();
  clock.advance(4000);
  tl.skip();
  let s = tl.state();
  assert.equal(s.index, 1);
  assert.equal(s.stepElapsedMs, 0);
  assert.equal(s.totalElapsedMs, 30_000);
  clock.advance(7000);
  s = tl.state();
  assert.equal(s.stepElapsedMs, 7000);
  tl.skip();
  assert.equal(tl.state().index, 2);
  tl.skip();
  s = tl.state();
  assert.equal(s.done, true);
  assert.equal(s.endedBy, 'finished');
  tl.skip(); // nothing left to skip
  assert.equal(tl.state().endedBy, 'finished');
});

test('skip while paused stays paused at the next step', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  tl.start();
  clock.advance(5000);
  tl.pause();
  tl.skip();
  clock.advance(9000);
  let s = tl.state();
  assert.equal(s.index, 1);
  assert.equal(s.stepElapsedMs, 0);
  assert.equal(s.paused, true);
  tl.resume();
  clock.advance(2000);
  s = tl.state();
  assert.equal(s.stepElapsedMs, 2000);
});

test('stop ends the practice where it is, whenever it is pressed', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  tl.start();
  clock.advance(42_000);
  tl.stop();
  clock.advance(300_000);
  const s = tl.state();
  assert.equal(s.done, true);
  assert.equal(s.endedBy, 'stopped');
  assert.equal(s.index, 1);
  assert.equal(s.stepElapsedMs, 12_000);
  tl.resume();
  tl.skip();
  assert.equal(tl.state().totalElapsedMs, 42_000, 'nothing moves after stop');

  const paused = createStepTimeline(STEPS, clock);
  paused.start();
  clock.advance(1000);
  paused.pause();
  paused.stop();
  assert.equal(paused.state().paused, false);
  assert.equal(paused.state().endedBy, 'stopped');

  const early = createStepTimeline(STEPS, clock);
  early.stop();
  assert.equal(early.state().endedBy, 'stopped');
  assert.equal(early.state().totalElapsedMs, 0);
});

test('a step pacer can be driven by the step clock', () => {
  const clock = fakeClock();
  const tl = createStepTimeline(STEPS, clock);
  tl.start();
  clock.advance(30_000 + 25_000);
  const s = tl.state();
  const breath = phaseAt(s.step.pacer, s.stepElapsedMs);
  assert.equal(breath.cycle, 2);
  assert.equal(breath.phase, 'exhale');
  assert.equal(tl.steps[0].pacer, null);
});

test('it rejects steps it cannot play', () => {
  assert.throws(() => createStepTimeline([]), /non-empty array/);
  assert.throws(() => createStepTimeline(null), TypeError);
  assert.throws(() => createStepTimeline([{ title: '', seconds: 5 }]), /step 1 needs a title/);
  assert.throws(() => createStepTimeline([{ title: 'A', seconds: 5 }, { title: 'B', seconds: 0 }]), {
    name: 'RangeError',
    message: /step 2 \("B"\).*greater than 0/,
  });
  assert.throws(() => createStepTimeline([{ title: 'A', seconds: NaN }]), RangeError);
  assert.throws(() => createStepTimeline([{ title: 'A', seconds: 5 }], { now: 1 }), /now\(\)/);
});

test('the steps it holds are frozen copies', () => {
  const input = [{ title: 'A', seconds: 5 }];
  const tl = createStepTimeline(input, fakeClock());
  input[0].seconds = 500;
  assert.equal(tl.steps[0].seconds, 5);
  assert.ok(Object.isFrozen(tl.steps) && Object.isFrozen(tl.steps[0]));
});

// When each live reading comes, and what a waiting one says (live-ui.js, no DOM needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readySeconds, waitText } from '../../attune/web/static/js/live-ui.js';

test('heart rate comes at once, RMSSD after half its window, coherence and breathing after the meter window', () => {
  assert.deepEqual(readySeconds({ rmssd_window_s: 60, meter_window_s: 64 }), {
    hr_bpm: 0, rmssd_ms: 30, coherence: 64, breathing_rate_bpm: 64,
  });
});

test('a waiting reading counts down the seconds of beats still to come', () => {
  assert.equal(waitText(30, 10.2), 'calibrating · 20 s');
  assert.equal(waitText(64, 63.5), 'calibrating · 1 s');
  assert.equal(waitText(64, 64.5), 'calibrating · a moment');
});

test('without a beat time it just says calibrating', () => {
  assert.equal(waitText(30, undefined), 'calibrating');
  assert.equal(waitText(0, 5), 'calibrating');
});

test('a before and after reads as an arrow', async () => {
  const { describeChange, elapsedText } = await import('../../attune/web/static/js/session.js');
  assert.equal(describeChange(3, 5), 'Felt safety 3 → 5.');
  assert.equal(describeChange(5, 5), 'Felt safety 5 → 5. That is useful to know, too.');
  assert.equal(elapsedText(61_000, 180_000), '1:01 in · 1:59 left');
  assert.equal(elapsedText(0, null), '0:00 in');
});

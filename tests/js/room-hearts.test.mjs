import { test } from 'node:test';
import assert from 'node:assert/strict';

import { beatsBefore, scaled, trimBeats } from '../../attune/web/static/js/room-hearts.js';

test('a batch of beats ends at the moment it arrived, each earlier by its interval', () => {
  assert.deepEqual(beatsBefore([1000, 800], 10_000), [{ t: 9200, hr: 60 }, { t: 10_000, hr: 75 }]);
});

test('only the last minute is kept', () => {
  const beats = [{ t: 1000, hr: 60 }, { t: 30_000, hr: 61 }, { t: 65_000, hr: 62 }];
  assert.deepEqual(trimBeats(beats, 70_000).map((b) => b.t), [30_000, 65_000]);
});

test('each heart is drawn on its own scale across the window', () => {
  const points = scaled([{ t: 10_000, hr: 60 }, { t: 70_000, hr: 70 }], 70_000);
  assert.deepEqual(points, [{ x: 0, y: 0 }, { x: 1, y: 1 }]);
  const flat = scaled([{ t: 10_000, hr: 60 }, { t: 70_000, hr: 61 }], 70_000);
  assert.ok(flat[1].y - flat[0].y <= 0.25 + 1e-9); // a 1 bpm wobble is not blown up to the full height
});

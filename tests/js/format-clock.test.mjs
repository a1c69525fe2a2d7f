import { test } from 'node:test';
import assert from 'node:assert/strict';

import { formatClock } from '../../attune/web/static/js/session.js';

test('a clock counting down shows minutes and seconds, rounding a part second up', () => {
  assert.equal(formatClock(65_000), '1:05');
  assert.equal(formatClock(64_001), '1:05');
  assert.equal(formatClock(600_000), '10:00');
});

test('a clock that has run out shows nothing left, never a negative time', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(-1500), '0:00');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { leadFor, positionAt, stepElapsedMs } from '../../attune/web/static/js/room-timeline.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/room-timeline-cases.json', import.meta.url)));

for (const c of fixture.cases) {
  test(`the browser places the timeline where the server does: ${c.name}`, () => {
    const p = positionAt(fixture.plan, c.timeline, c.now);
    assert.deepEqual({ state: p.state, step: p.step, start_ms: p.startMs, end_ms: p.endMs }, c.expect);
  });
}

test('a paused step stops counting at the pause', () => {
  const timeline = { status: 'paused', anchor_step: 0, anchor_ms: 1000, paused_ms: 7000, extra: {}, gates: {} };
  const pos = positionAt(fixture.plan, timeline, 50_000);
  assert.equal(stepElapsedMs(timeline, pos, 50_000), 6000);
});

test('turns go to whoever goes first, and swap for the second lead', () => {
  assert.equal(leadFor({ lead: 'first' }, 7, 7), 'you');
  assert.equal(leadFor({ lead: 'second' }, 7, 7), 'partner');
  assert.equal(leadFor({ lead: 'first' }, 8, 7), 'partner');
  assert.equal(leadFor({ lead: null }, 7, 7), null);
});

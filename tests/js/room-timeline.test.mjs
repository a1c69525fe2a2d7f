import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { SWAP_CUE_MS, leadFor, positionAt, stepElapsedMs, turnAt } from '../../attune/web/static/js/room-timeline.js';

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

// Listening without fixing, in short: A speaks, B says back, B speaks, A says back, then together.
const talk = {
  gated: true,
  items: [{ title: 'Listening', roles: ['speak', 'listen'] }, { title: 'After' }],
  steps: [
    { item: 0, solo: false, gate: false, seconds: 60, lead: null },
    { item: 0, solo: false, gate: false, seconds: 240, lead: 'first' },
    { item: 0, solo: false, gate: false, seconds: 60, lead: 'second' },
    { item: 0, solo: false, gate: false, seconds: 240, lead: 'second' },
    { item: 0, solo: false, gate: false, seconds: 60, lead: 'first' },
    { item: 0, solo: false, gate: false, seconds: 60, lead: null },
    { item: 1, solo: false, gate: false, seconds: 60, lead: 'first' },
  ],
};
const running = (extra = {}) => ({ status: 'running', anchor_step: 0, anchor_ms: 0, paused_ms: null, extra, gates: {} });
const turn = (timeline, now, you, firstLead = 1) => turnAt(talk, timeline, positionAt(talk, timeline, now), firstLead, you, now);

test('a step done together has no turn', () => {
  assert.equal(turn(running(), 30_000, 1), null);
});

test('the speaker and the listener see the same turn timer, with opposite roles', () => {
  const a = turn(running(), 100_000, 1);
  const b = turn(running(), 100_000, 2);
  assert.deepEqual(a, { mine: 'lead', next: 'follow', leftMs: 200_000, totalMs: 240_000, cue: false });
  assert.deepEqual(b, { mine: 'follow', next: 'lead', leftMs: 200_000, totalMs: 240_000, cue: false });
});

test('the soft cue shows in the last seconds before the roles swap, for both at once', () => {
  const at = 300_000 - SWAP_CUE_MS;
  assert.equal(turn(running(), at - 1, 1).cue, false);
  assert.equal(turn(running(), at, 1).cue, true);
  assert.equal(turn(running(), at, 2).cue, true);
});

test('a turn runs across steps in which the role stays the same', () => {
  // B says back and then speaks: one turn of five minutes, so no cue at the step in between.
  const b = turn(running(), 350_000, 2);
  assert.deepEqual(b, { mine: 'lead', next: 'follow', leftMs: 250_000, totalMs: 300_000, cue: false });
  assert.equal(turn(running(), 359_000, 2).cue, false);
});

test('turns end without a cue to swap when the last turn gives way to a step together', () => {
  const a = turn(running(), 600_000, 1);
  assert.equal(a.next, null);
  assert.equal(a.cue, false);
  assert.equal(a.leftMs, 60_000);
});

test('swapping who goes first swaps the roles', () => {
  assert.equal(turn(running(), 100_000, 1, 2).mine, 'follow');
});

test('a pause freezes the turn timer and an extension lengthens the turn', () => {
  const paused = { ...running(), status: 'paused', paused_ms: 100_000 };
  assert.equal(turn(paused, 500_000, 1).leftMs, 200_000);
  assert.equal(turn(running({ 1: 60 }), 100_000, 1).leftMs, 260_000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createOutbox, describeSent, describeWaiting, newKey, verdict } from '../../attune/web/static/js/offline-queue.js';

function memoryStore() {
  const items = new Map();
  return {
    items,
    all: async () => [...items.values()].map((i) => structuredClone(i)),
    put: async (i) => void items.set(i.key, structuredClone(i)),
    remove: async (k) => void items.delete(k),
  };
}

test('a key is a version 4 UUID, with or without randomUUID', () => {
  const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(newKey(), re);
  assert.match(newKey({ getRandomValues: (b) => b.fill(255) }), re);
});

test('replies are read as sent, refused or worth trying again', () => {
  assert.deepEqual([0, 200, 201, 302, 409, 400, 404, 403, 503].map(verdict),
    ['retry', 'sent', 'sent', 'sent', 'sent', 'refused', 'refused', 'retry', 'retry']);
});

test('a check-in waits while there is no network and is sent once it is back', async () => {
  const store = memoryStore();
  let online = false;
  const calls = [];
  const outbox = createOutbox(store, async (url, fields) => {
    calls.push([url, fields.key]);
    return online ? { status: 200, json: null } : { status: 0, json: null };
  });
  await outbox.add({ key: 'k1', member: '7', kind: 'checkin', url: '/checkins/new/', fields: { key: 'k1' } });
  let r = await outbox.flush('7');
  assert.equal(r.waiting.length, 1);
  assert.equal(store.items.size, 1);
  online = true;
  r = await outbox.flush('7');
  assert.equal(r.sent.length, 1);
  assert.equal(store.items.size, 0);
  r = await outbox.flush('7');
  assert.equal(r.sent.length, 0, 'nothing is sent twice from the device');
  assert.deepEqual(calls.map((c) => c[1]), ['k1', 'k1']);
});

test('a practice is begun then finished, and a begun one is not begun again', async () => {
  const store = memoryStore();
  const calls = [];
  let finishFails = true;
  const outbox = createOutbox(store, async (url) => {
    calls.push(url);
    if (url === '/start/') return { status: 201, json: { finishUrl: '/s/9/finish/' } };
    return finishFails ? { status: 0, json: null } : { status: 200, json: {} };
  });
  await outbox.add({ key: 'p1', member: '7', kind: 'practice', startUrl: '/start/', start: {}, finishUrl: null, finish: {} });
  await outbox.flush('7');
  assert.equal(store.items.get('p1').finishUrl, '/s/9/finish/');
  finishFails = false;
  await outbox.flush('7');
  assert.deepEqual(calls, ['/start/', '/s/9/finish/', '/s/9/finish/']);
  assert.equal(store.items.size, 0);
});

test("another member's items stay put, and two flushes at once send once", async () => {
  const store = memoryStore();
  let sends = 0;
  const outbox = createOutbox(store, async () => {
    sends += 1;
    await new Promise((r) => setTimeout(r, 5));
    return { status: 302, json: null };
  });
  await outbox.add({ key: 'a', member: '7', kind: 'checkin', url: '/c/', fields: {} });
  await outbox.add({ key: 'b', member: '8', kind: 'checkin', url: '/c/', fields: {} });
  await Promise.all([outbox.flush('7'), outbox.flush('7')]);
  assert.equal(sends, 1);
  assert.deepEqual([...store.items.keys()], ['b']);
});

test('the words say what waits and what was sent, without pressure', () => {
  assert.equal(describeWaiting([]), '');
  assert.match(describeWaiting([{ kind: 'checkin' }, { kind: 'practice' }]), /^Waiting to send: a check-in and a practice, kept safe on this device\./);
  assert.equal(describeSent([{ kind: 'checkin' }]), 'Back online: your check-in from earlier is now saved.');
});

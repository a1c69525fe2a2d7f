import { test } from 'node:test';
import assert from 'node:assert/strict';

import { backoffMs, chunkBeats, createLiveStream } from '../../attune/web/static/js/live-stream.js';

// A fake clock whose timers run only when the test advances it.
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { fn, at: now + ms });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let due = null;
        for (const [id, t] of timers) if (t.at <= until && (due === null || t.at < due[1].at)) due = [id, t];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
    pendingTimers: () => timers.size,
  };
}

// A fake server end: records what the client sent and lets the test answer.
function fakeSockets() {
  const sockets = [];
  const factory = (url) => {
    const s = {
      url,
      readyState: 0,
      sent: [],
      closedWith: null,
      send(text) {
        if (this.readyState !== 1) throw new Error('send on a socket that is not open');
        this.sent.push(JSON.parse(text));
      },
      close(code = 1000, reason = '') {
        if (this.readyState === 3) return;
        this.readyState = 3;
        this.closedWith = { code, reason };
        this.onclose?.({ code, reason });
      },
      // Test helpers: the server's side.
      accept(ackedSeq = 0) {
        this.readyState = 1;
        this.onopen?.({});
        this.reply({ type: 'welcome', recording: 1, acked_seq: ackedSeq, beats: 0, simulated: false });
      },
      reply(msg) {
        this.onmessage?.({ data: JSON.stringify(msg) });
      },
      serverClose(code = 1006) {
        this.readyState = 3;
        this.onclose?.({ code, reason: '' });
      },
      beats() {
        return this.sent.filter((m) => m.type === 'beats');
      },
    };
    sockets.push(s);
    return s;
  };
  return { sockets, factory, last: () => sockets.at(-1) };
}

function setup(extra = {}) {
  const clock = fakeClock();
  const net = fakeSockets();
  const events = [];
  const stream = createLiveStream({
    url: 'ws://test/ws/live/1/',
    socketFactory: net.factory,
    clock,
    backoff: { initialMs: 100, factor: 2, maxMs: 1000 },
    onEvent: (type, detail) => events.push({ type, ...detail }),
    ...extra,
  });
  return { clock, net, events, stream };
}

test('chunkBeats splits into groups of at most 16 and drops values the server would refuse', () => {
  const rr = Array.from({ length: 35 }, (_, i) => 800 + i);
  const { groups, dropped } = chunkBeats([...rr, 150, 3500, Number.NaN]);
  assert.deepEqual(groups.map((g) => g.length), [16, 16, 3]);
  assert.deepEqual(groups.flat(), rr);
  assert.equal(dropped, 3);
});

test('backoffMs doubles from the initial delay and stops at the cap', () => {
  const opts = { initialMs: 500, factor: 2, maxMs: 10_000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, opts)), [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('it numbers beats messages from 1 and sends them once the server says welcome', () => {
  const { net, stream } = setup();
  stream.connect();
  assert.deepEqual(stream.sendBeats([812, 830]), [1]); // queued before the welcome
  assert.equal(net.last().sent.length, 0);
  net.last().accept(0);
  stream.sendBeats([845]);
  assert.deepEqual(net.last().beats().map((m) => [m.seq, m.rr_ms]), [[1, [812, 830]], [2, [845]]]);
  assert.equal(stream.status, 'live');
});

test('an ack removes that message and every earlier one from the buffer', () => {
  const { net, stream } = setup();
  stream.connect();
  net.last().accept(0);
  for (let i = 0; i < 5; i += 1) stream.sendBeats([800 + i]);
  assert.equal(stream.pending, 5);
  net.last().reply({ type: 'ack', seq: 3 });
  assert.equal(stream.pending, 2);
  assert.equal(stream.ackedSeq, 3);
});

test('after a drop it reconnects with growing delays and resends only what the server has not stored', () => {
  const { clock, net, stream, events } = setup();
  stream.connect();
  const first = net.last();
  first.accept(0);
  for (let i = 0; i < 6; i += 1) stream.sendBeats([900 + i]);
  first.reply({ type: 'ack', seq: 2 });
  first.serverClose(1006);
  assert.equal(stream.status, 'reconnecting');

  // Beats keep arriving from the strap while the connection is down: they are buffered.
  stream.sendBeats([950]);
  clock.advance(99);
  assert.equal(net.sockets.length, 1, 'waits the first backoff delay');
  clock.advance(1);
  assert.equal(net.sockets.length, 2);
  // The second attempt fails too: the next delay is twice as long.
  net.last().serverClose(1006);
  clock.advance(199);
  assert.equal(net.sockets.length, 2);
  clock.advance(1);
  assert.equal(net.sockets.length, 3);

  // The server had stored up to seq 4 before the drop (its acks for 3 and 4 were lost).
  net.last().accept(4);
  assert.deepEqual(net.last().beats().map((m) => m.seq), [5, 6, 7]);
  assert.deepEqual(net.last().beats().map((m) => m.rr_ms[0]), [904, 905, 950]);
  const reconnecting = events.filter((e) => e.type === 'status' && e.status === 'reconnecting').map((e) => e.inMs);
  assert.deepEqual(reconnecting, [100, 200]);
  assert.equal(stream.status, 'live');
});

test('no seq is ever sent with two different payloads, however often the connection drops', () => {
  const { clock, net, stream } = setup();
  stream.connect();
  let serverStored = 0;
  const stored = new Map();
  // A server that stores in order and acks everything it gets.
  const serve = (s) => {
    s.accept(serverStored);
    const origSend = s.send.bind(s);
    s.send = (text) => {
      origSend(text);
      const m = JSON.parse(text);
      if (m.type !== 'beats') return;
      if (m.seq === serverStored + 1) {
        stored.set(m.seq, m.rr_ms);
        serverStored = m.seq;
      }
      if (m.seq <= serverStored) s.reply({ type: 'ack', seq: m.seq });
      else s.reply({ type: 'error', code: 'out_of_order', expected_seq: serverStored + 1, message: '' });
    };
  };
  serve(net.last());
  const all = [];
  for (let i = 0; i < 60; i += 1) {
    const rr = [700 + i];
    all.push(rr);
    stream.sendBeats(rr);
    if (i % 7 === 3) {
      net.last().serverClose(1006);
      clock.advance(10_000);
      serve(net.last());
    }
  }
  assert.equal(stream.pending, 0);
  assert.equal(stored.size, 60);
  assert.deepEqual([...stored.keys()], Array.from({ length: 60 }, (_, i) => i + 1));
  assert.deepEqual([...stored.values()], all);
  // Every transmission of a seq carried the same payload.
  const bySeq = new Map();
  for (const s of net.sockets) {
    for (const m of s.beats()) {
      const prev = bySeq.get(m.seq);
      if (prev) assert.deepEqual(m.rr_ms, prev);
      else bySeq.set(m.seq, m.rr_ms);
    }
  }
});

test('out_of_order from the server resends from expected_seq', () => {
  const { net, stream } = setup();
  stream.connect();
  net.last().accept(0);
  stream.sendBeats([800]);
  stream.sendBeats([810]);
  stream.sendBeats([820]);
  const before = net.last().beats().length;
  net.last().reply({ type: 'error', code: 'out_of_order', expected_seq: 2, message: 'expected 2' });
  assert.deepEqual(net.last().beats().slice(before).map((m) => m.seq), [2, 3]);
  assert.equal(stream.pending, 2);
});

test('finish waits until every beat is acknowledged, then sends finish once', () => {
  const { net, stream, events } = setup();
  stream.connect();
  const s = net.last();
  s.accept(0);
  stream.sendBeats([800]);
  stream.sendBeats([810]);
  stream.finish();
  assert.equal(s.sent.filter((m) => m.type === 'finish').length, 0);
  assert.deepEqual(stream.sendBeats([820]), [], 'no beats are queued after finish');
  s.reply({ type: 'ack', seq: 1 });
  assert.equal(s.sent.filter((m) => m.type === 'finish').length, 0);
  s.reply({ type: 'ack', seq: 2 });
  assert.equal(s.sent.filter((m) => m.type === 'finish').length, 1);
  s.reply({ type: 'finished', summary: { rmssd_ms: 42 } });
  assert.equal(stream.status, 'finished');
  assert.deepEqual(events.find((e) => e.type === 'finished').summary, { rmssd_ms: 42 });
  assert.equal(s.closedWith.code, 1000);
});

test('it does not reconnect after the server refuses the socket as not yours', () => {
  const { clock, net, stream } = setup();
  stream.connect();
  net.last().serverClose(4404);
  clock.advance(60_000);
  assert.equal(net.sockets.length, 1);
  assert.equal(stream.status, 'refused');
});

test('a reading reports its latency from the echoed sent_ms', () => {
  const { clock, net, stream, events } = setup();
  stream.connect();
  net.last().accept(0);
  clock.advance(1000);
  stream.sendBeats([812]);
  clock.advance(7);
  net.last().reply({ type: 'reading', seq: 1, hr_bpm: 74, calibrating: true, sent_ms: 1000 });
  assert.equal(events.find((e) => e.type === 'reading').latencyMs, 7);
});

test('close stops a pending reconnect', () => {
  const { clock, net, stream } = setup();
  stream.connect();
  net.last().serverClose(1006);
  stream.close();
  clock.advance(60_000);
  assert.equal(net.sockets.length, 1);
  assert.equal(clock.pendingTimers(), 0);
  assert.equal(stream.status, 'closed');
});

test('after rate_limited it waits retry_after_ms, then resends from expected_seq', () => {
  const { clock, net, stream } = setup();
  stream.connect();
  net.last().accept(0);
  stream.sendBeats([800]);
  stream.sendBeats([810]);
  stream.sendBeats([820]);
  // The server stored 1, then refused 2 (and so 3 arrives out of order).
  net.last().reply({ type: 'ack', seq: 1 });
  net.last().reply({ type: 'error', code: 'rate_limited', expected_seq: 2, retry_after_ms: 250, message: 'slow down' });
  net.last().reply({ type: 'error', code: 'out_of_order', expected_seq: 2, seq: 3, message: 'expected 2' });
  const before = net.last().beats().length;
  // Beats that arrive during the pause wait in the buffer.
  stream.sendBeats([830]);
  clock.advance(249);
  assert.equal(net.last().beats().length, before, 'nothing is sent during the pause');
  clock.advance(1);
  assert.deepEqual(net.last().beats().slice(before).map((m) => m.seq), [2, 3, 4]);
  assert.deepEqual(net.last().beats().slice(before).map((m) => m.rr_ms[0]), [810, 820, 830]);
  assert.equal(stream.pending, 3);
});

test('rate_limited with an expected_seq beyond the last ack drops what the server already stored', () => {
  const { clock, net, stream } = setup();
  stream.connect();
  net.last().accept(0);
  stream.sendBeats([800]);
  stream.sendBeats([810]);
  stream.sendBeats([820]);
  // The acks for 1 and 2 were lost, but the error says 1 and 2 are stored.
  net.last().reply({ type: 'error', code: 'rate_limited', expected_seq: 3, retry_after_ms: 100, message: 'slow down' });
  const before = net.last().beats().length;
  clock.advance(100);
  assert.deepEqual(net.last().beats().slice(before).map((m) => m.seq), [3]);
  assert.equal(stream.ackedSeq, 2);
});

test('rate_limited without a usable retry_after_ms pauses for the default, and never longer than the cap', async () => {
  const { RATE_LIMIT_PAUSE_MS, RATE_LIMIT_MAX_PAUSE_MS, rateLimitPauseMs } = await import(
    '../../attune/web/static/js/live-stream.js'
  );
  assert.equal(rateLimitPauseMs({}), RATE_LIMIT_PAUSE_MS);
  assert.equal(rateLimitPauseMs({ retry_after_ms: -5 }), RATE_LIMIT_PAUSE_MS);
  assert.equal(rateLimitPauseMs({ retry_after_ms: 'soon' }), RATE_LIMIT_PAUSE_MS);
  assert.equal(rateLimitPauseMs({ retry_after_ms: 51 }), 51);
  assert.equal(rateLimitPauseMs({ retry_after_ms: 10 ** 9 }), RATE_LIMIT_MAX_PAUSE_MS);
});

test('a finish refused by the rate limit is sent again after the pause', () => {
  const { clock, net, stream } = setup();
  stream.connect();
  net.last().accept(0);
  stream.sendBeats([800]);
  net.last().reply({ type: 'ack', seq: 1 });
  stream.finish();
  const finishes = () => net.last().sent.filter((m) => m.type === 'finish').length;
  assert.equal(finishes(), 1);
  net.last().reply({ type: 'error', code: 'rate_limited', expected_seq: 2, retry_after_ms: 51, message: 'slow down' });
  clock.advance(51);
  assert.equal(finishes(), 2);
});

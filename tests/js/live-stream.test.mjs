import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  UPLOAD_MAX_BYTES,
  UPLOAD_MAX_MESSAGES,
  backoffMs,
  chunkBeats,
  createLiveStream,
  finishOverHttp,
  uploadBatches,
} from '../../attune/web/static/js/live-stream.js';

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

test('it does not reconnect once the session that opened the socket has ended (4401)', () => {
  const { clock, net, stream, events } = setup();
  stream.connect();
  net.last().accept(0);
  net.last().serverClose(4401);
  clock.advance(60_000);
  assert.equal(net.sockets.length, 1);
  assert.equal(stream.status, 'refused');
  assert.equal(events.filter((e) => e.type === 'status').at(-1).code, 4401);
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

// A fake HTTP server for the fallback: the beats upload and finish, with the server's seq rules
// (a stored seq is acked again, a gap is refused with expected_seq, nothing after a refusal).
const BEATS_URL = '/physio/recordings/1/beats/';
const FINISH_URL = '/physio/recordings/1/finish/';

function httpError(status, body) {
  return Object.assign(new Error(body.error ?? `status ${status}`), { status, body });
}

function fakeHttp({ acked = 0, closed = false, maxMessages = UPLOAD_MAX_MESSAGES, down = false } = {}) {
  const server = { acked, closed, stored: [], calls: [], down };
  server.post = async (url, data) => {
    server.calls.push({ url, data: JSON.parse(JSON.stringify(data)) });
    if (server.down) throw new TypeError('Failed to fetch'); // no status: not reached
    if (url === FINISH_URL) {
      server.closed = true;
      return { summary: { beats: server.stored.length } };
    }
    assert.equal(url, BEATS_URL);
    if (data.messages.length > maxMessages) throw httpError(413, { code: 'too_large', error: 'too many' });
    for (const m of data.messages) {
      if (m.seq <= server.acked) continue;
      if (server.closed) throw httpError(409, { code: 'closed', acked_seq: server.acked, error: 'finished' });
      if (m.seq !== server.acked + 1) {
        throw httpError(409, { code: 'out_of_order', acked_seq: server.acked, expected_seq: server.acked + 1 });
      }
      server.stored.push(...m.rr_ms);
      server.acked = m.seq;
    }
    return { acked_seq: server.acked };
  };
  return server;
}

// A stream whose socket went for good after the server acknowledged `ackedOverWs` messages.
function offlineStream(nMessages, { ackedOverWs = 0 } = {}) {
  const { net, stream } = setup();
  stream.connect();
  net.last().accept(0);
  const sent = [];
  for (let i = 0; i < nMessages; i += 1) {
    const rr = [800 + (i % 50), 810 + (i % 40)];
    sent.push(...rr);
    stream.sendBeats(rr);
  }
  if (ackedOverWs > 0) net.last().reply({ type: 'ack', seq: ackedOverWs });
  net.last().serverClose(1006);
  return { net, stream, sent };
}

test('the HTTP fallback uploads the unacknowledged buffer, then finishes, and loses no beat', async () => {
  const { net, stream, sent } = offlineStream(10, { ackedOverWs: 4 });
  const server = fakeHttp({ acked: 4 });
  server.stored.push(...sent.slice(0, 8)); // what the websocket stored (4 messages of 2 beats)
  assert.equal(stream.pendingBeats, 12);
  const sockets = net.sockets.length;
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(server.calls.map((c) => c.url), [BEATS_URL, FINISH_URL]);
  assert.deepEqual(server.calls[0].data.messages.map((m) => m.seq), [5, 6, 7, 8, 9, 10]);
  assert.deepEqual(server.stored, sent);
  assert.deepEqual(outcome, { summary: { beats: 20 }, via: 'http', unsentBeats: 0, uploadedBeats: 12 });
  assert.equal(stream.pending, 0);
  assert.equal(stream.status, 'closed');
  assert.equal(net.sockets.length, sockets); // no reconnect after the page gave up on the socket
});

test('beats the server stored but never acknowledged are uploaded again and counted once', async () => {
  const { stream, sent } = offlineStream(6); // the acks for 1 to 3 were lost with the socket
  const server = fakeHttp({ acked: 3 });
  server.stored.push(...sent.slice(0, 6));
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(server.calls[0].data.messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(server.stored, sent);
  assert.equal(outcome.unsentBeats, 0);
  assert.equal(outcome.summary.beats, sent.length);
});

test('a long buffer is uploaded in order in batches within the limits', async () => {
  const { stream, sent } = offlineStream(1300);
  const server = fakeHttp();
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  const uploads = server.calls.filter((c) => c.url === BEATS_URL);
  assert.deepEqual(uploads.map((c) => c.data.messages.length), [600, 600, 100]);
  for (const c of uploads) assert.ok(JSON.stringify(c.data).length <= UPLOAD_MAX_BYTES);
  assert.deepEqual(server.calls.at(-1).url, FINISH_URL);
  assert.deepEqual(server.stored, sent);
  assert.equal(outcome.unsentBeats, 0);
});

test('an out_of_order answer resends from the expected seq', async () => {
  const { stream, sent } = offlineStream(5);
  const server = fakeHttp();
  const firstSeqs = [];
  let first = true;
  const post = async (url, data) => {
    if (url === BEATS_URL) firstSeqs.push(data.messages[0].seq);
    if (first && url === BEATS_URL) {
      // The server stores messages 1 and 2 of this upload, then refuses 3 (as if 3 had been lost).
      first = false;
      await server.post(url, { messages: data.messages.slice(0, 2) });
      throw httpError(409, { code: 'out_of_order', acked_seq: 2, expected_seq: 3 });
    }
    return server.post(url, data);
  };
  const outcome = await finishOverHttp({ stream, post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(firstSeqs, [1, 3]);
  assert.deepEqual(server.stored, sent);
  assert.equal(outcome.unsentBeats, 0);
});

test('a 413 makes the batches smaller', async () => {
  const { stream, sent } = offlineStream(100);
  const server = fakeHttp({ maxMessages: 30 });
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(server.stored, sent);
  assert.equal(outcome.unsentBeats, 0);
  const sizes = server.calls.filter((c) => c.url === BEATS_URL).map((c) => c.data.messages.length);
  assert.deepEqual(sizes, [100, 50, 25, 25, 25, 25]); // halved until the server took them
});

test('when a closed recording refuses the upload it still finishes and says how many beats were not stored', async () => {
  const { stream } = offlineStream(4);
  const server = fakeHttp({ acked: 1, closed: true }); // finished meanwhile from another tab
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(server.calls.map((c) => c.url), [BEATS_URL, FINISH_URL]);
  assert.equal(outcome.via, 'http');
  assert.equal(outcome.unsentBeats, 6); // messages 2 to 4
  assert.equal(outcome.uploadedBeats, 2); // message 1 was acknowledged by the upload
});

test('when HTTP cannot reach the server either, nothing is finished and the unsent beats are counted', async () => {
  const { stream } = offlineStream(3);
  const server = fakeHttp({ down: true });
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(server.calls.map((c) => c.url), [BEATS_URL]); // finish is not tried without the beats
  assert.deepEqual(outcome, { summary: null, via: 'none', unsentBeats: 6, uploadedBeats: 0 });
});

test('with nothing left to upload the fallback only finishes', async () => {
  const { stream } = offlineStream(3, { ackedOverWs: 3 });
  const server = fakeHttp({ acked: 3 });
  const outcome = await finishOverHttp({ stream, post: server.post, beatsUrl: BEATS_URL, finishUrl: FINISH_URL });
  assert.deepEqual(server.calls.map((c) => c.url), [FINISH_URL]);
  assert.equal(outcome.unsentBeats, 0);
});

test('uploadBatches keeps order and stays within the message and byte limits', () => {
  const messages = Array.from({ length: 50 }, (_, i) => ({ seq: i + 1, rr_ms: Array(16).fill(1234.5678901234) }));
  const batches = uploadBatches(messages, { maxMessages: 20, maxBytes: 3000 });
  assert.deepEqual(batches.flat(), messages);
  for (const b of batches) {
    assert.ok(b.length <= 20);
    assert.ok(JSON.stringify({ messages: b }).length <= 3000, JSON.stringify({ messages: b }).length);
  }
  assert.ok(batches.length > 3); // the byte limit, not the count, split them
  assert.deepEqual(uploadBatches([]), []);
});

// The browser side of the live websocket protocol (docs/live-protocol.md).
//
// Pure module: no DOM, no global WebSocket, no global timers. The page passes in a socket factory
// and a clock, so `node --test` drives it with a fake socket and a fake clock.
//
// What it guarantees:
// - every `beats` message gets the next `seq` (1, 2, 3, ...) once, when it is first queued;
// - a message stays in the buffer until the server acknowledges it (`ack` covers it and
//   everything before it);
// - after a reconnect the server's `welcome.acked_seq` says what is stored: the buffer drops those
//   and resends the rest in order, with their original `seq`, so the server never counts a beat
//   twice and never misses one;
// - an `out_of_order` error resends from its `expected_seq`;
// - a `rate_limited` error pauses sending for its `retry_after_ms` (new beats wait in the buffer),
//   then resends from its `expected_seq`;
// - a dropped connection is retried with exponential backoff (reset by each `welcome`);
// - `finish()` waits until every beat is acknowledged, then asks the server to close the
//   recording; `finished` carries the stored summary;
// - when the websocket does not come back, `finishOverHttp()` uploads the unacknowledged buffer
//   over HTTP (`POST .../beats/`, the same messages and seq rules) and only then closes the
//   recording over HTTP, so a beat is lost only if HTTP fails too.

/** The protocol's limits, from docs/live-protocol.md. */
export const MAX_RR_PER_MESSAGE = 16;
export const RR_MIN_MS = 200;
export const RR_MAX_MS = 3000;

/** Close codes after which reconnecting cannot help (signed out, not the owner, or no such recording). */
export const FINAL_CLOSE_CODES = Object.freeze([4401, 4403, 4404]);

const OPEN = 1; // WebSocket.OPEN
/** Pause after `rate_limited` when the server gives no usable `retry_after_ms`, and the longest pause. */
export const RATE_LIMIT_PAUSE_MS = 1000;
export const RATE_LIMIT_MAX_PAUSE_MS = 30_000;

/** Limits of one HTTP beats upload (docs/live-protocol.md); batches stay within them. */
export const UPLOAD_MAX_MESSAGES = 600;
export const UPLOAD_MAX_BYTES = 256 * 1024;

/** How long to wait after a `rate_limited` error: the server's `retry_after_ms`, within sane bounds. */
export function rateLimitPauseMs(msg) {
  const ms = Number(msg && msg.retry_after_ms);
  if (!Number.isFinite(ms) || ms <= 0) return RATE_LIMIT_PAUSE_MS;
  return Math.min(RATE_LIMIT_MAX_PAUSE_MS, ms);
}

function defaultClock() {
  return {
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
  };
}

/**
 * Split RR intervals into protocol-sized groups, dropping values the server would refuse.
 *
 * @param {number[]} rrMs intervals in ms, oldest first
 * @returns {{groups: number[][], dropped: number}} groups of 1 to 16 valid intervals
 */
export function chunkBeats(rrMs) {
  const ok = [];
  let dropped = 0;
  for (const v of rrMs) {
    if (typeof v === 'number' && Number.isFinite(v) && v >= RR_MIN_MS && v <= RR_MAX_MS) ok.push(v);
    else dropped += 1;
  }
  const groups = [];
  for (let i = 0; i < ok.length; i += MAX_RR_PER_MESSAGE) groups.push(ok.slice(i, i + MAX_RR_PER_MESSAGE));
  return { groups, dropped };
}

/**
 * Delay before reconnect attempt `attempt` (0-based): initialMs * factor^attempt, capped at maxMs.
 */
export function backoffMs(attempt, { initialMs = 500, factor = 2, maxMs = 10_000 } = {}) {
  return Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
}

/**
 * A live stream for one recording.
 *
 * @param {object} options
 * @param {string} options.url the websocket address, e.g. `ws://host/ws/live/12/`
 * @param {(url: string) => object} [options.socketFactory] returns an object with the WebSocket
 *   interface this module uses: `readyState`, `send(text)`, `close(code?, reason?)`, and the
 *   `onopen`, `onmessage`, `onclose`, `onerror` properties. Defaults to `new WebSocket(url)`.
 * @param {{now(): number, setTimeout: Function, clearTimeout: Function}} [options.clock]
 * @param {{initialMs?: number, factor?: number, maxMs?: number}} [options.backoff]
 * @param {(type: string, detail: object) => void} [options.onEvent] receives
 *   `status` ({status, attempt?, inMs?}) with status one of 'connecting' | 'live' |
 *   'reconnecting' | 'finishing' | 'finished' | 'refused' | 'closed';
 *   `welcome`, `ack`, `reading` (with `latencyMs` when the reading echoes `sent_ms`),
 *   `finished`, and `error` (the server's error message, or {code: 'socket'}).
 */
export function createLiveStream({
  url,
  socketFactory = (u) => new WebSocket(u),
  clock = defaultClock(),
  backoff = {},
  onEvent = () => {},
} = {}) {
  if (typeof url !== 'string' || url === '') throw new TypeError('createLiveStream needs the websocket url');
  if (typeof socketFactory !== 'function') throw new TypeError('socketFactory must be a function');
  if (!clock || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function') {
    throw new TypeError('clock must have now(), setTimeout() and clearTimeout()');
  }

  let socket = null;
  let status = 'idle';
  let nextSeq = 1;
  let ackedSeq = 0;
  let buffer = []; // [{seq, text}] in seq order, not yet acknowledged
  let welcomed = false; // the current socket has had its welcome
  let attempt = 0;
  let retryTimer = null;
  let resendTimer = null;
  let finishing = false;
  let finishSent = false;
  let stopped = false;
  const counts = { sent: 0, resent: 0, dropped: 0, reconnects: 0, beatsQueued: 0 };

  const emit = (type, detail = {}) => {
    try {
      onEvent(type, detail);
    } catch (err) {
      // A broken listener must not break the stream.
      if (typeof console !== 'undefined') console.error(err);
    }
  };
  const setStatus = (s, extra = {}) => {
    status = s;
    emit('status', { status: s, ...extra });
  };
  const isOpen = () => socket !== null && socket.readyState === OPEN && welcomed;

  function transmit(entry, resend) {
    socket.send(entry.text);
    if (resend) counts.resent += 1;
    else counts.sent += 1;
  }

  function resendFrom(seq) {
    // Everything before `seq` is stored; send the rest again in order.
    dropThrough(seq - 1);
    if (!isOpen()) return;
    for (const entry of buffer) transmit(entry, true);
    maybeSendFinish();
  }

  function dropThrough(seq) {
    if (seq > ackedSeq) ackedSeq = seq;
    let i = 0;
    while (i < buffer.length && buffer[i].seq <= seq) i += 1;
    if (i > 0) buffer = buffer.slice(i);
  }

  function maybeSendFinish() {
    if (finishing && !finishSent && buffer.length === 0 && resendTimer === null && isOpen()) {
      socket.send(JSON.stringify({ type: 'finish' }));
      finishSent = true;
    }
  }

  function handle(msg) {
    switch (msg.type) {
      case 'welcome': {
        welcomed = true;
        attempt = 0;
        const acked = Number(msg.acked_seq) || 0;
        // A server that has stored more than we ever numbered (it cannot, unless the page was
        // reloaded onto an existing recording): continue after it.
        if (buffer.length === 0 && acked >= nextSeq) nextSeq = acked + 1;
        emit('welcome', msg);
        setStatus(finishing ? 'finishing' : 'live');
        finishSent = false;
        resendFrom(acked + 1);
        break;
      }
      case 'ack':
        dropThrough(Number(msg.seq));
        emit('ack', { seq: Number(msg.seq), pending: buffer.length });
        maybeSendFinish();
        break;
      case 'reading': {
        const detail = { ...msg };
        if (typeof msg.sent_ms === 'number') detail.latencyMs = clock.now() - msg.sent_ms;
        emit('reading', detail);
        break;
      }
      case 'finished':
        stopped = true;
        emit('finished', msg);
        setStatus('finished');
        closeSocket(1000, 'finished');
        break;
      case 'pong':
        emit('pong', msg);
        break;
      case 'error':
        emit('error', msg);
        if (msg.code === 'out_of_order' && Number.isInteger(msg.expected_seq)) {
          // While paused by a rate limit the timer resends; sending now would only be refused again.
          if (resendTimer !== null) dropThrough(msg.expected_seq - 1);
          else resendFrom(msg.expected_seq);
        } else if (msg.code === 'rate_limited') {
          // Nothing of that message was stored: hold everything for retry_after_ms, then resend
          // from expected_seq (everything before it is stored).
          if (Number.isInteger(msg.expected_seq)) dropThrough(msg.expected_seq - 1);
          finishSent = false; // the refused message may have been the `finish` itself
          scheduleResend(rateLimitPauseMs(msg));
        } else if (msg.code === 'closed') {
          // The recording was already closed (e.g. finished from another tab): nothing more to send.
          stopped = true;
          setStatus('closed');
          closeSocket(1000, 'closed');
        }
        break;
      default:
        break;
    }
  }

  function closeSocket(code, reason) {
    if (!socket) return;
    const s = socket;
    socket = null;
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      s.close(code, reason);
    } catch {
      // already closing
    }
  }

  function scheduleResend(ms) {
    if (resendTimer !== null) return;
    resendTimer = clock.setTimeout(() => {
      resendTimer = null;
      if (buffer.length > 0) resendFrom(ackedSeq + 1);
      else maybeSendFinish();
    }, ms);
  }

  function scheduleReconnect() {
    if (stopped || retryTimer !== null) return;
    const inMs = backoffMs(attempt, backoff);
    setStatus('reconnecting', { attempt: attempt + 1, inMs });
    attempt += 1;
    retryTimer = clock.setTimeout(() => {
      retryTimer = null;
      counts.reconnects += 1;
      open();
    }, inMs);
  }

  function open() {
    if (stopped) return;
    welcomed = false;
    if (status !== 'reconnecting') setStatus(finishing ? 'finishing' : 'connecting');
    let s;
    try {
      s = socketFactory(url);
    } catch (err) {
      emit('error', { code: 'socket', message: String(err && err.message ? err.message : err) });
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(typeof ev === 'string' ? ev : ev.data);
      } catch {
        return;
      }
      if (msg && typeof msg === 'object') handle(msg);
    };
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      welcomed = false;
      const code = ev && typeof ev.code === 'number' ? ev.code : 1006;
      if (FINAL_CLOSE_CODES.includes(code)) {
        stopped = true;
        setStatus('refused', { code });
        return;
      }
      scheduleReconnect();
    };
    s.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
  }

  return {
    /** Open the websocket (once). */
    connect() {
      if (socket || stopped || retryTimer !== null) return;
      open();
    },
    /**
     * Queue RR intervals from one strap notification; they go out now if the socket is live, and
     * after the next welcome otherwise. Returns the seqs given to them (empty if none were valid).
     */
    sendBeats(rrMs, sentMs = clock.now()) {
      if (finishing || stopped) return [];
      const { groups, dropped } = chunkBeats(rrMs);
      counts.dropped += dropped;
      const seqs = [];
      for (const rr of groups) {
        const seq = nextSeq;
        nextSeq += 1;
        const entry = {
          seq,
          n: rr.length,
          rr,
          text: JSON.stringify({ type: 'beats', seq, rr_ms: rr, sent_ms: sentMs }),
        };
        buffer.push(entry);
        counts.beatsQueued += rr.length;
        seqs.push(seq);
        // During a rate-limit pause new messages wait in the buffer; the resend carries them.
        if (isOpen() && resendTimer === null) transmit(entry, false);
      }
      return seqs;
    },
    /** Ask the server to close the recording once every queued beat is stored. */
    finish() {
      if (stopped || finishing) return;
      finishing = true;
      if (status === 'live') setStatus('finishing');
      maybeSendFinish();
    },
    /** Stop without finishing (the recording stays open on the server). */
    close() {
      stopped = true;
      for (const t of [retryTimer, resendTimer]) if (t !== null) clock.clearTimeout(t);
      retryTimer = null;
      resendTimer = null;
      closeSocket(1000, 'closed by the page');
      setStatus('closed');
    },
    /** The messages not acknowledged yet, oldest first, as `{seq, rr_ms}` (copies). */
    unacknowledged() {
      return buffer.map((entry) => ({ seq: entry.seq, rr_ms: [...entry.rr] }));
    },
    /**
     * The server says (another way, e.g. over HTTP) that `seq` and everything before it is
     * stored: drop those from the buffer.
     */
    acknowledge(seq) {
      const n = Number(seq);
      if (Number.isInteger(n) && n > 0) dropThrough(n);
    },
    /** Close the current socket as a network drop would (for testing reconnects). */
    drop() {
      if (!socket) return;
      const s = socket;
      s.close(4000, 'dropped');
    },
    get status() {
      return status;
    },
    get ackedSeq() {
      return ackedSeq;
    },
    get lastSeq() {
      return nextSeq - 1;
    },
    get pending() {
      return buffer.length;
    },
    /** RR intervals queued on this device that the server has not acknowledged yet. */
    get pendingBeats() {
      return buffer.reduce((sum, entry) => sum + entry.n, 0);
    },
    get counts() {
      return { ...counts };
    },
  };
}

/**
 * Split messages `{seq, rr_ms}` into upload batches of at most `maxMessages` messages and
 * `maxBytes` bytes of JSON body each, keeping their order.
 */
export function uploadBatches(messages, { maxMessages = UPLOAD_MAX_MESSAGES, maxBytes = UPLOAD_MAX_BYTES } = {}) {
  const envelope = JSON.stringify({ messages: [] }).length;
  const batches = [];
  let current = [];
  let bytes = envelope;
  for (const m of messages) {
    // The JSON is ASCII (numbers and keys), so its length is its size in bytes.
    const size = JSON.stringify(m).length + 1;
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = envelope;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Upload a stream's unacknowledged messages over HTTP (`POST .../beats/`), in order.
 *
 * `post(url, data)` resolves with the server's JSON answer, or rejects with an Error carrying
 * `status` (the HTTP status; absent when the server could not be reached) and `body` (the
 * server's JSON answer, if any). Every `acked_seq` the server gives drops those messages from the
 * stream's buffer; an `out_of_order` answer resends from its `expected_seq`. It stops when the
 * buffer is empty, or when an answer brings no progress (a closed recording, a refusal).
 *
 * @returns {Promise<{reached: boolean, uploadedBeats: number, error: object|null}>} `reached` is
 *   false when the server could not be reached at all.
 */
export async function uploadUnsent({ stream, post, url, maxMessages = UPLOAD_MAX_MESSAGES, maxBytes = UPLOAD_MAX_BYTES }) {
  const startBeats = stream.pendingBeats;
  let limit = maxMessages;
  let error = null;
  while (stream.pending > 0) {
    const before = stream.ackedSeq;
    const [batch] = uploadBatches(stream.unacknowledged(), { maxMessages: limit, maxBytes });
    let answer;
    try {
      answer = await post(url, { messages: batch });
    } catch (err) {
      if (!err || err.status === undefined) {
        return { reached: false, uploadedBeats: startBeats - stream.pendingBeats, error: { code: 'network' } };
      }
      answer = err.body || {};
      error = { status: err.status, code: answer.code ?? null, message: answer.error ?? String(err.message ?? '') };
      if (err.status === 413 && batch.length > 1) {
        limit = Math.floor(batch.length / 2); // the server's limits are smaller: smaller batches
        continue;
      }
    }
    if (!answer || !Number.isInteger(answer.acked_seq)) break; // not an answer from the beats upload
    stream.acknowledge(answer.acked_seq);
    if (answer.code === 'closed') break; // finished meanwhile (another tab): nothing more is stored
    if (stream.ackedSeq <= before) break; // no progress: resending would not help
    if (answer.code === undefined) error = null;
  }
  return { reached: true, uploadedBeats: startBeats - stream.pendingBeats, error };
}

/**
 * Close the recording over HTTP when the websocket is gone: stop the stream, upload its
 * unacknowledged beats (`beatsUrl`), then close the recording (`finishUrl`).
 *
 * @returns {Promise<{summary: object|null, via: 'http'|'none', unsentBeats: number, uploadedBeats: number}>}
 *   `via` is 'none' (and `summary` null) when the server could not be reached: the recording then
 *   stays open with what it has. `unsentBeats` counts the beats on this device that the server
 *   never stored.
 */
export async function finishOverHttp({ stream, post, beatsUrl, finishUrl }) {
  stream.close();
  let uploadedBeats = 0;
  if (beatsUrl && stream.pending > 0) {
    const upload = await uploadUnsent({ stream, post, url: beatsUrl });
    uploadedBeats = upload.uploadedBeats;
    if (!upload.reached) return { summary: null, via: 'none', unsentBeats: stream.pendingBeats, uploadedBeats };
  }
  try {
    const out = await post(finishUrl, {});
    if (!out || typeof out.summary !== 'object' || out.summary === null) throw new Error('no summary');
    return { summary: out.summary, via: 'http', unsentBeats: stream.pendingBeats, uploadedBeats };
  } catch {
    return { summary: null, via: 'none', unsentBeats: stream.pendingBeats, uploadedBeats };
  }
}

// One shared clock: this device's estimate of the server's time.
//
// Pure module: no DOM, no timers, no sockets. The page sends pings and hands each pong back;
// everything else is arithmetic. NTP's method, per round trip:
//   t0 = our clock when the ping left, t1 = server clock when it arrived,
//   t2 = server clock when the pong left, t3 = our clock when the pong arrived;
//   offset = ((t1 - t0) + (t2 - t3)) / 2,  round trip = (t3 - t0) - (t2 - t1).
// The offset is exact when the two legs take equally long; its error is at most half the
// difference between the legs, so the sample with the smallest round trip is the one to trust.
// A burst of a few pings goes out at the start, every minute, and after every reconnect; the
// estimate is the best sample of the last few minutes (clocks drift by far less than a
// millisecond in that time), and a reconnect starts afresh, since the route may have changed.
//
// The local clock is monotonic (performance.now() by default), so a device whose wall clock is
// seconds off, or is changed mid-session, still agrees with everyone else.

/** One round trip's offset (server minus local, ms) and its network round trip (ms). */
export function ntpSample(t0, t1, t2, t3) {
  for (const [name, v] of Object.entries({ t0, t1, t2, t3 })) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${name} must be a finite number`);
  }
  const rttMs = Math.max(0, t3 - t0 - (t2 - t1));
  return { offsetMs: (t1 - t0 + (t2 - t3)) / 2, rttMs };
}

/** The sample with the smallest round trip (the first of equals), or null for none. */
export function bestSample(samples) {
  let best = null;
  for (const s of samples) if (!best || s.rttMs < best.rttMs) best = s;
  return best;
}

export const BURST_SIZE = 8;
export const RECHECK_MS = 60_000;
export const KEEP_MS = 5 * 60_000;

/**
 * A clock synchronised to the server's.
 *
 * @param {{now?: () => number, burstSize?: number}} [options] `now` is the local monotonic
 *   clock in ms (default `performance.now()`); `burstSize` how many pongs make one estimate.
 * @returns {{ping(): object, receive(pong: object): boolean, beginBurst(): void, needsPing(): boolean,
 *   serverNow(): number, offsetMs(): number|null, rttMs(): number|null, ready(): boolean}}
 *   `ping()` is the message to send; `receive(pong)` takes the server's answer
 *   (`{sent_ms, recv_ms, send_ms}`) and returns true when a burst completed and the estimate moved.
 *   The estimate is always the best (smallest round trip) sample of the last KEEP_MS.
 */
export function createClockSync({ now = () => performance.now(), burstSize = BURST_SIZE } = {}) {
  let estimate = null; // the sample in use
  let kept = []; // recent samples, each with the local time it arrived
  let burst = 0; // pongs so far in the current burst
  let outstanding = 0;
  let lastBurstAt = -Infinity;

  return {
    ping() {
      outstanding += 1;
      return { type: 'ping', sent_ms: now() };
    },
    receive(pong) {
      const t3 = now();
      outstanding = Math.max(0, outstanding - 1);
      const sample = { ...ntpSample(pong.sent_ms, pong.recv_ms, pong.send_ms, t3), at: t3 };
      kept = [...kept.filter((s) => t3 - s.at <= KEEP_MS), sample];
      const previous = estimate;
      estimate = bestSample(kept); // usable from the first pong on, better with every one
      burst += 1;
      if (burst < burstSize) return false;
      burst = 0;
      lastBurstAt = t3;
      return estimate !== previous;
    },
    /** Start afresh (after a reconnect the route to the server may have changed). */
    beginBurst() {
      kept = [];
      burst = 0;
      outstanding = 0;
      lastBurstAt = -Infinity;
    },
    /** Whether the page should send another ping now: a burst is under way or a minute has passed. */
    needsPing() {
      if (outstanding > 0) return false;
      return burst > 0 || now() - lastBurstAt >= RECHECK_MS;
    },
    serverNow() {
      return now() + (estimate ? estimate.offsetMs : 0);
    },
    offsetMs: () => (estimate ? estimate.offsetMs : null),
    rttMs: () => (estimate ? estimate.rttMs : null),
    ready: () => estimate !== null,
  };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { bestSample, createClockSync, ntpSample, RECHECK_MS } from '../../attune/web/static/js/clock-sync.js';
import { seededRng } from '../../attune/web/static/js/demo-strap.js';
import { phaseAt, presets } from '../../attune/web/static/js/pacer-clock.js';

test('one symmetric round trip gives the exact offset and the network time', () => {
  // Local clock 3000 ms ahead of the server; 20 ms each way; the server takes 1 ms.
  const s = ntpSample(13_000, 10_020, 10_021, 13_041);
  assert.equal(s.offsetMs, -3000);
  assert.equal(s.rttMs, 40);
});

test('the sample with the smallest round trip is kept', () => {
  const samples = [{ offsetMs: 5, rttMs: 90 }, { offsetMs: 1, rttMs: 12 }, { offsetMs: 9, rttMs: 12 }];
  assert.deepEqual(bestSample(samples), { offsetMs: 1, rttMs: 12 });
  assert.equal(bestSample([]), null);
});

test('ntpSample refuses what is not a time', () => {
  assert.throws(() => ntpSample(0, Number.NaN, 0, 0), TypeError);
});

// A simulated world: true time advances; the server's clock is true time; each device's monotonic
// clock is true time plus its skew. Each leg of a round trip takes 30 ms plus queueing delay
// (exponential, mean 25 ms, so legs of 100 ms and more are common), and one leg in 20 stalls for
// 300 ms more; the server spends 0 to 3 ms answering.
function device(skewMs, rng) {
  let trueNow = 0;
  const clock = { now: () => trueNow + skewMs };
  const sync = createClockSync({ now: clock.now });
  const leg = () => 30 - 25 * Math.log(1 - rng()) + (rng() < 0.05 ? 300 : 0);
  return {
    sync,
    at(t) {
      trueNow = t;
    },
    // One ping and its pong, starting at true time t; returns the true time the pong arrives.
    roundTrip(t) {
      trueNow = t;
      const ping = sync.ping();
      const recv = t + leg();
      const send = recv + rng() * 3;
      trueNow = send + leg();
      sync.receive({ sent_ms: ping.sent_ms, recv_ms: recv, send_ms: send });
      return trueNow;
    },
  };
}

function runBurst(dev, start) {
  let t = start;
  while (dev.sync.needsPing()) t = dev.roundTrip(t) + 5;
  return t;
}

function phaseDifferenceMs(a, b, stepStartServerMs, pattern) {
  const pa = phaseAt(pattern, a.sync.serverNow() - stepStartServerMs).cycleElapsedMs;
  const pb = phaseAt(pattern, b.sync.serverNow() - stepStartServerMs).cycleElapsedMs;
  let d = Math.abs(pa - pb);
  if (d > pattern.cycleMs / 2) d = pattern.cycleMs - d; // around the wrap of one breath
  return d;
}

test('two devices with clocks +3 s and -2 s apart and jittery links draw the breath within 50 ms', () => {
  const pattern = presets['six-a-minute'].pattern;
  const rng = seededRng(42);
  const a = device(3000, rng);
  const b = device(-2000, rng);
  const stepStart = 1_000; // server time the step began
  let worst = 0;
  let tA = runBurst(a, 0);
  let tB = runBurst(b, 37); // joins a little later
  for (let t = Math.max(tA, tB); t < 20 * 60_000; t += 997) {
    if (t >= tA + RECHECK_MS) tA = runBurst(a, t); // re-check every minute
    if (t >= tB + RECHECK_MS) tB = runBurst(b, t);
    a.at(t);
    b.at(t);
    worst = Math.max(worst, phaseDifferenceMs(a, b, stepStart, pattern));
  }
  assert.ok(worst <= 50, `worst disagreement ${worst.toFixed(1)} ms`);
  assert.ok(Math.abs(a.sync.offsetMs() + 3000) < 50, `a: ${a.sync.offsetMs()}`);
  assert.ok(Math.abs(b.sync.offsetMs() - 2000) < 50, `b: ${b.sync.offsetMs()}`);
});

test('after a reconnect a fresh burst replaces the old estimate', () => {
  const rng = seededRng(3);
  const a = device(500, rng);
  runBurst(a, 0);
  const before = a.sync.offsetMs();
  a.sync.beginBurst();
  assert.equal(a.sync.needsPing(), true);
  runBurst(a, 10_000);
  assert.notEqual(a.sync.offsetMs(), before);
  assert.ok(Math.abs(a.sync.offsetMs() + 500) < 30);
});

test('without the shared clock the same two devices would be seconds apart', () => {
  // The control for the agreement test: drawing from each device's own clock disagrees by the skew.
  const pattern = presets['six-a-minute'].pattern;
  const own = (skew) => phaseAt(pattern, 60_000 + skew).cycleElapsedMs;
  let d = Math.abs(own(3000) - own(-2000));
  if (d > pattern.cycleMs / 2) d = pattern.cycleMs - d;
  assert.ok(d > 1000);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createDemoStrap, rsaSwingBpm, seededRng } from '../../attune/web/static/js/demo-strap.js';
import { parseHeartRateMeasurement, RR_UNIT_MS } from '../../attune/web/static/js/ble-hr.js';
import { makePattern, phaseAt, presets, rateToPattern } from '../../attune/web/static/js/pacer-clock.js';

const SIX = presets['six-a-minute'].pattern;

function beatsFor(strap, minutes) {
  const beats = [];
  while (beats.length === 0 || beats.at(-1).atMs < minutes * 60_000) beats.push(strap.nextBeat());
  return beats;
}

function pearson(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

// Least-squares amplitude of HR against the breath level (bpm per unit of breath level, which is
// the peak-to-peak swing the strap put in).
function swingAgainstBreath(beats, pattern) {
  const ok = beats.filter((b) => !b.premature && !b.compensatory);
  const x = ok.map((b) => phaseAt(pattern, b.atMs - b.rrMs).breathLevel);
  const y = ok.map((b) => 60_000 / b.rrMs);
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i] - my);
    sxx += (xi - mx) ** 2;
  });
  return sxy / sxx;
}

test('the same seed gives the same beats, and another seed does not', () => {
  const a = beatsFor(createDemoStrap({ seed: 42, pacer: SIX }), 3);
  const b = beatsFor(createDemoStrap({ seed: 42, pacer: SIX }), 3);
  const c = beatsFor(createDemoStrap({ seed: 43, pacer: SIX }), 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.slice(0, 20), c.slice(0, 20));
  // an injected rng is used as given
  const d = beatsFor(createDemoStrap({ rng: seededRng(42), pacer: SIX }), 1);
  assert.deepEqual(d, a.slice(0, d.length));
});

test('heart rate stays in a plausible resting range around the chosen rate', () => {
  for (const [restingHr, seed] of [[64, 1], [55, 2], [80, 3]]) {
    const beats = beatsFor(createDemoStrap({ restingHr, seed, pacer: SIX }), 20);
    const hr = beats.filter((b) => !b.premature && !b.compensatory).map((b) => 60_000 / b.rrMs);
    const mean = hr.reduce((a, b) => a + b, 0) / hr.length;
    assert.ok(Math.abs(mean - restingHr) < 3, `mean HR ${mean} for resting ${restingHr}`);
    assert.ok(Math.min(...hr) > restingHr - 20 && Math.max(...hr) < restingHr + 20, `range ${Math.min(...hr)}..${Math.max(...hr)}`);
    for (const b of beats) assert.ok(b.rrMs > 250 && b.rrMs < 2000, `rr ${b.rrMs}`);
  }
});

test('beat times are the running sum of the RR intervals', () => {
  const beats = beatsFor(createDemoStrap({ seed: 5 }), 2);
  let t = 0;
  for (const b of beats) {
    t += b.rrMs;
    assert.ok(Math.abs(b.atMs - t) < 1e-6);
  }
});

test('premature beats occur about once every two to three minutes, each with a compensatory pause', () => {
  const beats = beatsFor(createDemoStrap({ seed: 11, pacer: SIX }), 30);
  const idx = beats.map((b, i) => (b.premature ? i : -1)).filter((i) => i >= 0);
  assert.ok(idx.length >= 10 && idx.length <= 15, `${idx.length} premature beats in 30 min`);
  for (const i of idx) {
    const short = beats[i];
    const long = beats[i + 1];
    assert.equal(long.compensatory, true);
    const typical = (beats[i - 1].rrMs + beats[i - 2].rrMs) / 2;
    assert.ok(short.rrMs < 0.75 * typical, `premature ${short.rrMs} vs ${typical}`);
    assert.ok(long.rrMs > 1.2 * typical, `compensatory ${long.rrMs} vs ${typical}`);
    assert.ok(Math.abs(short.rrMs + long.rrMs - 2 * typical) < 0.25 * typical, 'the pair spans about two beats');
  }
  const gapsS = idx.slice(1).map((i, k) => (beats[i].atMs - beats[idx[k]].atMs) / 1000);
  for (const g of gapsS) assert.ok(g > 115 && g < 185, `gap ${g} s`);
});

test('heart rate rises with the in-breath and falls with the out-breath', () => {
  const beats = beatsFor(createDemoStrap({ seed: 3, pacer: SIX }), 5).filter((b) => !b.premature && !b.compensatory);
  const level = beats.map((b) => phaseAt(SIX, b.atMs - b.rrMs).breathLevel);
  const hr = beats.map((b) => 60_000 / b.rrMs);
  const r = pearson(level, hr);
  assert.ok(r > 0.7, `correlation of HR with breath level ${r}`);
  const meanIn = (ph) => {
    const sel = beats.filter((b) => phaseAt(SIX, b.atMs - b.rrMs).phase === ph).map((b) => 60_000 / b.rrMs);
    return sel.reduce((a, b) => a + b, 0) / sel.length;
  };
  // across a phase HR goes up (inhale) then down (exhale): compare late inhale to late exhale
  const late = (ph) =>
    beats
      .filter((b) => {
        const s = phaseAt(SIX, b.atMs - b.rrMs);
        return s.phase === ph && s.phaseProgress > 0.7;
      })
      .map((b) => 60_000 / b.rrMs);
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(avg(late('inhale')) - avg(late('exhale')) > 8, `late inhale ${avg(late('inhale'))}, late exhale ${avg(late('exhale'))}`);
  assert.ok(Number.isFinite(meanIn('inhale')) && Number.isFinite(meanIn('exhale')));
});

test('the swing is largest near 6 breaths a minute', () => {
  const swing = (pattern) => swingAgainstBreath(beatsFor(createDemoStrap({ seed: 8, pacer: pattern, noiseMs: 0 }), 10), pattern);
  const at6 = swing(rateToPattern(6));
  const at10 = swing(makePattern({ inhale: 2.4, exhale: 3.6 }));
  const at3 = swing(rateToPattern(3));
  assert.ok(at6 > 10, `swing at 6/min ${at6}`);
  assert.ok(at6 > 2 * at10, `6/min ${at6} vs 10/min ${at10}`);
  assert.ok(at6 > 1.5 * at3, `6/min ${at6} vs 3/min ${at3}`);
  assert.ok(rsaSwingBpm(0.1) > rsaSwingBpm(0.25) * 3);
});

test('without a pacer it breathes on its own at an ordinary rate, with a small swing', () => {
  const beats = beatsFor(createDemoStrap({ seed: 9 }), 5).filter((b) => !b.premature && !b.compensatory);
  const hr = beats.map((b) => 60_000 / b.rrMs);
  const sd = Math.sqrt(hr.reduce((a, h) => a + (h - 64) ** 2, 0) / hr.length);
  const paced = beatsFor(createDemoStrap({ seed: 9, pacer: SIX }), 5)
    .filter((b) => !b.premature && !b.compensatory)
    .map((b) => 60_000 / b.rrMs);
  const sdPaced = Math.sqrt(paced.reduce((a, h) => a + (h - 64) ** 2, 0) / paced.length);
  assert.ok(sdPaced > 1.8 * sd, `sd unpaced ${sd}, paced ${sdPaced}`);
});

test('setPacer switches to a pattern from a given moment', () => {
  const strap = createDemoStrap({ seed: 4 });
  beatsFor(strap, 1);
  strap.setPacer(SIX, 60_000);
  const after = [];
  while (after.length === 0 || after.at(-1).atMs < 6 * 60_000) after.push(strap.nextBeat());
  const ok = after.filter((b) => !b.premature && !b.compensatory && b.atMs > 70_000);
  const r = pearson(
    ok.map((b) => phaseAt(SIX, b.atMs - b.rrMs - 60_000).breathLevel),
    ok.map((b) => 60_000 / b.rrMs),
  );
  assert.ok(r > 0.7, `correlation after setPacer ${r}`);
});

test('packets are valid 0x2A37 bytes, about once a second, carrying every beat', () => {
  const strap = createDemoStrap({ seed: 21, pacer: SIX });
  const reference = beatsFor(createDemoStrap({ seed: 21, pacer: SIX }), 3);
  const packets = [];
  while (packets.length < 170) packets.push(strap.nextPacket());
  const rr = [];
  let prevAt = 0;
  for (const p of packets) {
    const gap = p.atMs - prevAt;
    assert.ok(gap >= 960 && gap <= 1040, `notification gap ${gap}`);
    prevAt = p.atMs;
    const parsed = parseHeartRateMeasurement(new DataView(p.bytes.buffer));
    assert.equal(parsed.hr, p.hr);
    assert.equal(parsed.contactDetected, true);
    assert.equal(parsed.rrMs.length, p.rrMs.length);
    assert.ok(p.hr > 40 && p.hr < 110, `hr ${p.hr}`);
    rr.push(...parsed.rrMs);
  }
  assert.ok(rr.length > 150);
  rr.forEach((ms, i) => assert.ok(Math.abs(ms - reference[i].rrMs) <= RR_UNIT_MS / 2, `beat ${i}`));
});

test('poll returns what the strap would have sent by the injected clock', () => {
  let now = 10_000;
  const clock = { now: () => now };
  const strap = createDemoStrap({ seed: 2, clock });
  assert.deepEqual(strap.poll(), []);
  now += 5500;
  const first = strap.poll();
  assert.ok(first.length >= 5 && first.length <= 6, `${first.length} packets after 5.5 s`);
  assert.ok(first.every((p) => p.atMs <= 5500));
  assert.equal(strap.nowMs(), 5500);
  assert.deepEqual(strap.poll(), [], 'nothing new without time passing');
  now += 1000;
  assert.ok(strap.poll().length >= 1);
});

test('it rejects implausible settings', () => {
  assert.throws(() => createDemoStrap({ restingHr: 250 }), RangeError);
  assert.throws(() => createDemoStrap({ clock: {} }), TypeError);
  assert.throws(() => createDemoStrap({ rng: 5 }), TypeError);
});

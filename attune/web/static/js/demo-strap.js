// A simulated heart-rate strap, for trying the live screens without one.
//
// Pure module: no DOM, no timers, no Bluetooth. It produces a believable RR-interval stream:
// - heart rate rises with the in-breath and falls with the out-breath (respiratory sinus
//   arrhythmia), with a swing that is largest when breathing is near 0.1 Hz (6 breaths a
//   minute) and small at ordinary resting rates of 12 to 15 breaths a minute;
// - a slow wander in the baseline and a little beat-to-beat noise;
// - now and then (about once every 2 to 3 minutes) a premature beat: a short interval followed by
//   a compensatory long one that together span about two ordinary beats.
// It is a demonstration, not a physiological model: the app must label it as simulated.
//
// Beat times are in ms of "strap time", which starts at 0 when the strap is created. `poll()`
// maps strap time onto the injected clock so a page can ask "what has the strap sent by now?".

import { phaseAt } from './pacer-clock.js';
import { encodeHeartRateMeasurement } from './ble-hr.js';

/** Small, fast seeded generator (mulberry32). Returns a function giving floats in [0, 1). */
export function seededRng(seed) {
  let a = (Number(seed) >>> 0) || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Peak-to-peak heart-rate swing (bpm) with breathing at `breathHz`: a floor of 3 bpm plus a
 * resonance bump centred on 0.1 Hz, so the swing is about 14 bpm at 6 breaths/min and 3 to 4 bpm
 * at 12 to 15 breaths/min. The numbers are this demo's choice; the shape (largest swing near
 * 0.1 Hz) follows resonance-frequency breathing research (Vaschillo et al. 2002, Appl Psychophysiol
 * Biofeedback 27:1-27; Lehrer & Gevirtz 2014, Front Psychol 5:756).
 */
export function rsaSwingBpm(breathHz) {
  return 3 + 11 * Math.exp(-(((breathHz - 0.1) / 0.04) ** 2));
}

const ease = (p) => (1 - Math.cos(Math.PI * p)) / 2;

/**
 * @param {object} [options]
 * @param {number} [options.restingHr=64] baseline heart rate, bpm (30..150)
 * @param {object|null} [options.pacer=null] a pattern from pacer-clock.js; null means unpaced
 *   breathing at about 13 breaths a minute
 * @param {number} [options.pacerOriginMs=0] strap time at which the pacer's first inhale began
 * @param {function|null} [options.rng=null] returns floats in [0, 1); defaults to `seededRng(seed)`
 * @param {number} [options.seed=1]
 * @param {{now(): number}} [options.clock] used only by `poll()`; defaults to `performance.now()`
 * @param {number} [options.noiseMs=6] standard deviation of beat-to-beat noise
 * @param {number[]} [options.prematureEverySec=[120, 180]] range for the gap between premature beats
 * @returns {{nextBeat(): {rrMs: number, atMs: number, premature: boolean, compensatory: boolean},
 *   nextPacket(): {atMs: number, hr: number, rrMs: number[], bytes: Uint8Array},
 *   poll(): object[], setPacer(pattern: object|null, originMs?: number): void, nowMs(): number}}
 *   Use either `nextBeat()` or the packet functions for a given strap: they share one beat stream.
 */
export function createDemoStrap({
  restingHr = 64,
  pacer = null,
  pacerOriginMs = 0,
  rng = null,
  seed = 1,
  clock = { now: () => performance.now() },
  noiseMs = 6,
  prematureEverySec = [120, 180],
} = {}) {
  if (typeof restingHr !== 'number' || !(restingHr >= 30 && restingHr <= 150)) {
    throw new RangeError(`restingHr must be between 30 and 150 bpm, got ${String(restingHr)}`);
  }
  if (!clock || typeof clock.now !== 'function') throw new TypeError('clock must have a now() method');
  const rand = rng ?? seededRng(seed);
  if (typeof rand !== 'function') throw new TypeError('rng must be a function returning [0, 1)');
  const packetRand = seededRng(Math.floor(rand() * 2 ** 32));
  const startedAt = clock.now();

  const gauss = () => {
    // Box-Muller
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const between = ([lo, hi]) => lo + (hi - lo) * rand();

  let pattern = pacer;
  let origin = pacerOriginMs;
  // Unpaced breathing: cycles of 4.2 to 5.2 s (about 11.5 to 14 breaths/min), in for 40 %.
  let spontStart = 0;
  let spontMs = 4600;
  let drift = 0; // slow baseline wander, bpm
  let t = 0; // time of the last beat
  let nextPrematureAt = between(prematureEverySec) * 1000;
  let compensateMs = null;
  let lookahead = null;

  function breathAt(ms) {
    if (pattern) {
      return { level: phaseAt(pattern, ms - origin).breathLevel, hz: pattern.breathsPerMin / 60 };
    }
    while (ms >= spontStart + spontMs) {
      spontStart += spontMs;
      spontMs = 4200 + 1000 * rand();
    }
    const p = (ms - spontStart) / spontMs;
    const level = p < 0.4 ? ease(p / 0.4) : 1 - ease((p - 0.4) / 0.6);
    return { level, hz: 1000 / spontMs };
  }

  function generate() {
    if (compensateMs !== null) {
      const rrMs = compensateMs;
      compensateMs = null;
      t += rrMs;
      return { rrMs, atMs: t, premature: false, compensatory: true };
    }
    const { level, hz } = breathAt(t);
    const hr = restingHr + drift + rsaSwingBpm(hz) * (level - 0.5);
    let rrMs = 60000 / Math.min(180, Math.max(35, hr)) + noiseMs * gauss();
    // Ornstein-Uhlenbeck wander: time constant about 30 s, spread about 1.5 bpm.
    drift += (-drift * rrMs) / 30000 + 0.35 * Math.sqrt(rrMs / 1000) * gauss();
    let premature = false;
    if (t + rrMs >= nextPrematureAt) {
      const normal = rrMs;
      rrMs = normal * (0.55 + 0.1 * rand());
      compensateMs = 2 * normal - rrMs;
      premature = true;
      nextPrematureAt = t + between(prematureEverySec) * 1000;
    }
    t += rrMs;
    return { rrMs, atMs: t, premature, compensatory: false };
  }

  function nextBeat() {
    if (lookahead) {
      const b = lookahead;
      lookahead = null;
      return b;
    }
    return generate();
  }

  let nextNoteAt = 1000 + 60 * (packetRand() - 0.5);
  let lastHr = Math.round(restingHr);

  function nextPacket() {
    const atMs = nextNoteAt;
    const rrMs = [];
    for (;;) {
      const b = nextBeat();
      if (b.atMs > atMs) {
        lookahead = b;
        break;
      }
      rrMs.push(b.rrMs);
    }
    if (rrMs.length > 0) lastHr = Math.round(60000 / (rrMs.reduce((a, b) => a + b, 0) / rrMs.length));
    nextNoteAt += 1000 + 60 * (packetRand() - 0.5);
    const bytes = encodeHeartRateMeasurement({ hr: lastHr, rrMs, contact: true });
    return { atMs, hr: lastHr, rrMs, bytes };
  }

  return {
    nextBeat,
    nextPacket,
    /** Packets the strap would have sent since the last poll, by the injected clock. */
    poll() {
      const now = clock.now() - startedAt;
      const out = [];
      while (nextNoteAt <= now) out.push(nextPacket());
      return out;
    },
    /** Follow a pacer pattern (or null for unpaced breathing) whose first inhale began at originMs. */
    setPacer(newPattern, originMs = clock.now() - startedAt) {
      pattern = newPattern;
      origin = originMs;
    },
    /** Current strap time by the injected clock, ms. */
    nowMs() {
      return clock.now() - startedAt;
    },
  };
}

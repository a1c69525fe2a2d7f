import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createChime } from '../../attune/web/static/js/chime.js';

// A stand-in for Web Audio that writes down every call, so the schedule of a tone can be read back.
function fakeAudio({ state = 'running', now = 10 } = {}) {
  const log = [];
  const made = [];
  class FakeContext {
    constructor() {
      made.push(this);
      this.state = state;
      this.currentTime = now;
      this.destination = 'speakers';
    }
    resume() {
      log.push(['resume']);
      this.state = 'running';
    }
    createOscillator() {
      const osc = {
        frequency: { setValueAtTime: (v, t) => log.push(['hz', v, t]) },
        connect: (node) => {
          log.push(['connect']);
          return node;
        },
        start: (t) => log.push(['start', t]),
        stop: (t) => log.push(['stop', t]),
      };
      return osc;
    }
    createGain() {
      return {
        gain: {
          setValueAtTime: (v, t) => log.push(['gain', v, t]),
          exponentialRampToValueAtTime: (v, t) => log.push(['ramp', v, t]),
        },
        connect: (node) => {
          log.push(['to', node]);
          return node;
        },
      };
    }
  }
  return { log, made, FakeContext };
}

function withWindow(win, fn) {
  const before = globalThis.window;
  globalThis.window = win;
  try {
    fn();
  } finally {
    if (before === undefined) delete globalThis.window;
    else globalThis.window = before;
  }
}

test('a tone rises from silence to its peak, fades, and stops when it was told', () => {
  const { log, FakeContext } = fakeAudio({ now: 10 });
  withWindow({ AudioContext: FakeContext }, () => {
    createChime()(330, { peak: 0.06, riseS: 0.08, fadeS: 0.9, stopS: 1 });
  });
  assert.deepEqual(log, [
    ['hz', 330, 10],
    ['gain', 0.0001, 10],
    ['ramp', 0.06, 10.08],
    ['ramp', 0.0001, 10.9],
    ['connect'],
    ['to', 'speakers'],
    ['start', 10],
    ['stop', 11],
  ]);
});

test('a delayed tone is scheduled from now plus its delay', () => {
  const { log, FakeContext } = fakeAudio({ now: 2 });
  withWindow({ AudioContext: FakeContext }, () => {
    createChime()(262, { delayS: 0.45, peak: 0.05, riseS: 0.1, fadeS: 1.2, stopS: 1.3 });
  });
  assert.deepEqual(log.find((e) => e[0] === 'start'), ['start', 2.45]);
  assert.deepEqual(log.find((e) => e[0] === 'stop'), ['stop', 2.45 + 1.3]);
});

test('one chime keeps one audio context, and wakes it when the browser suspended it', () => {
  const { log, made, FakeContext } = fakeAudio({ state: 'suspended' });
  withWindow({ webkitAudioContext: FakeContext }, () => {
    const chime = createChime();
    chime(330, { peak: 0.06, riseS: 0.08, fadeS: 0.9, stopS: 1 });
    chime(247, { peak: 0.06, riseS: 0.08, fadeS: 0.9, stopS: 1 });
  });
  assert.equal(made.length, 1);
  assert.equal(log.filter((e) => e[0] === 'resume').length, 1);
});

test('without Web Audio a chime is silent and does not throw', () => {
  withWindow({}, () => {
    createChime()(330, { peak: 0.06, riseS: 0.08, fadeS: 0.9, stopS: 1 });
  });
  createChime()(330, { peak: 0.06, riseS: 0.08, fadeS: 0.9, stopS: 1 });
});

// Heart-rate sources for the live screens: a Bluetooth chest strap, or the demo strap.
//
// Both give the same small event interface, so the page does not care which it has:
//   source.on('status',  ({status, name}) => ...)  status: 'connecting' | 'connected' |
//                                                   'reconnecting' | 'disconnected' | 'failed'
//   source.on('contact', ({contact}) => ...)        true / false, or null when the strap cannot tell
//   source.on('packet',  ({hr, rrMs, contact, receivedMs}) => ...)  one notification
//   source.simulated                                 true for the demo strap
//
// The strap uses the standard Heart Rate service (0x180D) and its Heart Rate Measurement
// characteristic (0x2A37), parsed by ble-hr.js. When the strap drops for a moment
// (`gattserverdisconnected`) it reconnects by itself with growing pauses between tries.

import { parseHeartRateMeasurement } from './ble-hr.js';
import { createDemoStrap } from './demo-strap.js';
import { backoffMs } from './live-stream.js';

const HEART_RATE_SERVICE = 'heart_rate';
const HEART_RATE_MEASUREMENT = 'heart_rate_measurement';

function defaultClock() {
  return {
    now: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (id) => clearInterval(id),
  };
}

function emitter() {
  const listeners = new Map();
  return {
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(fn);
      return () => listeners.get(type).delete(fn);
    },
    emit(type, detail) {
      for (const fn of listeners.get(type) ?? []) {
        try {
          fn(detail);
        } catch (err) {
          console.error(err);
        }
      }
    },
  };
}

/** Whether this browser offers Web Bluetooth at all (no iOS browser and no Firefox does). */
export function webBluetoothAvailable(nav = globalThis.navigator) {
  return Boolean(nav && nav.bluetooth && typeof nav.bluetooth.requestDevice === 'function');
}

/**
 * A Bluetooth heart-rate strap. `connect()` must run from a tap or click (the browser shows its
 * device chooser then).
 *
 * @param {object} [options]
 * @param {object} [options.bluetooth] `navigator.bluetooth`, or a stand-in for tests
 * @param {object} [options.clock]
 * @param {{initialMs?: number, factor?: number, maxMs?: number}} [options.backoff]
 */
export function createStrapSource({ bluetooth = globalThis.navigator?.bluetooth, clock = defaultClock(), backoff = {} } = {}) {
  const ev = emitter();
  let device = null;
  let characteristic = null;
  let wanted = false; // the member wants to be connected
  let attempt = 0;
  let retryTimer = null;
  let lastContact;
  const name = () => (device && device.name) || 'your strap';

  function onValue(event) {
    let m;
    try {
      m = parseHeartRateMeasurement(event.target.value);
    } catch (err) {
      // A garbled notification: skip it rather than stop the session.
      console.warn(err);
      return;
    }
    const contact = m.contactSupported ? m.contactDetected : null;
    if (contact !== lastContact) {
      lastContact = contact;
      ev.emit('contact', { contact });
    }
    ev.emit('packet', { hr: m.hr, rrMs: m.rrMs, contact, receivedMs: clock.now() });
  }

  async function attach() {
    const server = await device.gatt.connect();
    const service = await server.getPrimaryService(HEART_RATE_SERVICE);
    const ch = await service.getCharacteristic(HEART_RATE_MEASUREMENT);
    if (characteristic && characteristic !== ch) characteristic.removeEventListener('characteristicvaluechanged', onValue);
    characteristic = ch;
    ch.addEventListener('characteristicvaluechanged', onValue);
    await ch.startNotifications();
    attempt = 0;
    ev.emit('status', { status: 'connected', name: name() });
  }

  function retry() {
    if (!wanted || retryTimer !== null) return;
    const inMs = backoffMs(attempt, { initialMs: 500, factor: 2, maxMs: 8000, ...backoff });
    attempt += 1;
    ev.emit('status', { status: 'reconnecting', name: name(), attempt, inMs });
    retryTimer = clock.setTimeout(async () => {
      retryTimer = null;
      if (!wanted) return;
      try {
        await attach();
      } catch {
        retry();
      }
    }, inMs);
  }

  function onDisconnected() {
    characteristic = null;
    lastContact = undefined;
    if (wanted) retry();
    else ev.emit('status', { status: 'disconnected', name: name() });
  }

  return {
    simulated: false,
    kind: 'strap',
    on: ev.on,
    async connect() {
      if (!bluetooth || typeof bluetooth.requestDevice !== 'function') {
        ev.emit('status', { status: 'failed', reason: 'unsupported' });
        throw new Error('Web Bluetooth is not available in this browser');
      }
      ev.emit('status', { status: 'connecting' });
      try {
        device = await bluetooth.requestDevice({ filters: [{ services: [HEART_RATE_SERVICE] }] });
      } catch (err) {
        // The member closed the chooser, or nothing was found.
        ev.emit('status', { status: 'failed', reason: err && err.name === 'NotFoundError' ? 'cancelled' : 'error' });
        throw err;
      }
      device.addEventListener('gattserverdisconnected', onDisconnected);
      wanted = true;
      try {
        await attach();
      } catch (err) {
        ev.emit('status', { status: 'failed', reason: 'error', name: name() });
        wanted = false;
        throw err;
      }
    },
    disconnect() {
      wanted = false;
      if (retryTimer !== null) {
        clock.clearTimeout(retryTimer);
        retryTimer = null;
      }
      if (characteristic) characteristic.removeEventListener('characteristicvaluechanged', onValue);
      if (device && device.gatt && device.gatt.connected) device.gatt.disconnect();
      else ev.emit('status', { status: 'disconnected', name: name() });
    },
    get name() {
      return name();
    },
  };
}

/**
 * The demo strap: a believable simulated heart, always labelled as simulated. It follows the
 * pacer if told to, so heart rate rises and falls with the breath as it does in a real person.
 *
 * @param {object} [options]
 * @param {number} [options.restingHr=64]
 * @param {number} [options.seed] defaults to a fresh value per page
 * @param {number} [options.pollMs=200] how often to collect the strap's notifications
 * @param {object} [options.clock]
 */
export function createDemoSource({ restingHr = 64, seed = Math.floor(Math.random() * 2 ** 31), pollMs = 200, clock = defaultClock() } = {}) {
  const ev = emitter();
  let strap = null;
  let timer = null;

  function tick() {
    for (const p of strap.poll()) {
      const m = parseHeartRateMeasurement(p.bytes);
      ev.emit('packet', { hr: m.hr, rrMs: m.rrMs, contact: m.contactDetected, receivedMs: clock.now() });
    }
  }

  return {
    simulated: true,
    kind: 'demo',
    on: ev.on,
    name: 'Demo strap (simulated)',
    async connect() {
      if (timer !== null) return;
      strap = createDemoStrap({ restingHr, seed, clock });
      timer = clock.setInterval(tick, pollMs);
      ev.emit('status', { status: 'connected', name: 'Demo strap (simulated)' });
      ev.emit('contact', { contact: true });
    },
    /** Breathe with this pacer pattern (or null to breathe freely); `startedAtMs` is clock time. */
    setPacer(pattern, startedAtMs = clock.now()) {
      if (!strap) return;
      strap.setPacer(pattern, startedAtMs - (clock.now() - strap.nowMs()));
    },
    disconnect() {
      if (timer !== null) clock.clearInterval(timer);
      timer = null;
      ev.emit('status', { status: 'disconnected', name: 'Demo strap (simulated)' });
    },
  };
}

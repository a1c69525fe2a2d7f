// A stand-in for navigator.bluetooth that replays a recorded heart-rate strap stream as
// Heart Rate Measurement (0x2A37) notifications on their original timing. Injected by the live
// e2e tests with page.add_init_script, after a line that defines `window.__REPLAY__`:
//   {device: "Polar H10 (replay)", notifications: [{t: seconds, hr: bpm, rr: [ms, ...]}, ...]}
// Timing comes from setTimeout/performance.now, so Playwright's page.clock can run it fast.
// window.__fakeStrap lets a test look inside: what was requested, which RR raw values (1/1024 s)
// were delivered, and `drop(ms)` to make the strap vanish for a while (as out of range).
(() => {
  const replay = window.__REPLAY__;
  const state = {
    requestOptions: null,
    deliveredRaw: [],
    notifications: 0,
    lost: 0,
    connects: 0,
    index: 0,
    origin: null,
    timer: null,
    notifying: false,
    done: false,
  };
  window.__fakeStrap = state;

  function encode(n) {
    const raws = n.rr.map((ms) => Math.round(ms * 1.024));
    const bytes = new Uint8Array(2 + 2 * raws.length);
    bytes[0] = 0x16; // RR present, contact supported and detected, 8-bit heart rate
    bytes[1] = Math.max(0, Math.min(255, Math.round(n.hr)));
    raws.forEach((r, i) => {
      bytes[2 + 2 * i] = r & 0xff;
      bytes[3 + 2 * i] = r >> 8;
    });
    return { view: new DataView(bytes.buffer), raws };
  }

  class Characteristic extends EventTarget {
    constructor() {
      super();
      this.uuid = '00002a37-0000-1000-8000-00805f9b34fb';
      this.value = null;
    }
    async startNotifications() {
      state.notifying = true;
      if (state.origin === null) state.origin = performance.now() - replay.notifications[0].t * 1000;
      // Whatever the strap sent while it was away is lost, as with a real strap.
      const now = performance.now();
      while (state.index < replay.notifications.length && state.origin + replay.notifications[state.index].t * 1000 < now) {
        state.index += 1;
        state.lost += 1;
      }
      schedule();
      return this;
    }
    async stopNotifications() {
      state.notifying = false;
      clearTimeout(state.timer);
      return this;
    }
  }
  const characteristic = new Characteristic();

  function schedule() {
    clearTimeout(state.timer);
    if (state.index >= replay.notifications.length) {
      state.done = true;
      return;
    }
    const due = state.origin + replay.notifications[state.index].t * 1000;
    state.timer = setTimeout(fire, Math.max(0, due - performance.now()));
  }

  function fire() {
    if (!gatt.connected || !state.notifying) return;
    const { view, raws } = encode(replay.notifications[state.index]);
    state.index += 1;
    state.notifications += 1;
    state.deliveredRaw.push(...raws);
    characteristic.value = view;
    characteristic.dispatchEvent(new Event('characteristicvaluechanged'));
    schedule();
  }

  const service = {
    uuid: '0000180d-0000-1000-8000-00805f9b34fb',
    async getCharacteristic(name) {
      if (name !== 'heart_rate_measurement' && name !== 0x2a37) throw new DOMException('No such characteristic', 'NotFoundError');
      return characteristic;
    },
  };
  const gatt = {
    connected: false,
    device: null,
    async connect() {
      if (state.away) throw new DOMException('The strap is out of range', 'NetworkError');
      gatt.connected = true;
      state.connects += 1;
      return gatt;
    },
    disconnect() {
      if (!gatt.connected) return;
      gatt.connected = false;
      state.notifying = false;
      clearTimeout(state.timer);
      device.dispatchEvent(new Event('gattserverdisconnected'));
    },
    async getPrimaryService(name) {
      if (name !== 'heart_rate' && name !== 0x180d) throw new DOMException('No such service', 'NotFoundError');
      return service;
    },
  };
  class Device extends EventTarget {}
  const device = new Device();
  device.id = 'replay-strap';
  device.name = replay.device;
  device.gatt = gatt;
  gatt.device = device;

  /** The strap vanishes for `ms` (fake-clock time), then can be reconnected. */
  state.drop = (ms) => {
    state.away = true;
    gatt.disconnect();
    setTimeout(() => {
      state.away = false;
    }, ms);
  };

  const bluetooth = {
    async getAvailability() {
      return true;
    },
    async requestDevice(options) {
      state.requestOptions = JSON.parse(JSON.stringify(options));
      return device;
    },
  };
  Object.defineProperty(Navigator.prototype, 'bluetooth', { get: () => bluetooth, configurable: true });

  // Keep every websocket the page opens, so a test can cut one as a network drop would. With
  // window.__blockSockets set, new websockets go to a closed loopback port: the live connection
  // never comes back (HTTP still works).
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blockSockets = false;
  window.WebSocket = class extends Native {
    constructor(url, ...rest) {
      super(window.__blockSockets ? 'ws://127.0.0.1:9/blocked/' : url, ...rest);
      window.__sockets.push(this);
    }
  };
})();

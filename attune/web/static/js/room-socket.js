// The room's websocket with the shared clock: reconnects with a growing pause, pings in bursts
// (clock-sync.js) at start, every minute and after each reconnect, and hands every other
// message to the page. Stops for good when the server says this person is not (or no longer) in
// the room (close codes 4404 and 4403), or is signed out (4401).

import { createClockSync } from './clock-sync.js';

const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);

export function connectRoom(path, { onMessage, onStatus }) {
  const clock = createClockSync();
  let ws = null;
  let retryMs = 500;
  let stopped = false;
  let pinger = 0;

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function pingLoop() {
    if (clock.needsPing()) send(clock.ping());
  }

  function open() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${scheme}://${window.location.host}${path}`);
    ws.addEventListener('open', () => {
      retryMs = 500;
      clock.beginBurst();
      onStatus('open');
    });
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'pong') {
        clock.receive(message);
        return;
      }
      onMessage(message);
    });
    ws.addEventListener('close', (event) => {
      if (FINAL_CLOSE_CODES.has(event.code)) {
        stopped = true;
        onStatus('closed', event.code);
        return;
      }
      if (stopped) return;
      onStatus('reconnecting');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    });
  }

  open();
  pinger = setInterval(pingLoop, 120);
  return {
    clock,
    send,
    stop() {
      stopped = true;
      clearInterval(pinger);
      if (ws) ws.close();
    },
  };
}

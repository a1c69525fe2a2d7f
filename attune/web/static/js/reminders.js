// The reminder settings page: ask this browser for permission to show notifications (only when the
// member presses the button), subscribe it to attune's push (VAPID public key from json_script) and
// hand the subscription to the server. The service worker (/sw.js) shows what arrives.

import { csrfToken } from './outbox-page.js';

const data = JSON.parse(document.getElementById('push-data')?.textContent || 'null');
const allow = document.getElementById('push-allow');
const status = document.getElementById('push-status');
const words = (data && data.words) || {};

function say(text) {
  status.textContent = text;
  status.hidden = !text;
}

function keyBytes(b64url) {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function subscribe() {
  allow.disabled = true;
  try {
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      say(words.notAllowed || 'Notifications are not allowed on this device, and that is fine. An e-mail is another way, if you like.');
      return;
    }
    const reg = await navigator.serviceWorker.ready;
    const sub = (await reg.pushManager.getSubscription())
      || (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(data.publicKey) }));
    const res = await fetch(data.addUrl, {
      method: 'POST',
      body: JSON.stringify(sub.toJSON()),
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
      credentials: 'same-origin',
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
    say(words.ready || 'This device can now show a reminder. Choose "A notification on my device" above and save, if that is what you want.');
  } catch (err) {
    say(words.failed ? words.failed.replace('%(reason)s', err.message) : `We couldn't set up notifications here: ${err.message}`);
  } finally {
    allow.disabled = false;
  }
}

if (data) {
  if ('serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window) {
    allow.hidden = false;
    allow.addEventListener('click', subscribe);
  } else {
    document.getElementById('push-unsupported').hidden = false;
  }
}

// On every page: install the service worker (/sw.js), keep the offline outbox moving, and say, in a
// quiet line at the top of the page, when attune is offline, what is waiting, and what has been sent.
// A check-in made with no network is kept in the outbox instead of being lost (docs/offline.md).

import { describeRefused, describeSent, describeWaiting, newKey } from './offline-queue.js';
import { announceOutbox, member, outbox } from './outbox-page.js';

const OFFLINE_TEXT = "You're offline. Today, the practice library and its practices still work; what you save is kept on this device and sent later.";

let line = null;
function say(text) {
  if (!line) {
    const main = document.getElementById('main');
    if (!main) return;
    line = document.createElement('p');
    line.className = 'notice offline-line';
    line.id = 'offline-line';
    line.setAttribute('role', 'status');
    main.prepend(line);
  }
  line.textContent = text;
  line.hidden = !text;
}

async function showWaiting() {
  if (!member) return;
  const waiting = await outbox.pending(member).catch(() => []);
  const parts = [];
  if (navigator.onLine === false) parts.push(OFFLINE_TEXT);
  if (waiting.length) parts.push(describeWaiting(waiting));
  say(parts.join(' '));
}

async function flush() {
  if (!member || navigator.onLine === false) return showWaiting();
  const run = () => outbox.flush(member);
  const result = navigator.locks ? await navigator.locks.request('attune-outbox', run) : await run();
  const parts = [describeSent(result.sent), describeRefused(result.refused)];
  if (result.waiting.length) parts.push(describeWaiting(result.waiting));
  const text = parts.filter(Boolean).join(' ');
  if (text) say(text);
  else await showWaiting();
}

function wireCheckinForms() {
  for (const form of document.querySelectorAll('form[data-offline="checkin"]')) {
    const key = form.querySelector('input[name="key"]');
    const takenAt = form.querySelector('input[name="taken_at"]');
    const status = form.querySelector('[data-offline-status]');
    if (!key) continue;
    key.value = newKey(); // fresh on every load, also when the page itself came from the cache
    form.addEventListener('submit', async (e) => {
      if (navigator.onLine !== false || !member) return; // online: the form posts as usual, with its key
      e.preventDefault();
      takenAt.value = new Date().toISOString();
      const fields = Object.fromEntries(new FormData(form));
      delete fields.csrfmiddlewaretoken; // the page that sends it later supplies a fresh one
      try {
        await outbox.add({ key: key.value, member, kind: 'checkin', url: form.action, fields });
      } catch (_) {
        status.textContent = "We couldn't keep this check-in on this device. You might try again when you're back online.";
        status.hidden = false;
        return;
      }
      form.reset();
      key.value = newKey();
      takenAt.value = '';
      status.textContent = "Thank you. You're offline, so this check-in is kept safe on this device and will be saved when you're back online.";
      status.hidden = false;
      status.setAttribute('tabindex', '-1');
      status.focus();
      announceOutbox();
    });
  }
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(() => {
    // Once per visit, let the worker fetch the pages that should open with no network.
    if (member && !sessionStorage.getItem('attune-warm')) {
      navigator.serviceWorker.ready.then((reg) => {
        sessionStorage.setItem('attune-warm', '1');
        if (reg.active) reg.active.postMessage({ type: 'warm' });
      });
    }
  }).catch((err) => console.warn('attune: the offline helper did not install', err));
}
if (!member && 'caches' in window) {
  // Signed out (or never signed in): nobody's pages stay on this device.
  caches.delete('attune-pages').catch(() => {});
  sessionStorage.removeItem('attune-warm');
}

wireCheckinForms();
document.addEventListener('attune:outbox', flush); // kept just now: send at once if the network is back
window.addEventListener('online', flush);
window.addEventListener('offline', showWaiting);
flush();

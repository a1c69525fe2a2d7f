// The outbox as a page uses it: the signed-in member (from <meta name="attune-member">), the CSRF
// token, and a sender that posts a queued item's fields with this page's token. See offline-queue.js.

import { createOutbox, idbStore } from './offline-queue.js';

// No document when a test imports a module that imports this one (node --test): nothing to read then.
const page = typeof document === 'undefined' ? null : document;
export const member = page?.querySelector('meta[name="attune-member"]')?.content || '';
const loginPath = page?.querySelector('meta[name="attune-login"]')?.content || '/accounts/login/';

export function csrfToken() {
  try {
    const headers = JSON.parse(document.body.getAttribute('hx-headers') || '{}');
    if (headers['X-CSRFToken']) return headers['X-CSRFToken'];
  } catch (_) {
    // fall through to the cookie
  }
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : '';
}

/** POST `fields` as a form; {status, json}, status 0 with no network, 403 when a sign-in page answers. */
export async function send(url, fields) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v !== null && v !== undefined && v !== '' && k !== 'csrfmiddlewaretoken') body.append(k, String(v));
  }
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'X-CSRFToken': csrfToken(), Accept: 'application/json' },
      credentials: 'same-origin',
    });
  } catch (_) {
    return { status: 0, json: null };
  }
  if (res.redirected && new URL(res.url).pathname.startsWith(loginPath)) return { status: 403, json: null };
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

export const outbox = createOutbox(idbStore(), send);

/** Tell the page's status line (pwa.js) that something was queued or sent. */
export function announceOutbox() {
  document.dispatchEvent(new CustomEvent('attune:outbox'));
}

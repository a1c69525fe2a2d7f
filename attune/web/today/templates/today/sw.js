// attune's service worker, served at /sw.js so that it looks after the whole site (docs/offline.md).
// Version {{ version }}: a new version of the static files makes a new worker, which drops old caches.
//
// Pages: the network first; a page that should open with no network (Today, the practice library,
// each practice and its player, the pacer, the check-in form) is kept in the "attune-pages" cache
// when it loads, and answered from there when the network is gone. Static files: the same, in a
// cache per version. Nothing but GET requests is touched: a check-in or practice made offline is
// kept by the page itself in the outbox (offline-queue.js) and sent when the network is back.

const VERSION = '{{ version }}';
const STATIC_CACHE = `attune-static-${VERSION}`;
const PAGES_CACHE = 'attune-pages';
const LIST_URL = '{{ list_url }}';
const OFFLINE_URL = '{{ offline_url }}';
const LOGIN_PATH = '{{ login_path }}';
const NETWORK_WAIT_MS = 6000; // a page that hangs this long comes from the cache, if it is there

let pagePaths = null; // Set of the paths worth keeping, from LIST_URL

async function offlineList() {
  const res = await fetch(LIST_URL, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const list = await res.json();
  pagePaths = new Set(list.pages);
  return list;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const list = await offlineList();
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(list.static);
      await cacheMissingPages(list.shell); // the rest once the worker runs (the 'warm' message)
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('attune-static-') && name !== STATIC_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function keepable(url) {
  return url.origin === self.location.origin && (url.pathname === OFFLINE_URL || (pagePaths && pagePaths.has(url.pathname)));
}

async function store(request, response) {
  // Only a page answered as itself: never a redirect to sign in, an error, or another member's page.
  if (!response.ok || response.redirected || response.type !== 'basic') return;
  const cache = await caches.open(PAGES_CACHE);
  await cache.put(request, response);
}

async function cacheMissingPages(paths) {
  const cache = await caches.open(PAGES_CACHE);
  for (const path of paths) {
    if (await cache.match(path, { ignoreVary: true })) continue;
    try {
      const res = await fetch(path, { credentials: 'same-origin' });
      if (res.redirected && new URL(res.url).pathname.startsWith(LOGIN_PATH)) return; // not signed in
      if (res.ok && !res.redirected) await cache.put(path, res);
    } catch (_) {
      return; // offline: the rest are kept when they are visited
    }
  }
}

async function fromCache(request) {
  const hit = (await caches.match(request, { ignoreVary: true })) || (await caches.match(request, { ignoreVary: true, ignoreSearch: true }));
  return hit || null;
}

async function page(event) {
  const request = event.request;
  const url = new URL(request.url);
  if (!pagePaths) await offlineList().catch(() => {});
  const network = fetch(request).then((res) => {
    if (keepable(url)) event.waitUntil(store(request, res.clone()));
    if (res.redirected && new URL(res.url).pathname.startsWith(LOGIN_PATH)) event.waitUntil(caches.delete(PAGES_CACHE));
    return res;
  });
  const cached = await fromCache(request);
  if (cached) {
    // Answer from the network if it answers soon, else from the cache (the network still refreshes it).
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
    const res = await Promise.race([network.catch(() => null), timeout]);
    return res || cached;
  }
  try {
    return await network;
  } catch (err) {
    return (await caches.match(OFFLINE_URL, { ignoreVary: true })) || Response.error();
  }
}

async function asset(request) {
  try {
    const res = await fetch(request);
    if (res.ok) {
      const copy = res.clone();
      caches.open(STATIC_CACHE).then((c) => c.put(request, copy));
    }
    return res;
  } catch (err) {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(page(event));
  else if (url.pathname.startsWith('{{ static_url }}')) event.respondWith(asset(request));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'warm') {
    event.waitUntil(
      offlineList()
        .then((list) => cacheMissingPages(list.pages))
        .then(() => self.clients.matchAll())
        .then((clients) => clients.forEach((c) => c.postMessage({ type: 'warmed' })))
        .catch(() => {}),
    );
  }
});
// Reminders the member chose (docs/offline.md): show one, and open attune when it is tapped.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || 'attune', {
      body: data.body || '',
      icon: '{{ icon_url }}',
      badge: '{{ icon_url }}',
      tag: 'attune-reminder',
      data: { url: data.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window' }).then((wins) => {
      for (const w of wins) if (w.url === target && 'focus' in w) return w.focus();
      return self.clients.openWindow(target);
    }),
  );
});

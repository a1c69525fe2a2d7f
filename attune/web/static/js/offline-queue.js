// The outbox: check-ins and finished practices made with no network wait here, on this device, and
// are sent once the network is back. Each carries an idempotency key the server honours (docs/offline.md),
// so sending one again after a lost reply creates nothing twice.
//
// No DOM at the top level: `createOutbox(store, send)` is pure logic over a store ({all, put, remove})
// and a sender, so node --test covers it; `idbStore()` is the IndexedDB store the pages use.

/** A random UUID (version 4), from crypto.randomUUID where the page is a secure context, else by hand. */
export function newKey(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl.randomUUID) return cryptoImpl.randomUUID();
  const b = cryptoImpl.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// What a reply means for an item: sent (done), refused (the server will never take it: drop it and
// say so), or retry (no network, a server hiccup, a stale sign-in: keep it for next time).
export function verdict(status) {
  if (status === 0) return 'retry';
  if (status >= 200 && status < 400) return 'sent';
  if (status === 409) return 'sent'; // a practice already ended on the server: nothing left to send
  if (status === 403 || status === 401 || status === 429 || status >= 500) return 'retry';
  return 'refused';
}

/**
 * An outbox over `store` ({all(), put(item), remove(key)}) that sends with `send(url, fields)`, which
 * resolves to {status, json} (status 0 when there is no network; a sign-in page answered instead of
 * the endpoint counts as 403).
 */
export function createOutbox(store, send) {
  let flushing = null;

  async function sendItem(item) {
    if (item.kind === 'checkin') return verdict((await send(item.url, item.fields)).status);
    // A practice: begin it on the server (again, if need be: the key makes that harmless), then finish it.
    if (!item.finishUrl) {
      const started = await send(item.startUrl, item.start);
      const v = verdict(started.status);
      if (v !== 'sent') return v;
      if (!started.json || !started.json.finishUrl) return 'retry';
      item.finishUrl = started.json.finishUrl;
      await store.put(item);
    }
    return verdict((await send(item.finishUrl, item.finish)).status);
  }

  return {
    async add(item) {
      await store.put({ queuedAt: new Date().toISOString(), ...item });
    },
    async pending(member) {
      return (await store.all()).filter((i) => i.member === member);
    },
    /** Send every item of `member`, oldest first, one at a time; resolves to {sent, refused, waiting}. */
    flush(member) {
      if (flushing) return flushing;
      flushing = (async () => {
        const result = { sent: [], refused: [], waiting: [] };
        const items = (await store.all()).filter((i) => i.member === member);
        items.sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : 1));
        for (const item of items) {
          let v;
          try {
            v = await sendItem(item);
          } catch (_) {
            v = 'retry';
          }
          if (v === 'retry') {
            result.waiting.push(item);
            continue;
          }
          await store.remove(item.key);
          result[v].push(item);
        }
        return result;
      })().finally(() => {
        flushing = null;
      });
      return flushing;
    },
  };
}

/** The outbox's IndexedDB store: one object store of items keyed by their idempotency key. */
export function idbStore(name = 'attune-outbox') {
  let dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise((resolve, reject) => {
        const req = indexedDB.open(name, 1);
        req.onupgradeneeded = () => req.result.createObjectStore('items', { keyPath: 'key' });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return dbp;
  }
  async function tx(mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction('items', mode);
      const req = fn(t.objectStore('items'));
      t.oncomplete = () => resolve(req ? req.result : undefined);
      t.onerror = () => reject(t.error);
    });
  }
  return {
    all: () => tx('readonly', (s) => s.getAll()),
    put: (item) => tx('readwrite', (s) => s.put(item)),
    remove: (key) => tx('readwrite', (s) => s.delete(key)),
  };
}

/** How the outbox reads to a person, in the app's voice. */
export function describeWaiting(items) {
  const checkins = items.filter((i) => i.kind === 'checkin').length;
  const practices = items.length - checkins;
  const parts = [];
  if (checkins) parts.push(checkins === 1 ? 'a check-in' : `${checkins} check-ins`);
  if (practices) parts.push(practices === 1 ? 'a practice' : `${practices} practices`);
  if (!parts.length) return '';
  return `Waiting to send: ${parts.join(' and ')}, kept safe on this device. ${items.length === 1 ? 'It' : 'They'} will be sent when you're back online.`;
}

export function describeSent(items) {
  const checkins = items.filter((i) => i.kind === 'checkin').length;
  const practices = items.length - checkins;
  const parts = [];
  if (checkins) parts.push(checkins === 1 ? 'your check-in' : `your ${checkins} check-ins`);
  if (practices) parts.push(practices === 1 ? 'your practice' : `your ${practices} practices`);
  if (!parts.length) return '';
  return `Back online: ${parts.join(' and ')} from earlier ${items.length === 1 ? 'is' : 'are'} now saved.`;
}

export function describeRefused(items) {
  if (!items.length) return '';
  return `${items.length === 1 ? 'One thing' : `${items.length} things`} made offline could not be saved; the server did not accept ${items.length === 1 ? 'it' : 'them'}.`;
}

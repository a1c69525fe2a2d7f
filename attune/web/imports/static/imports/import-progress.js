// The import page's progress bar: reads the job's status once a second until it has finished.
// An import is a background job, not a live stream, so polling a small JSON endpoint is enough;
// the page is complete without this script (it shows the status as of the last load).
const POLL_MS = 1000;

export function applyStatus(root, status) {
  for (const el of root.querySelectorAll('[data-field]')) {
    const value = status[el.dataset.field];
    if (value === undefined) continue;
    el.textContent = String(value);
    if (el.dataset.field === 'error') el.hidden = !value;
  }
  const bar = root.querySelector('progress');
  if (bar) {
    bar.value = status.percent;
    bar.textContent = `${status.percent}%`;
  }
  for (const el of root.querySelectorAll('[data-show-while]')) {
    el.hidden = (el.dataset.showWhile === 'finished') !== status.finished;
  }
}

async function poll(root) {
  try {
    const response = await fetch(root.dataset.statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (response.ok) {
      const status = await response.json();
      applyStatus(root, status);
      if (status.finished) return;
    }
  } catch {
    // The network went for a moment: try again at the next tick.
  }
  setTimeout(() => poll(root), POLL_MS);
}

const root = typeof document !== 'undefined' ? document.getElementById('import-status') : null;
if (root && root.dataset.finished !== 'true') setTimeout(() => poll(root), POLL_MS);

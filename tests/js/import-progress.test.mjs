import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyStatus } from '../../attune/web/imports/static/imports/import-progress.js';

// A stand-in for the status card: elements found by the selectors the module uses.
function card() {
  const field = (name) => ({ dataset: { field: name }, textContent: '', hidden: false });
  const fields = ['state_label', 'percent', 'records', 'added', 'error'].map(field);
  const bar = { value: 0, textContent: '' };
  const stop = { dataset: { showWhile: 'running' }, hidden: false };
  const link = { dataset: { showWhile: 'finished' }, hidden: true };
  return {
    fields, bar, stop, link,
    querySelectorAll: (sel) => (sel === '[data-field]' ? fields : [stop, link]),
    querySelector: () => bar,
  };
}

test('a running status moves the bar and the counts and keeps the stop button', () => {
  const root = card();
  applyStatus(root, { state_label: 'Importing', percent: 42, records: 1234, added: 1000, error: '', finished: false });
  assert.equal(root.bar.value, 42);
  assert.equal(root.fields[2].textContent, '1234');
  assert.equal(root.fields[4].hidden, true);
  assert.equal(root.stop.hidden, false);
  assert.equal(root.link.hidden, true);
});

test('a finished status hides the stop button, shows the way on, and any error', () => {
  const root = card();
  applyStatus(root, { state_label: 'Could not be read', percent: 40, records: 9, added: 9, error: 'a.fit: file: bad', finished: true });
  assert.equal(root.stop.hidden, true);
  assert.equal(root.link.hidden, false);
  assert.equal(root.fields[4].hidden, false);
  assert.equal(root.fields[4].textContent, 'a.fit: file: bad');
});

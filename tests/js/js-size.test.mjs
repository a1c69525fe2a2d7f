import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { BUDGET_BYTES, gzipBytes, measure, shippedFiles } from '../../scripts/js-size.mjs';

test('everything shipped under static/js and static/vendor fits the 100 KB gzipped budget', () => {
  const files = shippedFiles();
  const names = files.map((f) => f.split('/').pop());
  for (const expected of ['htmx.min.js', 'uPlot.iife.min.js', 'pacer-clock.js', 'ble-hr.js']) {
    assert.ok(names.includes(expected), `${expected} is measured`);
  }
  assert.ok(!names.some((n) => n.endsWith('.css') || n.endsWith('.md')), 'only JavaScript counts');
  const result = measure(files);
  assert.equal(result.budgetBytes, BUDGET_BYTES);
  assert.ok(result.pass, `total ${result.totalGzipBytes} bytes gzipped`);
});

test('it sums per-file gzipped sizes and fails over budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'js-size-'));
  try {
    const a = join(dir, 'a.js');
    const b = join(dir, 'b.js');
    writeFileSync(a, 'x'.repeat(10_000));
    writeFileSync(b, Array.from({ length: 2000 }, (_, i) => `${i * 7919 % 10007};`).join(''));
    const r = measure([a, b], 500);
    assert.equal(r.files[0].bytes, 10_000);
    assert.ok(r.files[0].gzipBytes < 200, 'repetitive text compresses well');
    assert.equal(r.totalGzipBytes, r.files[0].gzipBytes + r.files[1].gzipBytes);
    assert.equal(r.pass, false);
    assert.equal(measure([a], 500).pass, true);
    assert.equal(gunzipSync(gzipSync('abc')).toString(), 'abc');
    assert.ok(gzipBytes('abc') > 3);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

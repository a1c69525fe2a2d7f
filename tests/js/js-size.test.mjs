// The size-budget script's own logic. `make test-js` runs the script itself on what attune ships;
// these tests check that its verdict, its exit codes and its choice of files are right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main, measure, shippedFiles } from '../../scripts/js-size.mjs';

// Bytes from a fixed linear congruential generator: gzip cannot shrink them, so a file of n bytes
// is more than n bytes gzipped (header and trailer), whatever zlib version runs.
function incompressible(n, seed) {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i += 1) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function withFiles(files, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'js-size-'));
  try {
    const paths = Object.entries(files).map(([name, content]) => {
      const path = join(dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
      return path;
    });
    return fn(paths, dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

// main() prints its report; keep the test output to the test results.
function quietly(fn) {
  const { log, error } = console;
  const lines = [];
  console.log = (s) => lines.push(String(s));
  console.error = (s) => lines.push(String(s));
  try {
    return { code: fn(), output: lines.join('\n') };
  } finally {
    Object.assign(console, { log, error });
  }
}

test('it passes within the budget and fails over it, with exit codes 0 and 1', () => {
  withFiles({ 'a.js': incompressible(3_000, 1) }, ([a]) => {
    const within = quietly(() => main(['--budget-kb=4', a]));
    assert.equal(within.code, 0);
    assert.match(within.output, /^PASS: 3\.\d KB gzipped within the budget of 4\.0 KB$/m);
    const over = quietly(() => main(['--budget-kb=2', a]));
    assert.equal(over.code, 1);
    assert.match(over.output, /^FAIL: 3\.\d KB gzipped over the budget of 2\.0 KB$/m);
  });
});

test('the budget is for all files together, not for each one', () => {
  withFiles({ 'a.js': incompressible(3_000, 1), 'b.js': incompressible(3_000, 2) }, ([a, b]) => {
    assert.equal(quietly(() => main(['--budget-kb=4', a])).code, 0);
    assert.equal(quietly(() => main(['--budget-kb=4', b])).code, 0);
    assert.equal(quietly(() => main(['--budget-kb=4', a, b])).code, 1);
  });
});

test('it counts gzipped bytes, not raw ones', () => {
  withFiles({ 'long.js': 'const x = 1;\n'.repeat(10_000) }, ([path]) => {
    const result = measure([path], 1_000);
    assert.equal(result.totalBytes, 130_000);
    assert.ok(result.totalGzipBytes < 1_000, `${result.totalGzipBytes} bytes gzipped`);
    assert.equal(result.pass, true);
  });
});

test('a total exactly on the budget passes', () => {
  withFiles({ 'a.js': incompressible(1_000, 3) }, ([path]) => {
    const { totalGzipBytes } = measure([path]);
    assert.equal(measure([path], totalGzipBytes).pass, true);
    assert.equal(measure([path], totalGzipBytes - 1).pass, false);
  });
});

test('an unknown option or a malformed budget is a usage error, exit code 2', () => {
  assert.equal(quietly(() => main(['--budget=4'])).code, 2);
  assert.equal(quietly(() => main(['--budget-kb=lots'])).code, 2);
});

test('it measures every .js and .mjs file under static/js and static/vendor, and nothing else', () => {
  const files = {
    'attune/web/static/js/live.js': 'x',
    'attune/web/static/js/pacer/clock.mjs': 'x',
    'attune/web/static/vendor/uplot/uPlot.iife.min.js': 'x',
    'attune/web/static/vendor/uplot/LICENSE.md': 'x',
    'attune/web/static/css/site.css': 'x',
    'attune/web/static/js/notes.json': 'x',
    'scripts/tool.js': 'x',
  };
  withFiles(files, (_, root) => {
    const found = shippedFiles(root).map((p) => p.slice(root.length + 1));
    assert.deepEqual(found, [
      'attune/web/static/js/live.js',
      'attune/web/static/js/pacer/clock.mjs',
      'attune/web/static/vendor/uplot/uPlot.iife.min.js',
    ]);
  });
});

test('a missing static folder measures nothing instead of failing', () => {
  withFiles({ 'attune/web/static/js/app.js': 'x' }, (_, root) => {
    assert.equal(shippedFiles(root).length, 1);
  });
});

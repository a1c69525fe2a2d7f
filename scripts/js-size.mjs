#!/usr/bin/env node
// Gzipped size of the JavaScript attune ships, against a budget.
//
//   node scripts/js-size.mjs                 # every .js/.mjs under static/js and static/vendor
//   node scripts/js-size.mjs a.js b.js ...   # just these files (e.g. what one page loads)
//   node scripts/js-size.mjs --budget-kb=60 ...
//
// Prints each file's raw and gzipped size and the total, then PASS or FAIL against the budget
// (default 100 KB = 100 000 bytes gzipped, in total). Exits 1 on FAIL, 2 on a usage error.
// Gzip runs at level 9, as for precompressed static files.
//
// Reusable: `import { measure, shippedFiles, BUDGET_BYTES } from './js-size.mjs'`.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

export const BUDGET_BYTES = 100_000;
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SHIPPED_DIRS = ['attune/web/static/js', 'attune/web/static/vendor'];

/** Gzipped size in bytes of a buffer or string. */
export function gzipBytes(content) {
  return gzipSync(content, { level: constants.Z_BEST_COMPRESSION }).length;
}

/** Every .js / .mjs file under the shipped static directories, sorted. */
export function shippedFiles(root = REPO_ROOT) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.m?js$/.test(e.name)) out.push(p);
    }
  };
  for (const d of SHIPPED_DIRS) walk(join(root, d));
  return out.sort();
}

/**
 * Measure files. Returns `{files: [{path, bytes, gzipBytes}], totalBytes, totalGzipBytes,
 * budgetBytes, pass}`.
 */
export function measure(paths, budgetBytes = BUDGET_BYTES) {
  const files = paths.map((path) => {
    if (!statSync(path).isFile()) throw new Error(`${path} is not a file`);
    const content = readFileSync(path);
    return { path, bytes: content.length, gzipBytes: gzipBytes(content) };
  });
  const totalBytes = files.reduce((a, f) => a + f.bytes, 0);
  const totalGzipBytes = files.reduce((a, f) => a + f.gzipBytes, 0);
  return { files, totalBytes, totalGzipBytes, budgetBytes, pass: totalGzipBytes <= budgetBytes };
}

/** Human-readable report of a `measure()` result. */
export function formatReport(result, root = REPO_ROOT) {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  const rows = result.files.map((f) => [relative(root, f.path) || f.path, kb(f.bytes), kb(f.gzipBytes)]);
  rows.push(['total', kb(result.totalBytes), kb(result.totalGzipBytes)]);
  const w = Math.max(...rows.map((r) => r[0].length), 4);
  const lines = [`${'file'.padEnd(w)}  ${'raw'.padStart(9)}  ${'gzip'.padStart(9)}`];
  for (const [name, raw, gz] of rows) lines.push(`${name.padEnd(w)}  ${raw.padStart(9)}  ${gz.padStart(9)}`);
  lines.push(
    `${result.pass ? 'PASS' : 'FAIL'}: ${kb(result.totalGzipBytes)} gzipped ` +
      `${result.pass ? 'within' : 'over'} the budget of ${kb(result.budgetBytes)}`,
  );
  return lines.join('\n');
}

export function main(argv = process.argv.slice(2)) {
  let budget = BUDGET_BYTES;
  const paths = [];
  for (const arg of argv) {
    const m = /^--budget-kb=(\d+(?:\.\d+)?)$/.exec(arg);
    if (m) budget = Number(m[1]) * 1000;
    else if (arg.startsWith('--')) {
      console.error(`unknown option ${arg}\nusage: node scripts/js-size.mjs [--budget-kb=N] [files...]`);
      return 2;
    } else paths.push(resolve(arg));
  }
  const files = paths.length > 0 ? paths : shippedFiles();
  if (files.length === 0) {
    console.error('no JavaScript files found');
    return 2;
  }
  const result = measure(files, budget);
  console.log(formatReport(result));
  return result.pass ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}

// Small helpers shared by the benchmark parts: statistics, a seeded PRNG, formatting, child processes.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** mulberry32: a tiny seeded PRNG, so a run's click times can be reproduced from its seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Linear-interpolated quantile of an unsorted array (q in [0, 1]). */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
export const median = (values) => quantile(values, 0.5);
export const mean = (values) => values.reduce((s, v) => s + v, 0) / values.length;

export const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
export const ms = (value) => `${Math.round(value)} ms`;
export const progress = (part, text) => process.stderr.write(`[bench:${part}] ${text}\n`);

/**
 * Runs `node [flags] bench/<file>` in a fresh process and resolves with the JSON it prints last on stdout.
 * Its stderr (progress lines) goes straight to ours.
 */
export function runPart(file, { flags = [], args = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, fileURLToPath(new URL(file, import.meta.url)), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${file} exited with code ${code}`));
      const last = out.trim().split('\n').at(-1);
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${file} printed no JSON result: ${out.slice(-500)}`));
      }
    });
  });
}

/** Prints a part's result as the last stdout line (what runPart reads) when run as a child. */
export const emit = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);

/**
 * The built package's folder. `npm run bench` builds once and copies dist/ to bench/.snapshot/, so a
 * rebuild during the run (another terminal, a watcher) cannot pull the files from under a part.
 */
export const DIST = process.env.BENCH_DIST ?? `${ROOT}dist`;
export const importSdk = () => import(`${DIST}/index.js`);
export const importTesting = () => import(`${DIST}/testing.js`);

/** The version in `node_modules/<name>/package.json` (what the run measured), or null when not installed. */
export function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

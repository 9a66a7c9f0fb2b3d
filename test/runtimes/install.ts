// Node 22, Bun, Deno and workerd come from npm (test/runtimes/package.json, pinned by its lockfile), not
// from the root install, so contributors who never run this matrix do not download ~500 MB. Installed on
// first use and kept until the lockfile changes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { run } from '../package/consumer.js';

const folder = import.meta.dirname;
const stamp = join(folder, 'node_modules', '.installed-lock-sha256');

/** Path of a runtime's executable, e.g. `bin('deno')`. */
export const bin = (name: 'node' | 'bun' | 'deno' | 'workerd'): string => join(folder, 'node_modules', '.bin', name);

/** Runs `npm ci` in test/runtimes unless node_modules already matches its package-lock.json. */
export function installRuntimes(): void {
  const lock = createHash('sha256').update(readFileSync(join(folder, 'package-lock.json'))).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return;
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], folder);
  writeFileSync(stamp, lock);
}

/** How a worker is bundled for workerd (what wrangler does): ESM, no Node platform, the worker conditions first. */
export const WORKER_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  metafile: true,
  logLevel: 'silent',
} as const satisfies BuildOptions;

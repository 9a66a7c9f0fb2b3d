// The plain `Tests:` line CI reads must not say "0 failed" for a run vitest failed. Each fixture of
// test/fixtures/summary/ is run by a real vitest process with only the plain reporter, and the line it
// prints and the exit code are read back.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const VITEST = resolve(root, 'node_modules/vitest/vitest.mjs');
const CONFIG = resolve(root, 'test/fixtures/summary/vitest.config.ts');

/** Runs vitest on one fixture file; resolves with its last stdout line and its exit code. */
async function runFixture(name: string): Promise<{ line: string; code: number }> {
  const args = [VITEST, 'run', '--config', CONFIG, `${name}.fixture.ts`];
  const outcome = await promisify(execFile)(process.execPath, args, { cwd: root, env: { ...process.env, CI: 'true' } }).then(
    ({ stdout }) => ({ stdout, code: 0 }),
    (error: { stdout?: string; code?: number }) => ({ stdout: error.stdout ?? '', code: error.code ?? -1 }),
  );
  return { line: outcome.stdout.trim().split('\n').at(-1) ?? '', code: outcome.code };
}

describe.concurrent('the plain summary line', () => {
  it.each([
    ['passes', 'Tests: 1 passed, 0 failed, 1 skipped', 0],
    ['failing-test', 'Tests: 0 passed, 1 failed, 0 skipped', 1],
    // Vitest fails these runs though no test failed: the line counts what failed instead.
    ['unhandled-rejection', 'Tests: 1 passed, 1 failed, 0 skipped', 1],
    ['broken-import', 'Tests: 0 passed, 1 failed, 0 skipped', 1],
    ['failing-hook', 'Tests: 1 passed, 1 failed, 1 skipped', 1],
  ])('%s: prints "%s" and exits with %i', async (fixture, line, code) => {
    await expect(runFixture(fixture)).resolves.toEqual({ line, code });
  }, 60_000);
});

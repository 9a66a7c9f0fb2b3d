import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/browser/fixtures/chromium.js';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };

// The layers of tests, one vitest project each (the file name says the layer):
//   unit      test/**/*.test.ts            in process: msw, the emulator, fake timers (`npm test`, seconds)
//   fuzz      the property-based files     the same files as unit, at their full number of runs
//   browser   test/**/*.browser.test.ts    in a Chromium page (vitest browser mode)
//   soak      test/**/*.soak.test.ts      the chaos soak: ~30 s of random faults on a fixed seed (bench/chaos-core.mjs)
//   e2e       test/**/*.e2e.test.ts        driven from Node: Playwright pages, CLI and example processes
//   package   test/package/**              the packed tarball installed in a throwaway consumer
//   runtimes  test/runtimes/**             the packed tarball on Node 22, Bun, Deno and workerd (~500 MB, cached)
// `vitest run` with no --project runs them all in one run, so one plain `Tests:` line sums every layer.
const LAYERED = ['test/**/*.browser.test.ts', 'test/**/*.e2e.test.ts', 'test/**/*.soak.test.ts', 'test/package/**', 'test/runtimes/**'];
const FUZZ = ['test/reliability/fuzz.test.ts', 'test/reliability/abort-races.test.ts'];
// Layers that run what `npm run build` produces (the global setup builds dist/ when a source is newer) in
// other processes: starting Node or Chromium takes seconds on a busy 2-core machine, hence the longer limits.
const PROCESSES = { environment: 'node', globalSetup: ['./test/global-setup.ts'], testTimeout: 30_000, hookTimeout: 120_000 };

export default defineConfig({
  define: { __SDK_VERSION__: JSON.stringify(version) },
  test: {
    reporters: ['default', './test/plain-summary-reporter.ts'],
    projects: [
      {
        extends: true,
        // In-process tests import the package by name (as the examples do) and get the sources, not dist/.
        resolve: {
          alias: {
            'enchanted-link/testing/msw': resolve('src/testing/msw.ts'),
            'enchanted-link/testing': resolve('src/testing/index.ts'),
            'enchanted-link/server': resolve('src/server/index.ts'),
            'enchanted-link/opentelemetry': resolve('src/opentelemetry/index.ts'),
            'enchanted-link/redis': resolve('src/redis/index.ts'),
            'enchanted-link': resolve('src/index.ts'),
          },
        },
        // Worker threads start faster than the default child processes: about a third less CPU for this layer.
        // maxConcurrency: http-faults runs its 11 methods' cases at once (each case waits on real silence
        // for its timeout; 5 at a time made that file ~15 s of waiting). isolate: false reuses a worker across
        // files instead of starting one per file: half the CPU of this layer (user CPU 43 s -> 23 s on
        // 2026-12-03); every file sets up and restores what it changes (fake timers, msw, spies), and the layer
        // passed with the files in shuffled order too (--sequence.shuffle.files).
        test: { name: 'unit', environment: 'node', pool: 'threads', include: ['test/**/*.test.ts'], exclude: LAYERED, maxConcurrency: 12, isolate: false },
      },
      {
        extends: true,
        test: { name: 'fuzz', environment: 'node', pool: 'threads', include: FUZZ, env: { FC_FULL: '1' } },
      },
      // Its own process: the soak counts the process's live timers at the end.
      { extends: true, test: { name: 'soak', environment: 'node', pool: 'forks', include: ['test/**/*.soak.test.ts'] } },
      {
        // In-page behaviour in Debian's Chromium (the multi-tab flows are Playwright tests in `e2e`).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], ...PROCESSES } },
      { extends: true, test: { name: 'package', include: ['test/package/**/*.test.ts'], ...PROCESSES } },
      { extends: true, test: { name: 'runtimes', include: ['test/runtimes/**/*.test.ts'], ...PROCESSES } },
    ],
  },
});

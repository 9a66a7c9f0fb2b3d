// The chaos soak on the build, for as long as asked: `node bench/chaos.mjs [--minutes 10] [--seed N]`
// (default: 1 minute, a seed from the clock, printed first so a failing run can be replayed). As a part
// of `npm run bench` it runs `BENCH_CHAOS_MINUTES` (default 1). See bench/chaos-core.mjs for the faults and
// the invariants; test/reliability/chaos.soak.test.ts runs the same soak on the sources for 30 s in CI.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runSoak } from './chaos-core.mjs';
import { emit, ROOT, progress } from './lib.mjs';
import { fig, target } from './result.mjs';

const arg = (name) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const minutes = Number(arg('minutes') ?? process.env.BENCH_CHAOS_MINUTES ?? 1);
const seed = Number(arg('seed') ?? (Date.now() % 2 ** 31));
const dist = process.env.BENCH_DIST ?? join(ROOT, 'dist');
const sdk = await import(pathToFileURL(join(dist, 'index.js')).href);
const testing = await import(pathToFileURL(join(dist, 'testing.js')).href);

progress('chaos', `seed ${seed}, ${minutes} min (replay: node bench/chaos.mjs --seed ${seed} --minutes ${minutes})`);
const started = Date.now();
const result = await runSoak({ sdk, testing, seed, durationMs: minutes * 60_000, log: (line) => progress('chaos', line) });
const seconds = (Date.now() - started) / 1000;
if (result.violations.length > 0) progress('chaos', `FAILED, replay with --seed ${seed}:\n${result.violations.join('\n')}`);

emit({
  title: 'Chaos soak',
  method: [
    `${minutes} min of 16 workers driving 4 clients, sign-in flows and session keepers (all sharing one RequestBudget of ${result.budget.requests} requests per ${result.budget.windowMs} ms, timeoutMs 2,500) against the in-process emulator, seed ${seed}.`,
    'Faults drawn per request: 429 with hostile Retry-After (delta, 0, negative, fractions, free text, US dates, IMF-fixdates in 2099 and the past), hangs, resets (with AggregateError causes quoting credentials), slow bodies, malformed JSON, error bodies echoing the request and its credentials; 15 % of calls aborted at a random moment.',
    'Invariants: every call settles within its bound + 1 s (a poll: its timeoutMs; another call: 4 × timeoutMs + 10 s; an aborted call: its abort); no window holds more requests than the budget; no secret in any error, cause or util.inspect output; no timer left and nothing queued at the end.',
  ],
  tables: [
    {
      columns: ['', 'value'],
      rows: [
        ['calls', fig(result.calls)],
        ['requests', fig(result.requests)],
        ['faults injected', fig(Object.values(result.faults).reduce((a, b) => a + b, 0))],
        ['busiest window (requests)', fig(result.busiestWindow)],
        ['worst overrun of a bound', fig(result.worstOverrunMs, 'ms')],
        ['wall time', fig(seconds, 's')],
      ],
    },
  ],
  targets: [target('invariant violations', fig(result.violations.length), fig(0))],
  findings: [
    result.violations.length === 0
      ? `No invariant broke in ${result.calls} calls; the busiest ${result.budget.windowMs} ms window held ${result.busiestWindow} of ${result.budget.requests} allowed requests; the worst call settled ${result.worstOverrunMs} ms after its bound (${result.worstOverrun || 'none'}), within the 1 s margin.`
      : `${result.violations.length} invariant violations (seed ${seed}); first: ${result.violations[0]}`,
  ],
  seeds: { chaos: seed },
});
if (result.violations.length > 0) process.exitCode = 1;

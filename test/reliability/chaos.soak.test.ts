// The chaos soak (bench/chaos-core.mjs) on the sources, with a fixed seed, for about 30 s: many clients,
// flows and keepers sharing one budget against the emulator, with random faults and aborts; it fails on
// the first broken invariant and prints the seed to replay (`SOAK_SEED=<seed> npx vitest run --project soak`,
// or `node bench/chaos.mjs --seed <seed>` on the build). Longer runs: `node bench/chaos.mjs --minutes 10`.
import { expect, it } from 'vitest';
import { runSoak } from '../../bench/chaos-core.mjs';
import * as sdk from '../../src/index.js';
import * as testing from '../../src/testing/index.js';

const seed = Number(process.env.SOAK_SEED ?? 20261203);
const durationMs = Number(process.env.SOAK_MS ?? 30_000);

it(`keeps every invariant under random faults (seed ${seed}, ${durationMs / 1000} s)`, { timeout: durationMs + 120_000 }, async () => {
  const result = await runSoak({ sdk, testing, seed, durationMs, log: (line) => process.stderr.write(`[soak] ${line}\n`) });
  const summary = `seed ${seed}: ${result.calls} calls, ${result.requests} requests, ${result.events} events, busiest window ${result.busiestWindow}/${result.budget.requests}, worst overrun ${result.worstOverrunMs} ms (${result.worstOverrun})`;
  process.stderr.write(`[soak] ${summary}\n[soak] faults ${JSON.stringify(result.faults)}\n[soak] outcomes ${JSON.stringify(result.outcomes)}\n`);
  expect(result.violations, `replay with SOAK_SEED=${seed}\n${summary}`).toEqual([]);
  // Not blind: the run did meet every fault and a fair share of calls.
  expect(Object.values(result.faults).every((count) => count > 0), JSON.stringify(result.faults)).toBe(true);
  expect(result.calls).toBeGreaterThan(100);
  expect(result.events).toBeGreaterThan(result.requests); // every request reported at least its start and end (issue 26)
});

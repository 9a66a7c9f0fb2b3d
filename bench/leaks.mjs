// 4. Leaks: 10,000 pollSession calls aborted at random points (before the call, during a request,
// during a wait) against an in-process fetch stub. Run with --expose-gc in its own process.
import { emit, importSdk, prng, progress } from './lib.mjs';
import { fig, format, target } from './result.mjs';
import { pendingFetch } from './stub-fetch.mjs';

const CALLS = Number(process.env.LEAK_CALLS ?? 10_000);
const BATCH = 500;
const SEED = Number(process.argv.find((a) => a.startsWith('--seed='))?.split('=')[1] ?? 7);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const { EnchantedLinkClient, RequestBudget } = await importSdk();
const random = prng(SEED);
// Unlimited budget: the polls must reach the fetch to be aborted mid-request, not wait in the budget's queue.
const client = new EnchantedLinkClient({
  projectId: 'P2bench00000000000000000000',
  fetch: pendingFetch(random),
  requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
});
const outcomes = { abortedBeforeCall: 0, aborted: 0, settledOtherwise: 0 };
const reason = new Error('bench abort');

async function oneCall() {
  const controller = new AbortController();
  const abortAfter = random() * 30; // ms: lands in a request (0–2 ms) or a wait (3–6 ms) or between
  if (abortAfter < 1.5) controller.abort(reason);
  else setTimeout(() => controller.abort(reason), abortAfter);
  try {
    await client.pollSession('bench-pending-ref', { signal: controller.signal, intervalMs: 3, maxIntervalMs: 6 });
    outcomes.settledOtherwise++;
  } catch (error) {
    if (error !== reason) throw error;
    if (abortAfter < 1.5) outcomes.abortedBeforeCall++;
    else outcomes.aborted++;
  }
}

const settle = async () => {
  // Let due timer callbacks run, and let weak references and finalizers (AbortSignal.any keeps its
  // dependants in them) be cleared: several rounds of a full GC and a macrotask.
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    globalThis.gc();
  }
};
const resources = () => process.getActiveResourcesInfo().sort();

// Warm up (module code, JIT, ky's lazy state) so the baseline is not flattered by first-use allocations.
for (let i = 0; i < BATCH; i++) await oneCall();
await settle();
for (const key of Object.keys(outcomes)) outcomes[key] = 0;
const before = process.memoryUsage();
const resourcesBefore = resources();
for (let done = 0; done < CALLS; done += BATCH) {
  await Promise.all(Array.from({ length: BATCH }, oneCall));
  if ((done + BATCH) % 2_000 === 0) progress('leaks', `${done + BATCH}/${CALLS} aborted polls`);
}
await settle();
const after = process.memoryUsage();
const resourcesAfter = resources();
// Anything in the "after" list that the "before" list did not have is left behind by the calls.
const left = [...resourcesAfter];
for (const r of resourcesBefore) left.splice(left.indexOf(r), 1);
const heapGrowth = after.heapUsed - before.heapUsed;
emit({
  title: 'Leaks',
  method: [
    `${CALLS.toLocaleString('en')} \`pollSession\` calls (batches of ${BATCH} in parallel, after a warm-up of ${BATCH}) against an in-process stub
that answers "not clicked yet" after 0–2 ms and honours the abort signal, each with \`intervalMs: 3, maxIntervalMs: 6\` and aborted
at a random point 0–30 ms after the call: ${outcomes.abortedBeforeCall} before the call started, ${outcomes.aborted} during a request or a wait,
${outcomes.settledOtherwise} settled otherwise. Own process with \`--expose-gc\`; heap measured after five rounds of \`gc()\` and a macrotask,
before and after. Active resources from \`process.getActiveResourcesInfo()\`.`,
  ],
  tables: [
    {
      columns: ['heap growth', 'RSS growth', 'resources after', 'new since before'],
      rows: [[fig(heapGrowth / 1024, 'KB'), fig((after.rss - before.rss) / 2 ** 20, 'MB'), resourcesAfter.join(', ') || 'none', left.join(', ') || 'none']],
    },
  ],
  targets: [
    target('Heap growth', fig(heapGrowth / 2 ** 20, 'MB', 2), fig(1, 'MB', 2)),
    target('Timers, sockets or handles left behind', fig(left.length, ''), fig(0, '')),
  ],
  findings: [
    `Heap growth per call: ${format(fig(heapGrowth / CALLS, 'B'))}.`,
    `RSS grew ${format(fig((after.rss - before.rss) / 2 ** 20, 'MB'))} (memory V8 keeps from the peak, not live objects).`,
  ],
  seeds: { leaks: SEED },
});

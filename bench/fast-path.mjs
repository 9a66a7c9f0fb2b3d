// 3b. Same-browser fast path: the user clicks the link in the same browser, whose verify page
// (verifyFromUrl, in a worker thread standing in for the second tab) announces the verify on a
// BroadcastChannel, and the waiting pollSession polls at once. Detection latency is measured from the
// start of the verify request to the poll promise settling. Users run one after another, since one
// browser's announcement wakes every poll waiting in it. Pending while the main entry has no verifyFromUrl.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { DIST, emit, mean, median, prng, progress, quantile } from './lib.mjs';
import { fig, target } from './result.mjs';

const PENDING_PATH = '/v1/auth/enchantedlink/pending-session';
const USERS = Number(process.env.FAST_USERS ?? 20);
const SEED = Number(process.argv.find((a) => a.startsWith('--seed='))?.split('=')[1] ?? 20261125);

const sdk = await import(`${DIST}/index.js`);
if (typeof sdk.verifyFromUrl !== 'function') {
  emit({ title: 'Same-browser fast path', method: [], pending: 'the main entry exports no verifyFromUrl' });
  process.exit(0);
}
// This thread is the tab that waits: give it a `document` so the fast path is switched on.
globalThis.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
const { createEmulator } = await import(`${DIST}/testing.js`);
// Many simulated users share 127.0.0.1; in production each would be its own client (IP).
const emulator = createEmulator({ rateLimit: false });
const server = await emulator.listen();
// Unlimited budget for the same reason: one client stands for many browsers, each with its own budget.
const client = new sdk.EnchantedLinkClient({
  projectId: emulator.projectId,
  baseUrl: server.url,
  requestBudget: new sdk.RequestBudget({ requests: Number.POSITIVE_INFINITY }),
});
const tab = new Worker(new URL('verify-tab.mjs', import.meta.url), {
  workerData: { dist: DIST, projectId: emulator.projectId, baseUrl: server.url },
});
await once(tab, 'message');

const random = prng(SEED);
const latencies = [];
const requests = [];
progress('fast-path', `seed ${SEED}: ${USERS} users, one after another, clicking 2–8 s after the send`);
for (let i = 0; i < USERS; i++) {
  const loginId = `fast${i}@bench.example`;
  const { pendingRef } = await client.signInOrUp(loginId);
  let settledAt;
  const settled = client.pollSession(pendingRef).then(() => (settledAt = performance.timeOrigin + performance.now()));
  await new Promise((resolve) => setTimeout(resolve, 2_000 + random() * 6_000));
  const link = emulator.lastEmail(loginId).links.find((l) => l.correct);
  tab.postMessage({ id: i, url: link.url });
  const [verified] = await once(tab, 'message');
  if (!verified.ok) throw new Error(`verify failed: ${verified.error}`);
  await settled;
  latencies.push(settledAt - verified.started);
  requests.push(emulator.requests.filter((r) => r.path === PENDING_PATH && r.body?.pendingRef === pendingRef).length);
  progress('fast-path', `user ${i + 1}/${USERS}: detected ${Math.round(latencies.at(-1))} ms after the verify started`);
}
await tab.terminate();
await server.close();
const median_ = median(latencies);
emit({
  title: 'Same-browser fast path',
  method: [
    `The SDK switches its same-browser wake-up on only where a page exists (\`typeof document === 'object'\` and
\`BroadcastChannel\`). Here the polling thread and a worker thread (the "verify tab") get a minimal \`document\` (an
\`EventTarget\` with \`visibilityState: 'visible'\`); Node's \`BroadcastChannel\` carries the message between the threads as
between two tabs. The verify tab calls \`verifyFromUrl(client, { url, acceptMailScannerRisk: true })\` with the emailed link (a worker has no
button for the person's click, which is not part of what is measured); the waiting \`pollSession\`
(defaults) is woken by its announcement. Latency runs from the start of the verify request (so it includes the verify round
trip) to the poll promise settling. ${USERS} users run one after another, clicking 2–8 s after the send (seeded PRNG), since one
browser's announcement wakes every poll waiting in that browser. \`visibilitychange\` is not exercised.`,
  ],
  tables: [
    {
      columns: ['users', 'detection median', 'detection p95', 'poll requests per login'],
      rows: [[USERS, fig(median_, 'ms'), fig(quantile(latencies, 0.95), 'ms'), fig(mean(requests), '', 1)]],
    },
  ],
  targets: [target('Median same-browser detection', fig(median_, 'ms'), fig(300, 'ms'))],
  seeds: { 'fast path': SEED },
});

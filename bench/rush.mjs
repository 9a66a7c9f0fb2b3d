// 7. Many sign-ins from one server. N users (10, 100, 1,000) start signing in within 10 s from one process
// (one IP address), each clicks the right link 20 to 60 s after the email (seeded), and the server polls
// for all of them, against the emulator with Descope's documented limit for direct API calls: 100 requests
// per 60 s per IP, then 429 with Retry-After for 60 s. Ours: one client with the default RequestBudget;
// @descope/core-js-sdk: signUpOrIn + waitForSession at its default 1 s. Both give up on a sign-in after 5
// minutes (the links' lifetime) and retry a send answered 429 after Retry-After.
//
// Simulated time (bench/sim-clock.mjs): 1,000 sign-ins at 100 requests a minute take about 20 minutes of
// clock time, so timers and Date.now are simulated, and the emulator runs in process (its fetch). Latencies
// are simulated milliseconds; the event-loop delay is real: the work each simulated instant fires at once.
import { emit, importSdk, importTesting, median, prng, progress, quantile } from './lib.mjs';
import { fig, target } from './result.mjs';
import { installSimulatedClock } from './sim-clock.mjs';

const clock = installSimulatedClock();
const { EnchantedLinkClient, RequestBudget, RateLimitError } = await importSdk();
const { createEmulator } = await importTesting();
const { default: createSdk } = await import('@descope/core-js-sdk');

const SIZES = (process.env.RUSH_SIZES ?? '10,100,1000').split(',').map(Number);
const SEED = Number(process.env.RUSH_SEED ?? 20261202);
const LIMIT = { requests: 100, windowMs: 60_000, blockMs: 60_000 };
const LINK_TTL = 300_000;
const VERIFY = '/v1/auth/enchantedlink/verify';
const ARRIVALS_MS = 10_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One user of `sdk`: send (again after Retry-After on a 429), click later, wait for the session. */
async function signIn(sdk, env, i, random) {
  const loginId = `u${i}@rush.example`;
  await sleep(random() * ARRIVALS_MS);
  const arrived = Date.now();
  let pendingRef;
  while (!pendingRef) {
    if (sdk === 'ours') {
      try {
        ({ pendingRef } = await env.client.signInOrUp(loginId));
      } catch (error) {
        if (!(error instanceof RateLimitError)) throw error;
        await sleep(Math.max(1, error.retryAfter) * 1000);
      }
    } else {
      const sent = await env.sdk.enchantedLink.signUpOrIn(loginId);
      if (sent.ok) ({ pendingRef } = sent.data);
      else if (sent.code === 429) await sleep(Math.max(1, Number(sent.error?.retryAfter) || 1) * 1000);
      else throw new Error(`core-js-sdk send failed: ${JSON.stringify(sent.error)}`);
    }
  }
  const sentAt = Date.now();
  const clickAt = sentAt + 20_000 + random() * 40_000;
  const clicked = sleep(clickAt - sentAt).then(() => env.emulator.click(loginId));
  let ok;
  if (sdk === 'ours') {
    ok = await env.client.pollSession(pendingRef, { timeoutMs: LINK_TTL }).then(
      () => true,
      () => false,
    );
  } else {
    ok = (await env.sdk.enchantedLink.waitForSession(pendingRef, { timeoutMs: LINK_TTL })).ok;
  }
  const doneAt = Date.now();
  await clicked;
  return { ok, latency: doneAt - clickAt, sendWait: sentAt - arrived };
}

async function run(sdk, users) {
  // The emulator's rate limit counts every request of its fetch as one client: one IP address.
  const emulator = createEmulator({ linkTtlMs: LINK_TTL, rateLimit: LIMIT });
  // A zero-latency network: the simulated clock waits for every answer (issuing a session signs JWTs in real time).
  let inFlight = 0;
  const fetch = (input, init) => {
    inFlight++;
    return emulator.fetch(input, init).finally(() => inFlight--);
  };
  const env = {
    emulator,
    client: new EnchantedLinkClient({ projectId: emulator.projectId, fetch, requestBudget: new RequestBudget() }),
    sdk: createSdk({ projectId: emulator.projectId, baseUrl: emulator.baseUrl, fetch, logger: undefined }),
  };
  const random = prng(SEED + users);
  clock.batches.length = 0;
  clock.cpuBatches.length = 0;
  const realStart = performance.now();
  let settled = 0;
  const results = Promise.all(Array.from({ length: users }, (_, i) => signIn(sdk, env, i, random).finally(() => settled++)));
  const simulatedMs = await clock.run(() => settled === users, 60 * 60_000, () => inFlight > 0);
  const outcomes = await results;
  // The clicks (another device, through emulator.click) are logged too: only the SDK's requests count.
  const sent = emulator.requests.filter((r) => r.path !== VERIFY);
  const done = outcomes.filter((o) => o.ok);
  const latencies = done.map((o) => o.latency);
  return {
    sdk,
    users,
    completed: done.length,
    limited: sent.filter((r) => r.status === 429).length,
    requests: sent.length,
    latencyMedian: median(latencies),
    latencyP95: quantile(latencies, 0.95),
    sendWaitMedian: median(outcomes.map((o) => o.sendWait)),
    eventLoopP99: quantile(clock.batches, 0.99),
    eventLoopCpuP99: quantile(clock.cpuBatches, 0.99),
    simulatedSeconds: simulatedMs / 1000,
    realSeconds: (performance.now() - realStart) / 1000,
  };
}

// Warm-up (JIT, first-use initialisation of ky, zod and the emulator), not reported.
await run('ours', 5);
await run('core-js-sdk', 5);
const rows = [];
for (const users of SIZES) {
  for (const sdk of ['ours', 'core-js-sdk']) {
    const result = await run(sdk, users);
    rows.push(result);
    progress(
      'rush',
      `${sdk} ${users} sign-ins: ${result.completed} completed, ${result.limited} × 429, latency median ${Math.round(result.latencyMedian)} ms ` +
        `p95 ${Math.round(result.latencyP95)} ms, event loop p99 ${result.eventLoopP99.toFixed(1)} ms (CPU ${result.eventLoopCpuP99.toFixed(1)} ms) (${result.realSeconds.toFixed(1)} s real)`,
    );
  }
}
clock.uninstall();

const label = (r) => (r.sdk === 'ours' ? 'enchanted-link, default RequestBudget' : 'core-js-sdk waitForSession (1 s)');
const ours = rows.filter((r) => r.sdk === 'ours');
const theirs = rows.filter((r) => r.sdk !== 'ours');
emit({
  title: 'Many sign-ins from one server (simulated time)',
  method: [
    `N users start signing in within ${ARRIVALS_MS / 1000} s from one process and click the right link 20 to 60 s after the email (seed ${SEED}). ` +
      `The emulator runs in process behind Descope's documented limit for one IP address: ${LIMIT.requests} requests per ${LIMIT.windowMs / 1000} s, ` +
      `then 429 with Retry-After for ${LIMIT.blockMs / 1000} s. Every request counts: sends, polls (clicks come from the users' devices and do not). ` +
      `Both SDKs give up on a sign-in after ${LINK_TTL / 60_000} minutes (the links' lifetime) and send again after Retry-After when a send is refused.`,
    'Simulated time: timers and Date.now jump from one due timer to the next (bench/sim-clock.mjs), so 20 minutes of sign-ins take seconds. ' +
      'Latency (click to session) and the wait for the send are simulated time. The event-loop delay is real: all timers due at one simulated instant run in one batch, ' +
      'as in a real event loop, and the figure is the p99 of the real time each batch (its timers and the promise chains they start) kept the event loop busy: ' +
      'how long any other callback of that server would have waited. The machine is shared, so the CPU time of those batches (this process only) is given too. A warm-up run of 5 sign-ins per SDK comes first.',
  ],
  tables: [
    {
      columns: ['SDK', 'sign-ins', 'completed', '429s received', 'requests sent', 'latency median', 'latency p95', 'send wait median', 'event loop p99', 'its CPU time p99', 'simulated'],
      rows: rows.map((r) => [
        label(r),
        r.users,
        r.completed,
        r.limited,
        r.requests,
        fig(r.latencyMedian / 1000, 's', 1),
        fig(r.latencyP95 / 1000, 's', 1),
        fig(r.sendWaitMedian / 1000, 's', 1),
        fig(r.eventLoopP99, 'ms', 1),
        fig(r.eventLoopCpuP99, 'ms', 1),
        fig(r.simulatedSeconds / 60, 'min', 1),
      ]),
    },
  ],
  targets: ours
    .filter((r) => r.users <= 100)
    .map((r) => target(`429s received by ours, ${r.users} sign-ins`, fig(r.limited, ''), fig(0, ''))),
  findings: [
    ...ours.map((r) => {
      const peer = theirs.find((t) => t.users === r.users);
      return (
        `${r.users} sign-ins: ours completed ${r.completed} with ${r.limited} 429s (median latency ${(r.latencyMedian / 1000).toFixed(1)} s, p95 ${(r.latencyP95 / 1000).toFixed(1)} s); ` +
        `core-js-sdk completed ${peer?.completed} with ${peer?.limited} 429s (median ${((peer?.latencyMedian ?? Number.NaN) / 1000).toFixed(1)} s).`
      );
    }),
  ],
  seeds: { rush: SEED },
});

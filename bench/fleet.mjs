// Fleet rush: how many sign-ins one egress IP serves, and how fast. Three instances of an app (each its
// own server kit, Redis connection and RequestBudget: the default 90 requests per 60 s, over one shared
// RedisBudgetStore, and a RedisStore for the sign-ins) behind one IP address, against the in-process
// emulator with Descope's documented limit for that address (100 requests per 60 s, then 429 for 60 s).
// N people start at once (spread over 10 s), each on one instance; their page long-polls /status on the
// next instance, and they type the number on the confirm page of the third 10 to 30 s after the email
// (seeded). Measured: the detection time (the confirm page's answer → /status answers signed_in), the
// wait for /start, the requests per 60 s the emulator saw (most in any sliding window) and its 429s.
//
// Real time, real Redis: the store's point is Redis's own clock (`TIME`), which no simulated clock can
// move, so this part takes minutes (about 8 for the default sizes). `FLEET_SIZES=10,25` picks others;
// `FLEET_LOCAL=0` skips the comparison run without the shared store.
import { createClient } from 'redis';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { DIST, emit, importSdk, importTesting, median, prng, progress, quantile } from './lib.mjs';
import { fig } from './result.mjs';

const { RequestBudget } = await importSdk();
const { createEmulator } = await importTesting();
const { createServerKit, MemoryStore } = await import(`${DIST}/server.js`);
const { RedisStore, RedisBudgetStore } = await import(`${DIST}/redis.js`);

// Sizes, from reasoning rather than fitting: 10 is an ordinary busy moment; 25 sign-ins (a send, a verify
// and a few polls each) about fill one window of the budget; 50 need two windows for their sends and
// verifies alone; 100 is a rush whose sends alone exceed the per-IP limit for a minute.
const SIZES = (process.env.FLEET_SIZES ?? '10,25,50,100').split(',').map(Number);
const LOCAL = process.env.FLEET_LOCAL === '0' ? [] : [50];
const INSTANCES = 3;
const SEED = Number(process.env.FLEET_SEED ?? 20261203);
const ARRIVALS_MS = 10_000;
const READING_MS = [10_000, 30_000];
const GIVE_UP_MS = 6 * 60_000;
const ORIGIN = 'https://app.example.com';
const SECRET = 'fleet-bench-secret-of-enough-length-0123456789';
const LIMIT = { requests: 100, windowMs: 60_000, blockMs: 60_000 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A person's browser: its cookies, and the headers of a same-origin page. */
function browser() {
  const cookies = new Map();
  return async (kit, path, { json, form } = {}) => {
    const headers = new Headers();
    if (cookies.size) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    let body;
    if (json || form) {
      headers.set('origin', ORIGIN);
      headers.set('sec-fetch-site', 'same-origin');
      headers.set('content-type', json ? 'application/json' : 'application/x-www-form-urlencoded');
      body = json ? JSON.stringify(json) : new URLSearchParams(form).toString();
    }
    const response = await kit.handle(new Request(new URL(path, ORIGIN), { method: body ? 'POST' : 'GET', headers, body }));
    for (const cookie of response.headers.getSetCookie()) {
      const [name, ...value] = cookie.split(';')[0].split('=');
      cookies.set(name, value.join('='));
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
}

const hiddenFields = (html) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [name, value.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))]));

/** One person: start on one instance (again after Retry-After when refused), poll on the next, confirm on the third. */
async function person(env, i, random) {
  const [starts, polls, confirms] = [0, 1, 2].map((k) => env.kits[(i + k) % INSTANCES]);
  const email = `u${i}@fleet.example`;
  const send = browser();
  await sleep(random() * ARRIVALS_MS);
  const arrived = Date.now();
  const readingMs = READING_MS[0] + random() * (READING_MS[1] - READING_MS[0]);
  let started;
  while (!started) {
    if (Date.now() - arrived > GIVE_UP_MS) return { ok: false, reason: 'start' };
    const answer = await send(starts, '/auth/start', { json: { email } });
    if (answer.status === 200) started = answer.json;
    else if (answer.status === 429) await sleep(Math.max(1, Number(answer.headers.get('retry-after')) || 1) * 1000);
    else return { ok: false, reason: `start ${answer.status}` };
  }
  const startMs = Date.now() - arrived;
  let confirmedAt;
  let confirmMs;
  const confirming = (async () => {
    await sleep(readingMs);
    const link = env.emulator.lastEmail(email).links.find(({ correct }) => correct);
    const phone = browser();
    const url = new URL(link.url);
    const asked = Date.now();
    // A 429 page ("nothing was confirmed, open the link again in N s"): the person does as it says.
    for (;;) {
      const page = await phone(confirms, `${url.pathname}${url.search}`);
      const answer = await phone(confirms, '/auth/confirm', { form: { ...hiddenFields(page.text), number: started.linkId } });
      if (answer.status !== 429) {
        confirmedAt = Date.now();
        confirmMs = confirmedAt - asked;
        return answer.status;
      }
      env.confirmRetries++;
      await sleep(Math.max(1, Number(answer.headers.get('retry-after')) || 1) * 1000);
    }
  })();
  let status;
  while (!status) {
    if (Date.now() - arrived > GIVE_UP_MS) return { ok: false, reason: 'status' };
    const answer = await send(polls, '/auth/status', { json: { handle: started.handle } });
    if (answer.status === 200 && answer.json.status === 'signed_in') status = 'signed_in';
    else if (answer.status === 429) await sleep(Math.max(1, Number(answer.headers.get('retry-after')) || 1) * 1000);
    else if (answer.status !== 200) return { ok: false, reason: `status ${answer.status} ${answer.json?.error}` };
  }
  const detectedAt = Date.now();
  const confirmStatus = await confirming;
  return { ok: confirmStatus === 200, startMs, confirmMs, detectionMs: detectedAt - confirmedAt };
}

/** The most requests in any window of `windowMs`. */
function busiest(times, windowMs) {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

async function run(server, users, shared) {
  const emulator = createEmulator({ rateLimit: LIMIT });
  const connections = await Promise.all(Array.from({ length: INSTANCES }, () => createClient({ url: server.url }).connect()));
  await connections[0].flushAll();
  const memory = new MemoryStore();
  const kits = connections.map((redis) =>
    createServerKit({
      projectId: emulator.projectId,
      fetch: emulator.fetch,
      secret: SECRET,
      publicUrl: ORIGIN,
      // Without the shared budget store the comparison run still shares the sign-ins (so it measures the budget alone).
      store: shared ? new RedisStore(redis) : memory,
      requestBudget: new RequestBudget(shared ? { store: new RedisBudgetStore(redis) } : {}),
      limits: { perIp: Number.POSITIVE_INFINITY, perAddress: Number.POSITIVE_INFINITY },
    }),
  );
  const random = prng(SEED + users);
  const started = Date.now();
  const env = { emulator, kits, confirmRetries: 0 };
  const outcomes = await Promise.all(Array.from({ length: users }, (_, i) => person(env, i, random)));
  const seconds = (Date.now() - started) / 1000;
  for (const redis of connections) redis.destroy();
  const done = outcomes.filter((o) => o.ok);
  const times = emulator.requests.map((r) => r.at);
  return {
    users,
    shared,
    completed: done.length,
    failed: [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.reason))],
    detectionP50: median(done.map((o) => o.detectionMs)),
    detectionP95: quantile(done.map((o) => o.detectionMs), 0.95),
    confirmP50: median(done.map((o) => o.confirmMs)),
    confirmP95: quantile(done.map((o) => o.confirmMs), 0.95),
    confirmRetries: env.confirmRetries,
    startP50: median(done.map((o) => o.startMs)),
    startP95: quantile(done.map((o) => o.startMs), 0.95),
    requests: times.length,
    busiest: busiest(times, LIMIT.windowMs),
    limited: emulator.requests.filter((r) => r.status === 429).length,
    seconds,
  };
}

const server = await startRedisServer();
// Interrupted (Ctrl-C, a killed run): stop the redis-server this part started rather than orphan it.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.stop().finally(() => process.exit(130)));
const rows = [];
try {
  for (const [users, shared] of [...SIZES.map((n) => [n, true]), ...LOCAL.map((n) => [n, false])]) {
    progress('fleet', `${users} sign-ins on ${INSTANCES} instances, ${shared ? 'one budget over Redis' : 'a budget each (no store)'}…`);
    const row = await run(server, users, shared);
    rows.push(row);
    progress(
      'fleet',
      `  ${row.completed}/${users} signed in, detection p50 ${(row.detectionP50 / 1000).toFixed(1)} s p95 ${(row.detectionP95 / 1000).toFixed(1)} s, ` +
        `start p50 ${(row.startP50 / 1000).toFixed(1)} s p95 ${(row.startP95 / 1000).toFixed(1)} s, confirm p95 ${(row.confirmP95 / 1000).toFixed(1)} s (${row.confirmRetries} × 429 page), busiest 60 s ${row.busiest}, 429 × ${row.limited} (${row.seconds.toFixed(0)} s)` +
        (row.failed.length ? `, failed: ${row.failed.join(', ')}` : ''),
    );
  }
} finally {
  await server.stop();
}

const s = (value) => fig(value / 1000, 's', 1);
const sharedRows = rows.filter((r) => r.shared);
const local = rows.find((r) => !r.shared);
emit({
  title: 'How many sign-ins one egress IP serves (a fleet, real time)',
  method: [
    `${INSTANCES} instances of an app, each its own server kit (\`createServerKit\`), node-redis connection and \`RequestBudget\` (the default 90 requests per 60 s) over one ` +
      '`RedisBudgetStore`, the sign-ins in a `RedisStore`, all on one real redis-server; Descope is the in-process emulator with its documented per-IP limit ' +
      `(${LIMIT.requests} requests per ${LIMIT.windowMs / 1000} s, then 429 for ${LIMIT.blockMs / 1000} s), every instance counting as the same IP address.`,
    `N people arrive within ${ARRIVALS_MS / 1000} s; each starts on one instance (again after Retry-After when the kit answers 429), long-polls /status on the next, ` +
      `and types the number on the confirm page of the third ${READING_MS[0] / 1000} to ${READING_MS[1] / 1000} s after the email (seed ${SEED}). ` +
      'Detection is from the confirm page\u2019s answer (verify done) to /status answering signed_in; start is from arrival to /start answering 200; ' +
      'confirm is from opening the link to the confirm page\u2019s answer, again after Retry-After when the kit answers its 429 page (its verify found no turn in time). ' +
      'Requests per 60 s is the most the emulator saw in any sliding 60 s window. Real time on a shared 2-core machine; the kit\u2019s per-IP and per-address send limits are lifted (one test IP).' +
      (local ? ` The last row is the same fleet with a budget each and no store: what the store prevents.` : ''),
  ],
  tables: [
    {
      columns: ['sign-ins', 'budget', 'signed in', 'detection p50', 'detection p95', 'start p50', 'start p95', 'confirm p95', 'requests per 60 s (most)', '429s from Descope', 'run'],
      rows: rows.map((r) => [
        fig(r.users),
        r.shared ? 'one, in Redis' : 'one per instance',
        `${r.completed} / ${r.users}`,
        s(r.detectionP50),
        s(r.detectionP95),
        s(r.startP50),
        s(r.startP95),
        s(r.confirmP95),
        fig(r.busiest),
        fig(r.limited),
        fig(r.seconds, 's', 0),
      ]),
    },
  ],
  findings: [
    `With the shared store the fleet's busiest 60 s held ${Math.max(...sharedRows.map((r) => r.busiest))} requests (limit ${LIMIT.requests}) and met ${sharedRows.reduce((sum, r) => sum + r.limited, 0)} 429s over all sizes.`,
    ...sharedRows.map((r) => `${r.users} sign-ins: ${r.completed} signed in; detection p50 ${(r.detectionP50 / 1000).toFixed(1)} s, p95 ${(r.detectionP95 / 1000).toFixed(1)} s; start p95 ${(r.startP95 / 1000).toFixed(1)} s.`),
    ...(local ? [`Without the store (a budget each), ${local.users} sign-ins put ${local.busiest} requests in one 60 s window and met ${local.limited} 429s.`] : []),
  ],
});

// The chaos soak: many clients, sign-in flows and session keepers, sharing one request budget, against the
// in-process emulator behind a `fetch` that injects faults drawn at random from a seed: 429s with hostile
// `Retry-After` values, hangs, resets, slow bodies, malformed JSON, bodies that echo the request's
// credentials, and aborts at random moments. It checks invariants, not examples:
//   1. every call settles within its bound plus a margin (a poll: its `timeoutMs`; any other call: its
//      turn wait, three attempts and two retry waits, see src/transport/executor.ts; an aborted call: at its abort);
//   2. the requests of any window never exceed the budget;
//   3. no secret (pendingRef, link token, refresh JWT, custom header value) is in any error, its cause
//      chain or its `util.inspect` output;
//   4. once everything settled, no timer is left and nobody is queued;
//   5. no event an `onEvent` listener received (clients, flows, keepers) holds a secret or an email address.
// Used by test/reliability/chaos.test.ts (the sources, a fixed seed, ~30 s) and bench/chaos.mjs (the build,
// `--minutes`). The SDK comes in as a parameter, so both drive the same code the same way a user does.
import { inspect } from 'node:util';
import { prng } from './lib.mjs';

/** The faults, and how often each is drawn (the rest of the requests go through untouched). */
const FAULTS = [
  ['rate-limited', 0.04],
  ['hang', 0.03],
  ['reset', 0.04],
  ['slow-body', 0.03],
  ['malformed-json', 0.04],
  ['echo', 0.06],
];
/** What hostile servers and proxies put in `Retry-After`. */
const RETRY_AFTERS = ['1', '0', '3', '120', '99999999999', '-1', '1.5', '', 'soon', 'retry in 2099', '12/31/2099', 'Thu, 31 Dec 2099 23:59:59 GMT', 'Mon, 01 Jan 2024 00:00:00 GMT'];

/**
 * @param {object} o
 * @param {any} o.sdk            the package's main entry (EnchantedLinkClient, RequestBudget, createSignInFlow, createSessionKeeper, isEnchantedLinkError)
 * @param {any} o.testing        its `testing` entry (createEmulator)
 * @param {number} o.seed
 * @param {number} o.durationMs  how long new work is started; then everything is let settle
 * @param {number} [o.actors]    concurrent workers
 * @param {(line: string) => void} [o.log]
 * @returns {Promise<{ seed: number, calls: number, requests: number, events: number, faults: Record<string, number>, outcomes: Record<string, number>, violations: string[], worstOverrunMs: number, worstOverrun: string, busiestWindow: number, budget: { requests: number, windowMs: number } }>}
 */
export async function runSoak({ sdk, testing, seed, durationMs, actors = 16, log = () => {} }) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const chance = (p) => random() < p;
  const emu = testing.createEmulator({ rateLimit: false });
  // A small window, so a 30 s run crosses many windows and hostile pauses (capped at one window) pass
  // quickly. Its spacing (2,000 / 18 = 111 ms) is the slack the budget keeps at a window's edge for a request
  // that leaves later than its turn (at the default 90 per minute it is 706 ms).
  const budget = new sdk.RequestBudget({ requests: 20, windowMs: 2_000, maxQueued: 200 });
  const headerValue = `soak-api-key-${seed.toString(36)}-0123456789`;
  const secrets = new Set([headerValue]);
  const violations = [];
  const violate = (text) => {
    if (violations.length < 20) violations.push(text);
  };
  const faults = Object.fromEntries(FAULTS.map(([name]) => [name, 0]));
  const outcomes = {};
  const sentAt = [];
  let calls = 0;
  let worstOverrunMs = 0;
  let worstOverrun = '';

  /** The network between the clients and the emulator. */
  async function faultyFetch(input, init) {
    const request = input instanceof Request ? input : new Request(input, init);
    sentAt.push(Date.now());
    const draw = random();
    let sum = 0;
    const fault = FAULTS.find(([, p]) => draw < (sum += p))?.[0];
    if (!fault) return emu.fetch(request);
    faults[fault]++;
    const text = await request.clone().text();
    switch (fault) {
      case 'rate-limited':
        return Response.json({ errorCode: 'E130429', errorDescription: 'slow down' }, { status: 429, headers: { 'retry-after': pick(RETRY_AFTERS) } });
      case 'hang':
        return new Promise((_, reject) => {
          const signal = request.signal;
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      case 'reset': {
        const cause = Object.assign(new Error(`read ECONNRESET while sending ${text} with ${request.headers.get('authorization')}`), { code: 'ECONNRESET' });
        throw new TypeError('fetch failed', { cause: chance(0.5) ? cause : new AggregateError([cause, new Error(`x-api-key: ${headerValue}`)], 'all failed') });
      }
      case 'slow-body': {
        // The real answer, a few bytes at a time: sometimes within the timeout, sometimes far past it.
        const body = await (await emu.fetch(request)).text();
        const pause = chance(0.5) ? 5 : 400;
        let index = 0;
        let timer;
        const stream = new ReadableStream({
          pull: (controller) =>
            new Promise((resolve) => {
              timer = setTimeout(() => {
                if (index >= body.length) controller.close();
                else controller.enqueue(new TextEncoder().encode(body.slice(index, (index += 8))));
                resolve();
              }, pause);
            }),
          cancel: () => clearTimeout(timer),
        });
        return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
      }
      case 'malformed-json':
        return new Response(pick(['{"linkId": ', '<html>oops</html>', '{"sessionJwt": 42}', '', 'null']), { status: pick([200, 400, 500, 502]), headers: { 'content-type': 'application/json' } });
      case 'echo':
        // A server or proxy that quotes the request (body and credentials) in its error.
        return Response.json(
          { errorCode: 'E011003', errorDescription: `bad request ${text}`, errorMessage: `auth ${request.headers.get('authorization')} key ${request.headers.get('x-api-key')}`, request: { body: text } },
          { status: pick([400, 401, 500, 503]) },
        );
    }
  }

  // Invariant 5: every string any event holds, kept once each (events draw on a small vocabulary: endpoints,
  // URLs, class names, codes), checked against every secret once the run is over.
  const eventStrings = new Set();
  let events = 0;
  const onEvent = (event) => {
    events++;
    for (const value of Object.values(event)) if (typeof value == 'string') eventStrings.add(value);
  };

  // Longer than the window, so a call can wait out a shared pause (at most one window) for its turn.
  const timeoutMs = 2_500;
  const newClient = () => new sdk.EnchantedLinkClient({ projectId: emu.projectId, fetch: faultyFetch, requestBudget: budget, timeoutMs, headers: { 'x-api-key': headerValue }, onEvent });
  const clients = Array.from({ length: 4 }, newClient);
  /** A call that is not a poll: turns (≤ timeout), three attempts, two retry waits of at most 5 s. */
  const callBound = 4 * timeoutMs + 2 * 5_000;
  // A busy 2-core machine delays timers by a few hundred ms; a hang would overrun by seconds.
  const margin = 1_000;

  /** Runs one call, checking that it settles in time and that its error holds no secret. */
  async function call(label, boundMs, run, abortable = true) {
    calls++;
    const abort = abortable && chance(0.15) ? new AbortController() : undefined;
    const abortAfter = abort ? random() * 1_000 : Infinity;
    const timer = abort && setTimeout(() => abort.abort(new Error('soak abort')), abortAfter);
    const started = Date.now();
    let outcome;
    try {
      await run(abort?.signal);
      outcome = 'ok';
    } catch (error) {
      outcome = error?.message === 'soak abort' ? 'aborted' : (error?.name ?? 'thrown');
      if (outcome !== 'aborted' && !sdk.isEnchantedLinkError(error)) violate(`${label}: not one of our errors: ${inspect(error)}`);
      scan(label, error);
    } finally {
      clearTimeout(timer);
    }
    const took = Date.now() - started;
    const limit = Math.min(boundMs, abortAfter) + margin;
    if (took - Math.min(boundMs, abortAfter) > worstOverrunMs) {
      worstOverrunMs = took - Math.min(boundMs, abortAfter);
      worstOverrun = `${label} (${outcome})`;
    }
    if (took > limit) violate(`${label}: settled after ${took} ms, bound ${Math.round(limit)} ms (${outcome})`);
    outcomes[`${label}: ${outcome}`] = (outcomes[`${label}: ${outcome}`] ?? 0) + 1;
  }

  /** Every pendingRef and link token the emulator issued is a secret too. */
  let outboxSeen = 0;
  function learnSecrets() {
    const outbox = emu.outbox;
    for (; outboxSeen < outbox.length; outboxSeen++) {
      secrets.add(outbox[outboxSeen].pendingRef);
      for (const link of outbox[outboxSeen].links) secrets.add(link.token);
    }
  }

  /** Every rendering a log could make of an error: message, String(), JSON, util.inspect, the cause chain. */
  function scan(label, error) {
    learnSecrets();
    const texts = [inspect(error, { depth: Infinity, showHidden: true }), String(error)];
    try {
      texts.push(JSON.stringify(error));
    } catch {}
    for (let cause = error, depth = 0; cause && depth < 100; cause = cause.cause, depth++) texts.push(String(cause?.message), String(cause?.stack));
    const all = texts.join('\n');
    for (const secret of secrets) if (all.includes(secret)) violate(`${label}: an error quotes a secret (${secret.slice(0, 12)}…): ${all.slice(0, 300)}`);
  }

  const email = () => `u${Math.floor(random() * 1e9).toString(36)}@example.com`;
  /** A session for a keeper, through an unfaulted client, so the keepers have something to refresh. */
  const clean = new sdk.EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch, requestBudget: new sdk.RequestBudget({ requests: Number.POSITIVE_INFINITY }) });
  async function freshSession() {
    const loginId = email();
    const { pendingRef } = await clean.signInOrUp(loginId);
    await emu.click(loginId);
    const session = await clean.getSession(pendingRef);
    secrets.add(session.refreshJwt);
    return session;
  }

  const ACTIONS = {
    async sendAndPoll(client) {
      const loginId = email();
      let pendingRef;
      await call('signInOrUp', callBound, async (signal) => ({ pendingRef } = await client.signInOrUp(loginId, signal ? { signal } : {})));
      if (!pendingRef) return;
      if (chance(0.6)) setTimeout(() => void emu.click(loginId).catch(() => {}), random() * 3_000);
      const pollTimeout = 1_000 + random() * 3_000;
      await call('pollSession', pollTimeout, (signal) => client.pollSession(pendingRef, { timeoutMs: pollTimeout, intervalMs: 200, ...(signal && { signal }) }));
    },
    async verify(client) {
      const loginId = email();
      const { pendingRef } = await clean.signInOrUp(loginId);
      const links = emu.lastEmail(loginId).links;
      await call('verifyToken', callBound, (signal) => client.verifyToken(pick(links).token, signal ? { signal } : {}));
      await call('getSession', callBound, (signal) => client.getSession(pendingRef, signal ? { signal } : {}));
    },
    async flow(client) {
      const flow = sdk.createSignInFlow(client, { poll: { timeoutMs: 1_000 + random() * 2_000, intervalMs: 200 }, onEvent });
      const loginId = email();
      // Sending, then polling: bounded by the send's bound plus the poll's deadline.
      await call('signInFlow', callBound + 3_000, (signal) =>
        new Promise((resolve, reject) => {
          signal?.addEventListener('abort', () => {
            flow.cancel();
            reject(signal.reason);
          });
          const unsubscribe = flow.subscribe((state) => {
            if (state.status === 'waiting' && chance(0.05)) setTimeout(() => void emu.click(loginId).catch(() => {}), random() * 1_000);
            if (state.status === 'failed') scan('signInFlow', state.error);
            if (['signed-in', 'failed', 'expired', 'cancelled'].includes(state.status)) {
              queueMicrotask(() => unsubscribe());
              if (state.status === 'failed') reject(state.error);
              else resolve();
            }
          });
          flow.start(loginId);
        }).finally(() => flow.dispose()),
      );
    },
    async keeper(client) {
      const session = await freshSession();
      const keeper = sdk.createSessionKeeper(client, { storage: 'memory', onEvent });
      keeper.set(session);
      await call('keeper.refresh', callBound, () => keeper.refresh(), false);
      const snapshot = keeper.getSnapshot();
      if (snapshot.error) scan('keeper', snapshot.error);
      await call('keeper.signOut', callBound, () => keeper.signOut(), false);
      keeper.dispose();
    },
    async session(client) {
      const { refreshJwt } = await freshSession();
      const method = pick(['refreshSession', 'me', 'signOut', 'signOutAll']);
      await call(method, callBound, (signal) => client[method](refreshJwt, signal ? { signal } : {}));
    },
  };
  const names = Object.keys(ACTIONS);

  const baseline = activeTimers();
  const stopAt = Date.now() + durationMs;
  let lastReport = Date.now();
  await Promise.all(
    Array.from({ length: actors }, async () => {
      while (Date.now() < stopAt) {
        const name = pick(names);
        try {
          await ACTIONS[name](pick(clients));
        } catch (error) {
          violate(`${name}: the soak's own step threw: ${inspect(error)}`);
        }
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          log(`${Math.round((stopAt - Date.now()) / 1000)} s left: ${calls} calls, ${sentAt.length} requests, ${violations.length} violations`);
        }
      }
    }),
  );
  // Clicks scheduled for sign-ins that already ended, the slow bodies' last bytes: let them pass.
  await new Promise((resolve) => setTimeout(resolve, 3_100));
  const left = activeTimers() - baseline;
  if (left > 0) violate(`${left} timer(s) left after every call settled`);
  if (budget.queued !== 0) violate(`${budget.queued} request(s) still queued in the budget`);

  learnSecrets();
  for (const text of eventStrings) {
    if (text.includes('@')) violate(`an event holds an email address: ${text}`);
    for (const secret of secrets) if (text.includes(secret)) violate(`an event holds a secret (${secret.slice(0, 12)}…)`);
  }

  // Invariant 2 over the whole run: the most requests inside any window of the budget.
  const times = sentAt.sort((a, b) => a - b);
  let busiestWindow = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= budget.windowMs) i++;
    busiestWindow = Math.max(busiestWindow, j - i + 1);
  }
  if (busiestWindow > budget.requests) violate(`${busiestWindow} requests in one ${budget.windowMs} ms window, budget ${budget.requests}`);

  return { seed, calls, requests: sentAt.length, events, faults, outcomes, violations, worstOverrunMs: Math.round(worstOverrunMs), worstOverrun, busiestWindow, budget: { requests: budget.requests, windowMs: budget.windowMs } };
}

/** Live timers of this process (Node's own count; other handles are not ours to judge). */
function activeTimers() {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

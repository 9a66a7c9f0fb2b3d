// Fair turns of a RequestBudget under pressure, in simulated time (bench/sim-clock.mjs) against the
// in-process emulator, one client with the default budget (90 requests per 60 s):
//   flood    60 sends submitted at once while 10 sign-ins poll: how the turns of the next minutes split
//            between sends and polls, and the longest any poll waited for a turn;
//   greedy   30 pollSession calls of one sign-in beside 1 of another: turns per sign-in;
//   overflow a budget with maxQueued 50 and 200 calls submitted at once: how many fail at once, and how
//            long the refusal took (simulated).
// The policy (guides/backends.md): turns alternate between polls and other requests when both wait; at
// most one queued turn per pendingRef; a bounded queue.
import { emit, importSdk, importTesting, progress } from './lib.mjs';
import { fig } from './result.mjs';
import { installSimulatedClock } from './sim-clock.mjs';

const clock = installSimulatedClock();
const { EnchantedLinkClient, RequestBudget, RateLimitError } = await importSdk();
const { createEmulator } = await importTesting();
const POLL = '/v1/auth/enchantedlink/pending-session';

function setup(budgetOptions = {}) {
  const emulator = createEmulator({ rateLimit: false });
  let inFlight = 0;
  const fetch = (input, init) => {
    inFlight++;
    return emulator.fetch(input, init).finally(() => inFlight--);
  };
  const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch, requestBudget: new RequestBudget(budgetOptions), timeoutMs: 600_000 });
  const sender = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) });
  return { emulator, client, sender, busy: () => inFlight > 0 };
}

async function flood() {
  const { emulator, client, sender, busy } = setup();
  const refs = [];
  for (let i = 0; i < 10; i++) refs.push((await sender.signInOrUp(`p${i}@fair.example`)).pendingRef);
  const from = Date.now();
  const stop = new AbortController();
  let longestQueued = 0;
  const polls = refs.map((ref) =>
    client.pollSession(ref, { signal: stop.signal, timeoutMs: 3_600_000, onPoll: ({ status, nextDelayMs }) => status === 'queued' && (longestQueued = Math.max(longestQueued, nextDelayMs)) }).catch(() => {}),
  );
  let sendsDone = 0;
  const sends = Array.from({ length: 60 }, (_, i) => client.signInOrUp(`s${i}@fair.example`).then(() => sendsDone++, () => sendsDone++));
  await clock.run(() => sendsDone === 60, 3_600_000, busy);
  const sendsMs = Date.now() - from;
  stop.abort();
  await clock.run(() => true, 1, busy);
  await Promise.all([...polls, ...sends]);
  const log = emulator.requests.filter((r) => r.at >= from && r.at <= from + sendsMs);
  const polled = log.filter((r) => r.path === POLL);
  const flooded = log.filter((r) => r.path !== POLL && r.body?.loginId?.startsWith('s'));
  const perRef = refs.map((ref) => polled.filter((r) => r.body?.pendingRef === ref).length);
  return { sendsMs, sends: flooded.length, polls: polled.length, minPerRef: Math.min(...perRef), maxPerRef: Math.max(...perRef), longestQueued };
}

async function greedy() {
  const { emulator, client, sender, busy } = setup();
  const greedyRef = (await sender.signInOrUp('greedy@fair.example')).pendingRef;
  const modestRef = (await sender.signInOrUp('modest@fair.example')).pendingRef;
  const stop = new AbortController();
  const options = { signal: stop.signal, timeoutMs: 3_600_000, intervalMs: 500, maxIntervalMs: 500 };
  const all = [...Array.from({ length: 30 }, () => client.pollSession(greedyRef, options)), client.pollSession(modestRef, options)].map((p) => p.catch(() => {}));
  const from = Date.now();
  await clock.run(() => Date.now() - from >= 600_000, 600_000, busy);
  stop.abort();
  await clock.run(() => true, 1, busy);
  await Promise.all(all);
  const turns = (ref) => emulator.requests.filter((r) => r.path === POLL && r.body?.pendingRef === ref).length;
  return { greedy: turns(greedyRef), modest: turns(modestRef) };
}

async function overflow() {
  const { client, busy } = setup({ maxQueued: 50 });
  const from = Date.now();
  const refusedAt = [];
  let done = 0;
  const calls = Array.from({ length: 200 }, (_, i) =>
    client.verifyToken(`token-of-call-${i}-0123456789`).then(
      () => done++,
      (error) => {
        done++;
        if (error instanceof RateLimitError && /no room/.test(error.message)) refusedAt.push(Date.now() - from);
      },
    ),
  );
  await clock.run(() => done === 200, 3_600_000, busy);
  await Promise.all(calls);
  return { refused: refusedAt.length, slowestRefusalMs: Math.max(...refusedAt) };
}

progress('fairness', 'flood: 60 sends at once, 10 sign-ins polling');
const f = await flood();
progress('fairness', 'greedy: 30 polls of one sign-in beside 1 of another, 10 simulated minutes');
const g = await greedy();
progress('fairness', 'overflow: 200 calls at once, maxQueued 50');
const o = await overflow();
clock.uninstall();

emit({
  title: 'Fair turns under pressure (simulated time)',
  method: [
    'One client with the default RequestBudget (90 requests per 60 s) against the in-process emulator, timers and Date.now simulated (bench/sim-clock.mjs).',
    'Flood: 60 sends submitted at once while 10 sign-ins poll at the default pace; counted until the last send went. Greedy: 30 pollSession calls of one pendingRef beside 1 of another (both every 500 ms), 10 simulated minutes. Overflow: maxQueued 50, 200 verifyToken calls submitted at once.',
  ],
  tables: [
    {
      caption: 'Flood',
      columns: ['', 'value'],
      rows: [
        ['time until the 60th send went', fig(f.sendsMs / 1000, 's', 1)],
        ['turns to sends in that time', fig(f.sends)],
        ['turns to polls in that time', fig(f.polls)],
        ['polls per sign-in (fewest – most)', `${f.minPerRef} – ${f.maxPerRef}`],
        ['longest estimated wait a poll reported', fig(f.longestQueued / 1000, 's', 1)],
      ],
    },
    {
      caption: 'Greedy sign-in',
      columns: ['', 'turns in 10 min'],
      rows: [
        ['30 polls of one sign-in', fig(g.greedy)],
        ['1 poll of another', fig(g.modest)],
      ],
    },
    {
      caption: 'Overflow',
      columns: ['', 'value'],
      rows: [
        ['calls refused (RateLimitError, nothing sent)', fig(o.refused)],
        ['slowest refusal (simulated)', fig(o.slowestRefusalMs, 'ms')],
      ],
    },
  ],
  findings: [
    `Under a flood of 60 sends, the 10 polling sign-ins still got ${f.polls} turns (${f.minPerRef}–${f.maxPerRef} each) against ${f.sends} for the sends: turns alternate while both wait.`,
    `30 concurrent polls of one sign-in got ${g.greedy} turns in 10 minutes, the single poll of another ${g.modest}: one queued turn per pendingRef.`,
    `With maxQueued 50, ${o.refused} of 200 calls were refused at once (slowest refusal after ${o.slowestRefusalMs} ms simulated) instead of queueing.`,
  ],
});

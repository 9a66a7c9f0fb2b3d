// 2. Per-call overhead, as client CPU (process.cpuUsage: user + system, every thread of this process),
// not wall time. Over real loopback HTTP with the server in another process (bench/loopback.mjs): ours
// against a bare `ky.post(…).json()` with the same retry and timeout settings (ky is our HTTP layer, so
// it is the floor) and against @descope/core-js-sdk. Then the same sends on an in-process fetch stub (no
// I/O), with the pieces in between, to show what our own code costs apart from the network stack.
// Interleaved rounds in which every candidate takes every position equally often, median of the per-round
// ratios.
import ky from 'ky';
import * as z from 'zod/mini';
import { emit, importSdk, median, progress } from './lib.mjs';
import { KY_NO_RETRY, PROJECT_ID, RETRY, SEND_PATH, TIMEOUT, sendCalls, startLoopbackServer } from './loopback.mjs';
import { fig, format, ratio, target } from './result.mjs';
import { linkFetch } from './stub-fetch.mjs';

// A multiple of 8 and of 12: every position of the order (see `orderOf`) as often for the 4 loopback and
// the 6 stub candidates.
const ROUNDS = Number(process.env.OVERHEAD_ROUNDS ?? 48);
const LOOPBACK_CALLS = 200;
const STUB_CALLS = 400;
const TARGET_RATIO = 1.1;
const OURS = 'enchanted-link signInOrUp';
const KY = 'bare ky.post().json()';
const CORE = 'core-js-sdk signUpOrIn';

/** CPU µs per call (and wall µs per call, for context) of `calls` sequential calls. */
async function batch(fn, calls) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const { user, system } = process.cpuUsage(cpu);
  return { cpu: (user + system) / calls, wall: ((performance.now() - wall) * 1000) / calls };
}

/**
 * The order of round `round`: rotated by one every two rounds and reversed every other round, so over
 * 2 × n rounds each of n candidates runs in each position equally often (for 3, every order once). Only
 * reversing, as this part first did, kept the middle candidate (bare ky) in the middle of every round, and
 * the position alone moved the ours / bare ky ratio: 1.10–1.31 with ours at the ends, 0.71–0.92 with ours
 * in the middle (same code and machine, 2026-12-02), against 0.76–0.88 with this rotation.
 */
function orderOf(names, round) {
  const shift = Math.floor(round / 2) % names.length;
  const rotated = [...names.slice(shift), ...names.slice(0, shift)];
  return round % 2 ? rotated.reverse() : rotated;
}

/** Interleaved rounds over `candidates`; per candidate the median CPU and wall per call, and the per-round CPU ratios to `base`. */
async function measure(label, candidates, calls, warmup, base) {
  const names = Object.keys(candidates);
  for (const fn of Object.values(candidates)) for (let i = 0; i < warmup; i++) await fn();
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  const ratios = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = orderOf(names, round);
    const times = {};
    for (const name of order) times[name] = await batch(candidates[name], calls);
    for (const name of names) {
      cpu[name].push(times[name].cpu);
      wall[name].push(times[name].wall);
      ratios[name].push(times[name].cpu / times[base].cpu);
    }
    if ((round + 1) % 5 === 0) progress('overhead', `${label}: round ${round + 1}/${ROUNDS}`);
  }
  return Object.fromEntries(names.map((n) => [n, { cpu: median(cpu[n]), wall: median(wall[n]), ratio: median(ratios[n]) }]));
}

// Over loopback HTTP.
const server = await startLoopbackServer();
let loopback;
try {
  loopback = await measure('loopback', await sendCalls(server.url), LOOPBACK_CALLS, 300, KY);
} finally {
  await server.close();
}

// On the in-process stub: the same sends without I/O, and the pieces between a raw fetch and ours.
const { EnchantedLinkClient, RequestBudget } = await importSdk();
// Unlimited, as in bench/loopback.mjs: the budget's bookkeeping without the default's 90-a-minute pace.
const stubClient = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch: linkFetch, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) });
// The same with an `onEvent` listener that does nothing: what building the events costs (issue 26). Without
// one (above) no event is built at all.
const OBSERVED = `${OURS} + no-op onEvent`;
const observedClient = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch: linkFetch, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }), onEvent: () => {} });
const URL_ = `https://api.descope.com/${SEND_PATH}`;
const body = { loginId: 'ada@example.com' };
const headers = { 'content-type': 'application/json', authorization: `Bearer ${PROJECT_ID}` };
// The same shape as our link schema (a copy: the real one is internal).
const schema = z.object({ linkId: z.string(), pendingRef: z.string(), maskedEmail: z.optional(z.string()) });
const stubKy = ky.create({ fetch: linkFetch, timeout: TIMEOUT, retry: RETRY, headers });
const BASE = 'raw fetch + JSON.parse';
const stub = await measure(
  'stub',
  {
    [BASE]: async () => {
      const response = await linkFetch(URL_, { method: 'POST', headers, body: JSON.stringify(body) });
      return JSON.parse(await response.text());
    },
    [OURS]: () => stubClient.signInOrUp('ada@example.com'),
    [OBSERVED]: () => observedClient.signInOrUp('ada@example.com'),
    [KY]: () => stubKy.post(URL_, { json: body }).json(),
    'raw fetch + zod/mini safeParse': async () => {
      const response = await linkFetch(URL_, { method: 'POST', headers, body: JSON.stringify(body) });
      return schema.safeParse(JSON.parse(await response.text()));
    },
    'raw fetch + new Request()': async () => {
      const response = await linkFetch(new Request(URL_, { method: 'POST', headers, body: JSON.stringify(body) }));
      return JSON.parse(await response.text());
    },
  },
  STUB_CALLS,
  2_000,
  BASE,
);

const us = (value) => fig(value, 'µs');
const ours = loopback[OURS];
const floor = loopback[KY];
const core = loopback[CORE];
const noRetry = loopback[KY_NO_RETRY];
const stubExtra = stub[OURS].cpu - stub[KY].cpu;
const loopExtra = ours.cpu - floor.cpu;
emit({
  title: 'Per-call overhead (client CPU)',
  method: [
    `Client CPU per send call (\`process.cpuUsage()\`, user + system of the client process, all its threads), not wall time.
Over real loopback HTTP: a static-answer server in another process (bench/loopback.mjs, keep-alive); \`client.signInOrUp()\`
against a bare \`ky.post(…).json()\` with our send settings (timeout ${TIMEOUT / 1000} s, retry limit ${RETRY.limit} on ${RETRY.statusCodes.join('/')}, the same
headers), the same ky call with \`retry: 0\` (ky as our client calls it) and @descope/core-js-sdk's \`enchantedLink.signUpOrIn\`. ${ROUNDS} interleaved rounds of ${LOOPBACK_CALLS} sequential calls each, after a warm-up; the
order rotates so that every candidate runs in every position equally often (with a fixed order, the position alone was seen
to move a ratio by over 20 %); ratios are taken per round and their median reported. Then the same on an
in-process fetch stub (no I/O; ${STUB_CALLS} calls a round) with the pieces between a raw fetch and ours.`,
  ],
  tables: [
    {
      caption: 'Over loopback HTTP, server in another process',
      columns: ['candidate', 'CPU per call', 'vs bare ky (CPU)', 'wall per call'],
      rows: Object.entries(loopback).map(([name, r]) => [name, us(r.cpu), fig(r.ratio, '×', 2), us(r.wall)]),
    },
    {
      caption: 'In-process fetch stub (no I/O)',
      columns: ['candidate', 'CPU per call', `vs ${BASE}`],
      rows: Object.entries(stub).map(([name, r]) => [name, us(r.cpu), fig(r.ratio, '×', 2)]),
    },
  ],
  targets: [target('Client CPU per send call, ours / bare ky over loopback (median of per-round ratios)', fig(ours.ratio, '×', 2), fig(TARGET_RATIO, '×', 2))],
  findings: [
    `Over loopback, a send costs the client ${format(us(ours.cpu))} of CPU with enchanted-link, ${format(us(floor.cpu))} with a bare ky call and ${format(us(core.cpu))} with core-js-sdk: ours is ${format(fig(ours.ratio, '×', 2))} bare ky (${ours.ratio <= TARGET_RATIO ? 'within' : 'over'} the ${format(fig(TARGET_RATIO, '×', 2))} target${ours.ratio <= TARGET_RATIO ? '' : ` by ${format(fig((ours.ratio / TARGET_RATIO - 1) * 100, '%'))}`}) and ${format(ratio(ours.cpu, core.cpu, 2))} core-js-sdk.`,
    `Ours costs ${format(us(Math.abs(loopExtra)))} of CPU per call ${loopExtra >= 0 ? 'more' : 'less'} than bare ky over loopback and ${format(us(Math.abs(stubExtra)))} ${stubExtra >= 0 ? 'more' : 'less'} on the stub, where bare ky's whole call is ${format(us(stub[KY].cpu))}: the network stack (undici, sockets) is ${format(fig(((floor.cpu - stub[KY].cpu) / floor.cpu) * 100, '%'))} of a bare ky call's CPU over loopback.`,
    `Against ky with its retries off (how our client calls ky: our own retry rule decides), ours is ${format(ratio(ours.cpu, noRetry.cpu, 2))} (medians), ${format(us(Math.abs(ours.cpu - noRetry.cpu)))} a call ${ours.cpu >= noRetry.cpu ? 'more' : 'less'}; bare ky with retries off is ${format(fig(noRetry.ratio, '×', 2))} bare ky with them on (with retries on, ky copies the request before every attempt, so that it can send it again).`,
    core.cpu < floor.cpu
      ? `core-js-sdk spends less CPU than a bare ky call (${format(fig(core.ratio, '×', 2))}): it calls \`fetch\` directly, without ky's Request object, timeout signal and retry wrapper.`
      : `core-js-sdk spends at least as much CPU as a bare ky call (${format(fig(core.ratio, '×', 2))}).`,
    `On the stub, a send with a no-op \`onEvent\` listener (4 events built and delivered) costs ${format(us(Math.abs(stub[OBSERVED].cpu - stub[OURS].cpu)))} of CPU ${stub[OBSERVED].cpu >= stub[OURS].cpu ? 'more' : 'less'} than one without (${format(ratio(stub[OBSERVED].cpu, stub[OURS].cpu, 2))}); without a listener no event is built.`,
    ...['raw fetch + zod/mini safeParse', 'raw fetch + new Request()'].map((name) => {
      const delta = stub[name].cpu - stub[BASE].cpu;
      return `On the stub, ${name} costs ${format(us(Math.abs(delta)))} per call ${delta >= 0 ? 'more' : 'less'} than a raw fetch + JSON.parse.`;
    }),
  ],
});

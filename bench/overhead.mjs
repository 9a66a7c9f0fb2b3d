// 2. Per-call overhead: signInOrUp through an injected in-process fetch stub, against a raw
// fetch + JSON.parse on the same stub. Interleaved rounds (A B B A …), median of the per-round ratios,
// then the parts (ky alone, zod/mini alone) to show where the time goes.
import ky from 'ky';
import * as z from 'zod/mini';
import { emit, importSdk, median, progress } from './lib.mjs';
import { linkFetch } from './stub-fetch.mjs';

const ROUNDS = 40;
const CALLS = 400;
const URL_ = 'https://api.descope.com/v1/auth/enchantedlink/signup-in/email';
const { EnchantedLinkClient } = await importSdk();
const client = new EnchantedLinkClient({ projectId: 'P2bench00000000000000000000', fetch: linkFetch });
const body = { loginId: 'ada@example.com' };
const headers = { 'content-type': 'application/json', authorization: 'Bearer P2bench00000000000000000000' };
// The same shape as our link schema (a copy: the real one is internal).
const schema = z.object({ linkId: z.string(), pendingRef: z.string(), maskedEmail: z.optional(z.string()) });
const kyClient = ky.create({ fetch: linkFetch, timeout: 10_000, headers });

const candidates = {
  baseline: async () => {
    const response = await linkFetch(URL_, { method: 'POST', headers, body: JSON.stringify(body) });
    return JSON.parse(await response.text());
  },
  signInOrUp: () => client.signInOrUp('ada@example.com'),
  'ky post + text (no validation)': async () => JSON.parse(await kyClient.post(URL_, { json: body }).text()),
  'baseline + zod/mini safeParse': async () => {
    const response = await linkFetch(URL_, { method: 'POST', headers, body: JSON.stringify(body) });
    return schema.safeParse(JSON.parse(await response.text()));
  },
  'baseline + new Request()': async () => {
    const request = new Request(URL_, { method: 'POST', headers, body: JSON.stringify(body) });
    const response = await linkFetch(request);
    return JSON.parse(await response.text());
  },
};

async function timeBatch(fn) {
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await fn();
  return ((performance.now() - start) / CALLS) * 1000; // µs per call
}

// Warm-up: let the JIT settle on every path.
for (const fn of Object.values(candidates)) for (let i = 0; i < 3_000; i++) await fn();
const perCall = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]));
const ratios = [];
const names = Object.keys(candidates);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order every round so neither side always runs on a warmer or colder heap.
  const order = round % 2 ? [...names].reverse() : names;
  const times = {};
  for (const name of order) times[name] = await timeBatch(candidates[name]);
  for (const name of names) perCall[name].push(times[name]);
  ratios.push(times.signInOrUp / times.baseline);
  if ((round + 1) % 10 === 0) progress('overhead', `round ${round + 1}/${ROUNDS}`);
}
emit({
  rounds: ROUNDS,
  callsPerBatch: CALLS,
  medianRatio: median(ratios),
  medianMicros: Object.fromEntries(names.map((name) => [name, median(perCall[name])])),
});

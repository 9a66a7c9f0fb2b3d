// 2. Per-call overhead: signInOrUp through an injected in-process fetch stub, against a raw
// fetch + JSON.parse on the same stub. Interleaved rounds (A B B A …), median of the per-round ratios,
// then the parts (ky alone, zod/mini alone) to show where the time goes.
import ky from 'ky';
import * as z from 'zod/mini';
import { emit, importSdk, median, progress } from './lib.mjs';
import { fig, format, ratio, target } from './result.mjs';
import { linkFetch } from './stub-fetch.mjs';

const ROUNDS = Number(process.env.OVERHEAD_ROUNDS ?? 40);
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
const micros = Object.fromEntries(names.map((name) => [name, median(perCall[name])]));
const TARGET_RATIO = 2;
const medianRatio = median(ratios);
const request = micros['baseline + new Request()'] / micros.baseline;
emit({
  title: 'Per-call overhead',
  method: [
    `\`client.signInOrUp()\` with an injected in-process \`fetch\` stub (answers at once, no I/O) against a raw
\`fetch(url, init)\` + \`JSON.parse(await res.text())\` on the same stub (the baseline), and the pieces in between.
Interleaved: ${ROUNDS} rounds, each running ${CALLS} sequential calls of every candidate (order reversed every other round,
after a warm-up); the signInOrUp/baseline ratio is taken per round and its median reported.`,
  ],
  tables: [
    {
      columns: ['candidate', 'median per call', 'vs baseline'],
      rows: names.map((name) => [name, fig(micros[name], 'µs'), ratio(micros[name], micros.baseline)]),
    },
  ],
  targets: [target('Ratio signInOrUp / baseline (median of per-round ratios)', fig(medianRatio, '×'), fig(TARGET_RATIO, '×'))],
  findings: [
    `signInOrUp costs ${format(fig(micros.signInOrUp - micros.baseline, 'µs'))} per call more than the baseline.`,
    ...names
      .filter((name) => name !== 'baseline' && name !== 'signInOrUp')
      .map((name) => {
        const delta = micros[name] - micros.baseline;
        return `${name}: ${format(ratio(micros[name], micros.baseline))} the baseline (${format(fig(Math.abs(delta), 'µs'))} ${delta >= 0 ? 'more' : 'less'} per call).`;
      }),
    request > TARGET_RATIO
      ? `A bare \`new Request()\` alone already costs ${format(fig(request, '×'))} the baseline, over the ${format(fig(TARGET_RATIO, '×'))} target: a transport that builds a Request per call cannot meet it on this stub.`
      : `A bare \`new Request()\` costs ${format(fig(request, '×'))} the baseline, within the ${format(fig(TARGET_RATIO, '×'))} target.`,
  ],
});

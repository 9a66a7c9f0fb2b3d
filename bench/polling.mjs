// 3. Polling efficiency against the emulator over real HTTP, with real timers. A population of simulated
// users each sends a link, then clicks it at a seeded random time; every configuration sees the same
// click schedule. Measures poll requests per completed login (from the emulator's request log) and the
// detection latency: from the verify (the click) to the poll promise settling.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import createSdk from '@descope/core-js-sdk';
import { pollingChart } from './chart.mjs';
import { emit, importSdk, importTesting, installedVersion, mean, median, prng, progress, quantile } from './lib.mjs';
import { fig, format, ratio, target } from './result.mjs';

const { EnchantedLinkClient, RequestBudget } = await importSdk();
const { createEmulator } = await importTesting();

const PENDING_PATH = '/v1/auth/enchantedlink/pending-session';
// `--users=5` or POLL_USERS=5 (and so on) shrink the run for a quick try.
const arg = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? process.env[`POLL_${name.toUpperCase().replace('-', '_')}`] ?? fallback);
const SEED = arg('seed', 20261125);
const USERS = arg('users', 50);
const CLICK_FROM = arg('click-from', 5_000);
const CLICK_TO = arg('click-to', 60_000);

/** One SDK configuration: how to send and how to wait. */
const ours = (label, pollOptions, extra = {}) => ({ sdk: 'ours', label, pollOptions, ...extra });
const descope = (label, interval, extra = {}) => ({ sdk: 'core-js-sdk', label, interval, ...extra });

const PHASES = [
  {
    name: 'defaults',
    configs: [
      // The defaults poll at once, then every 2.5 s (why, in src/client/options.ts).
      ours('enchanted-link defaults (2.5 s)', {}, { isDefault: true }),
      // The former schedule, a fast start (1 s × 1.5 up to 2.5 s), for comparison.
      ours('enchanted-link 1 s × 1.5 up to 2.5 s', { interval: 1_000, maxInterval: 2_500 }),
      descope('core-js-sdk defaults (1 s)', undefined, { isDefault: true }),
    ],
  },
  {
    name: 'sweep',
    configs: [
      ...[500, 1_000, 2_000, 3_000, 5_000].map((i) => ours(`enchanted-link fixed ${i / 1000} s`, { interval: i, maxInterval: i }, { interval: i })),
      // core-js-sdk raises any interval under 1 s to 1 s, so its sweep starts there.
      ...[2_000, 3_000, 5_000].map((i) => descope(`core-js-sdk ${i / 1000} s`, i)),
    ],
  },
];

/** The click delays (ms after the send), the same list for every configuration. */
function clickSchedule() {
  const random = prng(SEED);
  return Array.from({ length: USERS }, () => CLICK_FROM + random() * (CLICK_TO - CLICK_FROM));
}

async function runUser(config, index, clickAfter, env) {
  const loginId = `${config.key}-u${index}@bench.example`;
  let pendingRef;
  let waiting;
  if (config.sdk === 'ours') {
    ({ pendingRef } = await env.client.signInOrUp(loginId));
    waiting = env.client.pollSession(pendingRef, config.pollOptions);
  } else {
    const sent = await env.sdk.enchantedLink.signUpOrIn(loginId);
    if (!sent.ok) throw new Error(`core-js-sdk send failed: ${JSON.stringify(sent.error)}`);
    ({ pendingRef } = sent.data);
    waiting = env.sdk.enchantedLink
      .waitForSession(pendingRef, config.interval ? { pollingIntervalMs: config.interval } : undefined)
      .then((result) => {
        if (!result.ok) throw new Error(`core-js-sdk waitForSession failed: ${JSON.stringify(result.error)}`);
        return result;
      });
  }
  const sentAt = performance.now();
  env.refs.set(pendingRef, config.key);
  let settledAt;
  const settled = waiting.then(() => (settledAt = performance.now()));
  await new Promise((resolve) => setTimeout(resolve, clickAfter));
  const clickedAt = performance.now();
  const click = await env.emulator.click(loginId);
  if (click.status !== 200) throw new Error(`click answered ${click.status}`);
  await settled;
  env.done++;
  return { latency: settledAt - clickedAt, waited: settledAt - sentAt };
}

async function runPhase(phase, clicks, env) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const started = performance.now();
  const total = phase.configs.length * USERS;
  env.done = 0;
  const ticker = setInterval(() => {
    progress('polling', `${phase.name}: ${env.done}/${total} logins done, ${Math.round((performance.now() - started) / 1000)} s`);
  }, 10_000);
  try {
    const runs = await Promise.all(
      phase.configs.map(async (config) => ({ config, users: await Promise.all(clicks.map((c, i) => runUser(config, i, c, env))) })),
    );
    return { runs, eventLoopP99: loop.percentile(99) / 1e6, seconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(ticker);
    loop.disable();
  }
}

// Hundreds of simulated users share 127.0.0.1; in production each would be its own client (IP).
const emulator = createEmulator({ rateLimit: false });
const server = await emulator.listen();
const env = {
  emulator,
  // Each simulated user stands for their own browser: one client with the default budget (90 requests a
  // minute) would queue the population's polls behind each other and measure the budget, not the schedule.
  client: new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: server.url, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) }),
  sdk: createSdk({ projectId: emulator.projectId, baseUrl: server.url }),
  refs: new Map(),
  done: 0,
};
const clicks = clickSchedule();
progress('polling', `seed ${SEED}: ${USERS} users per configuration, clicks ${CLICK_FROM / 1000}–${CLICK_TO / 1000} s after the send`);
const results = [];
const phases = [];
// POLL_PHASES=defaults runs the defaults phase only (several click-time distributions and seeds at once).
const ONLY = process.env.POLL_PHASES?.split(',');
for (const phase of PHASES.filter((p) => !ONLY || ONLY.includes(p.name))) {
  phase.configs.forEach((config, i) => (config.key = `${phase.name}${i}`));
  progress('polling', `phase ${phase.name}: ${phase.configs.map((c) => c.label).join(', ')}, all in parallel`);
  const { runs, eventLoopP99, seconds } = await runPhase(phase, clicks, env);
  phases.push({ name: phase.name, configs: phase.configs.length, eventLoopP99, seconds });
  // Count the polls per pendingRef from the emulator's request log.
  const polls = new Map();
  for (const entry of emulator.requests) {
    if (entry.path !== PENDING_PATH) continue;
    const ref = entry.body?.pendingRef;
    polls.set(ref, (polls.get(ref) ?? 0) + 1);
  }
  for (const { config, users } of runs) {
    const refs = [...env.refs].filter(([, key]) => key === config.key).map(([ref]) => ref);
    const perLogin = refs.map((ref) => polls.get(ref) ?? 0);
    const latencies = users.map((u) => u.latency);
    const waitedMinutes = users.reduce((sum, u) => sum + u.waited, 0) / 60_000;
    results.push({
      sdk: config.sdk,
      label: config.label,
      isDefault: Boolean(config.isDefault),
      interval: config.interval ?? (config.sdk === 'ours' ? undefined : 1_000),
      phase: phase.name,
      logins: users.length,
      requestsPerLogin: mean(perLogin),
      requestsPerLoginMedian: median(perLogin),
      requestsPerMinute: perLogin.reduce((a, b) => a + b, 0) / waitedMinutes,
      latencyMedian: median(latencies),
      latencyP95: quantile(latencies, 0.95),
    });
  }
  progress('polling', `phase ${phase.name} done in ${Math.round(seconds)} s (event-loop delay p99 ${eventLoopP99.toFixed(1)} ms)`);
}
await server.close();
const ourDefault = results.find((r) => r.sdk === 'ours' && r.isDefault);
const coreDefault = results.find((r) => r.sdk === 'core-js-sdk' && r.isDefault);
const perLogin = ourDefault.requestsPerLogin / coreDefault.requestsPerLogin;
const ms = (value) => fig(value, 'ms');
emit({
  title: 'Polling efficiency',
  method: [
    `The emulator served over real HTTP (\`createEmulator().listen()\`, 127.0.0.1) with real timers; enchanted-link and
@descope/core-js-sdk ${installedVersion('@descope/core-js-sdk')} in the same process and the same run. ${USERS} simulated users per configuration, each
sending a link and clicking it (the emulator's \`click()\`) at a random time ${CLICK_FROM / 1000}–${CLICK_TO / 1000} s after the send, drawn from a
seeded PRNG (mulberry32); every configuration gets the same click times. All users of a phase run in parallel: ${phases
      .map((p) => `phase "${p.name}" (${p.configs} configurations, ${Math.round(p.seconds)} s, event-loop delay p99 ${p.eventLoopP99.toFixed(1)} ms)`)
      .join(', then ')}. Requests per login are counted from the emulator's request log per \`pendingRef\`; latency runs from the
click to the poll promise settling. Our fixed-interval rows set \`interval = maxInterval\`.`,
  ],
  tables: [
    {
      columns: ['configuration', 'polls per login (mean)', '(median)', 'polls per minute while waiting', 'detection median', 'detection p95'],
      rows: results.map((r) => [
        r.isDefault ? `**${r.label}**` : r.label,
        fig(r.requestsPerLogin, '', 1),
        fig(r.requestsPerLoginMedian, '', 1),
        fig(r.requestsPerMinute, '', 1),
        ms(r.latencyMedian),
        ms(r.latencyP95),
      ]),
    },
  ],
  images: [{ file: 'bench/polling.svg', alt: 'Poll requests per login vs median detection latency', svg: pollingChart(results) }],
  targets: [
    target("Polls per login, ours / core-js-sdk's (defaults)", fig(perLogin, '×', 2), fig(0.5, '×', 2)),
    target('Median cross-device detection (our defaults)', ms(ourDefault.latencyMedian), ms(1_500)),
  ],
  findings: [
    `With the defaults, a waiting user costs ${format(fig(ourDefault.requestsPerMinute, '', 1))} poll requests a minute with enchanted-link and ${format(fig(coreDefault.requestsPerMinute, '', 1))} with core-js-sdk; ${ourDefault.requestsPerLogin <= coreDefault.requestsPerLogin ? 'ours sends fewer' : 'ours sends more'} per login (${format(fig(ourDefault.requestsPerLogin, '', 1))} vs ${format(fig(coreDefault.requestsPerLogin, '', 1))}).`,
    `Detection median: ours ${format(ms(ourDefault.latencyMedian))} (p95 ${format(ms(ourDefault.latencyP95))}), core-js-sdk ${format(ms(coreDefault.latencyMedian))} (p95 ${format(ms(coreDefault.latencyP95))}).`,
    ...results
      .filter((r) => r.sdk === 'ours' && !r.isDefault)
      .filter((r) => r.requestsPerLogin <= ourDefault.requestsPerLogin && r.latencyMedian <= ourDefault.latencyMedian)
      .map((r) => `${r.label} did at least as well as our defaults on both axes in this run (${format(fig(r.requestsPerLogin, '', 1))} polls, ${format(ms(r.latencyMedian))}).`),
  ],
  seeds: { polling: SEED },
});

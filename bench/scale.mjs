// 6. Backend scale: one Node process holding 10,000 concurrent pending pollSession calls against the
// emulator server (in another process): memory per pending poll and event-loop delay while they run.
// Run with --expose-gc.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ROOT, emit, importSdk, progress } from './lib.mjs';
import { fig, format, share } from './result.mjs';

const POLLS = Number(process.env.SCALE_POLLS ?? 10_000);
const INTERVAL = Number(process.env.SCALE_INTERVAL ?? 20_000);
const HOLD = Number(process.env.SCALE_HOLD ?? 30_000);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
/** Established TCP connections to the emulator's port, from /proc/net/tcp (Linux; -1 elsewhere). */
function connectionsTo(port) {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    return readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .filter((row) => row.trim().split(/\s+/)[1]?.endsWith(`:${hex}`) && row.trim().split(/\s+/)[3] === '01').length;
  } catch {
    return -1;
  }
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const server = spawn(process.execPath, [fileURLToPath(new URL('emulator-server.mjs', import.meta.url))], {
  cwd: ROOT,
  env: process.env,
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = await once(createInterface({ input: server.stdout }), 'line');
const { url, projectId } = JSON.parse(line);

const { EnchantedLinkClient, RequestBudget } = await importSdk();
// Unlimited budget: this part measures the cost of holding pending polls, not the budget's pacing (the
// rush part measures that); at the default 90 requests a minute, the 10,000 sends alone would take hours.
const client = new EnchantedLinkClient({ projectId, baseUrl: url, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) });

// The sends, 100 at a time, before measuring: only the pending polls should be in the figures.
const refs = [];
for (let i = 0; i < POLLS; i += 100) {
  const batch = await Promise.all(Array.from({ length: Math.min(100, POLLS - i) }, (_, j) => client.signInOrUp(`s${i + j}@bench.example`)));
  refs.push(...batch.map((sent) => sent.pendingRef));
}
progress('scale', `${POLLS} links sent; starting ${POLLS} polls (interval ${INTERVAL / 1000} s, held ${HOLD / 1000} s)`);
await sleep(1_000);
for (let i = 0; i < 3; i++) globalThis.gc();
const before = process.memoryUsage();

const controller = new AbortController();
let polls = 0;
let failures = 0;
const options = { signal: controller.signal, intervalMs: INTERVAL, maxIntervalMs: INTERVAL, timeoutMs: 600_000, onPoll: () => polls++ };
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const started = performance.now();
// Start them over one interval, as arriving users would, rather than 10,000 requests in one tick.
const pending = refs.map((ref, i) =>
  sleep((i / POLLS) * INTERVAL)
    .then(() => client.pollSession(ref, options))
    .catch((error) => {
      if (error !== controller.signal.reason) failures++;
    }),
);
const samples = [];
while (performance.now() - started < HOLD) {
  await sleep(5_000);
  const heapUsed = process.memoryUsage().heapUsed;
  const connections = connectionsTo(Number(new URL(url).port));
  samples.push({ at: Math.round((performance.now() - started) / 1000), heapUsed, rss: process.memoryUsage().rss, connections });
  progress('scale', `${samples.at(-1).at} s: ${polls} pending answers so far, heap ${(heapUsed / 2 ** 20).toFixed(0)} MB, ${connections} open connections`);
}
globalThis.gc();
const during = process.memoryUsage();
const eventLoop = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
loop.disable();
controller.abort(new Error('bench over'));
await Promise.all(pending);
server.stdin.end();
await once(server, 'exit');
const requestsPerSecond = polls / (HOLD / 1000);
const asked = POLLS / (INTERVAL / 1000);
const maxConnections = Math.max(...samples.map((sample) => sample.connections));
const perPoll = (bytes) => fig(bytes / POLLS / 1024, 'KB');
emit({
  title: `Backend scale: ${POLLS.toLocaleString('en')} pending polls every ${INTERVAL / 1000} s`,
  method: [
    `One Node process holding ${POLLS.toLocaleString('en')} concurrent pending \`pollSession\` calls for ${HOLD / 1000} s against the emulator server, which
runs in its own process (its memory and CPU stay out of the figures; both share the machine's cores). The links are sent first;
the polls start spread over one interval, as arriving users would, with \`interval = maxInterval\` = ${INTERVAL / 1000} s. Memory is
\`heapUsed\` / RSS after \`gc()\` at the end of the hold minus the same before the polls, per poll; event-loop delay from
\`monitorEventLoopDelay\` (resolution 1 ms); connections are the established TCP connections to the emulator's port
(\`/proc/net/tcp\`), sampled every 5 s. No target is set for this part.`,
  ],
  tables: [
    {
      columns: ['poll requests/s asked', 'got', 'max connections', 'heap per poll', 'RSS per poll', 'event-loop delay p99', 'max', 'failures'],
      rows: [
        [
          fig(asked, '', 0),
          fig(requestsPerSecond, '', 0),
          maxConnections,
          perPoll(during.heapUsed - before.heapUsed),
          perPoll(during.rss - before.rss),
          fig(eventLoop.p99, 'ms', 1),
          fig(eventLoop.max, 'ms'),
          failures,
        ],
      ],
    },
  ],
  findings: [
    `The process served ${format(share(requestsPerSecond, asked))} of the poll requests the schedule asked for (${format(fig(requestsPerSecond, '', 0))}/s of ${format(fig(asked, '', 0))}/s), with up to ${maxConnections} connections open at once${maxConnections < 0 ? ' (not measurable on this OS)' : ''}.`,
    `${failures === 0 ? 'No poll failed' : `${failures} polls failed`}; the event loop was delayed by up to ${format(fig(eventLoop.max, 'ms'))} (p99 ${format(fig(eventLoop.p99, 'ms', 1))}).`,
  ],
});

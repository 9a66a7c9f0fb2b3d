// 2b. Where a send call's client CPU goes: a CPU profile (--cpu-prof) of sequential sends over real
// loopback HTTP (the server in another process, bench/loopback.mjs), ours and a bare ky call, each in its
// own child process; self time (idle excluded) grouped by who owns the code, per call.
// `node bench/profile.mjs` profiles itself in child processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, emit } from './lib.mjs';
import { sendCalls, startLoopbackServer } from './loopback.mjs';
import { fig, format } from './result.mjs';

const CALLS = Number(process.env.PROFILE_CALLS ?? 10_000);
const OURS = 'enchanted-link signInOrUp';
const KY = 'bare ky.post().json()';

const loop = process.argv.find((a) => a.startsWith('--loop='))?.slice('--loop='.length);
if (loop) {
  const server = await startLoopbackServer();
  try {
    const send = (await sendCalls(server.url))[loop];
    for (let i = 0; i < CALLS; i++) await send();
  } finally {
    await server.close();
  }
} else {
  const summaries = {};
  for (const candidate of [OURS, KY]) {
    const dir = mkdtempSync(join(tmpdir(), 'enchanted-link-prof-'));
    try {
      const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), `--loop=${candidate}`], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      if (run.status !== 0) throw new Error(`profiling run exited with ${run.status}`);
      // The client's own profile (the server child is not profiled: --cpu-prof is not inherited through spawn's argv).
      const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      summaries[candidate] = summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  emit(section(summaries));
}

/** Who owns a sampled frame, by the file's path. */
function owner(functionName, url) {
  if (url.includes('node_modules/ky/')) return 'ky';
  if (url.includes('node_modules/zod/')) return 'zod';
  if (url.includes('/dist/') || url.includes('/.snapshot/')) return 'enchanted-link';
  if (url.startsWith('node:internal/deps/undici')) return "Node's fetch (undici: Request, Headers, HTTP client)";
  if (url.startsWith('node:')) return 'Node internals (streams, sockets, timers, promises)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8/native (program)';
  // Native bindings have no script URL: `writev` is the socket write (a system call).
  if (!url && !functionName.startsWith('(')) return 'native bindings (socket writes and reads)';
  return 'other (bench loop, native)';
}

/** Self time per call by owner and by function, in µs; idle samples (waiting for the server) excluded. */
function summarize(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const groups = new Map();
  const functions = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url } = nodes.get(id).callFrame;
    if (functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const group = owner(functionName, url);
    groups.set(group, (groups.get(group) ?? 0) + dt);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^node:internal\/deps\//, '')}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  });
  const perCall = (entries) => new Map([...entries].map(([name, time]) => [name, time / CALLS]));
  return { total: total / CALLS, groups: perCall(groups), functions: perCall(functions) };
}

/** The report section (see result.mjs) for the two profiles. */
function section(summaries) {
  const ours = summaries[OURS];
  const floor = summaries[KY];
  const us = (value) => fig(value, 'µs');
  const percent = (value) => fig(value * 100, '%');
  const owners = [...new Set([...ours.groups.keys(), ...floor.groups.keys()])]
    .map((name) => ({ name, ours: ours.groups.get(name) ?? 0, ky: floor.groups.get(name) ?? 0 }))
    .sort((a, b) => b.ours - a.ours);
  const byDifference = [...owners].sort((a, b) => b.ours - b.ky - (a.ours - a.ky));
  const top = [...ours.functions].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const [first, second] = owners;
  const extra = ours.total - floor.total;
  const grew = byDifference.filter((o) => o.ours - o.ky > 0).slice(0, 3);
  const own = ours.groups.get('enchanted-link') ?? 0;
  return {
    title: "Where a send call's client CPU goes",
    method: [
      `CPU profiles (\`--cpu-prof\`, one child process each) of ${CALLS.toLocaleString('en')} sequential sends over real loopback HTTP
(the static-answer server of the per-call overhead part, in another process): \`signInOrUp\` and a bare \`ky.post(…).json()\` with
the same settings. Self time per call, idle samples (waiting for the server) excluded, grouped by who owns the code (by the
file's path). Sampled time includes module loading and the profiler's own cost, so it reads as a breakdown, not an exact total.`,
    ],
    tables: [
      {
        columns: ['owner', 'ours per call', 'bare ky per call', 'difference'],
        rows: [
          ...owners.map((o) => [o.name, us(o.ours), us(o.ky), us(o.ours - o.ky)]),
          ['**total**', us(ours.total), us(floor.total), us(extra)],
        ],
      },
      { caption: 'Hottest functions of signInOrUp (self time)', columns: ['function', 'per call', 'share'], rows: top.map(([name, time]) => [`\`${name}\``, us(time), percent(time / ours.total)]) },
    ],
    findings: [
      `The largest owner of a send's sampled CPU is ${first.name} (${format(us(first.ours))} per call, ${format(percent(first.ours / ours.total))})${second ? `, then ${second.name} (${format(us(second.ours))}, ${format(percent(second.ours / ours.total))})` : ''}.`,
      `Sampled CPU per call: ours ${format(us(ours.total))}, bare ky ${format(us(floor.total))} (${extra >= 0 ? 'ours more' : 'ours less'} by ${format(us(Math.abs(extra)))}).`,
      grew.length
        ? `Where ours spends more than bare ky: ${grew.map((o) => `${o.name} +${format(us(o.ours - o.ky))}`).join(', ')}.`
        : 'No owner spends more in ours than in bare ky.',
      `enchanted-link's own code has ${format(us(own))} per call (${format(percent(own / ours.total))} of the sampled CPU).`,
    ],
  };
}

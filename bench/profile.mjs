// 2b. Where signInOrUp's time goes: a CPU profile (--cpu-prof) of 60,000 calls on the fetch stub,
// self time grouped by who owns the code. `node bench/profile.mjs` profiles itself in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, emit, importSdk } from './lib.mjs';
import { fig, format } from './result.mjs';
import { linkFetch } from './stub-fetch.mjs';

const CALLS = 60_000;

if (process.argv.includes('--loop')) {
  const { EnchantedLinkClient } = await importSdk();
  const client = new EnchantedLinkClient({ projectId: 'P2bench00000000000000000000', fetch: linkFetch });
  for (let i = 0; i < CALLS; i++) await client.signInOrUp('ada@example.com');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'enchanted-link-prof-'));
  try {
    const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), '--loop'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error(`profiling run exited with ${run.status}`);
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    emit(section(summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Self time by owner: ky, zod, our code, Node's fetch internals (undici's Request/Headers/streams), GC. */
function summarize(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const groups = new Map();
  const functions = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url } = nodes.get(id).callFrame;
    const dt = profile.timeDeltas[i];
    total += dt;
    const group = url.includes('node_modules/ky/')
      ? 'ky'
      : url.includes('node_modules/zod/')
        ? 'zod'
        : url.includes('/dist/') || url.includes('/.snapshot/')
          ? 'enchanted-link'
          : url.startsWith('node:')
            ? 'Node internals (Request, Headers, streams)'
            : functionName === '(garbage collector)'
              ? 'garbage collector'
              : 'other (native, bench loop)';
    groups.set(group, (groups.get(group) ?? 0) + dt);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^node:internal\/deps\//, '')}`;
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  });
  const share = (entries, n) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, time]) => ({ name, share: time / total }));
  return { calls: CALLS, groups: share(groups, 10), top: share(functions, 10) };
}

/** The report section (see result.mjs) for a profile summary. */
function section({ calls, groups, top }) {
  const percent = (value) => fig(value * 100, '%');
  const [first, second] = groups;
  const own = groups.find((g) => g.name === 'enchanted-link')?.share ?? 0;
  return {
    title: "Where signInOrUp's time goes",
    method: [
      `A CPU profile (\`--cpu-prof\`) of ${calls.toLocaleString('en')} sequential \`signInOrUp\` calls on the in-process fetch stub of the
per-call overhead part; self time grouped by who owns the code (by the file's path).`,
    ],
    tables: [
      { columns: ['owner', 'share of self time'], rows: groups.map((g) => [g.name, percent(g.share)]) },
      { columns: ['hottest functions', 'share'], rows: top.map((f) => [`\`${f.name.trim()}\``, percent(f.share)]) },
    ],
    findings: [
      `The largest owner of self time is ${first.name} (${format(percent(first.share))})${second ? `, then ${second.name} (${format(percent(second.share))})` : ''}.`,
      `enchanted-link's own code has ${format(percent(own))} of the self time.`,
    ],
  };
}

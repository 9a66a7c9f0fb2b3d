// `npm run bench`: builds the package, runs every benchmark part in its own process against a snapshot
// of the build, and writes BENCHMARKS.md (and the images the parts draw) from that run alone. Progress on
// stderr. A part is a script that prints one section (see result.mjs) as its last stdout line; add one
// by adding a row to PARTS.
//
// `--minutes N` sets how long the chaos soak runs (default 1).
// `--report-only` rewrites BENCHMARKS.md from the last run's results (bench/.snapshot/results.json),
// e.g. after changing how the report is laid out; it measures nothing.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, progress, runPart } from './lib.mjs';
import { report, runStamp, sampleLoad } from './report.mjs';

/** The SDK's dependencies and the peers it is compared with: their versions go into the report. */
const PACKAGES = ['ky', 'zod', '@descope/core-js-sdk', 'esbuild'];

const gc = { flags: ['--expose-gc'] };
/** [key, script, options, extra environment], in report order. */
const PARTS = [
  ['size', 'size.mjs', { args: ['--json'] }],
  ['overhead', 'overhead.mjs'],
  ['profile', 'profile.mjs'],
  ['coldStart', 'cold-start.mjs'],
  ['leaks', 'leaks.mjs', gc],
  ['scale', 'scale.mjs', gc],
  ['scaleStress', 'scale.mjs', gc, { SCALE_INTERVAL: '5000', SCALE_HOLD: '25000' }],
  ['polling', 'polling.mjs'],
  ['rush', 'rush.mjs'],
  ['fairness', 'fairness.mjs'],
  // Real time against a real redis-server (its clock is the point): about 8 minutes.
  ['fleet', 'fleet.mjs'],
  // Last: it depends on the same-browser fast path, which is feature-checked.
  ['fastPath', 'fast-path.mjs'],
  // The chaos soak for `--minutes N` (default 1): `npm run bench -- --only=chaos --minutes 10`.
  ['chaos', 'chaos.mjs'],
];

const snapshot = join(ROOT, 'bench/.snapshot');
const resultsFile = join(snapshot, 'results.json');

function write(results) {
  writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  for (const image of results.sections.flatMap((s) => s.images ?? [])) writeFileSync(join(ROOT, image.file), image.svg);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), report(results));
}

if (process.argv.includes('--report-only')) {
  write(JSON.parse(readFileSync(resultsFile, 'utf8')));
  process.exit(0);
}

const started = Date.now();
// Taken before the build, so the tree's state is the one the build saw.
const stamp = runStamp(PACKAGES);
const load = sampleLoad();
progress('index', 'building the package (npm run build)');
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) throw new Error('npm run build failed');
rmSync(snapshot, { recursive: true, force: true });
mkdirSync(snapshot, { recursive: true });
cpSync(join(ROOT, 'dist'), join(snapshot, 'dist'), { recursive: true });
process.env.BENCH_DIST = join(snapshot, 'dist');

const minutes = process.argv.indexOf('--minutes');
if (minutes >= 0) process.env.BENCH_CHAOS_MINUTES = process.argv[minutes + 1];
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const sections = [];
for (const [key, file, options = {}, env = {}] of PARTS) {
  if (only && !only.includes(key)) continue;
  progress('index', `${key}: node ${file} (${Math.round((Date.now() - started) / 1000)} s so far)`);
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  // A part that fails (a crash, a timeout on a machine too busy) is reported as not measured, and the
  // run goes on: one part must not cost every other part's figures.
  const result = await runPart(file, options).catch((error) => ({ title: key, method: [`node bench/${file}`], pending: `the part failed: ${error.message}` }));
  sections.push({ key, ...result });
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
write({ stamp, ...(only ? { only } : {}), load: load.stop(), runtimeSeconds: (Date.now() - started) / 1000, sections });
progress('index', `wrote BENCHMARKS.md in ${Math.round((Date.now() - started) / 1000)} s`);

// `npm run bench`: builds the package, runs every benchmark part in its own process against a snapshot
// of the build, and writes BENCHMARKS.md and bench/polling.svg. About 6 minutes; progress on stderr.
// The same-browser fast path runs last.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollingChart } from './chart.mjs';
import { ROOT, progress, runPart } from './lib.mjs';
import { report, runStamp } from './report.mjs';

const started = Date.now();
const snapshot = join(ROOT, 'bench/.snapshot');
const write = (results) => {
  writeFileSync(join(snapshot, 'results.json'), JSON.stringify(results, null, 2));
  writeFileSync(join(ROOT, 'bench/polling.svg'), pollingChart(results.polling.results));
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), report(results));
};
// `--report-only`: rewrite BENCHMARKS.md and the chart from the last run's figures (sizes re-measured).
if (process.argv.includes('--report-only')) {
  process.env.BENCH_DIST = join(snapshot, 'dist');
  const results = JSON.parse(readFileSync(join(snapshot, 'results.json'), 'utf8'));
  results.size = await runPart('size.mjs', { args: ['--json'] });
  write(results);
  process.exit(0);
}
const stamp = runStamp();
progress('index', 'building the package (npm run build)');
const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) throw new Error('npm run build failed');
rmSync(snapshot, { recursive: true, force: true });
mkdirSync(snapshot, { recursive: true });
cpSync(join(ROOT, 'dist'), join(snapshot, 'dist'), { recursive: true });
process.env.BENCH_DIST = join(snapshot, 'dist');

const gc = { flags: ['--expose-gc'] };
const parts = [
  ['size', 'size.mjs', { args: ['--json'] }],
  ['overhead', 'overhead.mjs'],
  ['profile', 'profile.mjs'],
  ['coldStart', 'cold-start.mjs'],
  ['leaks', 'leaks.mjs', gc],
  ['scale', 'scale.mjs', gc],
  ['scaleStress', 'scale.mjs', gc, { SCALE_INTERVAL: '5000', SCALE_HOLD: '25000' }],
  ['polling', 'polling.mjs'],
  // Last: it depends on the same-browser fast path, which is feature-checked.
  ['fastPath', 'fast-path.mjs'],
];
const results = { stamp };
for (const [name, file, options = {}, env = {}] of parts) {
  progress('index', `${name}: node ${file} (${Math.round((Date.now() - started) / 1000)} s so far)`);
  Object.assign(process.env, env);
  results[name] = await runPart(file, options);
  for (const key of Object.keys(env)) delete process.env[key];
}
results.runtimeSeconds = (Date.now() - started) / 1000;
write(results);
progress('index', `wrote BENCHMARKS.md and bench/polling.svg in ${Math.round(results.runtimeSeconds)} s`);

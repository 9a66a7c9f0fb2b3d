// 5. Cold start: N fresh processes each time `await import(<entry>)` (performance.now() around it), and
// the whole process's wall time, for our Node entry, core-js-sdk, and an empty script as the floor.
import { spawnSync } from 'node:child_process';
import { DIST, ROOT, emit, installedVersion, median, progress } from './lib.mjs';
import { fig, format, ratio, share } from './result.mjs';

const N = Number(process.env.COLD_PROCESSES ?? 20);
const script = (specifier) =>
  specifier
    ? `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`
    : 'console.log(0);';
const subjects = {
  'enchanted-link': `${DIST}/index.js`,
  '@descope/core-js-sdk': '@descope/core-js-sdk',
  // Our two dependencies alone, to show where our import time goes.
  'ky alone': 'ky',
  'zod/mini alone': 'zod/mini',
  'empty script (floor)': undefined,
};

// Interleaved (one process of each subject per round), so a busy moment of the machine hits all alike.
const runs = Object.fromEntries(Object.keys(subjects).map((name) => [name, { imports: [], walls: [] }]));
for (let i = 0; i < N; i++) {
  for (const [name, specifier] of Object.entries(subjects)) {
    const start = performance.now();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script(specifier)], { cwd: ROOT, encoding: 'utf8' });
    runs[name].walls.push(performance.now() - start);
    if (run.status !== 0) throw new Error(`${name}: ${run.stderr}`);
    runs[name].imports.push(Number(run.stdout.trim()));
  }
}
const results = {};
for (const [name, { imports, walls }] of Object.entries(runs)) {
  results[name] = { importMedian: median(imports), wallMedian: median(walls) };
  progress('cold-start', `${name}: import ${results[name].importMedian.toFixed(1)} ms, process ${results[name].wallMedian.toFixed(0)} ms (median of ${N})`);
}
const ours = results['enchanted-link'];
const core = results['@descope/core-js-sdk'];
const deps = results['ky alone'].importMedian + results['zod/mini alone'].importMedian;
emit({
  title: 'Cold start',
  method: [
    `${N} fresh processes per module, interleaved (one of each per round): \`performance.now()\` around \`await import(...)\` of
the Node ESM entry, and the whole process's wall time (spawn to exit); medians. No target is set for this part.`,
  ],
  tables: [
    {
      columns: ['module', 'import (median)', 'process wall time (median)'],
      rows: Object.entries(results).map(([name, r]) => [
        name === '@descope/core-js-sdk' ? `${name} ${installedVersion(name)}` : name,
        fig(r.importMedian, 'ms', 1),
        fig(r.wallMedian, 'ms'),
      ]),
    },
  ],
  findings: [
    `Our import takes ${format(ratio(ours.importMedian, core.importMedian))} core-js-sdk's (${format(fig(ours.importMedian, 'ms', 1))} vs ${format(fig(core.importMedian, 'ms', 1))}).`,
    `Importing ky alone and zod/mini alone takes ${format(fig(deps, 'ms', 1))} together, ${format(share(deps, ours.importMedian))} of our import time.`,
  ],
});

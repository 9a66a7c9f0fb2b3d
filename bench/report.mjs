// Renders BENCHMARKS.md from one run's results: the run's stamp (commit, clean or dirty tree, date, runtime
// and package versions, machine load measured during the run) and the sections the parts returned (see
// result.mjs). Every figure, verdict and sentence comes from the results; nothing here knows a part.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { format, isMet } from './result.mjs';
import { ROOT, installedVersion } from './lib.mjs';

/** Files the run itself writes: a change to them alone does not make the measured code differ from the commit. */
export const OUTPUTS = ['BENCHMARKS.md', 'bench/polling.svg'];

const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** The commit measured and the working tree's changes on top of it (the run's outputs excepted). */
function revision() {
  try {
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
    const changed = status
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3).split(' -> ').at(-1))
      .filter((path) => !OUTPUTS.includes(path));
    return { commit: git('rev-parse', 'HEAD'), subject: git('log', '-1', '--format=%s'), changed };
  } catch {
    return { commit: null, subject: null, changed: [] };
  }
}

/**
 * What the run is measured on, taken when it starts: commit, tree, date, runtime, machine, and the
 * versions of the packages named (the SDK's dependencies and the peers it is compared with).
 */
export function runStamp(packages) {
  const cpu = (() => {
    try {
      return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    } catch {
      return undefined;
    }
  })();
  return {
    startedAt: new Date().toISOString(),
    revision: revision(),
    version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    runtime: { node: process.version, v8: process.versions.v8, os: `${os.type()} ${os.release()}`, arch: process.arch },
    machine: { cpu: cpu ?? os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), memoryGiB: os.totalmem() / 2 ** 30 },
    packages: Object.fromEntries(packages.map((name) => [name, installedVersion(name)])),
  };
}

/** Samples the 1-minute load average every `ms` while the run lasts; `stop()` returns the samples. */
export function sampleLoad(ms = 5_000) {
  const samples = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), ms);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      samples.push(os.loadavg()[0]);
      return samples;
    },
  };
}

const cell = (value) => format(value);
const isNumeric = (value) => typeof value === 'number' || (typeof value === 'object' && value !== null);

function table({ caption, columns, rows }) {
  const right = columns.map((_, i) => rows.length > 0 && rows.every((row) => isNumeric(row[i])));
  return [
    ...(caption ? [caption, ''] : []),
    `| ${columns.join(' | ')} |`,
    `|${right.map((r) => (r ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** "**Met**: 18.20 KB against ≤ 19.00 KB (819 B of headroom)" or "**Missed**: … (… over)". */
function verdict(t) {
  const met = isMet(t);
  const sign = t.better === 'lower' ? '≤' : '≥';
  if (!Number.isFinite(t.value.value)) return `**Missed**: not measured (target ${sign} ${format(t.limit)})`;
  const gap = { ...t.value, value: Math.abs(t.value.value - t.limit.value) };
  const margin = met ? `${format(gap)} of headroom` : `${format(gap)} ${t.better === 'lower' ? 'over' : 'short'}`;
  return `${met ? '**Met**' : '**Missed**'}: ${format(t.value)} against ${sign} ${format(t.limit)} (${margin})`;
}

function section(number, s) {
  const out = [`## ${number}. ${s.title}`, '', ...s.method.flatMap((p) => [p, ''])];
  if (s.pending) return [...out, `**Not measured**: ${s.pending}.`, ''].join('\n');
  for (const t of s.tables ?? []) out.push(table(t), '');
  for (const image of s.images ?? []) out.push(`![${image.alt}](${image.file})`, '');
  if (s.targets?.length) out.push('Targets:', '', ...s.targets.map((t) => `- ${t.name}: ${verdict(t)}.${t.note ? ` ${t.note}` : ''}`), '');
  if (s.findings?.length) out.push('Findings of this run:', '', ...s.findings.map((f) => `- ${f}`), '');
  return out.join('\n');
}

function header(r) {
  const { stamp } = r;
  const date = stamp.startedAt.replace(/\.\d+Z$/, ' UTC').replace('T', ' ');
  const { commit, subject, changed } = stamp.revision;
  const code = !commit
    ? 'not a git checkout: the code measured cannot be named by a commit.'
    : changed.length === 0
      ? `commit \`${commit}\` ("${subject}"), clean working tree.`
      : `commit \`${commit}\` ("${subject}") **plus uncommitted changes** in ${changed.length} file${changed.length === 1 ? '' : 's'} ` +
        `(${changed.slice(0, 8).map((p) => `\`${p}\``).join(', ')}${changed.length > 8 ? ', …' : ''}): these figures do not belong to that commit alone.`;
  const { runtime, machine } = stamp;
  const packages = Object.entries(stamp.packages)
    .map(([name, version]) => `\`${name}\` ${version ?? '(not installed)'}`)
    .join(', ');
  const load = r.load ?? [];
  const peak = Math.max(...load);
  const loadLine = load.length
    ? `1-minute load average sampled every 5 s during the run: median ${format({ value: [...load].sort((a, b) => a - b)[Math.floor(load.length / 2)], unit: '', digits: 2 })}, peak ${format({ value: peak, unit: '', digits: 2 })} on ${machine.cores} cores.` +
      (peak > machine.cores
        ? ` **The machine was busy with other work** (peak load above the core count): timing figures of this run include that contention and are not comparable with a run on an idle machine; sizes are exact either way.`
        : ` The load stayed within the core count.`)
    : 'The load average was not recorded.';
  const seeds = (r.sections ?? []).flatMap((s) => Object.entries(s.seeds ?? {}).map(([name, seed]) => `${name} ${seed}`));
  return `# Benchmarks

Generated by \`npm run bench\` (\`node bench/index.mjs\`) from one run; do not edit by hand. Run started ${date} and
took ${format({ value: r.runtimeSeconds, unit: 's', digits: 0 })}. Every part runs in its own Node process against a snapshot of the \`dist/\` that
\`npm run build\` produced at the start of the run (what users get).

- Code: enchanted-link ${stamp.version}, ${code}
- Runtime: Node ${runtime.node} (V8 ${runtime.v8}), ${runtime.os} ${runtime.arch}.
- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB memory. ${loadLine}
- Packages (versions read from their \`package.json\`): ${packages}.
${r.only ? `- **Partial run** (\`--only=${r.only.join(',')}\`): the other parts were not measured.\n` : ''}${seeds.length ? `- Seeds: ${seeds.join(', ')} (a part reruns with the same seed through its own options).\n` : ''}`;
}

function summary(sections) {
  const rows = sections.flatMap((s, i) => (s.targets ?? []).map((t) => [`${i + 1}. ${s.title}`, t.name, format(t.value), `${t.better === 'lower' ? '≤' : '≥'} ${format(t.limit)}`, isMet(t) ? 'met' : '**missed**']));
  if (rows.length === 0) return '';
  return `## Targets at a glance

${table({ columns: ['section', 'target', 'this run', 'target', 'verdict'], rows })}
`;
}

/** BENCHMARKS.md for a run: `{ stamp, load, runtimeSeconds, sections }`. */
export function report(r) {
  const sections = r.sections ?? [];
  return [header(r), summary(sections), ...sections.map((s, i) => section(i + 1, s))].filter(Boolean).join('\n');
}

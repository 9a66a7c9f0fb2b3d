// Tests of the CLI and of the packed tarball run what `npm run build` produces. Build once per run,
// and only when a source is newer than the output, so `npm test` works on a fresh clone by itself.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((max, entry) => Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);

const mtime = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

export default function setup(): void {
  const sources = Math.max(newest('src'), mtime('package.json'), mtime('tsup.config.ts'));
  const outputs = ['index.js', 'index.cjs', 'testing.js', 'testing.cjs', 'cli.js'].map((file) => mtime(join('dist', file)));
  if (Math.min(...outputs) > sources) return;
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

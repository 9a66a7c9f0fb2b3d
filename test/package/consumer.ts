// The package exactly as npm ships it, in a throwaway consumer folder: `npm pack`, then `npm install` of
// the tarball. Shared by the packed-package and runtime-matrix tests.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository root. */
export const root = resolve(import.meta.dirname, '../..');

const env = { ...process.env, CI: 'true' };

/** Runs a command and returns its stdout; throws with its stderr when it exits non-zero. Blocks. */
export const run = (command: string, args: string[], cwd: string): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });

/**
 * The same, without blocking the event loop: needed when the command talks to a server of this process.
 * Rejects with the command's stderr in the message.
 */
export async function runAsync(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}, timeoutMs = 60_000): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: timeoutMs });
    return stdout;
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${String(error)}\n${stdout}\n${stderr}`);
  }
}

/**
 * Packs the repository into a new temporary folder and installs the tarball into `<work>/consumer`, whose
 * package.json has the given module `type`. dist/ comes from the test run's global setup, hence
 * `--ignore-scripts`: a second build here would race the other tests that read dist/.
 */
export function packedConsumer(type: 'module' | 'commonjs'): { work: string; consumer: string } {
  const work = mkdtempSync(join(tmpdir(), 'enchanted-link-pack-'));
  const tarball = pack(work);
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type }));
  run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], consumer);
  return { work, consumer };
}

/** `npm pack` of the repository into `folder` (dist/ as the global setup built it); the tarball's path. */
export function pack(folder: string): string {
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', folder, '--loglevel=error'], root);
  const tarball = readdirSync(folder).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${folder}`);
  return join(folder, tarball);
}

// examples/hono as a user runs it after copying it out of the repository: its own package.json and
// lockfile (hono, @hono/node-server, redis at the pinned versions), with `enchanted-link` the packed
// tarball instead of the repository (`file:../..`), installed in a temporary folder. Shared by the fleet
// test (test/examples/hono-fleet.e2e.test.ts) and the Workers one (test/runtimes/hono-workers.test.ts).
// Nothing is cached here but npm's own cache: the example's three packages install from it in seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { pack, root, run } from '../package/consumer.js';

/** The example's folder in the repository. */
export const exampleFolder = join(root, 'examples/hono');

/** Copies the example into a new temporary folder and installs it with the packed package. */
export function installHonoExample(): { work: string; app: string } {
  const work = mkdtempSync(join(tmpdir(), 'enchanted-link-hono-'));
  const tarball = pack(work);
  const app = join(work, 'hono');
  mkdirSync(app);
  for (const entry of readdirSync(exampleFolder, { withFileTypes: true })) {
    if (entry.isFile() && /\.(ts|json|capnp)$/.test(entry.name)) copyFileSync(join(exampleFolder, entry.name), join(app, entry.name));
  }
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['enchanted-link'] = `file:${tarball}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  // `npm install`, not `ci`: the lockfile pins everything else, and the tarball replaces its `file:../..`.
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app);
  return { work, app };
}

/** The example's TypeScript errors with its own tsconfig.json, against the installed packages. */
export function typeErrors(app: string): string[] {
  // Node's types come from the repository (the example's tsconfig names them; an app would install them).
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(root, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'), 'dir');
  const parsed = ts.getParsedCommandLineOfConfigFile(join(app, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(app.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

/** A process of the example; `output()` is everything it printed so far (stdout and stderr). */
export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves once it printed a line matching `pattern`; rejects with its output if it exits first. */
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
  /** Resolves with the exit code once it exits by itself. */
  exit: () => Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

/** Spawns `command` in `cwd` with the environment cleaned of DESCOPE_* and the example's settings. */
export function start(command: string, args: string[], cwd: string, env: Record<string, string>): Running {
  const settings = /^(DESCOPE_|AUTH_SECRET$|PUBLIC_URL$|REDIS_URL$|TRUST_PROXY$|PORT$|HOST$|NODE_ENV$|DEBUG$)/;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !settings.test(name)));
  const child = spawn(command, args, { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const changed = new EventEmitter();
  const print = (chunk: Buffer) => {
    output += chunk;
    changed.emit('change');
  };
  child.stdout!.on('data', print);
  child.stderr!.on('data', print);
  const exited = once(child, 'exit');
  child.once('exit', () => changed.emit('change'));
  return {
    child,
    output: () => output,
    async waitFor(pattern) {
      for (;;) {
        const found = pattern.exec(output);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        await once(changed, 'change');
      }
    },
    exit: async () => (await exited)[0] as number | null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

// examples/nextjs as a user installs and runs it: its own package.json and lockfile (Next.js, React) plus
// the packed tarball of this repository, in a folder outside the repository (so nothing resolves from the
// repository's node_modules), then `next build` and `next start`. The install is kept between runs until
// the example's package files change, and the build until the tarball or a source of the example does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pack, root, runAsync } from '../package/consumer.js';

const example = join(root, 'examples/nextjs');
/** One folder per clone of the repository, so two clones on one machine do not share it. */
export const appFolder = join(tmpdir(), `enchanted-link-nextjs-${sha256(root).slice(0, 12)}`);
/** The example's own files that are not sources: installed or made by npm and Next. */
const NOT_SOURCES = new Set(['node_modules', '.next', 'package.json', 'package-lock.json', '.npmrc', 'next-env.d.ts', 'README.md']);
const nextBin = () => join(appFolder, 'node_modules/next/dist/bin/next');

function sha256(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

const stamp = (name: string) => join(appFolder, `.stamp-${name}`);
const stamped = (name: string, key: string) => existsSync(stamp(name)) && readFileSync(stamp(name), 'utf8') === key;

/** How long each step took, in ms (0: kept from an earlier run). */
export interface PrepareTimings {
  packMs: number;
  installMs: number;
  buildMs: number;
}

/**
 * Installs the example with the packed package and builds it, each step only when its inputs changed.
 * `next build` runs at `nice 10`: it takes both cores of a machine other work shares.
 */
export async function prepareExample(): Promise<PrepareTimings> {
  const timings: PrepareTimings = { packMs: 0, installMs: 0, buildMs: 0 };
  let started = Date.now();
  const packed = join(tmpdir(), `enchanted-link-nextjs-pack-${process.pid}`);
  rmSync(packed, { recursive: true, force: true });
  mkdirSync(packed);
  const tarball = readFileSync(pack(packed));
  rmSync(packed, { recursive: true, force: true });
  timings.packMs = Date.now() - started;

  started = Date.now();
  const files = ['package.json', 'package-lock.json', '.npmrc'].map((file) => readFileSync(join(example, file)));
  const depsKey = sha256(...files);
  if (!stamped('deps', depsKey)) {
    rmSync(appFolder, { recursive: true, force: true });
    mkdirSync(appFolder, { recursive: true });
    // The example's dependencies as committed, except `enchanted-link`, which is this run's tarball.
    const manifest = JSON.parse(files[0]!.toString()) as { dependencies: Record<string, string> };
    manifest.dependencies['enchanted-link'] = 'file:enchanted-link.tgz';
    writeFileSync(join(appFolder, 'package.json'), JSON.stringify(manifest, null, 2));
    copyFileSync(join(example, 'package-lock.json'), join(appFolder, 'package-lock.json'));
    writeFileSync(join(appFolder, 'enchanted-link.tgz'), tarball);
    await runAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], appFolder, {}, 300_000);
    writeFileSync(stamp('deps'), depsKey);
    writeFileSync(stamp('tarball'), sha256(tarball));
  } else if (!stamped('tarball', sha256(tarball))) {
    writeFileSync(join(appFolder, 'enchanted-link.tgz'), tarball);
    await runAsync('npm', ['install', 'file:enchanted-link.tgz', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], appFolder, {}, 300_000);
    writeFileSync(stamp('tarball'), sha256(tarball));
  }
  timings.installMs = Date.now() - started;

  // The sources, fresh: whatever an earlier run copied is replaced.
  const sources = readdirSync(example).filter((entry) => !NOT_SOURCES.has(entry));
  for (const entry of sources) {
    rmSync(join(appFolder, entry), { recursive: true, force: true });
    cpSync(join(example, entry), join(appFolder, entry), { recursive: true });
  }
  const sourceFiles = readdirSync(example, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(example, join(entry.parentPath, entry.name)))
    .filter((file) => !NOT_SOURCES.has(file.split(sep)[0]!))
    .sort();
  const buildKey = sha256(tarball, ...sourceFiles.flatMap((file) => [file, readFileSync(join(example, file))]));
  if (!stamped('build', buildKey) || !existsSync(join(appFolder, '.next/BUILD_ID'))) {
    started = Date.now();
    await runAsync('nice', ['-n', '10', process.execPath, nextBin(), 'build'], appFolder, { NEXT_TELEMETRY_DISABLED: '1' }, 600_000);
    writeFileSync(stamp('build'), buildKey);
    timings.buildMs = Date.now() - started;
  }
  return timings;
}

/** A TCP port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** The production server of the built example (`next start`), and how to stop it. */
export interface RunningExample {
  /** `http://localhost:PORT`: the origin browsers see, where `__Host-` cookies are accepted over HTTP. */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  close(): Promise<void>;
}

/** Starts `next start` with `env` (the kit's settings); resolves once it is ready. */
export async function startExample(env: Record<string, string>): Promise<RunningExample> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DESCOPE_|AUTH_SECRET$|PUBLIC_URL$|NODE_ENV$)/.test(name)));
  // Its own process group: `next start` may start workers, and stopping it must stop them all.
  const child: ChildProcess = spawn(process.execPath, [nextBin(), 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: appFolder,
    env: { ...clean, NEXT_TELEMETRY_DISABLED: '1', PUBLIC_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = once(child, 'exit');
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  };
  try {
    const deadline = Date.now() + 60_000;
    while (!/Ready in/.test(output)) {
      if (child.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`next start was not ready within 60 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url, output: () => output, close };
}

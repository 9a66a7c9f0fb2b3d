// A real `redis-server` for the tests that need one (the Redis store and budget, the fleet tests of the
// examples): its own process on a free loopback port, in a temporary directory, with no persistence, so
// tests never share state with each other or with a Redis the machine may run. Nothing is skipped: when
// the binary is missing, starting fails with the command that installs it (`.ci/run` installs it).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running `redis-server` started by {@link startRedisServer}. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` (no password: the server listens on loopback only). */
  readonly url: string;
  readonly port: number;
  /** Freezes the server (SIGSTOP): connections stay open and every command hangs, as on a stuck Redis. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  /** Stops the server (frozen or not) and removes its directory; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** The binary to start: `REDIS_SERVER` when set, else `redis-server` from PATH (Debian: /usr/bin/redis-server). */
const binary = () => process.env.REDIS_SERVER ?? 'redis-server';
const INSTALL = 'redis-server is not installed: run `apt-get install -y redis-server` (as root; `bash .ci/run` does it)';

/** A loopback port that was free a moment ago (redis-server cannot pick one itself: `--port 0` disables TCP). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` on `port`; resolves once it accepts connections, rejects with its output if it exits first. */
function launch(port: number, dir: string): Promise<ChildProcess> {
  // No RDB snapshots, no AOF, loopback only, nothing read from a config file: a throwaway server.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes', '--loglevel', 'notice'];
  const child = spawn(binary(), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
    };
    const fail = (error: Error) => {
      done();
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      done();
      // Keep draining its output so a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(child);
    };
    const onError = (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ENOENT' ? new Error(INSTALL) : error);
    const onExit = (code: number | null) => fail(Object.assign(new Error(`redis-server exited (${code}) before it was ready:\n${output}`), { output }));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', onError);
    child.on('exit', onExit);
  });
}

/**
 * Starts a throwaway `redis-server` on a free 127.0.0.1 port. Call `stop()` when done (in `afterAll`): it
 * leaves no process and no files. A server still running when the test process exits is killed then.
 *
 * @throws Error naming `apt-get install -y redis-server` when the binary is missing.
 * @example
 * ```ts
 * let redis: RedisServer;
 * beforeAll(async () => { redis = await startRedisServer(); });
 * afterAll(() => redis.stop());
 * ```
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'enchanted-link-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  // The free port can be taken between the probe and redis-server's bind: try a few.
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (error) {
      const inUse = String((error as { output?: string }).output ?? '').includes('Address already in use');
      if (!inUse || attempt === 5) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const running = child;
  const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
  const killOnExit = () => running.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    freeze: () => void running.kill('SIGSTOP'),
    thaw: () => void running.kill('SIGCONT'),
    stop: () =>
      (stopping ??= (async () => {
        process.off('exit', killOnExit);
        if (running.exitCode === null && running.signalCode === null) {
          running.kill('SIGCONT');
          running.kill('SIGTERM');
          const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

// The example as `npm run example:server` runs it: transpiled by esbuild, started as its own process (srvx
// on Node's http), configured by the environment. Its whole output is captured and searched for secrets.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { confirmLink } from './confirm-link.js';

const folder = join(import.meta.dirname, '../../examples/node-server');
const emulator = createEmulator();
let emulatorServer: EmulatorServer;

beforeAll(async () => {
  // The same transpile as the npm script; dist/ sits inside the package, so `enchanted-link` resolves to
  // the built package by self-reference, as in an app that depends on it.
  await build({ entryPoints: [join(folder, '*.ts')], outdir: join(folder, 'dist'), platform: 'node', format: 'esm', logLevel: 'warning' });
  emulatorServer = await emulator.listen();
}, 30_000);

afterAll(() => emulatorServer.close());

/** Starts the example; resolves once it logged its URL. `output()` is everything it printed so far. */
async function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DESCOPE_')));
  const child = spawn(process.execPath, [join(folder, 'dist/main.js')], { env: { ...clean, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  for (;;) {
    const url = /"event":"server\.listening","url":"([^"]+)"/.exec(output)?.[1];
    if (url) return { url, child, output: () => output };
    if (child.exitCode !== null) throw new Error(`the example exited early:\n${output}`);
    await once(child.stdout, 'data');
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/auth/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('npm run example:server', () => {
  it('signs in against the Descope of DESCOPE_PROJECT_ID / DESCOPE_BASE_URL, prints no secret and exits on SIGTERM', async () => {
    const { url, child, output } = await start({ DESCOPE_PROJECT_ID: emulator.projectId, DESCOPE_BASE_URL: emulatorServer.url });
    try {
      const { handle } = (await (await post(url, { email: 'margaret@example.com' })).json()) as { handle: string };
      const status = fetch(`${url}/auth/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle }) });
      const email = emulator.lastEmail('margaret@example.com')!;
      const link = email.links.find(({ correct }) => correct)!;
      expect(link.url).toMatch(new RegExp(`^${url}/auth/confirm\\?el_binding=[\\w-]{32}&t=`));
      expect((await confirmLink(link.url, email.linkId)).status).toBe(200);
      const answer = await status;
      expect(await answer.json()).toMatchObject({ status: 'signed_in', user: { email: 'margaret@example.com' } });
      const cookies = answer.headers.getSetCookie();
      const sessionJwt = /^__Host-DS=([^;]+);/.exec(cookies[0] ?? '')?.[1];
      const refreshJwt = /^__Host-DSR=([^;]+);/.exec(cookies[1] ?? '')?.[1];
      expect(sessionJwt).toBeTruthy();
      expect(refreshJwt).toBeTruthy();
      expect(output()).toContain('"event":"status.signed-in"');
      for (const secret of [refreshJwt!, sessionJwt!, email.pendingRef, handle, ...email.links.map(({ token }) => token)]) {
        expect(output()).not.toContain(secret);
      }
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 20_000);

  it.each([
    ['no DESCOPE_PROJECT_ID (never a silent fallback to the emulator)', { NODE_ENV: 'production', AUTH_SECRET: 's'.repeat(32) }, 'DESCOPE_PROJECT_ID is not set'],
    ['no AUTH_SECRET (instances could not share sign-ins)', { NODE_ENV: 'production', DESCOPE_PROJECT_ID: 'P2abc' }, 'AUTH_SECRET must be set'],
    ['an AUTH_SECRET too short', { NODE_ENV: 'production', DESCOPE_PROJECT_ID: 'P2abc', AUTH_SECRET: 'short' }, 'AUTH_SECRET must be set'],
  ])('refuses to start in production with %s', async (_, env, reason) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DESCOPE_') && name !== 'AUTH_SECRET'));
    const child = spawn(process.execPath, [join(folder, 'dist/main.js')], { env: { ...clean, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output).toContain('"event":"server.refused"');
    expect(output).toContain(reason);
    expect(output).not.toContain('emulator.listening');
    expect(output).not.toContain('server.listening');
  }, 20_000);

  it('runs on the embedded emulator when no project ID is set', async () => {
    const { url, child, output } = await start({});
    try {
      expect(output()).toMatch(/"event":"emulator\.listening","url":"http:\/\/127\.0\.0\.1:\d+"/);
      const answer = await post(url, { email: 'alan@example.com' });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ linkId: expect.stringMatching(/^\d\d$/), maskedEmail: 'a***@example.com' });
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 20_000);
});

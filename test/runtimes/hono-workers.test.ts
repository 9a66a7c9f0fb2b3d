// examples/hono's Workers entry in workerd (Cloudflare's open-source Workers runtime, the one
// test/runtimes/runtimes.test.ts installs): installed with the packed package, bundled by esbuild as its
// README says, served by `workerd serve` with the example's own workerd.capnp, and driven
// over HTTP through the whole flow against the emulator: start, the confirm page, the right number,
// the status long-poll to signed_in with its `__Host-` cookies, then /me with the session cookie.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { installHonoExample, start, type Running } from '../examples/hono-example.js';
import { bin, installRuntimes, WORKER_BUNDLE } from './install.js';

const emulator = createEmulator();
let emulatorServer: EmulatorServer;
let example: { work: string; app: string };
let workerd: Running | undefined;
let url: string;
let inputs: string[];

/** A loopback port that was free a moment ago (workerd takes its address from the command line). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  installRuntimes();
  example = installHonoExample();
  // The README's esbuild command.
  const { metafile } = await build({
    absWorkingDir: example.app,
    entryPoints: ['worker.ts'],
    outfile: 'dist/worker.js',
    ...WORKER_BUNDLE,
  });
  inputs = Object.keys(metafile.inputs);
  expect(Object.values(metafile.outputs).flatMap((output) => output.imports)).toEqual([]);
  emulatorServer = await emulator.listen();
  url = `http://127.0.0.1:${await freePort()}`;
  workerd = start(bin('workerd'), ['serve', 'workerd.capnp', '--socket-addr', `http=${url.slice('http://'.length)}`], example.app, {
    DESCOPE_PROJECT_ID: emulator.projectId,
    DESCOPE_BASE_URL: emulatorServer.url,
    AUTH_SECRET: 'a-secret-of-32-characters-or-more!',
    PUBLIC_URL: url,
  });
  // workerd prints nothing when it is ready: ask until it answers.
  for (let tries = 0; ; tries++) {
    try {
      await fetch(`${url}/`);
      break;
    } catch (error) {
      if (tries === 100 || workerd.child.exitCode !== null) throw new Error(`workerd did not serve ${url}:\n${workerd.output()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}, 300_000);

afterAll(async () => {
  await workerd?.stop();
  await emulatorServer?.close();
  if (example) rmSync(example.work, { recursive: true, force: true });
});

const sameOrigin = () => ({ origin: url, 'sec-fetch-site': 'same-origin' });
const postJson = (path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { ...sameOrigin(), 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('examples/hono on a Workers runtime (workerd)', () => {
  it('bundles the packed package for the edge: no Node built-in, no testing entry, no Redis client', () => {
    expect(inputs).toContain('node_modules/enchanted-link/dist/server.js');
    expect(inputs.filter((input) => /testing|msw|redis|^node:|@hono\/node-server/.test(input))).toEqual([]);
  });

  it('signs in end to end: start, confirm page, the right number, signed_in with __Host- cookies, then /me', async () => {
    const started = await postJson('/auth/start', { email: 'grace@example.com' });
    expect(started.status).toBe(200);
    const { handle, linkId, maskedEmail } = (await started.json()) as { handle: string; linkId: string; maskedEmail: string };
    expect(maskedEmail).toBe('g***@example.com');
    const status = postJson('/auth/status', { handle });

    const email = emulator.lastEmail('grace@example.com')!;
    const link = new URL(email.links.find(({ correct }) => correct)!.url);
    expect(`${link.origin}${link.pathname}`).toBe(`${url}/auth/confirm`);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    const browser = page.headers.getSetCookie().find((line) => line.startsWith('__Host-'))!.split(';')[0]!;
    const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [name!, value!.replace(/&amp;/g, '&')]));
    const numberField = /<input(?![^>]*type="hidden")[^>]*name="([^"]*)"/.exec(html)![1]!;
    const confirmed = await fetch(`${url}/auth/confirm`, {
      method: 'POST',
      headers: { ...sameOrigin(), 'content-type': 'application/x-www-form-urlencoded', cookie: browser },
      body: new URLSearchParams({ ...fields, [numberField]: linkId }),
    });
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    expect(await confirmed.text()).toMatch(/signed in/i);

    const signedIn = await status;
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ status: 'signed_in', user: { email: 'grace@example.com' } });
    const cookies = signedIn.headers.getSetCookie();
    for (const name of ['__Host-DS', '__Host-DSR']) {
      const attributes = cookies.find((line) => line.startsWith(`${name}=`))?.split(/;\s*/).slice(1).map((each) => each.toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=strict']));
      expect(attributes?.some((each) => each.startsWith('domain='))).toBe(false);
    }
    const session = cookies.find((line) => line.startsWith('__Host-DS='))!.split(';')[0]!;
    const me = await fetch(`${url}/me`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userId: expect.any(String) });
    expect((await fetch(`${url}/me`)).status).toBe(401);
  }, 60_000);
});

// The packed package on every runtime we claim: one flow (send, open the right link from the emulator's
// outbox, verify, poll to a session, then an existing-user signUp and a bad argument; then the session is
// checked with `enchanted-link/server`, refreshed, read and ended) from Node 22 and 24
// (ESM and CJS), Bun (ESM and CJS), Deno (npm package from node_modules) and workerd (a bundled worker),
// each against the emulator server of this test over real HTTP.
import { copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/testing/index.js';
import type { EmulatorServer } from '../../src/testing/index.js';
import { packedConsumer, runAsync } from '../package/consumer.js';
import { bin, installRuntimes, WORKER_BUNDLE } from './install.js';
import type { SmokeConfig } from './smoke.js';

// Every runtime's flow comes from 127.0.0.1; in production each would be its own client (IP).
const emulator = createEmulator({ rateLimit: false });
let server: EmulatorServer;
let work: string;
let consumer: string;

beforeAll(async () => {
  installRuntimes();
  ({ work, consumer } = packedConsumer('module'));
  const source = readFileSync(join(import.meta.dirname, 'smoke.ts'), 'utf8');
  for (const [format, file] of [['esm', 'smoke.mjs'], ['cjs', 'smoke.cjs']] as const) {
    const { code } = await transform(source, { loader: 'ts', format, target: 'es2022' });
    writeFileSync(join(consumer, file), code);
  }
  for (const file of readdirSync(join(import.meta.dirname, 'entries'))) {
    copyFileSync(join(import.meta.dirname, 'entries', file), join(consumer, file));
  }
  // Deno: resolve `enchanted-link` from the node_modules npm made, never from a registry.
  writeFileSync(join(consumer, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }));
  server = await emulator.listen();
}, 300_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs one runtime's entry with its own address to sign in; returns what the flow reported. */
async function smokeOn(name: string, command: string, args: string[]): Promise<{ email: string; result: unknown }> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`;
  const config: SmokeConfig = { baseUrl: server.url, projectId: emulator.projectId, email };
  writeFileSync(join(consumer, 'smoke.json'), JSON.stringify(config));
  const stdout = await runAsync(command, args, consumer, {
    SMOKE: JSON.stringify(config),
    DENO_DIR: join(work, 'deno-cache'),
    DENO_NO_UPDATE_CHECK: '1',
  });
  const line = stdout.split('\n').filter((each) => each.startsWith('{')).at(-1);
  if (!line) throw new Error(`${name} printed no result:\n${stdout}`);
  return { email, result: JSON.parse(line) };
}

const expected = (email: string) => ({
  linkId: expect.stringMatching(/^\d\d$/),
  maskedEmail: `${email[0]}***@example.com`,
  user: email,
  sessionJwtParts: 3,
  existingUser: { name: 'DescopeError', errorCode: 'E062107', isDescopeError: true, isEnchantedLinkError: true },
  badInput: { name: 'InvalidArgumentError', argument: 'loginId', isInvalidArgumentError: true },
  afterSignIn: {
    validUserIsSessionUser: true,
    tampered: { name: 'InvalidSessionError', reason: 'signature', isSessionError: true },
    refreshedIsValid: true,
    meIsSessionUser: true,
    refreshAfterSignOut: { name: 'DescopeError', status: 401 },
  },
  kit: { started: true, confirmPage: 200, confirmed: 200, status: 'signed_in', cookies: ['__Host-DS', '__Host-DSR'], sessionIsUser: true },
});

describe('the packed package on every runtime', () => {
  const node22 = () => bin('node');
  const node24 = () => process.execPath;
  const cases: Array<[name: string, command: () => string, args: string[], version: RegExp]> = [
    ['Node 22 ESM', node22, ['main.mjs'], /^v22\./],
    ['Node 22 CJS', node22, ['main.cjs'], /^v22\./],
    ['Node 24 ESM', node24, ['main.mjs'], /^v24\./],
    ['Node 24 CJS', node24, ['main.cjs'], /^v24\./],
    ['Bun ESM', () => bin('bun'), ['main.mjs'], /^1\./],
    ['Bun CJS', () => bin('bun'), ['main.cjs'], /^1\./],
    ['Deno ESM', () => bin('deno'), ['run', '--allow-net', '--allow-read', '--allow-env', 'main.mjs'], /^deno 2\./],
  ];

  it.each(cases)('completes the flow on %s', async (name, command, args, version) => {
    expect(await runAsync(command(), ['--version'], consumer)).toMatch(version);
    const { email, result } = await smokeOn(name, command(), args);
    expect(result).toEqual(expected(email));
  }, 30_000);

  it('completes the flow in workerd, bundled for the edge with no Node built-in, testing entry or msw', async () => {
    const { metafile } = await build({
      absWorkingDir: consumer,
      entryPoints: ['worker.mjs'],
      outfile: 'worker.js',
      ...WORKER_BUNDLE,
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('node_modules/enchanted-link/dist/index.js');
    expect(inputs).toContain('node_modules/enchanted-link/dist/server.js');
    expect(inputs.filter((input) => /testing|msw|^node:/.test(input))).toEqual([]);
    // A bare import left in the bundle (a Node built-in, say) would be an import the worker cannot load.
    expect(Object.values(metafile.outputs).flatMap((output) => output.imports)).toEqual([]);
    expect(await runAsync(bin('workerd'), ['--version'], consumer)).toMatch(/^workerd 20\d\d-/);
    const { email, result } = await smokeOn('workerd', bin('workerd'), ['test', 'workerd.capnp']);
    expect(result).toEqual(expected(email));
  }, 30_000);
});

// The package exactly as npm ships it: pack, install the tarball into an empty folder, then import it
// from ESM, require it from CJS, and type-check strict consumers (node16, nodenext, bundler; the main,
// testing and server entries) without skipLibCheck.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedConsumer, root, run, runAsync } from './consumer.js';

let work: string;
let consumer: string;

// The same flow in both module systems, against endpoints mocked by an injected fetch.
const flow = (load: string) => `${load}
const calls = [];
const fetch = async (request) => {
  const path = new URL(request.url).pathname;
  calls.push(path);
  if (path.endsWith('/signup-in/email')) return Response.json({ linkId: '42', pendingRef: 'ref' });
  if (path.endsWith('/verify')) return Response.json({});
  if (path.endsWith('/pending-session')) {
    return calls.filter((p) => p === path).length < 2
      ? Response.json({ errorCode: 'E062503', errorDescription: 'pending' }, { status: 401 })
      : Response.json({ sessionJwt: 'a.b.c', user: { userId: 'U1' } });
  }
  return Response.json({ errorCode: 'E011003', errorDescription: 'bad' }, { status: 400 });
};
(async () => {
  const client = new EnchantedLinkClient({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z', fetch });
  const { linkId, pendingRef } = await client.signInOrUp('ada@example.com');
  await client.verifyToken(readTokenFromUrl('https://app.example.com/verify?t=tok'));
  const session = await client.pollSession(pendingRef, { intervalMs: 10 });
  const error = await client.signIn('ada@example.com', { redirectUrl: 'https://app.example.com/x' }).catch((e) => e);
  console.log(JSON.stringify({ linkId, user: session.user.userId, error: error.name, isDescope: error instanceof DescopeError, calls: calls.length }));
})();
`;

// The main entry's types; the @ts-expect-error line fails the check if they degrade to `any`.
const mainConsumer = `import { EnchantedLinkClient, DescopeError, type Session } from 'enchanted-link';

const client = new EnchantedLinkClient({ projectId: 'P2abc', timeoutMs: 5_000 });
// @ts-expect-error a login ID is a string
void client.signInOrUp(42);
export async function login(email: string): Promise<Session | string> {
  try {
    const { pendingRef } = await client.signInOrUp(email);
    return await client.pollSession(pendingRef, { onPoll: ({ attempt }) => console.log(attempt) });
  } catch (error) {
    return error instanceof DescopeError ? error.errorCode : 'other';
  }
}
`;

// The testing entry's types, which need no msw.
const testingConsumer = `import { EnchantedLinkClient } from 'enchanted-link';
import { createEmulator, EMULATOR_ERRORS, type Emulator } from 'enchanted-link/testing';

const emulator: Emulator = createEmulator({ users: [{ loginId: 'ada@example.com' }], rateLimit: { requests: 10 } });
export const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch });
export const code: string = EMULATOR_ERRORS.userAlreadyExists.errorCode;
// @ts-expect-error the emulator has no such method
emulator.sendEmail();
`;

// The msw entry's types, which import msw's.
const mswConsumer = `import { createEmulator } from 'enchanted-link/testing';
import { emulatorHandlers } from 'enchanted-link/testing/msw';

export const handlers = emulatorHandlers(createEmulator());
`;

// The server entry's types: claims typed, errors branded, options checked.
const serverConsumer = `import { SessionValidator, SessionError, SessionExpiredError, type SessionClaims } from 'enchanted-link/server';

const sessions = new SessionValidator({ projectId: 'P2abc', baseUrl: 'https://auth.example.com' });
// @ts-expect-error projectId is required
void new SessionValidator({});
export async function check(token: string): Promise<SessionClaims | number> {
  try {
    const claims = await sessions.validateSession(token);
    const admin: boolean = claims.roles.includes('admin') || (claims.tenants['T1']?.roles ?? []).includes('admin');
    return admin ? claims : 403;
  } catch (error) {
    if (error instanceof SessionExpiredError) return error.expiredAtSeconds;
    return error instanceof SessionError ? 401 : 503;
  }
}
`;

beforeAll(() => {
  ({ work, consumer } = packedConsumer('commonjs'));
  // The msw entry's types import msw's (an optional peer dependency): a consumer of it installs msw.
  symlinkSync(join(root, 'node_modules/msw'), join(consumer, 'node_modules/msw'), 'dir');
}, 120_000);

afterAll(() => work && rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  const expected = { linkId: '42', user: 'U1', error: 'DescopeError', isDescope: true, calls: 5 };

  it('is importable from ESM and completes the flow', () => {
    writeFileSync(join(consumer, 'esm.mjs'), flow(`import { EnchantedLinkClient, DescopeError, readTokenFromUrl } from 'enchanted-link';`));
    expect(JSON.parse(run(process.execPath, ['esm.mjs'], consumer))).toEqual(expected);
  });

  it('is require-able from CommonJS and completes the flow', () => {
    writeFileSync(join(consumer, 'cjs.cjs'), flow(`const { EnchantedLinkClient, DescopeError, readTokenFromUrl } = require('enchanted-link');`));
    expect(JSON.parse(run(process.execPath, ['cjs.cjs'], consumer))).toEqual(expected);
  });

  // msw is ESM-only, so under `module: node16` a CommonJS file cannot import the msw entry's types
  // (TS1479); node20/nodenext allow require(esm). The main, testing and server entries have no such dependency.
  const both = { main: mainConsumer, testing: testingConsumer, msw: mswConsumer, server: serverConsumer };
  it.concurrent.each([
    ['node16, CommonJS', 'commonjs', { module: 'node16', moduleResolution: 'node16' }, { main: mainConsumer, testing: testingConsumer, server: serverConsumer }],
    ['nodenext, CommonJS', 'commonjs', { module: 'nodenext', moduleResolution: 'nodenext' }, both],
    ['nodenext, ESM', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }, both],
    ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }, both],
  ])('type-checks a strict %s consumer with no skipLibCheck', async (name, type, resolution, sources) => {
    const folder = join(consumer, name.replace(/\W+/g, '-'));
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'typed-consumer', private: true, type }));
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...resolution, target: 'es2022', strict: true, noEmit: true, exactOptionalPropertyTypes: true,
          skipLibCheck: false, types: [],
        },
        files: Object.keys(sources).map((entry) => `${entry}.ts`),
      }),
    );
    for (const [entry, source] of Object.entries(sources)) writeFileSync(join(folder, `${entry}.ts`), source);
    // A type error makes tsc exit non-zero, which fails the test with tsc's own message.
    await runAsync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], folder);
  }, 60_000);
});

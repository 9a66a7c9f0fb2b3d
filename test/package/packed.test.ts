// The package exactly as npm ships it: pack, install the tarball into an empty folder, then import it
// from ESM, require it from CJS, and type-check a strict `node16` CommonJS consumer without skipLibCheck.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'enchanted-link-pack-'));
const consumer = join(work, 'consumer');
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });

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
  const session = await client.pollSession(pendingRef, { interval: 10 });
  const error = await client.signIn('ada@example.com', { redirectUrl: 'https://app.example.com/x' }).catch((e) => e);
  console.log(JSON.stringify({ linkId, user: session.user.userId, error: error.name, isDescope: error instanceof DescopeError, calls: calls.length }));
})();
`;

beforeAll(() => {
  // dist/ comes from the test run's global setup; a second build here would race the CLI tests.
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--loglevel=error'], root);
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  const tarball = run('sh', ['-c', `ls ${work}/enchanted-link-*.tgz`], work).trim();
  run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], consumer);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

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

  it('type-checks in a strict CommonJS consumer with moduleResolution node16 and no skipLibCheck', () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true,
          exactOptionalPropertyTypes: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import { EnchantedLinkClient, DescopeError, type Session } from 'enchanted-link';
const client = new EnchantedLinkClient({ projectId: 'P2abc', timeout: 5_000 });
export async function login(email: string): Promise<Session | string> {
  try {
    const { pendingRef } = await client.signInOrUp(email);
    return await client.pollSession(pendingRef, { onPoll: ({ attempt }) => console.log(attempt) });
  } catch (error) {
    return error instanceof DescopeError ? error.errorCode : 'other';
  }
}
`,
    );
    // A type error makes tsc exit non-zero, which fails the test with tsc's own message.
    expect(() => run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], consumer)).not.toThrow();
  });
});

// The testing kit from the packed tarball in a consumer that never installed msw (an optional peer):
// it imports from ESM and CJS, serves over HTTP, closes, and refuses what Descope documents refusing.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedConsumer, root, runAsync } from './consumer.js';

let work: string;
let consumer: string;

beforeAll(() => {
  ({ work, consumer } = packedConsumer('module'));
}, 120_000);

afterAll(() => work && rmSync(work, { recursive: true, force: true }));

// One script for both module systems: `load` brings in the two entries.
const script = (load: string) => `${load}
(async () => {
  const out = {};
  // Serves over real HTTP and closes: a whole sign-in through the client.
  const emu = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
  const server = await emu.listen();
  const client = new EnchantedLinkClient({ projectId: emu.projectId, baseUrl: server.url });
  const { pendingRef } = await client.signIn('ada@example.com');
  out.wrongClick = (await emu.click('ada@example.com', 'wrong')).status;
  out.stillPending = await client.getSession(pendingRef).then((s) => (s === undefined ? 'pending' : 'session'), (e) => e.name);
  out.rightClick = (await emu.click('ada@example.com')).status;
  out.session = (await client.pollSession(pendingRef, { intervalMs: 10 })).user?.email;
  await server.close();
  out.closed = await fetch(server.url).then(() => false, () => true);

  // Rate limit: 100 requests per 60 s per client, then 429 E130429 with Retry-After.
  const limited = createEmulator();
  const statuses = [];
  for (let i = 0; i < 101; i++) {
    const res = await limited.fetch('/v1/auth/enchantedlink/pending-session', {
      method: 'POST', headers: { authorization: 'Bearer ' + limited.projectId }, body: JSON.stringify({ pendingRef: 'x' }),
    });
    statuses.push(res.status);
    if (res.status === 429) out.rateLimited = { code: (await res.json()).errorCode, retryAfter: res.headers.get('retry-after') };
  }
  out.answeredBeforeLimit = statuses.indexOf(429);

  // Approved domains: a redirect URL outside them is refused with Descope's error.
  const strict = createEmulator({ users: [{ loginId: 'ada@example.com' }], approvedDomains: ['example.com'] });
  const strictClient = new EnchantedLinkClient({ projectId: strict.projectId, fetch: strict.fetch });
  out.outside = await strictClient.signIn('ada@example.com', { redirectUrl: 'https://evil.test/verify' }).then(() => 'sent', (e) => e.errorCode);
  out.inside = await strictClient.signIn('ada@example.com', { redirectUrl: 'https://app.example.com/verify' }).then(() => 'sent', (e) => e.errorCode);

  // Scanner: a mail filter's GETs verify nothing; the user's click still signs in.
  const scanned = await strict.scan('ada@example.com', { fetch: async () => new Response('page') });
  out.scanned = scanned.map((link) => link.status);
  out.afterScan = (await strict.click('ada@example.com')).status;
  out.errors = Object.keys(EMULATOR_ERRORS).length > 10;
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const expected = {
  wrongClick: 400,
  stillPending: 'pending',
  rightClick: 200,
  session: 'ada@example.com',
  closed: true,
  rateLimited: { code: 'E130429', retryAfter: '60' },
  answeredBeforeLimit: 100,
  outside: 'E011003',
  inside: 'sent',
  scanned: [200, 200, 200],
  afterScan: 200,
  errors: true,
};

describe('enchanted-link/testing in a consumer without msw', () => {
  it('has no msw installed', () => {
    expect(existsSync(join(consumer, 'node_modules/enchanted-link/package.json'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules/msw'))).toBe(false);
  });

  it('imports from ESM, serves, closes, and refuses what Descope refuses', async () => {
    writeFileSync(
      join(consumer, 'kit.mjs'),
      script(`import { EnchantedLinkClient } from 'enchanted-link';\nimport { createEmulator, EMULATOR_ERRORS } from 'enchanted-link/testing';`),
    );
    expect(JSON.parse(await runAsync(process.execPath, ['kit.mjs'], consumer))).toEqual(expected);
  }, 60_000);

  it('requires from CommonJS and does the same', async () => {
    writeFileSync(
      join(consumer, 'kit.cjs'),
      script(`const { EnchantedLinkClient } = require('enchanted-link');\nconst { createEmulator, EMULATOR_ERRORS } = require('enchanted-link/testing');`),
    );
    expect(JSON.parse(await runAsync(process.execPath, ['kit.cjs'], consumer))).toEqual(expected);
  }, 60_000);

  it('fails to load only the msw entry, with msw named', async () => {
    writeFileSync(join(consumer, 'msw.mjs'), `await import('enchanted-link/testing/msw');`);
    await expect(runAsync(process.execPath, ['msw.mjs'], consumer)).rejects.toThrow(/Cannot find package 'msw'/);
  }, 60_000);

  it('type-checks a strict node16 CommonJS consumer of the testing types', async () => {
    const folder = join(consumer, 'node16-cjs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'typed', private: true, type: 'commonjs' }));
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true,
          exactOptionalPropertyTypes: true, skipLibCheck: false, types: [],
        },
        files: ['kit.ts'],
      }),
    );
    writeFileSync(
      join(folder, 'kit.ts'),
      `import { createEmulator, type Emulator, type EmulatorScanResult } from 'enchanted-link/testing';
const emu: Emulator = createEmulator({ rateLimit: { requests: 5 }, approvedDomains: ['example.com'] });
export const scanned: Promise<EmulatorScanResult[]> = emu.scan('ada@example.com');
// @ts-expect-error rateLimit takes false or settings, not true
createEmulator({ rateLimit: true });
`,
    );
    await runAsync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], folder);
  }, 60_000);
});

// enchanted-link/redis from the packed tarball, as a user meets it. `redis` is an optional peer of this
// entry only: installed without it, every other entry works (the server kit on its MemoryStore too) and
// the redis entry loads (it never imports `redis`); with node-redis 6 (the repository's copy) or 5 (from
// the registry) installed, the stores and a fleet-wide budget work against a real redis-server, from ESM
// and CommonJS, and a TypeScript app type-checks passing the client from createClient().
import { existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { packedConsumer, root, run, runAsync } from './consumer.js';

let work: string;
let consumer: string;
let server: RedisServer;

beforeAll(async () => {
  ({ work, consumer } = packedConsumer('module'));
  server = await startRedisServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('without redis installed', () => {
  it('is not installed with the package (an optional peer)', () => {
    expect(existsSync(join(consumer, 'node_modules/enchanted-link/dist/redis.js'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules/redis'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules/@redis'))).toBe(false);
  });

  it('the main entry, the server kit on its MemoryStore and the redis entry itself all load and work', async () => {
    writeFileSync(
      join(consumer, 'without.mjs'),
      `import { EnchantedLinkClient, InvalidArgumentError, RequestBudget } from 'enchanted-link';
import { createServerKit } from 'enchanted-link/server';
import { RedisStore } from 'enchanted-link/redis';
import { createEmulator } from 'enchanted-link/testing';
const emu = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch, requestBudget: new RequestBudget() });
const { pendingRef } = await client.signIn('ada@example.com');
await emu.click('ada@example.com');
const session = await client.pollSession(pendingRef, { intervalMs: 10 });
const kit = createServerKit({ projectId: emu.projectId, fetch: emu.fetch, secret: 'a-secret-of-at-least-32-characters-long', publicUrl: 'https://app.example.com' });
const started = await kit.handle(new Request('https://app.example.com/auth/start', {
  method: 'POST', headers: { origin: 'https://app.example.com', 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bob@example.com' }),
}));
let refused;
try { new RedisStore({}); } catch (error) { refused = error instanceof InvalidArgumentError && error.argument; }
console.log(JSON.stringify({ email: session.user?.email, kit: started.status, refused }));
`,
    );
    expect(JSON.parse(await runAsync(process.execPath, ['without.mjs'], consumer))).toEqual({ email: 'ada@example.com', kit: 200, refused: 'redis' });
  }, 60_000);
});

/** A program using both stores and a fleet-wide budget against REDIS_URL; prints what it saw. */
const program = (load: string) => `${load}
(async () => {
  const redis = await createClient({ url: process.env.REDIS_URL }).connect();
  const prefix = process.env.PREFIX;
  const store = new RedisStore(redis, { prefix });
  await store.set('a', 'x', 10_000);
  const got = await store.get('a');
  const taken = await store.take('a');
  const gone = await store.get('a');
  const counts = await Promise.all([1, 2, 3].map(() => store.increment('n', 10_000)));
  const emu = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
  const fleet = [1, 2].map(() => new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch, requestBudget: new RequestBudget({ store: new RedisBudgetStore(redis, { key: prefix + 'budget' }) }) }));
  const { pendingRef } = await fleet[0].signIn('ada@example.com');
  await emu.click('ada@example.com');
  const session = await fleet[1].pollSession(pendingRef, { intervalMs: 10 });
  const budget = Object.keys(await redis.hGetAll(prefix + 'budget')).sort();
  redis.destroy();
  console.log(JSON.stringify({ got, taken, gone: gone === undefined, counts: counts.sort(), email: session.user && session.user.email, budget }));
})().catch((error) => { console.error(error); process.exit(1); });
`;
const expected = { got: 'x', taken: 'x', gone: true, counts: [1, 2, 3], email: 'ada@example.com', budget: ['next'] };
const ESM = `import { createClient } from 'redis';
import { EnchantedLinkClient, RequestBudget } from 'enchanted-link';
import { RedisBudgetStore, RedisStore } from 'enchanted-link/redis';
import { createEmulator } from 'enchanted-link/testing';`;
const CJS = `const { createClient } = require('redis');
const { EnchantedLinkClient, RequestBudget } = require('enchanted-link');
const { RedisBudgetStore, RedisStore } = require('enchanted-link/redis');
const { createEmulator } = require('enchanted-link/testing');`;

const runProgram = async (file: string, prefix: string, cwd = consumer) =>
  JSON.parse(await runAsync(process.execPath, [file], cwd, { REDIS_URL: server.url, PREFIX: prefix }));

describe('with redis 6 installed (the repository’s copy)', () => {
  beforeAll(() => {
    for (const name of ['redis', '@redis']) symlinkSync(join(root, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
  });

  it('works from ESM', async () => {
    writeFileSync(join(consumer, 'with.mjs'), program(ESM));
    expect(await runProgram('with.mjs', 'esm:')).toEqual(expected);
  }, 60_000);

  it('works from CommonJS', async () => {
    writeFileSync(join(consumer, 'with.cjs'), program(CJS));
    expect(await runProgram('with.cjs', 'cjs:')).toEqual(expected);
  }, 60_000);

  it('a TypeScript app passes createClient()’s client as it is, and our declarations name no Redis type', () => {
    writeFileSync(
      join(consumer, 'app.ts'),
      `import { createClient } from 'redis';
import { RequestBudget } from 'enchanted-link';
import { createServerKit, type KitStore } from 'enchanted-link/server';
import { RedisBudgetStore, RedisStore } from 'enchanted-link/redis';
const redis = createClient({ url: 'redis://localhost:6379', RESP: 2 });
const store: KitStore = new RedisStore(redis);
export const kit = createServerKit({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z', secret: 'a-secret-of-at-least-32-characters-long', publicUrl: 'https://app.example.com', store, requestBudget: new RequestBudget({ store: new RedisBudgetStore(redis.withTypeMapping({})) }) });
`,
    );
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['app.ts'] }));
    symlinkSync(join(root, 'node_modules/@types'), join(consumer, 'node_modules/@types'), 'dir');
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], consumer);
    for (const file of ['redis.d.ts', 'redis.d.cts']) {
      const declarations = run('cat', [join('node_modules/enchanted-link/dist', file)], consumer);
      expect(declarations).toContain('sendCommand');
      expect(declarations).not.toMatch(/^import[^\n]*from ['"](redis|@redis\/)/m);
    }
  }, 60_000);
});

describe('with redis 5 installed (the other major version of the peer range)', () => {
  let five: string;
  beforeAll(() => {
    ({ consumer: five } = packedConsumer('commonjs'));
    run('npm', ['install', 'redis@5', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], five);
  }, 180_000);
  afterAll(() => five && rmSync(join(five, '..'), { recursive: true, force: true }));

  it('works from CommonJS', async () => {
    expect(run(process.execPath, ['-p', 'require("redis/package.json").version'], five)).toMatch(/^5\./);
    writeFileSync(join(five, 'with.cjs'), program(CJS));
    expect(await runProgram('with.cjs', 'v5:', five)).toEqual(expected);
  }, 60_000);
});

// The server kit on a RedisStore and a fleet-wide budget, as a fleet runs it: three kit instances (one
// Redis connection each) share one real redis-server and one secret; a sign-in started on one is confirmed
// on another and polled on a third. Real time (the status long-poll reads the store every 500 ms).
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/index.js';
import { RedisBudgetStore, RedisStore } from '../../src/redis/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { Browser, formFields, kitSetup, pathOf } from '../server/kit/helpers.js';

const connect = (url: string) => createClient({ url }).connect();
let server: RedisServer;
let clients: Array<Awaited<ReturnType<typeof connect>>>;

beforeAll(async () => {
  server = await startRedisServer();
  clients = await Promise.all([1, 2, 3].map(() => connect(server.url)));
});
afterAll(async () => {
  for (const client of clients ?? []) client.destroy();
  await server?.stop();
});

/** Three instances: the kit on each of the three connections, over the same Redis. */
function fleet() {
  const setup = kitSetup(new RedisStore(clients[0]!));
  const kits = clients.map((redis) => setup.instance({ store: new RedisStore(redis), requestBudget: new RequestBudget({ store: new RedisBudgetStore(redis) }) }));
  return { setup, kits: kits as [(typeof kits)[0], (typeof kits)[0], (typeof kits)[0]] };
}

async function confirm(kit: Parameters<Browser['send']>[0], url: string, number: string) {
  const phone = new Browser();
  const page = await phone.send(kit, pathOf(url));
  return phone.send(kit, '/auth/confirm', { form: { ...formFields(page.body as string), number } });
}

describe('the server kit over Redis, across instances', () => {
  it('started on one, confirmed on another, signed in on the third; Redis holds no handle, address or pendingRef', async () => {
    const { setup, kits } = fleet();
    const person = new Browser();
    const sent = (await person.send(kits[0], '/auth/start', { json: { email: 'ada@example.com' } })).body as { handle: string; linkId: string };
    const waiting = person.send(kits[2], '/auth/status', { json: { handle: sent.handle } });
    const link = setup.emulator.lastEmail('ada@example.com')!.links.find(({ correct }) => correct)!;
    expect((await confirm(kits[1], link.url, sent.linkId)).response.status).toBe(200);
    const { response, body } = await waiting;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: 'signed_in', user: { email: 'ada@example.com' } });

    const keys = await clients[0]!.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith('enchanted-link:'))).toBe(true);
    expect(keys).toContain('enchanted-link:budget');
    const values = await Promise.all(keys.filter((key) => key !== 'enchanted-link:budget').map((key) => clients[0]!.get(key)));
    const dump = JSON.stringify([keys, values]);
    const pendingRef = setup.emulator.requests.find((request) => (request.body as { pendingRef?: string } | undefined)?.pendingRef)?.body as { pendingRef: string };
    for (const secret of [sent.handle, 'ada@example.com', pendingRef.pendingRef, new URL(link.url).searchParams.get('el_binding')!]) expect(dump).not.toContain(secret);
  });

  it('a wrong number typed on one instance ends the wait on another with 410 wrong_number', async () => {
    const { setup, kits } = fleet();
    const person = new Browser();
    const sent = (await person.send(kits[0], '/auth/start', { json: { email: 'bob@example.com' } })).body as { handle: string; linkId: string };
    const waiting = person.send(kits[2], '/auth/status', { json: { handle: sent.handle } });
    const link = setup.emulator.lastEmail('bob@example.com')!.links[0]!;
    const wrong = String((Number(sent.linkId) + 1) % 100).padStart(2, '0');
    expect((await confirm(kits[1], link.url, wrong)).response.status).toBe(400);
    const { response, body } = await waiting;
    expect(response.status).toBe(410);
    expect(body.error).toBe('wrong_number');
  });
});

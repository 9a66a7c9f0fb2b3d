// `npm start`: the app on Node, http://127.0.0.1:3000 unless PORT, HOST or PUBLIC_URL say otherwise.
// DESCOPE_PROJECT_ID (and DESCOPE_BASE_URL) choose the Descope project; without it, in development only,
// the embedded emulator stands in and its outbox page shows the emails. REDIS_URL shares the sign-ins
// and the request budget with every other instance; AUTH_SECRET must then be the same on all of them.
// With NODE_ENV=production it refuses to start without a project ID, a secret and its public URL.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Hono } from 'hono';
import { createClient } from 'redis';
import { logEvents, RequestBudget } from 'enchanted-link';
import { RedisBudgetStore, RedisStore } from 'enchanted-link/redis';
import { createServerKit, type ServerKitOptions } from 'enchanted-link/server';
import { createApp, type ClientIp } from './app.ts';

const { DESCOPE_PROJECT_ID, DESCOPE_BASE_URL, AUTH_SECRET, PUBLIC_URL, PORT = '3000', HOST = '127.0.0.1' } = process.env;
const { REDIS_URL, TRUST_PROXY, NODE_ENV, DEBUG } = process.env;

/** Stops before listening: a misconfigured production server must not run at all. */
function refuse(reason: string): never {
  console.error(`Not starting: ${reason}`);
  process.exit(1);
}
if (NODE_ENV === 'production') {
  if (!DESCOPE_PROJECT_ID) refuse('DESCOPE_PROJECT_ID is not set (the emulator runs only in development)');
  if ((AUTH_SECRET ?? '').length < 32) refuse('AUTH_SECRET must be at least 32 characters, the same on every instance');
  if (!PUBLIC_URL) refuse('PUBLIC_URL is not set (the origin browsers see, where the emailed links point)');
}

let projectId = DESCOPE_PROJECT_ID;
let baseUrl = DESCOPE_BASE_URL;
const stops: Array<() => Promise<unknown>> = [];
if (!projectId) {
  // Loaded only here: a real deployment never loads the test kit.
  const { createEmulator } = await import('enchanted-link/testing');
  const emulator = createEmulator();
  const emulatorServer = await emulator.listen();
  ({ projectId } = emulator);
  baseUrl = emulatorServer.url;
  stops.push(() => emulatorServer.close());
  console.error(`Emails      ${emulatorServer.url}/  (the embedded Descope emulator's outbox: open it to click a link)`);
}

// One process keeps its sign-ins in memory (the kit's default). A fleet keeps them in Redis, with one
// request budget: behind one egress IP address, all instances together stay under Descope's limit.
let shared: Pick<ServerKitOptions, 'store' | 'requestBudget'> = {};
if (REDIS_URL) {
  // node-redis reconnects by itself; without an 'error' listener a lost connection would end the process.
  const redis = await createClient({ url: REDIS_URL })
    .on('error', (error: Error) => console.error(`Redis: ${error.message}`))
    .connect();
  stops.push(() => redis.close());
  const requestBudget = new RequestBudget({ store: new RedisBudgetStore(redis, { key: 'enchanted-link:budget' }) });
  shared = { store: new RedisStore(redis), requestBudget };
}

// Behind a load balancer every connection comes from it: TRUST_PROXY=1 takes the address it appended
// to X-Forwarded-For instead. Set it only there, since a client can write any X-Forwarded-For itself.
const clientIp: ClientIp = (c) =>
  (TRUST_PROXY && c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()) || getConnInfo(c).remote.address;

let app: Hono | undefined;
const server = serve({ fetch: (request, env) => app!.fetch(request, env), port: Number(PORT), hostname: HOST }) as Server;
await once(server, 'listening');
const url = `http://${HOST}:${(server.address() as AddressInfo).port}`;
const kit = createServerKit({
  projectId,
  ...(baseUrl ? { baseUrl } : {}),
  // A secret of its own is fine for one process in development: its sign-ins do not outlive it.
  secret: AUTH_SECRET ?? randomBytes(32).toString('base64url'),
  publicUrl: PUBLIC_URL ?? url,
  ...shared,
  // DEBUG=1: what the SDK did (requests, waits, polls), one line each on stderr. No secrets, no addresses.
  ...(DEBUG ? { onEvent: logEvents((line) => console.error(line)) } : {}),
});
app = createApp(kit, clientIp);
console.error(`Listening   ${url}${PUBLIC_URL ? `  (public URL ${PUBLIC_URL})` : ''}${REDIS_URL ? '  (sign-ins and budget in Redis)' : ''}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Closing the connections ends the waiting status requests, which stops their polling upstream.
    // allSettled: a Redis client that already lost its connection must not turn a clean stop into a crash.
    server.close(() => void Promise.allSettled(stops.map((stop) => stop())));
    server.closeAllConnections();
  });
}

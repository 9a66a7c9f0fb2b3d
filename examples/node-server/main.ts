// `npm run example:server`: the login API and its pages on http://127.0.0.1:3000. With DESCOPE_PROJECT_ID
// it talks to Descope (or DESCOPE_BASE_URL). Without it, in development only, it starts the embedded
// emulator, whose outbox page shows the emails; with NODE_ENV=production it refuses to start instead.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logEvents } from 'enchanted-link';
import { SessionValidator } from 'enchanted-link/server';
import { createLoginHandler } from './app.js';
import { createServerClient } from './client.js';

const { DESCOPE_PROJECT_ID, DESCOPE_BASE_URL, PORT = '3000', HOST = '127.0.0.1', PUBLIC_URL, CSRF_SECRET, NODE_ENV, DEBUG } = process.env;
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));
const production = NODE_ENV === 'production';

/** Stops at start-up, before listening: a misconfigured production server must not run at all. */
function refuse(reason: string): never {
  log({ event: 'server.refused', reason });
  process.exit(1);
}

if (production && !DESCOPE_PROJECT_ID) refuse('DESCOPE_PROJECT_ID is not set; the emulator runs only in development (NODE_ENV is production)');
// Every instance must sign the confirm form with the same key, or they refuse each other's forms.
if (production && (CSRF_SECRET ?? '').length < 32) refuse('CSRF_SECRET must be set to at least 32 characters of secret, the same on every instance');
const csrfKey = CSRF_SECRET ?? randomBytes(32);
if (!CSRF_SECRET) log({ event: 'csrf.key_generated', note: 'set CSRF_SECRET: with a key per process, instances refuse each other’s confirm forms' });

let projectId = DESCOPE_PROJECT_ID;
let baseUrl = DESCOPE_BASE_URL;
let stopEmulator = async (): Promise<void> => {};
let outbox: string | undefined;
if (!projectId) {
  // Loaded only here: a real deployment never loads the test kit (or msw, which it imports).
  const { createEmulator } = await import('enchanted-link/testing');
  const emulator = createEmulator();
  const emulatorServer = await emulator.listen();
  ({ projectId } = emulator);
  baseUrl = emulatorServer.url;
  stopEmulator = () => emulatorServer.close();
  outbox = `${emulatorServer.url}/`;
  log({ event: 'emulator.listening', url: emulatorServer.url, outbox, note: 'no DESCOPE_PROJECT_ID: development emulator, no email is sent' });
}

const server = createServer();
await new Promise<void>((resolve) => server.listen(Number(PORT), HOST, resolve));
const url = PUBLIC_URL ?? `http://${HOST}:${(server.address() as AddressInfo).port}`;
// DEBUG=1: what the SDK did (requests, waits, polls, key fetches), one line each on stderr (stdout stays JSON lines).
const onEvent = DEBUG ? logEvents((line) => console.error(line)) : undefined;
const client = createServerClient({ projectId, baseUrl, redirectUrl: `${url}/verify`, onEvent });
const sessions = new SessionValidator({ projectId, ...(baseUrl ? { baseUrl } : {}), ...(onEvent ? { onEvent } : {}) });
server.on('request', createLoginHandler({ client, log, sessions, csrfKey, publicUrl: url }));
log({ event: 'server.listening', url });
// For the person who started it, the links themselves, on stderr: stdout stays one JSON object a line.
console.error(
  [
    `Login API   ${url}`,
    outbox ? `Emails      ${outbox}  (the embedded emulator's outbox: open it to click a link)` : `Descope     project ${projectId}${baseUrl ? ` at ${baseUrl}` : ''}`,
    `Try it      curl -s -X POST ${url}/login -H 'content-type: application/json' -d '{"email":"ada@example.com"}'`,
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Closing the connections ends every waiting status request, which aborts its upstream polling.
    server.close();
    server.closeAllConnections();
    void stopEmulator();
  });
}

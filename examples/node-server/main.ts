// `npm run example:server`: the login API on http://127.0.0.1:3000. With DESCOPE_PROJECT_ID it talks to
// Descope (or DESCOPE_BASE_URL); without it, to the embedded emulator, whose outbox page shows the emails.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SessionValidator } from 'enchanted-link/server';
import { createLoginHandler } from './app.js';
import { createServerClient } from './client.js';

const { DESCOPE_PROJECT_ID, DESCOPE_BASE_URL, PORT = '3000', HOST = '127.0.0.1', PUBLIC_URL } = process.env;
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));

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
  log({ event: 'emulator.listening', url: emulatorServer.url, outbox });
}

const server = createServer();
await new Promise<void>((resolve) => server.listen(Number(PORT), HOST, resolve));
const url = PUBLIC_URL ?? `http://${HOST}:${(server.address() as AddressInfo).port}`;
const client = createServerClient({ projectId, baseUrl, redirectUrl: `${url}/verify` });
const sessions = new SessionValidator({ projectId, ...(baseUrl ? { baseUrl } : {}) });
server.on('request', createLoginHandler({ client, log, sessions }));
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

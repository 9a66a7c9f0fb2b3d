// `npm run example:server`: the sign-in page and the server kit on http://127.0.0.1:3000, served on Node's
// http by srvx (a maintained Request/Response adapter). With DESCOPE_PROJECT_ID it talks to Descope (or
// DESCOPE_BASE_URL). Without it, in development only, it starts the embedded emulator, whose outbox page
// shows the emails; with NODE_ENV=production it refuses to start instead.
import { logEvents, type EnchantedLinkEvent } from 'enchanted-link';
import { createServerKit } from 'enchanted-link/server';
import { serve } from 'srvx';
import { createApp } from './app.js';

const { DESCOPE_PROJECT_ID, DESCOPE_BASE_URL, PORT = '3000', HOST = '127.0.0.1', PUBLIC_URL, AUTH_SECRET, NODE_ENV, DEBUG } = process.env;
const log = (entry: Record<string, unknown>) => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));
const production = NODE_ENV === 'production';

/** Stops at start-up, before listening: a misconfigured production server must not run at all. */
function refuse(reason: string): never {
  log({ event: 'server.refused', reason });
  process.exit(1);
}

if (production && !DESCOPE_PROJECT_ID) refuse('DESCOPE_PROJECT_ID is not set; the emulator runs only in development (NODE_ENV is production)');
// Every instance must derive the same keys, or they cannot read each other's sign-ins nor accept each other's forms.
if (production && (AUTH_SECRET ?? '').length < 32) refuse('AUTH_SECRET must be set to at least 32 characters of secret, the same on every instance');
const secret = AUTH_SECRET ?? crypto.getRandomValues(new Uint8Array(32));
if (!AUTH_SECRET) log({ event: 'secret.generated', note: 'set AUTH_SECRET: with a secret per process, pending sign-ins do not survive a restart and instances cannot share them' });

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

// The kit needs the public URL, which with PORT=0 is known only once the server listens.
let app = async (_: Request): Promise<Response> => new Response('Starting', { status: 503 });
const server = serve({ fetch: (request) => app(request), port: Number(PORT), hostname: HOST, silent: true, gracefulShutdown: false });
await server.ready();
const url = PUBLIC_URL ?? new URL(server.url!).origin;

// DEBUG=1: what the SDK did (requests, waits, polls, key fetches), one line each on stderr. The kit's own
// steps are always logged, one JSON line each on stdout. Neither ever holds a token, a JWT or an address.
const debug = DEBUG ? logEvents((line) => console.error(line)) : undefined;
const onEvent = (event: EnchantedLinkEvent) => {
  if (event.type === 'kit') {
    const { type: _, timeMs: __, step, outcome, ...facts } = event;
    log({ event: `${step}.${outcome}`, ...facts });
  }
  debug?.(event);
};
const kit = createServerKit({ projectId, ...(baseUrl && { baseUrl }), secret, publicUrl: url, onEvent });
app = createApp({ kit });
log({ event: 'server.listening', url });
// For the person who started it, the links themselves, on stderr: stdout stays one JSON object a line.
console.error(
  [
    `Sign-in     ${url}`,
    outbox ? `Emails      ${outbox}  (the embedded emulator's outbox: open it to click a link)` : `Descope     project ${projectId}${baseUrl ? ` at ${baseUrl}` : ''}`,
    `Try it      curl -s -X POST ${url}/auth/start -H 'content-type: application/json' -d '{"email":"ada@example.com"}'`,
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Closing the connections aborts every waiting status request's signal, which stops its polling of Descope.
    void server.close(true).then(stopEmulator);
  });
}

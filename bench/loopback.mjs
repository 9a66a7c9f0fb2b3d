// Sends over real loopback HTTP, for the per-call overhead and profile parts. The server is a
// static-answer Descope stand-in in its own process, so its CPU stays out of the client's figures: every
// request gets the same link JSON at once (keep-alive on). `startLoopbackServer()` spawns it; `node
// bench/loopback.mjs` is the child itself, and stops when its stdin closes (the parent went away).
// `sendCalls(url)` builds the four ways to send one enchanted link that the parts compare.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import createSdk from '@descope/core-js-sdk';
import ky from 'ky';
import { importSdk } from './lib.mjs';

export const PROJECT_ID = 'P2bench00000000000000000000';
export const SEND_PATH = 'v1/auth/enchantedlink/signup-in/email';
// Our client's retry settings for a send call (src/transport/create-transport.ts): 2 retries, only
// after an answer that says the request was not processed (429, 503); its timeout default is 10 s.
export const RETRY = { limit: 2, methods: ['post'], statusCodes: [429, 503] };
export const TIMEOUT = 10_000;

const LINK = JSON.stringify({ linkId: '42', pendingRef: 'bench-pending-ref', maskedEmail: 'a***@example.com' });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(LINK) });
      response.end(LINK);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
  });
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

/** Spawns the server in a child process; resolves with `{ url, close }` once it listens. */
export function startLoopbackServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', reject);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      const { url } = JSON.parse(out.split('\n')[0]);
      const closed = new Promise((done) => child.on('close', done));
      resolve({
        url,
        close: () => {
          child.stdin.end();
          return closed;
        },
      });
    });
  });
}

/** The name of the bare ky candidate with retries off. */
export const KY_NO_RETRY = 'bare ky.post().json(), retry: 0';

/**
 * One send of `ada@example.com` each way, all against `url`: ours (`signInOrUp`), a bare
 * `ky.post(…).json()` with our retry and timeout settings and the same headers (our floor: ky is our
 * HTTP layer), and @descope/core-js-sdk's `enchantedLink.signUpOrIn`.
 */
export async function sendCalls(url) {
  const { EnchantedLinkClient, RequestBudget } = await importSdk();
  // An unlimited budget: its bookkeeping runs on every call as in the default, but thousands of sends a
  // second are not paced to 90 a minute (the default's pace would measure waiting, not CPU).
  const client = new EnchantedLinkClient({ projectId: PROJECT_ID, baseUrl: url, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) });
  const http = ky.create({
    prefix: url,
    timeout: TIMEOUT,
    retry: RETRY,
    headers: { accept: 'application/json', authorization: `Bearer ${PROJECT_ID}`, 'x-descope-sdk-name': 'bench', 'x-descope-project-id': PROJECT_ID },
  });
  const sdk = createSdk({ projectId: PROJECT_ID, baseUrl: url });
  return {
    'enchanted-link signInOrUp': () => client.signInOrUp('ada@example.com'),
    'bare ky.post().json()': () => http.post(SEND_PATH, { json: { loginId: 'ada@example.com', loginOptions: {} } }).json(),
    // ky with its retries off, as our client calls it (our own retry rule decides instead): with retries on,
    // ky copies the request before every attempt, and that copy is most of what separates the two.
    [KY_NO_RETRY]: () => http.post(SEND_PATH, { json: { loginId: 'ada@example.com', loginOptions: {} }, retry: 0 }).json(),
    'core-js-sdk signUpOrIn': async () => {
      const sent = await sdk.enchantedLink.signUpOrIn('ada@example.com');
      if (!sent.ok) throw new Error(`core-js-sdk send failed: ${JSON.stringify(sent.error)}`);
      return sent.data;
    },
  };
}

// Real HTTP for the emulator. Node only: `node:http` is imported on demand, so merely importing
// `enchanted-link/testing` stays browser-safe (the type import below is erased).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from './body.js';
import { PAGES } from './pages.js';
import { errorResponse, withCors } from './responses.js';
import type { EmulatorListenOptions, EmulatorServer } from './types.js';

/** Answers one request; `remoteAddress` is the peer's IP address (what the rate limit counts by). */
type Handle = (request: Request, remoteAddress: string | undefined) => Promise<Response>;

/** Serves `handle` on `host:port` until `close()`. */
export async function startServer(
  handle: Handle,
  { port = 0, host = '127.0.0.1', allowOrigins = 'loopback', allowHosts = [] }: EmulatorListenOptions = {},
): Promise<EmulatorServer> {
  const { createServer } = await import('node:http');
  const allowedHosts = await hostNames(host, allowHosts);
  const policy = originPolicy(allowOrigins, allowedHosts);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serve(handle, url, policy, req, res).catch(() => res.destroy());
  });
  let closed: Promise<void> | undefined;
  return {
    url,
    allowedHosts,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold the process open for the keep-alive timeout.
        server.closeAllConnections();
      })),
  };
}

/** Who may call the server: checked before the emulator sees the request. */
interface OriginPolicy {
  /** Whether a browser page of `origin` may call the API. */
  allows(origin: string): boolean;
  /** Whether the `Host` header names this server (false for a DNS-rebinding host name). */
  servesHost(host: string | undefined): boolean;
}

function originPolicy(allowOrigins: 'loopback' | '*' | readonly string[], allowedHosts: readonly string[]): OriginPolicy {
  const listed = new Set(Array.isArray(allowOrigins) ? allowOrigins.map((origin) => origin.toLowerCase()) : []);
  const hosts = new Set(allowedHosts);
  return {
    allows: (origin) => allowOrigins === '*' || listed.has(origin.toLowerCase()) || isLoopbackOrigin(origin),
    // A foreign Host means a name that resolves to this address without being this server's (DNS
    // rebinding): a page of that name would be same-origin with the outbox and read its live links. On
    // every interface too: a page anyone on the network opens could otherwise do it.
    servesHost: (hostHeader) => {
      if (hostHeader === undefined) return true; // HTTP/1.0 clients; no browser omits it
      const name = hostName(hostHeader).toLowerCase();
      return isLoopbackHost(name) || hosts.has(name);
    },
  };
}

/**
 * The names the `Host` header may carry: loopback names, the bound address and, bound to every interface,
 * this machine's addresses and host name; then `extra`. Lower case, IPv6 without brackets.
 */
async function hostNames(host: string, extra: readonly string[]): Promise<string[]> {
  const names = ['localhost', '127.0.0.1', '::1', host];
  if (host === '0.0.0.0' || host === '::') {
    const { hostname, networkInterfaces } = await import('node:os');
    for (const addresses of Object.values(networkInterfaces())) for (const { address } of addresses ?? []) names.push(address);
    names.push(hostname(), `${hostname()}.local`);
  }
  names.push(...extra);
  return [...new Set(names.map((name) => name.toLowerCase().replace(/^\[|\]$/g, '')))];
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return /^https?:$/.test(url.protocol) && isLoopbackHost(url.hostname);
  } catch {
    return false; // `null` (file://, sandboxed frames) and garbage
  }
}

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** `host[:port]` → host (IPv6 brackets kept off). */
function hostName(hostHeader: string): string {
  return hostHeader.startsWith('[') ? hostHeader.slice(1, hostHeader.indexOf(']')) : hostHeader.replace(/:\d*$/, '');
}

/**
 * The CORS headers a browser sees: the allowed origin echoed (never `*` for a loopback-only server), and
 * none at all on the HTML pages, which are for the developer's own tab only.
 */
function corsFor(response: Response, path: string, origin: string | undefined, policy: OriginPolicy): Headers {
  const headers = new Headers(response.headers);
  const names = [...headers.keys()].filter((name) => name.startsWith('access-control-'));
  if (PAGES.has(path) || origin === undefined || !policy.allows(origin)) {
    for (const name of names) headers.delete(name);
  } else {
    headers.set('access-control-allow-origin', origin);
    headers.append('vary', 'origin');
  }
  return headers;
}

async function serve(handle: Handle, origin: string, policy: OriginPolicy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestOrigin = req.headers.origin;
  if ((requestOrigin !== undefined && !policy.allows(requestOrigin)) || !policy.servesHost(req.headers.host)) {
    // Refused before the emulator sees it: nothing is logged, sent or counted.
    const refused = errorResponse('originNotAllowed', 'this emulator serves only pages on this machine; see allowOrigins');
    res.writeHead(refused.status, Object.fromEntries(refused.headers));
    res.end(await refused.text());
    req.resume();
    return;
  }
  const disconnected = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) disconnected.abort(new Error('The client closed the connection'));
  });
  let response: Response;
  try {
    const body = await readCapped(req);
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
    }
    const method = req.method ?? 'GET';
    response = await handle(
      new Request(new URL(req.url ?? '/', origin), {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? null : body,
        signal: disconnected.signal,
      }),
      req.socket.remoteAddress,
    );
  } catch (error) {
    if (disconnected.signal.aborted) return;
    // Only what cannot become a Request gets here (e.g. a TRACE method); handle() itself never throws.
    response = withCors(errorResponse('invalidRequest', String(error)));
  }
  if (response.type === 'error') {
    req.socket.destroy(); // the drop-connection fault
    return;
  }
  const payload = new Uint8Array(await response.arrayBuffer());
  if (res.destroyed) return;
  const path = new URL(req.url ?? '/', origin).pathname;
  res.writeHead(response.status, Object.fromEntries(corsFor(response, path, requestOrigin, policy)));
  res.end(payload);
}

/**
 * The body, cut after MAX_BODY_BYTES + 1 bytes so handle() answers 413 without the server holding a huge
 * upload. The rest is still read and dropped, so the client finishes sending and can read that answer.
 */
function readCapped(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (chunk: Uint8Array) => {
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      size += chunk.byteLength;
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => reject(new Error('The client closed the connection')));
  });
}

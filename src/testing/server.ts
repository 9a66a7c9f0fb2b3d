// Real HTTP for the emulator. Node only: `node:http` is imported on demand, so merely importing
// `enchanted-link/testing` stays browser-safe (the type import below is erased).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from './body.js';
import { errorResponse, withCors } from './responses.js';
import type { EmulatorListenOptions, EmulatorServer } from './types.js';

/** Answers one request; `remoteAddress` is the peer's IP address (what the rate limit counts by). */
type Handle = (request: Request, remoteAddress: string | undefined) => Promise<Response>;

/** Serves `handle` on `host:port` until `close()`. */
export async function startServer(
  handle: Handle,
  { port = 0, host = '127.0.0.1' }: EmulatorListenOptions = {},
): Promise<EmulatorServer> {
  const { createServer } = await import('node:http');
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
    serve(handle, url, req, res).catch(() => res.destroy());
  });
  let closed: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold the process open for the keep-alive timeout.
        server.closeAllConnections();
      })),
  };
}

async function serve(handle: Handle, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
  res.writeHead(response.status, Object.fromEntries(response.headers));
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

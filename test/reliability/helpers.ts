// Shared by the reliability tests: the secrets every call carries, every method that sends a request, a raw HTTP server
// for faults that need the socket, and unhandled-rejection tracking.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { EnchantedLinkClient } from '../../src/index.js';
import { LINK, PATHS } from '../helpers/fixtures.js';

export { PROJECT_ID } from '../helpers/fixtures.js';

/**
 * Distinctive values, so a leak is found by a plain substring search, planted where the SDK really sends
 * them: the refresh JWT in the Authorization header (step-up sign-in, email update), the link token and the
 * PKCE verifier in the verify body, the pendingRef (whoever holds it can claim the session) in the poll body,
 * and the app's own credentials in the custom headers the SDK adds to every request.
 */
export const SECRETS = {
  refreshJwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMlNFQ1JFVFJFRlJFU0gifQ.c2VjcmV0LXJlZnJlc2gtc2lnbmF0dXJl',
  token: 'LINKTOKEN-5f0d8c1e9a7b4e2f8c3d6a1b0e9f7c2d',
  pkceVerifier: 'PKCEVERIFIER-dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  pendingRef: 'PENDINGREF-3e1f7a9c5b2d4e6f8a0c1e3b5d7f9a2c',
  managementKey: 'K2MGMTKEY-8e7d6c5b4a3928171605f4e3d2c1b0a9',
  apiKey: 'APIKEY-0c9b8a7f6e5d4c3b2a1908f7e6d5c4b3',
} as const;

/** Headers every test client sends: a management key where a careless app might put one. */
export const SECRET_HEADERS = { 'x-descope-management-key': SECRETS.managementKey, 'x-api-key': SECRETS.apiKey };

export type Method =
  | 'signInOrUp'
  | 'signIn'
  | 'signUp'
  | 'updateUserEmail'
  | 'verifyToken'
  | 'getSession'
  | 'pollSession'
  | 'refreshSession'
  | 'signOut'
  | 'signOutAll'
  | 'me';
/** How a method is retried: sends (and anything that spends a credential) only after 429/503. */
export type Group = 'send' | 'idempotent' | 'poll';
/** What a successful answer looks like (§7): a link, `{}`, a session, a session or "pending", a user. */
export type Shape = 'link' | 'empty' | 'session' | 'pending-or-session' | 'user';

interface MethodInfo {
  group: Group;
  shape: Shape;
  path: string;
  /** Calls the method with every secret it can carry; `poll` adds poll options. */
  call: (client: EnchantedLinkClient, signal?: AbortSignal, poll?: Record<string, unknown>) => Promise<unknown>;
}

export const METHODS: Record<Method, MethodInfo> = {
  signInOrUp: {
    group: 'send',
    shape: 'link',
    path: PATHS.signInOrUp,
    call: (c, signal) => c.signInOrUp('ada@example.com', opt(signal)),
  },
  signIn: {
    group: 'send',
    shape: 'link',
    path: PATHS.signIn,
    call: (c, signal) => c.signIn('ada@example.com', { loginOptions: { stepup: true }, refreshJwt: SECRETS.refreshJwt, ...opt(signal) }),
  },
  signUp: {
    group: 'send',
    shape: 'link',
    path: PATHS.signUp,
    call: (c, signal) => c.signUp('ada@example.com', { user: { name: 'Ada' }, ...opt(signal) }),
  },
  updateUserEmail: {
    group: 'send',
    shape: 'link',
    path: PATHS.updateEmail,
    call: (c, signal) => c.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt: SECRETS.refreshJwt, ...opt(signal) }),
  },
  verifyToken: {
    // Retried like the sends: a verify that reached the server used the token.
    group: 'send',
    shape: 'empty',
    path: PATHS.verify,
    call: (c, signal) => c.verifyToken(SECRETS.token, { pkceVerifier: SECRETS.pkceVerifier, ...opt(signal) }),
  },
  getSession: {
    group: 'idempotent',
    shape: 'pending-or-session',
    path: PATHS.pendingSession,
    call: (c, signal) => c.getSession(SECRETS.pendingRef, opt(signal)),
  },
  pollSession: {
    group: 'poll',
    shape: 'session',
    path: PATHS.pendingSession,
    call: (c, signal, poll) => c.pollSession(SECRETS.pendingRef, { intervalMs: 10, ...poll, ...opt(signal) }),
  },
  // The session calls carry the refresh JWT in the Authorization header; a retry after an attempt that may
  // have reached Descope could spend a rotated or revoked token, so all but `me` retry like the sends.
  refreshSession: sessionCall('refreshSession', 'send', 'session', PATHS.refresh),
  signOut: sessionCall('signOut', 'send', 'empty', PATHS.logout),
  signOutAll: sessionCall('signOutAll', 'send', 'empty', PATHS.logoutAll),
  me: sessionCall('me', 'idempotent', 'user', PATHS.me),
};
export const ALL_METHODS = Object.keys(METHODS) as Method[];

/** A session call: the refresh JWT (sent in the Authorization header) is its only argument. */
function sessionCall(name: 'refreshSession' | 'signOut' | 'signOutAll' | 'me', group: Group, shape: Shape, path: string): MethodInfo {
  return { group, shape, path, call: (c, signal) => c[name](SECRETS.refreshJwt, opt(signal)) };
}

function opt(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

export const SESSION = { sessionJwt: 'a.b.c', refreshJwt: SECRETS.refreshJwt, user: { userId: 'U1', email: 'ada@example.com' } };

export const USER = { userId: 'U1', email: 'ada@example.com', name: 'Ada' };

/** The body each shape succeeds with, and what the method then resolves to. */
const VALID: Record<Shape, { body: unknown; value: unknown }> = {
  link: { body: LINK, value: LINK },
  empty: { body: {}, value: undefined },
  session: { body: SESSION, value: SESSION },
  'pending-or-session': { body: SESSION, value: SESSION },
  user: { body: USER, value: USER },
};
export const validAnswer = (method: Method) => VALID[METHODS[method].shape];

/** Fails the file if any promise rejection went unhandled while it ran. */
export function trackUnhandledRejections(): unknown[] {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown) => seen.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    // Rejections are reported after a macrotask turn; give them that turn before checking.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    expect(seen).toEqual([]);
  });
  return seen;
}

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A `node:http` server on 127.0.0.1 whose `close()` also destroys held and keep-alive sockets. */
export async function rawServer(handler: RawHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  // Answers as soon as the headers arrive (the body is drained unread), so a request is counted even
  // when the client gives up on it quickly.
  const server = createServer((req, res) => {
    req.resume();
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Every string a leak could hide in: message, String(), JSON, inspect, and the whole cause chain. */
export function renderings(error: unknown, inspect: (value: unknown) => string): string[] {
  const out: string[] = [inspect(error)];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    out.push(String(current), safeJson(current));
    if (current instanceof Error) out.push(current.message, current.stack ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `unserialisable: ${String(error)}`;
  }
}

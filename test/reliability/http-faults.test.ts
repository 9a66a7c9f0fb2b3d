// Fault injection over real HTTP. A raw node:http server plays every fault a network or proxy can throw at
// the client (resets, truncated bodies, HTML pages, 5 MB bodies, 429 variants, silence past the timeout);
// the emulator's own server covers the sign-in flow with its injectable faults. Every case runs concurrently
// under a test-local deadline, so "never a hang" is checked without sleeping.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnchantedLinkClient, isEnchantedLinkError, RequestBudget, type FetchFunction } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/index.js';
import { settle } from '../helpers/settle.js';
import {
  ALL_METHODS,
  METHODS,
  PROJECT_ID,
  rawServer,
  SECRET_HEADERS,
  trackUnhandledRejections,
  validAnswer,
  type Group,
  type Method,
} from './helpers.js';
import { FAST, fastUnlimitedBudget, unlimitedBudget } from '../helpers/fixtures.js';

trackUnhandledRejections();

const descope = (status: number, code: string) => JSON.stringify({ errorCode: code, errorDescription: `HTTP ${status}` });
const HTML = '<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
const FIVE_MB = 5 * 1024 * 1024;
const PADDING = 'x'.repeat(FIVE_MB);

type Answer = (req: IncomingMessage, res: ServerResponse, valid: unknown) => void;

const send = (status: number, body: string, headers: Record<string, string> = {}): Answer => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

/** Headers with a Content-Length longer than the body, part of the body, then the socket ends or resets. */
const cutShort = (how: 'end' | 'reset', bytes: number): Answer => (req, res, valid) => {
  const text = JSON.stringify(valid);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length + 500) });
  res.write(text.slice(0, bytes), () => (how === 'reset' ? req.socket.resetAndDestroy() : req.socket.destroy()));
};

/** What each fault does, and the outcome per method group when the fault hits the first request only. */
const FAULTS: Record<string, { answer: Answer; expect: Record<Group, string> }> = {
  'latency past the timeout': { answer: () => undefined, expect: { send: 'RequestTimeoutError', idempotent: 'ok', poll: 'ok' } },
  'connection reset before headers': { answer: (req) => req.socket.resetAndDestroy(), expect: { send: 'NetworkError', idempotent: 'ok', poll: 'ok' } },
  'connection reset after headers': { answer: cutShort('reset', 0), expect: { send: 'NetworkError', idempotent: 'ok', poll: 'ok' } },
  'truncated body (Content-Length too long)': { answer: cutShort('end', 8), expect: { send: 'NetworkError', idempotent: 'ok', poll: 'ok' } },
  '500 Descope error': { answer: send(500, descope(500, 'E000500')), expect: { send: 'DescopeError', idempotent: 'ok', poll: 'ok' } },
  '502 HTML page': { answer: send(502, HTML, { 'content-type': 'text/html' }), expect: { send: 'ResponseValidationError', idempotent: 'ok', poll: 'ok' } },
  '503 Descope error': { answer: send(503, descope(503, 'E000503')), expect: { send: 'ok', idempotent: 'ok', poll: 'ok' } },
  '504 empty body': { answer: send(504, ''), expect: { send: 'ResponseValidationError', idempotent: 'ok', poll: 'ok' } },
  '429 Retry-After: 1 (seconds)': { answer: send(429, descope(429, 'E130429'), { 'retry-after': '1' }), expect: { send: 'ok', idempotent: 'ok', poll: 'ok' } },
  '429 Retry-After as an HTTP date': {
    answer: (req, res, valid) => send(429, descope(429, 'E130429'), { 'retry-after': new Date(Date.now() + 1_000).toUTCString() })(req, res, valid),
    expect: { send: 'ok', idempotent: 'ok', poll: 'ok' },
  },
  '429 without Retry-After': { answer: send(429, descope(429, 'E130429')), expect: { send: 'ok', idempotent: 'ok', poll: 'ok' } },
  '429 Retry-After: 120': { answer: send(429, descope(429, 'E130429'), { 'retry-after': '120' }), expect: { send: 'RateLimitError', idempotent: 'RateLimitError', poll: 'RateLimitError' } },
  '200 HTML page (captive portal)': { answer: send(200, HTML, { 'content-type': 'text/html' }), expect: { send: 'ResponseValidationError', idempotent: 'ResponseValidationError', poll: 'ResponseValidationError' } },
  '403 HTML page (proxy)': { answer: send(403, HTML, { 'content-type': 'text/html' }), expect: { send: 'ResponseValidationError', idempotent: 'ResponseValidationError', poll: 'ResponseValidationError' } },
  '200 empty body': { answer: send(200, ''), expect: { send: 'ResponseValidationError', idempotent: 'ResponseValidationError', poll: 'ResponseValidationError' } },
  '200 with the wrong shape': { answer: send(200, '[{"linkId":42}]'), expect: { send: 'ResponseValidationError', idempotent: 'ResponseValidationError', poll: 'ResponseValidationError' } },
};

/** Kept apart: parsing 5 MB blocks the event loop, which would starve the 200 ms timeouts of the latency cases. */
const BIG: typeof FAULTS = {
  '200 valid body padded to 5 MB': {
    answer: (req, res, valid) => send(200, JSON.stringify({ ...(valid as object), padding: PADDING }))(req, res, valid),
    expect: { send: 'ok', idempotent: 'ok', poll: 'ok' },
  },
  '200 body of 5 MB junk': { answer: send(200, '<'.repeat(FIVE_MB)), expect: { send: 'ResponseValidationError', idempotent: 'ResponseValidationError', poll: 'ResponseValidationError' } },
};

/** Faults that stay for every request: the documented final error. Polls give up after `maxFailures: 2`. */
const PERSISTENT: Record<string, { answer: Answer; expect: Record<Group, string> }> = {
  'connection reset before headers': { answer: FAULTS['connection reset before headers']!.answer, expect: { send: 'NetworkError', idempotent: 'NetworkError', poll: 'NetworkError' } },
  'latency past the timeout': { answer: () => undefined, expect: { send: 'RequestTimeoutError', idempotent: 'RequestTimeoutError', poll: 'RequestTimeoutError' } },
  '503 Descope error': { answer: FAULTS['503 Descope error']!.answer, expect: { send: 'DescopeError', idempotent: 'DescopeError', poll: 'DescopeError' } },
  '502 HTML page': { answer: FAULTS['502 HTML page']!.answer, expect: { send: 'ResponseValidationError', idempotent: 'ResponseValidationError', poll: 'ResponseValidationError' } },
};

// Requests are routed by the first path segment (`/<case id>/v1/auth/...`), so every case has its own counter.
const cases = new Map<string, { answer: Answer; persistent: boolean; method: Method; hits: number }>();
let server: Awaited<ReturnType<typeof rawServer>>;

beforeAll(async () => {
  server = await rawServer((req, res) => {
    const [, id = '', ...rest] = (req.url ?? '').split('/');
    const entry = cases.get(id);
    if (!entry || `/${rest.join('/')}` !== METHODS[entry.method].path) {
      res.writeHead(404).end();
      return;
    }
    entry.hits++;
    const { body } = validAnswer(entry.method);
    if (entry.persistent || entry.hits === 1) entry.answer(req, res, body);
    else send(200, JSON.stringify(body))(req, res, body);
  });
});
afterAll(() => server.close());

/**
 * Silence meets a 200 ms client timeout when it lasts (the outcome is a timeout however slow the machine);
 * when the next answer must beat the timeout, 5 s keeps a loaded CI machine from timing that one out too
 * (at 1 s, a 2-core machine at load 18 timed out the retry as well and sent a third request).
 * Other faults get 30 s: parsing a 5 MB body on a busy 2-core machine must not turn into a timeout.
 * The client's fetch counts the requests it sends: the retry policy decides that number, whether or not
 * the server saw a request before its timeout fired.
 */
function clientFor(id: string, fault: string, persistent: boolean) {
  const timeout = fault.startsWith('latency') ? (persistent ? 200 : 5_000) : 30_000;
  const sent = { count: 0 };
  const fetch: FetchFunction = (...args) => {
    sent.count++;
    return globalThis.fetch(...args);
  };
  // Waits (backoff, Retry-After) on a fast clock; the timeouts above are real time.
  return { client: new EnchantedLinkClient({ projectId: PROJECT_ID, baseUrl: `${server.url}/${id}`, timeoutMs: timeout * FAST, headers: SECRET_HEADERS, fetch, ...fastUnlimitedBudget() }), sent };
}

const matrix = (table: typeof FAULTS, persistent: boolean) =>
  Object.entries(table).flatMap(([fault, { answer, expect }]) =>
    ALL_METHODS.map((method, m) => ({ id: `${persistent ? 'p' : 'o'}-${fault.replace(/\W+/g, '-')}-${m}`, fault, method, answer, expected: expect[METHODS[method].group] })),
  );

/** Runs one case under a test-local deadline; returns `ok`, the error's class name or `hang`, and the requests sent. */
async function runCase({ id, fault, method, answer }: ReturnType<typeof matrix>[number], persistent: boolean) {
  cases.set(id, { answer, persistent, method, hits: 0 });
  const { client, sent } = clientFor(id, fault, persistent);
  // The poll's deadline, on the fast clock: past a silent first attempt (5 s real), short of a 120 s Retry-After.
  const outcome = await settle(METHODS[method].call(client, undefined, { timeoutMs: 100_000, maxFailures: 2 }), { within: 50_000 });
  const hits = sent.count;
  if (outcome.kind === 'hang') return { fault, outcome: 'hang', hits };
  if (outcome.kind === 'resolved') {
    // A body padded to 5 MB resolves with its padding: the schemas are loose on purpose.
    const { padding, ...value } = (outcome.value ?? {}) as Record<string, unknown>;
    const same = JSON.stringify(outcome.value === undefined ? undefined : value) === JSON.stringify(validAnswer(method).value);
    return { fault, outcome: same && (padding === undefined || fault.includes('padded')) ? 'ok' : `resolved with ${JSON.stringify(value).slice(0, 80)}`, hits };
  }
  const { error } = outcome;
  return { fault, outcome: isEnchantedLinkError(error) ? error.name : `foreign ${String(error)}`, hits };
}

/** Requests each call sends: sends are repeated only after answers that prove nothing was sent (429, 503). */
function expectedHits(method: Method, fault: string, expected: string, persistent: boolean): number {
  const group = METHODS[method].group;
  if (persistent) return group === 'poll' ? 2 : group === 'idempotent' || fault.startsWith('503') ? 3 : 1;
  return expected === 'ok' && !fault.startsWith('200') ? 2 : 1;
}

describe.each([
  ['a fault on the first request, then the valid answer', FAULTS, false],
  ['a fault on every request (polls give up after maxFailures: 2)', PERSISTENT, true],
  ['a 5 MB body', BIG, false],
] as const)('%s', (_, table, persistent) => {
  it.concurrent.each(ALL_METHODS)('%s ends every fault in its documented outcome, never a hang', async (method) => {
    const rows = matrix(table, persistent).filter((row) => row.method === method);
    const results = await Promise.all(rows.map((row) => runCase(row, persistent)));
    expect(results).toEqual(rows.map(({ fault, expected }) => ({ fault, outcome: expected, hits: expectedHits(method, fault, expected, persistent) })));
  }, 60_000);
});

describe('a custom fetch answering Response.error() (the Fetch spec\'s network error)', () => {
  // Treated exactly like a network error: sends, verify and the calls that spend a refresh JWT reject with
  // NetworkError without a second attempt; getSession and me retry it; pollSession rides it out.
  it.each(ALL_METHODS)('%s handles it as a network error', async (method) => {
    let calls = 0;
    const fetch = async () => (calls++ === 0 ? Response.error() : Response.json(validAnswer(method).body));
    const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, ...unlimitedBudget() });
    const outcome = await settle(METHODS[method].call(client), { within: 5_000 });
    if (METHODS[method].group !== 'send') {
      expect(outcome).toEqual({ kind: 'resolved', value: validAnswer(method).value });
      expect(calls).toBe(2);
    } else {
      expect(outcome).toMatchObject({ kind: 'rejected', error: { name: 'NetworkError' } });
      expect(calls).toBe(1);
    }
  });
});

describe('the sign-in flow on the emulator server, with its injected faults', () => {
  it('pollSession rides out a reset, a 503, a non-JSON 502, a timeout and a 429, then returns the session', async () => {
    const emulator = createEmulator();
    const http = await emulator.listen();
    try {
      // Polls every 10 ms, far past the default budget's pace (90 a minute): no limit, the faults are under test.
      const requestBudget = new RequestBudget({ requests: Number.POSITIVE_INFINITY });
      const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: http.url, timeoutMs: 200, headers: SECRET_HEADERS, requestBudget });
      const { pendingRef } = await client.signInOrUp('ada@example.com');
      const path = PATHS.pendingSession;
      emulator.injectFault({ type: 'drop-connection' }, { path });
      emulator.injectFault({ type: 'status', status: 503 }, { path });
      emulator.injectFault({ type: 'malformed-body', status: 502 }, { path });
      emulator.injectFault({ type: 'latency', ms: 1_000 }, { path });
      emulator.injectFault({ type: 'rate-limit', retryAfter: 0 }, { path });
      await emulator.click('ada@example.com');
      const statuses: string[] = [];
      const outcome = await settle(client.pollSession(pendingRef, { intervalMs: 10, onPoll: ({ status }) => statuses.push(status) }), { within: 8_000 });
      expect(outcome).toMatchObject({ kind: 'resolved', value: { sessionJwt: expect.any(String) } });
      expect(statuses).toEqual(['retrying', 'retrying', 'retrying', 'retrying', 'rate-limited']);
    } finally {
      await http.close();
    }
  }, 15_000);

  it.each(ALL_METHODS)('%s turns the emulator dropping the connection, and a malformed body, into typed errors', async (method) => {
    const emulator = createEmulator();
    const http = await emulator.listen();
    try {
      const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: http.url, timeoutMs: 1_000, headers: SECRET_HEADERS, ...unlimitedBudget() });
      const poll = { timeoutMs: 2_000, maxFailures: 1 };
      emulator.injectFault({ type: 'drop-connection' }, { times: 3 });
      expect(await settle(METHODS[method].call(client, undefined, poll), { within: 8_000 })).toMatchObject({ kind: 'rejected', error: { name: 'NetworkError' } });
      emulator.clearFaults();
      emulator.injectFault({ type: 'malformed-body' }, { times: 3 });
      expect(await settle(METHODS[method].call(client, undefined, poll), { within: 8_000 })).toMatchObject({ kind: 'rejected', error: { name: 'ResponseValidationError', status: 200 } });
    } finally {
      await http.close();
    }
  }, 15_000);
});

// A morning rush on the Node example: 200 users start signing in within 10 s, each clicks the right link
// 20 to 60 s after the email (its confirm page, then the button), and each browser long-polls
// POST /login/status the way the example expects.
// All of it against the emulator with Descope's rate limit (100 requests per 60 s, then 60 s of 429),
// in simulated time: the example's handler is driven in process, with fake timers. An e2e test: the example
// runs on the built package, as it would in production, and the 200-user scenario takes seconds.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { RequestBudget } from 'enchanted-link';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLoginHandler } from '../../examples/node-server/app.js';
import { createServerClient } from '../../examples/node-server/client.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator } from '../../src/testing/index.js';

const USERS = 200;
const LIMIT = { requests: 100, windowMs: 60_000, blockMs: 60_000 };

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** One request to the example's handler, as node:http would deliver it from a page of its own origin. */
function request(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  method: string,
  url: string,
  body?: Record<string, string>,
  type: 'json' | 'form' = 'json',
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const payload = body === undefined ? undefined : type === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
  const req = Object.assign(Readable.from(payload === undefined ? [] : [Buffer.from(payload)]), {
    method,
    url,
    socket: { remoteAddress: '203.0.113.7' },
    headers: {
      host: 'app.example',
      'sec-fetch-site': 'same-origin',
      ...extraHeaders,
      ...(payload === undefined ? {} : { 'content-type': type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' }),
    },
  });
  return new Promise((resolve) => {
    let status = 0;
    let headers: Record<string, string> = {};
    const res = Object.assign(new EventEmitter(), {
      headersSent: false,
      writableEnded: false,
      destroyed: false,
      writeHead(code: number, fields: Record<string, string>) {
        status = code;
        headers = fields;
        res.headersSent = true;
      },
      end(text: string) {
        res.writableEnded = true;
        resolve({ status, headers, body: text.startsWith('{') ? JSON.parse(text) : text });
        res.emit('close');
      },
    });
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

let emu: Emulator;
/** Requests the emulator has not answered yet: issuing a session signs JWTs, which takes real time. */
let inFlight = 0;
const countedFetch = (input: Request, init?: RequestInit) => {
  inFlight++;
  return emu.fetch(input, init).finally(() => inFlight--);
};

beforeEach(() => {
  // setImmediate stays real: time only moves on once every request in flight got its answer.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  // Descope's documented limit, the emulator's default: one client for the whole process (one IP address).
  emu = createEmulator({ rateLimit: LIMIT });
});

/** When the emulator answered 429. */
const limitedAt = () => emu.requests.filter((r) => r.status === 429).map((r) => r.at);
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

/** Runs the rush; resolves with each user's outcome and sign-in time (from the click to the answer). */
async function rush(requestBudget: RequestBudget) {
  const client = createServerClient({
    projectId: emu.projectId,
    redirectUrl: 'http://app.example/verify',
    fetch: countedFetch,
    requestBudget,
  });
  // One test client stands for 200 people: no per-IP limit (the rush is about Descope's limit).
  const handler = createLoginHandler({ client, log: () => {}, waitMs: 25_000, csrfKey: 'k'.repeat(32), loginLimits: { perIp: Infinity } });
  /** A page that, answered 429, asks again after `Retry-After`, as the example's API documents. */
  const ask = async (method: string, url: string, body?: Record<string, string>): Promise<Answer> => {
    for (;;) {
      const answer = await request(handler, method, url, body);
      if (answer.status !== 429) return answer;
      await new Promise((resolve) => setTimeout(resolve, Number(answer.headers['retry-after'] ?? 1) * 1000));
    }
  };
  const user = async (i: number) => {
    const email = `user${i}@example.com`;
    await new Promise((resolve) => setTimeout(resolve, (i * 10_000) / USERS));
    const login = await ask('POST', '/login', { email });
    if (login.status !== 200) return { status: `login ${login.status}` };
    const sentAt = Date.now();
    // The user reads the email and clicks the right link, which opens the example's /verify page.
    const click = new Promise<number>((resolve) =>
      setTimeout(
        async () => {
          const sent = emu.lastEmail(email);
          const link = new URL(sent?.links.find((each) => each.correct)?.url ?? 'http://app.example/verify');
          // The link opens the confirm page; the user types the number and clicks its button, which posts its form.
          const confirm = async () => {
            const page = await request(handler, 'GET', `${link.pathname}${link.search}`);
            const field = (name: string) => (new RegExp(`name="${name}" value="([^"]*)"`).exec(String(page.body))?.[1] ?? '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
            const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0]!;
            return request(handler, 'POST', '/verify', { t: field('t'), binding: field('binding'), csrf: field('csrf'), number: sent?.linkId ?? '' }, 'form', { cookie });
          };
          // "Could not reach the sign-in service, open the link again": the user does, once, a minute later.
          // "Too many sign-ins right now" (429: the budget would not get the verify a turn within its
          // timeout, so nothing was sent): the page says when to open the link again, and the user does.
          let verified = await confirm();
          while (verified.status === 429) {
            await new Promise((resolve) => setTimeout(resolve, Number(verified.headers['retry-after'] ?? 60) * 1000));
            verified = await confirm();
          }
          if (verified.status === 502) {
            await new Promise((resolve) => setTimeout(resolve, 60_000));
            verified = await confirm();
          }
          resolve(verified.status === 200 ? Date.now() : Number.NaN);
        },
        20_000 + ((i * 7919) % 40_000),
      ),
    );
    // The browser long-polls until signed in.
    for (;;) {
      const answer = await ask('POST', '/login/status', { handle: login.body.handle });
      if (answer.status !== 200) return { status: `status ${answer.status} ${answer.body.error}` };
      if (answer.body.status === 'signed_in') return { status: 'signed_in', latency: Date.now() - (await click), total: Date.now() - sentAt };
    }
  };
  let settled = 0;
  const outcomes = Promise.all(Array.from({ length: USERS }, (_, i) => user(i).finally(() => settled++)));
  for (let ms = 0; ms < 20 * 60_000 && settled < USERS; ms += 250) {
    while (inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(250);
  }
  return outcomes;
}

describe('examples/node-server in a rush of 200 sign-ins', () => {
  it('signs most in, the rest only outlived by their links, and never meets the rate limit with the default budget', { timeout: 120_000 }, async () => {
    const outcomes = await rush(new RequestBudget());
    // Fair turns (issue 22) give the waiting polls at least every other turn, so sends and verifies get at
    // least half of the 90 a minute: over a link's 5 minutes, turns for at least ~110 sends with their
    // verifies, so at least half the rush signs in whatever the order (measured: 175 of 200). The others'
    // links outlive the wait; no other failure, and the budget keeps Descope from ever answering 429.
    const failed = outcomes.filter((o) => o.status !== 'signed_in');
    expect(failed.length).toBeLessThanOrEqual(USERS / 2);
    for (const outcome of failed) expect(outcome.status).toBe('status 404 unknown_login');
    expect(limitedAt()).toEqual([]);
    // The budget, not luck: the emulator saw the sends, verifies and polls, at most 90 in any minute.
    expect(emu.requests.filter((r) => r.path === PATHS.pendingSession).length).toBeGreaterThan(USERS);
  });

  it('with a budget above the real limit, meets at most one 429 per paused window and signs in most', { timeout: 120_000 }, async () => {
    // As if pending-session had Descope's higher limit for excluded endpoints (1,000 per 10 s): it does not here.
    const outcomes = await rush(new RequestBudget({ requests: 1_000, windowMs: 10_000 }));
    // Each 429 costs every sign-in a minute, so some links outlive the login's 5 minutes (measured: 15 of
    // 200 with fair turns); at least half sign in, as above, and no other failure.
    const failed = outcomes.filter((o) => o.status !== 'signed_in');
    expect(failed.length).toBeLessThanOrEqual(USERS / 2);
    for (const outcome of failed) expect(outcome.status).toBe('status 404 unknown_login');
    const limited = limitedAt();
    expect(limited.length).toBeGreaterThan(0);
    const gaps = limited.slice(1).map((t, i) => t - (limited[i] as number));
    // The shared pause obeys Retry-After up to one of the budget's windows (issue 22: a hostile Retry-After
    // cannot stop every caller for longer), here 10 s: never two 429s closer than that.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.min(LIMIT.blockMs, 10_000));
  });
});

// A morning rush on the Node example: 200 users start signing in within 10 s, each clicks the right link
// 20 to 60 s after the email (its confirm page, then the button), and each browser long-polls
// POST /auth/status the way the example expects.
// All of it against the emulator with Descope's rate limit (100 requests per 60 s, then 60 s of 429),
// in simulated time: the example's app (the server kit under /auth) is driven in process with plain
// Request objects, as srvx hands them over, with fake timers. An e2e test: the example runs on the built
// package, as it would in production, and the 200-user scenario takes seconds.
import { RequestBudget } from 'enchanted-link';
import { createServerKit } from 'enchanted-link/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../examples/node-server/app.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator } from '../../src/testing/index.js';

const USERS = 200;
const LIMIT = { requests: 100, windowMs: 60_000, blockMs: 60_000 };
const ORIGIN = 'https://app.example';

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One request to the example's app, as a page of its own origin sends it. */
async function request(app: (request: Request) => Promise<Response>, method: string, path: string, body?: Record<string, string>, type: 'json' | 'form' = 'json', extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const payload = body === undefined ? undefined : type === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString();
  const headers = new Headers({ 'sec-fetch-site': 'same-origin', ...extraHeaders });
  if (payload !== undefined) headers.set('content-type', type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded');
  const response = await app(new Request(`${ORIGIN}${path}`, { method, headers, ...(payload !== undefined && { body: payload }) }));
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
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
  // One test client stands for 200 people: no per-IP limit (the rush is about Descope's limit). The kit's
  // defaults otherwise: a 25 s wait, sign-ins that live 5 minutes, the store in memory (one process).
  const kit = createServerKit({ projectId: emu.projectId, secret: 'k'.repeat(32), publicUrl: ORIGIN, fetch: countedFetch, requestBudget, limits: { perIp: Infinity } });
  const handler = createApp({ kit });
  /** A page that, answered 429, asks again after `Retry-After`, as the example's API documents. */
  const ask = async (method: string, url: string, body?: Record<string, string>): Promise<Answer> => {
    for (;;) {
      const answer = await request(handler, method, url, body);
      if (answer.status !== 429) return answer;
      await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after') ?? 1) * 1000));
    }
  };
  const user = async (i: number) => {
    const email = `user${i}@example.com`;
    await new Promise((resolve) => setTimeout(resolve, (i * 10_000) / USERS));
    const login = await ask('POST', '/auth/start', { email });
    if (login.status !== 200) return { status: `login ${login.status}` };
    const sentAt = Date.now();
    // The user reads the email and clicks the right link, which opens the kit's confirm page.
    const click = new Promise<number>((resolve) =>
      setTimeout(
        async () => {
          const sent = emu.lastEmail(email);
          const link = new URL(sent?.links.find((each) => each.correct)?.url ?? `${ORIGIN}/auth/confirm`);
          // The link opens the confirm page; the user types the number and clicks its button, which posts its form.
          const confirm = async () => {
            const page = await request(handler, 'GET', `${link.pathname}${link.search}`);
            const field = (name: string) => (new RegExp(`name="${name}" value="([^"]*)"`).exec(String(page.body))?.[1] ?? '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
            const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
            return request(handler, 'POST', '/auth/confirm', { t: field('t'), binding: field('binding'), csrf: field('csrf'), number: sent?.linkId ?? '' }, 'form', { cookie });
          };
          // "Could not reach the sign-in service, open the link again": the user does, once, a minute later.
          // "Too many sign-ins right now" (429: the budget would not get the verify a turn within its
          // timeout, so nothing was sent): the page says when to open the link again, and the user does.
          let verified = await confirm();
          while (verified.status === 429) {
            await new Promise((resolve) => setTimeout(resolve, Number(verified.headers.get('retry-after') ?? 60) * 1000));
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
      const answer = await ask('POST', '/auth/status', { handle: login.body.handle });
      if (answer.status !== 200) return { status: `status ${answer.status} ${answer.body.error}` };
      if (answer.body.status === 'signed_in') return { status: 'signed_in', latency: Date.now() - (await click), total: Date.now() - sentAt };
    }
  };
  let settled = 0;
  const outcomes = Promise.all(Array.from({ length: USERS }, (_, i) => user(i).finally(() => settled++)));
  for (let ms = 0; ms < 20 * 60_000 && settled < USERS; ms += 250) {
    // The kit's HMACs and encryption run on Web Crypto's threads: a few real turns let them finish too.
    for (let turn = 0; turn < 3 || inFlight > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(250);
  }
  return outcomes;
}

/**
 * How a sign-in whose link outlived the wait ends: its handle expired (404), or Descope's `pendingRef`
 * expired a moment before the kit's record (the record's clock starts when the send returned: 410).
 */
const OUTLIVED = ['status 404 unknown_login', 'status 410 login_expired'];

describe('examples/node-server in a rush of 200 sign-ins', () => {
  it('signs most in, the rest only outlived by their links, and never meets the rate limit with the default budget', { timeout: 120_000 }, async () => {
    const outcomes = await rush(new RequestBudget());
    // Fair turns (issue 22) give the waiting polls at least every other turn, so sends and verifies get at
    // least half of the 90 a minute: over a link's 5 minutes, turns for at least ~110 sends with their
    // verifies, so at least half the rush signs in whatever the order (measured: 175 of 200 on the former
    // node:http example, 192 of 200 on the kit, whose confirm wakes the waiting poll at once). The others'
    // links outlive the wait; no other failure, and the budget keeps Descope from ever answering 429.
    const failed = outcomes.filter((o) => o.status !== 'signed_in');
    expect(failed.length).toBeLessThanOrEqual(USERS / 2);
    for (const outcome of failed) expect(OUTLIVED).toContain(outcome.status);
    expect(limitedAt()).toEqual([]);
    // The budget, not luck: the emulator saw the sends, verifies and polls, at most 90 in any minute.
    expect(emu.requests.filter((r) => r.path === PATHS.pendingSession).length).toBeGreaterThan(USERS);
  });

  it('with a budget above the real limit, meets at most one 429 per paused window and signs in most', { timeout: 120_000 }, async () => {
    // As if pending-session had Descope's higher limit for excluded endpoints (1,000 per 10 s): it does not here.
    const outcomes = await rush(new RequestBudget({ requests: 1_000, windowMs: 10_000 }));
    // Each 429 costs every sign-in a minute, so some links outlive the login's 5 minutes (measured: 15 of
    // 200 with fair turns on the former example, 8 of 200 on the kit); at least half sign in, as above, and no other failure.
    const failed = outcomes.filter((o) => o.status !== 'signed_in');
    expect(failed.length).toBeLessThanOrEqual(USERS / 2);
    for (const outcome of failed) expect(OUTLIVED).toContain(outcome.status);
    const limited = limitedAt();
    expect(limited.length).toBeGreaterThan(0);
    const gaps = limited.slice(1).map((t, i) => t - (limited[i] as number));
    // The shared pause obeys Retry-After up to one of the budget's windows (issue 22: a hostile Retry-After
    // cannot stop every caller for longer), here 10 s: never two 429s closer than that.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.min(LIMIT.blockMs, 10_000));
  });
});

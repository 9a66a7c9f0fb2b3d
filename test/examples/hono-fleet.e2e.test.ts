// examples/hono as a fleet: three Node processes of the example (installed from its own lockfile with the
// packed tarball), sharing one real Redis and one AUTH_SECRET, behind a small load balancer written here.
// Descope is the emulator with Descope's per-IP limit (100 requests per 60 s, then 60 s of 429); the
// fleet reaches it from one address, 127.0.0.1, as instances behind one egress IP do.
//
// The balancer sends POST /auth/start to the first instance and everything else round robin to the other
// two, so each sign-in is started on one instance and polled and confirmed on others, and the confirm
// page and its form post usually land on different ones. 50 people sign in at once: the fleet's one
// request budget (Redis) keeps it under Descope's limit, which is why this takes about two minutes of
// real time (150+ Descope requests at 90 per 60 s): the figure under test is that window.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/fixtures/chromium.js';
import { PAGES } from '../../src/testing/pages.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { installHonoExample, start, typeErrors, type Running } from './hono-example.js';

const USERS = 50;
const DESCOPE_LIMIT = { requests: 100, windowMs: 60_000, blockMs: 60_000 };
/** RequestBudget's default (what the example's fleet budget uses): requests per 60 s. */
const BUDGET = 90;
/** How much later than its turn a request may reach the emulator, ms (see where it is used). */
const TRANSIT_MS = 500;

const emulator = createEmulator({ rateLimit: DESCOPE_LIMIT });
let example: { work: string; app: string };
let redis: RedisServer;
let emulatorServer: EmulatorServer;
let balancer: Balancer;
let instances: Running[] = [];
let urls: string[] = [];

/** Which instance served a request, as the balancer sent it. */
interface Hop {
  instance: number;
  method: string;
  path: string;
  status: number;
  /** The simulated person (their address), from the `x-test-client-ip` header. */
  client: string | undefined;
}

interface Balancer {
  url: string;
  upstreams: string[];
  hops: Hop[];
  close: () => Promise<void>;
}

/**
 * The load balancer: a plain HTTP proxy. It stands where people's browsers connect, so it writes the
 * address it saw into X-Forwarded-For (TRUST_PROXY=1 on the instances). The test's people all connect
 * from 127.0.0.1, so each names the address it stands for in `x-test-client-ip`.
 */
async function startBalancer(): Promise<Balancer> {
  const upstreams: string[] = [];
  const hops: Hop[] = [];
  // A connection per request to the instances: a kept-alive one that an instance closes after its idle
  // timeout while this (busy) process picks it for the next request fails that request with a reset, a
  // race of this proxy, not of the fleet (real balancers retry such a request on another connection).
  const agent = new Agent({ keepAlive: false });
  let turn = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const instance = req.method === 'POST' && path === '/auth/start' ? 0 : 1 + (turn++ % (upstreams.length - 1));
    const client = req.headers['x-test-client-ip'] as string | undefined;
    const { 'x-test-client-ip': _, ...passed } = req.headers;
    const headers = { ...passed, 'x-forwarded-for': client ?? req.socket.remoteAddress ?? '' };
    const hop: Hop = { instance, method: req.method ?? '', path: path.split('?')[0]!, status: 0, client };
    hops.push(hop);
    const upstream = httpRequest(new URL(path, upstreams[instance]), { method: req.method, headers, agent }, (answer) => {
      hop.status = answer.statusCode ?? 0;
      res.writeHead(hop.status, answer.headers);
      answer.pipe(res);
    });
    // As a real balancer answers when an instance fails: 502, saying which and how (a failing test shows it).
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(`balancer: instance ${instance} failed (${error.code ?? error.message})`);
    });
    // A client that hangs up (a long poll abandoned) hangs up upstream too, as a real balancer does.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstreams,
    hops,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}

beforeAll(async () => {
  example = installHonoExample();
  [redis, emulatorServer, balancer] = await Promise.all([startRedisServer(), emulator.listen(), startBalancer()]);
  const env = {
    NODE_ENV: 'production',
    DESCOPE_PROJECT_ID: emulator.projectId,
    DESCOPE_BASE_URL: emulatorServer.url,
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    PUBLIC_URL: balancer.url,
    REDIS_URL: redis.url,
    TRUST_PROXY: '1',
    PORT: '0',
  };
  instances = [0, 1, 2].map(() => start(process.execPath, ['node.ts'], example.app, env));
  urls = await Promise.all(instances.map(async (instance) => (await instance.waitFor(/Listening {3}(http:\/\/[\d.:]+)/))[1]!));
  balancer.upstreams.push(...urls);
}, 180_000);

afterAll(async () => {
  const codes = await Promise.all(instances.map((instance) => instance.stop()));
  await balancer?.close();
  await Promise.all([redis?.stop(), emulatorServer?.close()]);
  if (example) rmSync(example.work, { recursive: true, force: true });
  // Each instance closed its connections, Redis client and server on SIGTERM, and so exited by itself.
  expect(codes, instances.map((instance, i) => `instance ${i} exited ${codes[i]}:\n${tail(instance)}`).join('\n')).toEqual(instances.map(() => 0));
});

/** The last lines an instance printed: what a failure shows of it. */
function tail(instance: Running, lines = 40): string {
  return instance.output().split('\n').slice(-lines).join('\n');
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A request as the sign-in page's script or the confirm page's form sends it (same origin). */
async function call(
  base: string,
  method: string,
  path: string,
  { client, json, form, cookie }: { client: string; json?: unknown; form?: Record<string, string>; cookie?: string },
): Promise<Answer> {
  const headers: Record<string, string> = { origin: balancer.url, 'sec-fetch-site': 'same-origin' };
  // Through the balancer, the person's address goes in the test header; straight to an instance, in the
  // header the balancer would have set.
  headers[base === balancer.url ? 'x-test-client-ip' : 'x-forwarded-for'] = client;
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(new URL(path, base), { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith('{') ? JSON.parse(text) : undefined };
}

/** The same, asked again after `Retry-After` while it answers 429 or 503, as the example's page does. */
async function ask(...args: Parameters<typeof call>): Promise<Answer> {
  for (;;) {
    const answer = await call(...args);
    if (answer.status !== 429 && answer.status !== 503) return answer;
    await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** The confirm page's form: where it posts, its hidden fields, the name of its number input. */
function confirmForm(html: string) {
  const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [unescape(name!), unescape(value!)]),
  );
  const number = /<input(?![^>]*type="hidden")[^>]*name="([^"]*)"/.exec(html)?.[1] ?? '';
  return { action: unescape(action), hidden, number };
}

/** Opens the emailed link at `base` (the confirm page), types `number` and presses the button. */
async function confirm(base: string, linkUrl: string, number: string, client: string, postTo = base): Promise<Answer> {
  for (;;) {
    const link = new URL(linkUrl);
    const page = await call(base, 'GET', `${link.pathname}${link.search}`, { client });
    expect(page.status).toBe(200);
    const cookie = (page.headers.getSetCookie().find((line) => line.startsWith('__Host-')) ?? '').split(';')[0]!;
    const form = confirmForm(page.text);
    const answer = await call(postTo, 'POST', form.action || link.pathname, { client, cookie, form: { ...form.hidden, [form.number]: number } });
    // 429: no turn in the request budget soon enough, nothing was sent; the page says when to open the link again.
    if (answer.status !== 429) return answer;
    await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** Polls POST /auth/status until the sign-in is no longer pending. */
async function waitForSignIn(base: string, handle: string, client: string): Promise<Answer> {
  for (;;) {
    const answer = await ask(base, 'POST', '/auth/status', { client, json: { handle } });
    if (answer.status !== 200 || answer.body.status !== 'pending') return answer;
  }
}

/** Most requests in any sliding `windowMs` window, of those the emulator's rate limit counts and `which` keeps. */
function busiestWindow(windowMs: number, which: (path: string) => boolean = () => true): number {
  const times = emulator.requests
    .filter((entry) => entry.method !== 'OPTIONS' && !(entry.method === 'GET' && PAGES.has(entry.path)) && which(entry.path))
    .map((entry) => entry.at)
    .sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('examples/hono on Node, configured by its environment', () => {
  it('type-checks against the packed package', () => {
    expect(typeErrors(example.app)).toEqual([]);
  });

  it.each([
    ['no DESCOPE_PROJECT_ID (never a silent fallback to the emulator)', { AUTH_SECRET: 's'.repeat(32), PUBLIC_URL: 'https://app.example' }, 'DESCOPE_PROJECT_ID is not set'],
    ['no AUTH_SECRET (instances must share one)', { DESCOPE_PROJECT_ID: 'P2abc', PUBLIC_URL: 'https://app.example' }, 'AUTH_SECRET must be'],
    ['a short AUTH_SECRET', { DESCOPE_PROJECT_ID: 'P2abc', AUTH_SECRET: 'short', PUBLIC_URL: 'https://app.example' }, 'AUTH_SECRET must be'],
    ['no PUBLIC_URL (links would point at the instance, not where browsers reach the app)', { DESCOPE_PROJECT_ID: 'P2abc', AUTH_SECRET: 's'.repeat(32) }, 'PUBLIC_URL is not set'],
  ])('refuses to start in production with %s', async (_, env, reason) => {
    const refused = start(process.execPath, ['node.ts'], example.app, { NODE_ENV: 'production', PORT: '0', ...env });
    expect(await refused.exit()).toBe(1);
    expect(refused.output()).toContain(reason);
    expect(refused.output()).not.toContain('Listening');
  });

  it('runs on the embedded emulator in development: the sign-in page in Chromium, from the email to /me, and a wrong number', async () => {
    const dev = start(process.execPath, ['node.ts'], example.app, { PORT: '0' });
    const browser = await launchChromium();
    try {
      const [, outbox] = await dev.waitFor(/Emails {6}(http:\/\/[\d.:]+\/)/);
      const [, url] = await dev.waitFor(/Listening {3}(http:\/\/[\d.:]+)/);
      let statusRequests = 0;
      /**
       * In a browser of its own: the sign-in page, the address typed and sent; resolves with the number
       * shown. With `storeBlip`, its first status request meets a store that cannot be reached for a moment
       * (503 with Retry-After, as the kit answers it), and the page must ask again.
       */
      const startOn = async (email: string, storeBlip = false) => {
        const page = await (await browser.newContext()).newPage();
        if (storeBlip) {
          await page.route('**/auth/status', (route) =>
            statusRequests++ === 0
              ? route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify({ error: 'store_unavailable', message: 'try again' }) })
              : route.continue(),
          );
        }
        await page.goto(url!);
        await page.locator('input[name="email"]').fill(email);
        await page.locator('button').click();
        await page.locator('#text[data-state="waiting"]').waitFor({ timeout: 10_000 });
        return { page, number: (await page.locator('#link-id').textContent())! };
      };
      /** On another device: the outbox page (printed at start-up), the newest link numbered `link`, `typed` typed. */
      const phone = await (await browser.newContext()).newPage();
      const confirmOnPhone = async (link: string, typed: string) => {
        await phone.goto(outbox!);
        await phone.getByRole('link', { name: link, exact: true }).last().click();
        await phone.locator('input:not([type="hidden"])').fill(typed);
        await phone.locator('button[type="submit"]').click();
      };

      const { page: laptop, number } = await startOn('ada@example.com', true);
      expect(await laptop.locator('#text').textContent()).toContain('a***@example.com');
      await confirmOnPhone(number, number);
      await phone.getByText(/signed in/i).first().waitFor({ timeout: 10_000 });
      await laptop.locator('#text[data-state="signed-in"]').waitFor({ timeout: 10_000 });
      expect(await laptop.locator('#text').textContent()).toContain('ada@example.com');
      expect(statusRequests).toBeGreaterThanOrEqual(2);
      // The session cookie is the laptop's (the browser that started), not the phone's.
      const me = await laptop.goto(`${url}/me`);
      expect(me!.status()).toBe(200);
      expect(await me!.json()).toMatchObject({ userId: expect.any(String) });
      expect((await phone.goto(`${url}/me`))!.status()).toBe(401);

      // A wrong number typed on the confirm page ends the sign-in, and the waiting page says so.
      const { page: other, number: right } = await startOn('alan@example.com');
      await confirmOnPhone(right, right === '11' ? '12' : '11');
      await other.locator('#text[data-state="wrong-number"]').waitFor({ timeout: 10_000 });
      expect(await other.locator('#link-id').count()).toBe(0);
    } finally {
      await browser.close();
      expect(await dev.stop()).toBe(0);
    }
  }, 60_000);
});

describe('examples/hono, three instances behind a round-robin balancer, sharing Redis', () => {
  it(`signs in ${USERS} people started on one instance, polled and confirmed on the others, within one request budget`, async () => {
    const secrets: string[] = [];
    const signIn = async (i: number) => {
      const client = `198.51.100.${i + 1}`;
      const email = `person${i}@example.com`;
      await sleep(i * 100); // a minute's worth of people, arriving within 5 s
      const started = await ask(balancer.url, 'POST', '/auth/start', { client, json: { email } });
      expect(started.status, started.text).toBe(200);
      const { handle, linkId } = started.body as { handle: string; linkId: string };
      const status = waitForSignIn(balancer.url, handle, client);
      // They open the email a few seconds later, click the link with their number and type it.
      await sleep(2_000 + ((i * 7919) % 3_000));
      const sent = emulator.lastEmail(email)!;
      const link = sent.links.find(({ correct }) => correct)!;
      expect(new URL(link.url).origin).toBe(balancer.url);
      secrets.push(handle, sent.pendingRef, ...sent.links.map(({ token }) => token));
      const confirmed = await confirm(balancer.url, link.url, linkId, client);
      expect(confirmed.status, confirmed.text).toBe(200);
      const final = await status;
      expect(final.status, final.text).toBe(200);
      expect(final.body).toMatchObject({ status: 'signed_in', user: { email } });
      const cookies = final.headers.getSetCookie();
      for (const name of ['__Host-DS', '__Host-DSR']) {
        const [pair, ...attributes] = cookies.find((line) => line.startsWith(`${name}=`))?.split(/;\s*/) ?? [];
        expect(attributes.map((each) => each.toLowerCase())).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=strict']));
        secrets.push(pair!.slice(name.length + 1));
      }
      // A route of the app's own, on whichever instance, reads the session from the cookie.
      const session = cookies.find((line) => line.startsWith('__Host-DS='))!.split(';')[0]!;
      const me = await call(balancer.url, 'GET', '/me', { client, cookie: session });
      expect(me.status, me.text).toBe(200);
      expect(me.body).toMatchObject({ userId: expect.any(String) });
    };
    const startedAt = Date.now();
    // An instance that ends mid-run fails the test with what it printed, not with the balancer's hang-ups.
    const ended = Promise.race(
      instances.map(async (instance, i) => {
        const code = await instance.exit();
        throw new Error(`instance ${i} exited (${code}) during the sign-ins:\n${tail(instance)}`);
      }),
    );
    ended.catch(() => undefined);
    const runs = Array.from({ length: USERS }, (_, i) => signIn(i));
    // The first failure fails the test; the others, settling later, are not unhandled rejections.
    for (const run of runs) run.catch(() => undefined);
    await Promise.race([Promise.all(runs), ended]);
    const seconds = Math.round((Date.now() - startedAt) / 1000);

    // Descope saw no 429, and fewer requests than its limit in any 60 s. The requests that take turns in
    // the fleet's budget (sends, verifies, polls; not the instances' public-key fetches, one each, then
    // cached) stayed within the budget: it grants turns on Redis's clock, the emulator logs arrivals, and a
    // request's way from its turn to the emulator varies (by up to TRANSIT_MS on a loaded 2-core machine),
    // which can move one arrival across a window's edge; hence windows that much shorter for that count.
    const budgeted = (path: string) => !path.startsWith('/v2/keys/');
    const busiest = busiestWindow(60_000 - TRANSIT_MS, budgeted);
    const busiestOfAll = busiestWindow(60_000);
    console.info(
      `${USERS} sign-ins in ${seconds} s; ${emulator.requests.length} Descope requests; at most ${busiest} of the budget's in any ` +
        `${60 - TRANSIT_MS / 1000} s (${busiestWindow(60_000, budgeted)} in 60 s; budget ${BUDGET}), ${busiestOfAll} of all in 60 s (limit ${DESCOPE_LIMIT.requests})`,
    );
    expect(emulator.requests.filter(({ status }) => status === 429).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    expect(busiest).toBeLessThanOrEqual(BUDGET);
    expect(busiestOfAll).toBeLessThan(DESCOPE_LIMIT.requests);

    // Where each request went, by the balancer's record and by each instance's own log.
    const served = (instance: number, route: RegExp) => instances[instance]!.output().split('\n').filter((line) => route.test(line)).length;
    expect(served(0, /^POST \/auth\/start 200 /)).toBe(USERS);
    expect(served(0, /^(POST \/auth\/status|GET \/auth\/confirm|POST \/auth\/confirm) /)).toBe(0);
    for (const other of [1, 2]) {
      expect(served(other, /^POST \/auth\/start /)).toBe(0);
      expect(served(other, /^POST \/auth\/status 200 /)).toBeGreaterThan(0);
      expect(served(other, /^GET \/auth\/confirm 200 /)).toBeGreaterThan(0);
      expect(served(other, /^POST \/auth\/confirm 200 /)).toBeGreaterThan(0);
      expect(served(other, /^GET \/me 200 /)).toBeGreaterThan(0);
    }
    const hopsOf = (client: string, method: string, path: string) => balancer.hops.filter((hop) => hop.client === client && hop.method === method && hop.path === path);
    const splitConfirms = Array.from({ length: USERS }, (_, i) => `198.51.100.${i + 1}`).filter((client) => {
      const [page] = hopsOf(client, 'GET', '/auth/confirm').slice(-1);
      const [post] = hopsOf(client, 'POST', '/auth/confirm').slice(-1);
      return page && post && page.instance !== post.instance;
    });
    console.info(`${splitConfirms.length} of ${USERS} confirm pages were served by one instance and their form taken by the other`);
    expect(splitConfirms.length).toBeGreaterThan(0);

    // Nothing any instance printed holds a handle, a pendingRef, a link token or a JWT.
    const printed = instances.map((instance) => instance.output()).join('\n');
    expect(secrets.filter((secret) => printed.includes(secret))).toEqual([]);
  }, 300_000);

  it('ends a sign-in polled on one instance when a wrong number is typed on another (410 wrong_number)', async () => {
    const client = '203.0.113.9';
    const email = 'wrong-number@example.com';
    const started = await ask(urls[0]!, 'POST', '/auth/start', { client, json: { email } });
    expect(started.status, started.text).toBe(200);
    const { handle, linkId } = started.body as { handle: string; linkId: string };
    const status = waitForSignIn(urls[1]!, handle, client);
    const link = emulator.lastEmail(email)!.links.find(({ correct }) => correct)!;
    const wrong = linkId === '11' ? '12' : '11';
    // The confirm page from instance 1, its form posted to instance 2.
    const refused = await confirm(urls[1]!, link.url, wrong, client, urls[2]!);
    expect(refused.status).toBe(400);
    const ended = await status;
    expect(ended.status).toBe(410);
    expect(ended.body).toMatchObject({ error: 'wrong_number' });
    expect(instances[1]!.output()).toMatch(/^POST \/auth\/status 410 /m);
    expect(instances[2]!.output()).toMatch(/^POST \/auth\/confirm 400 /m);
  }, 120_000);
});

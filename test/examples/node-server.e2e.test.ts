// examples/node-server in Chromium (Playwright) against the emulator over real HTTP, asserting on the
// emulator's request log. Clicks come from the test driver, so they are trusted (`isTrusted`), as a
// scanner that drives a real browser makes them: only the number stops it.
import { RequestBudget } from 'enchanted-link';
import { createServerKit } from 'enchanted-link/server';
import type { Page } from 'playwright';
import { serve } from 'srvx';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../examples/node-server/app.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator } from '../../src/testing/index.js';
import { usePlaywright } from '../browser/fixtures/playwright.js';
import { confirmLink } from './confirm-link.js';

vi.setConfig({ testTimeout: 20_000 });
const WAIT = { timeout: 5_000 };

/** The example on 127.0.0.1 against an emulator server, as `npm run example:server` runs it (srvx on Node's http). */
async function startExample() {
  const emulator: Emulator = createEmulator({ rateLimit: false });
  const api = await emulator.listen();
  let app = async (_: Request) => new Response(null, { status: 503 });
  const server = serve({ fetch: (request) => app(request), port: 0, hostname: '127.0.0.1', silent: true, gracefulShutdown: false });
  await server.ready();
  const url = new URL(server.url!).origin;
  const kit = createServerKit({
    projectId: emulator.projectId,
    baseUrl: api.url,
    secret: 'e2e-test-secret-'.repeat(3),
    publicUrl: url,
    waitMs: 2_000,
    limits: { perIp: Infinity },
    requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
  });
  app = createApp({ kit });
  return {
    emulator,
    url,
    async close() {
      await server.close(true);
      await api.close();
    },
  };
}

const pw = usePlaywright(startExample);

let emails = 0;
const nextEmail = () => `person${++emails}@corp.example`;

const verifies = (tokens: string[]) =>
  pw.app.emulator.requests.filter((r) => r.method === 'POST' && r.path === PATHS.verify && tokens.includes((r.body as { token?: string } | undefined)?.token ?? ''));

/** A JSON POST to the example, as the stranger's own script would make it. */
const post = async (path: string, body: unknown) => {
  const answer = await fetch(`${pw.app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: answer.status, body: (await answer.json()) as Record<string, string> };
};

/** The sign-in page of the example in `page`: sends the link to `email`; resolves with the number shown. */
async function startSignIn(page: Page, email: string): Promise<string> {
  await page.goto(pw.app.url);
  await page.locator('#email').fill(email);
  await page.locator('button[type="submit"]').click();
  await page.locator('#text[data-state="waiting"]').waitFor(WAIT);
  return (await page.locator('#link-id').textContent())!;
}

/** Opens `url` in a browser of its own (another device, or a scanner's): a fresh context. */
async function openElsewhere(url: string): Promise<Page> {
  const context = await pw.browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'networkidle' });
  return page;
}

describe('examples/node-server against a scanner that clicks (trusted input)', () => {
  it('opening all three links of a stranger’s sign-in, clicking every button and submitting every form verifies nothing; the sign-in stays pending', async () => {
    const victim = nextEmail();
    const stranger = await post('/auth/start', { email: victim });
    const links = pw.app.emulator.lastEmail(victim)!.links;
    for (const { url } of links) {
      const page = await openElsewhere(url);
      expect(await page.locator('#details').textContent()).toContain('Account: p***@corp.example');
      for (const button of await page.locator('button').all()) if (await button.isVisible()) await button.click();
      await page.waitForTimeout(200);
      // The browser would not submit the form without a number: the page is still the confirm page.
      expect(await page.locator('#title').textContent()).toBe('Finish signing in');
      // A scanner that submits forms itself (form.submit() skips the browser's check) sends no number: the
      // kit asks again, and nothing ends or verifies.
      await Promise.all([page.waitForLoadState('load'), page.locator('form').evaluate((form: HTMLFormElement) => form.submit())]);
      await page.locator('#title', { hasText: 'Type the number first' }).waitFor(WAIT);
      await page.context().close();
    }
    expect(verifies(links.map(({ token }) => token))).toEqual([]);
    expect(await post('/auth/status', { handle: stranger.body.handle })).toEqual({ status: 200, body: { status: 'pending' } });
  });
});

describe('examples/node-server: the link opened on another device', () => {
  it('the right number verifies and the waiting page completes', async () => {
    const email = nextEmail();
    const waiting = await pw.context.newPage();
    const number = await startSignIn(waiting, email);
    const link = pw.app.emulator.lastEmail(email)!.links.find((l) => l.correct)!;
    const phone = await openElsewhere(link.url);
    expect(new URL(phone.url()).search).toBe(''); // the token left the address bar
    expect(await phone.locator('#details').textContent()).toMatch(/Asked from: Headless Chrome on Linux.*UTC/);
    await phone.locator('#number').fill(number);
    await phone.locator('button[type="submit"]').click();
    await phone.locator('#title', { hasText: 'You are signed in' }).waitFor(WAIT);
    await waiting.locator('#text[data-state="signed-in"]').waitFor(WAIT);
    expect(verifies([link.token])).toHaveLength(1);
    await phone.context().close();
  });

  it('the waiting page asks again after Retry-After when the status route answers 503 or 429, then completes', async () => {
    const email = nextEmail();
    const waiting = await pw.context.newPage();
    // The first two status requests meet a store that cannot be reached and a busy request budget, as the
    // kit answers them (JSON, Retry-After: 1); the rest reach the example.
    const refusals = [
      { status: 503, error: 'store_unavailable' },
      { status: 429, error: 'rate_limited' },
    ];
    const asked: number[] = [];
    await waiting.route('**/auth/status', async (route) => {
      const refusal = refusals.shift();
      asked.push(Date.now());
      if (!refusal) return route.continue();
      await route.fulfill({ status: refusal.status, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify({ error: refusal.error, message: 'try again' }) });
    });
    const number = await startSignIn(waiting, email);
    await vi.waitUntil(() => asked.length === 3, WAIT);
    // Each asked again a second later, as Retry-After said, not at once.
    expect(asked[1]! - asked[0]!).toBeGreaterThanOrEqual(950);
    expect(asked[2]! - asked[1]!).toBeGreaterThanOrEqual(950);
    expect(await waiting.locator('#text').getAttribute('data-state')).toBe('waiting');
    const { status } = await confirmLink(pw.app.emulator.lastEmail(email)!.links.find((l) => l.correct)!.url, number);
    expect(status).toBe(200);
    await waiting.locator('#text[data-state="signed-in"]').waitFor(WAIT);
  });

  it('a wrong number sends no verify request, ends the sign-in, and the waiting page says why', async () => {
    const email = nextEmail();
    const waiting = await pw.context.newPage();
    const number = await startSignIn(waiting, email);
    const link = pw.app.emulator.lastEmail(email)!.links.find((l) => l.correct)!;
    const phone = await openElsewhere(link.url);
    await phone.locator('#number').fill(String((Number(number) + 1) % 100).padStart(2, '0'));
    await phone.locator('button[type="submit"]').click();
    await phone.locator('#title', { hasText: 'Wrong number' }).waitFor(WAIT);
    await waiting.locator('#text[data-state="wrong-number"]').waitFor(WAIT);
    expect(await waiting.locator('#text').textContent()).toContain('without knowing the number');
    expect(verifies(pw.app.emulator.lastEmail(email)!.links.map(({ token }) => token))).toEqual([]);
    // Never retried: the link's page no longer offers the form.
    await phone.goto(link.url);
    expect(await phone.locator('#title').textContent()).toBe('This link can no longer be used');
    expect(await phone.locator('form').count()).toBe(0);
    await phone.context().close();
  });
});

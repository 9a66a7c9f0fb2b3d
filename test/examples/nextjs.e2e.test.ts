// examples/nextjs, built and served as in production (`next build`, `next start`) with the packed
// package, against the emulator over real HTTP, driven in Chromium: sign in, see the user rendered by the
// server component, let the session expire and see the proxy (Next's middleware) refresh it from the
// cookie, sign out. The emulator's request log says what reached Descope.
import { EnchantedLinkClient } from 'enchanted-link';
import { CLOCK_TOLERANCE_SECONDS } from 'enchanted-link/server';
import type { BrowserContext, Page } from 'playwright';
import { describe, expect, it } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { usePlaywright } from '../browser/fixtures/playwright.js';
import { prepareExample, startExample } from './nextjs-app.js';

/** Short, so the test sees a session expire; the proxy refreshes it on the next page after that. */
const SESSION_TTL_SECONDS = 4;
const WAIT = { timeout: 10_000 };

async function start() {
  // Measured on the 2-core machine: `next build` is most of this; install and build are kept between runs.
  const timings = await prepareExample();
  console.info(`examples/nextjs: pack ${timings.packMs} ms, install ${timings.installMs} ms, next build ${timings.buildMs} ms`);
  // Rotating refresh JWTs (a project setting): each refresh also sets a new refresh cookie, through the proxy.
  const emulator = createEmulator({ sessionTtlSeconds: SESSION_TTL_SECONDS, rotateRefreshJwt: true });
  const api: EmulatorServer = await emulator.listen();
  const app = await startExample({
    DESCOPE_PROJECT_ID: emulator.projectId,
    DESCOPE_BASE_URL: api.url,
    AUTH_SECRET: 'an e2e test secret of more than 32 characters',
    DEBUG: '1', // every event on the output, which must hold no secret
  }).catch(async (error: unknown) => {
    await api.close();
    throw error;
  });
  return {
    emulator,
    apiUrl: api.url,
    url: app.url,
    output: app.output,
    async close() {
      await app.close();
      await api.close();
    },
  };
}

const pw = usePlaywright(start, { startTimeout: 600_000 });

const requestsTo = (path: string) => pw.app.emulator.requests.filter((request) => request.method === 'POST' && request.path === path);
const cookiesOf = async (context: BrowserContext) => Object.fromEntries((await context.cookies()).map((cookie) => [cookie.name, cookie]));

/** Signs in on `page` with the link opened on another device; resolves with the user ID the page shows. */
async function signIn(page: Page, email: string): Promise<string> {
  await page.goto(pw.app.url);
  await page.locator('#email').fill(email);
  await page.locator('button[type="submit"]').click();
  const number = (await page.locator('#link-id').textContent(WAIT))!;
  expect(number).toMatch(/^\d\d$/);
  const sent = pw.app.emulator.lastEmail(email)!;
  expect(sent.linkId).toBe(number);
  const link = sent.links.find(({ correct }) => correct)!;
  expect(link.url.startsWith(`${pw.app.url}/auth/confirm?`)).toBe(true);
  // The phone: another browser, with no cookie of the first.
  const phone = await (await pw.browser.newContext()).newPage();
  await phone.goto(link.url);
  await phone.locator('#number').fill(number);
  await phone.locator('button[type="submit"]').click();
  await phone.locator('#title', { hasText: 'You are signed in' }).waitFor(WAIT);
  await phone.context().close();
  // The waiting page's long-poll gets the cookies; router.refresh() renders the server component again.
  return (await page.locator('#user-id').textContent(WAIT))!;
}

describe('examples/nextjs (next build, next start, Chromium)', () => {
  it('signs in, shows the user from the server component, refreshes the expired session in the proxy, signs out', async () => {
    const page = await pw.context.newPage();
    // The first status request meets a store that cannot be reached for a moment (503 with Retry-After, as
    // the kit answers it): the sign-in form asks again a second later, and the sign-in completes.
    let statusRequests = 0;
    await page.route('**/auth/status', (route) =>
      statusRequests++ === 0
        ? route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify({ error: 'store_unavailable', message: 'try again' }) })
        : route.continue(),
    );
    const userId = await signIn(page, 'grace@example.com');
    expect(userId).toMatch(/\S/);
    expect(statusRequests).toBeGreaterThanOrEqual(2);
    await page.unroute('**/auth/status');

    // The session is in HttpOnly, Secure, SameSite=Strict `__Host-` cookies; the page's script sees none.
    const signedIn = await cookiesOf(pw.context);
    for (const name of ['__Host-DS', '__Host-DSR']) {
      expect(signedIn[name]).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    }
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const firstExpiry = Date.parse((await page.locator('#expires-at').textContent())!);
    expect(requestsTo(PATHS.refresh)).toHaveLength(0);

    // Past the session's expiry (and the validator's clock tolerance), a page load refreshes it: the proxy
    // calls Descope once, the browser gets new session and refresh cookies, and the server component, rendering that
    // very request, already sees the new session.
    await page.waitForTimeout(firstExpiry + (CLOCK_TOLERANCE_SECONDS + 1) * 1000 - Date.now());
    await page.goto(pw.app.url);
    expect(await page.locator('#user-id').textContent(WAIT)).toBe(userId);
    const secondExpiry = Date.parse((await page.locator('#expires-at').textContent())!);
    expect(secondExpiry).toBeGreaterThan(firstExpiry);
    expect(requestsTo(PATHS.refresh)).toHaveLength(1);
    const refreshed = await cookiesOf(pw.context);
    expect(refreshed['__Host-DS']!.value).not.toBe(signedIn['__Host-DS']!.value);
    expect(refreshed['__Host-DSR']).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(refreshed['__Host-DSR']!.value).not.toBe(signedIn['__Host-DSR']!.value); // rotated

    // A page load with a live session calls nobody.
    await page.reload();
    await page.locator('#user-id').waitFor(WAIT);
    expect(requestsTo(PATHS.refresh)).toHaveLength(1);

    // Sign out: the refresh JWT is revoked at Descope, both cookies are gone, the page asks to sign in.
    await page.locator('#sign-out').click();
    await page.locator('#email').waitFor(WAIT);
    expect(requestsTo(PATHS.logout)).toHaveLength(1);
    const signedOut = await cookiesOf(pw.context);
    expect(signedOut['__Host-DS']).toBeUndefined();
    expect(signedOut['__Host-DSR']).toBeUndefined();
    const client = new EnchantedLinkClient({ projectId: pw.app.emulator.projectId, baseUrl: pw.app.apiUrl });
    await expect(client.refreshSession(refreshed['__Host-DSR']!.value)).rejects.toMatchObject({ status: 401 });

    // A browser that kept the first cookies (an expired session, a refresh JWT revoked when it was rotated)
    // is signed out by the proxy: it tried once, Descope refused, and the cookies are cleared.
    const stale = await pw.browser.newContext();
    await stale.addCookies([signedIn['__Host-DS']!, signedIn['__Host-DSR']!]);
    const stalePage = await stale.newPage();
    await stalePage.goto(pw.app.url);
    await stalePage.locator('#email').waitFor(WAIT);
    expect(requestsTo(PATHS.refresh)).toHaveLength(3); // the proxy's first, the check above, and this one
    expect(await cookiesOf(stale)).toEqual({});
    await stale.close();

    // What the kit did is in the server's output (DEBUG), and nothing secret is.
    expect(pw.app.output()).toMatch(/\[enchanted-link\].*refresh/);
    const { pendingRef, links } = pw.app.emulator.lastEmail('grace@example.com')!;
    const cookies = [signedIn['__Host-DS']!, signedIn['__Host-DSR']!, refreshed['__Host-DS']!, refreshed['__Host-DSR']!].map(({ value }) => value);
    for (const secret of [...cookies, pendingRef, ...links.map(({ token }) => token), 'grace@example.com']) {
      expect(pw.app.output()).not.toContain(secret);
    }
  }, 90_000);
});

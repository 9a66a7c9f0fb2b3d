// No verify without a person's gesture, shown end to end in headless Chromium (Playwright) against the
// emulator over real HTTP, asserting on the emulator's request log: the example's verify page, the
// emulator's own verify page, and the mail-scanner scene that motivated it.
import type { Page } from 'playwright';
import { describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { startExampleApp } from './fixtures/app.js';
import { usePlaywright } from './fixtures/playwright.js';

vi.setConfig({ testTimeout: 20_000 });
const WAIT = { timeout: 5_000 };

let emails = 0;
const nextEmail = () => `person${++emails}@corp.example`;

const pw = usePlaywright(startExampleApp);

/** POSTs the emulator received on `path` (not the CORS preflights). */
const posts = (path: string) => pw.app.emulator.requests.filter((r) => r.method === 'POST' && r.path === path);

/** Verify requests the emulator received for `token` (all of them without one). */
const verifies = (token?: string) =>
  posts(PATHS.verify).filter((r) => token === undefined || (r.body as { token?: string } | undefined)?.token === token);

/** A sign-in started from Node, as another machine would; its links open `page`. */
async function startSignIn(email: string, page: string) {
  const client = new EnchantedLinkClient({ projectId: pw.app.emulator.projectId, baseUrl: pw.app.api, redirectUrl: page });
  const sent = await client.signInOrUp(email);
  return { client, ...sent, links: pw.app.emulator.lastEmail(email)!.links };
}

/** Opens `url` and lets its scripts run until the network is quiet, as a scanner's headless browser does. */
async function open(url: string): Promise<Page> {
  const page = await pw.context.newPage();
  await page.goto(url, { waitUntil: 'networkidle' });
  return page;
}

const status = (page: Page, state: string) => page.locator(`#status[data-state="${state}"]`).waitFor(WAIT);

describe('the example verify page', () => {
  it('sends nothing on load nor on a script click, verifies on a real click, and says the session went elsewhere', async () => {
    const { links } = await startSignIn(nextEmail(), `${pw.app.url}/verify.html`);
    const { token, url } = links.find((l) => l.correct)!;
    const page = await open(url);
    expect(new URL(page.url()).searchParams.has('t')).toBe(false); // stripped at once, before any click
    expect(verifies(token)).toHaveLength(0);

    await page.evaluate(() => {
      const button = document.getElementById('confirm')!;
      button.click();
      button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(verifies(token)).toHaveLength(0);

    await page.locator('#confirm').click(); // trusted input, as from a mouse
    await status(page, 'verified');
    expect(verifies(token)).toHaveLength(1);
    // Nobody waits in this browser: the sign-in was started on "another device".
    expect(await page.locator('#status').textContent()).toContain('Go back to the device');
  });

  it('says the session went to the waiting tab when this browser started the sign-in', async () => {
    const email = nextEmail();
    const signIn = await open(`${pw.app.url}/index.html`);
    await signIn.locator('#email').fill(email);
    await signIn.locator('#send').click();
    await status(signIn, 'waiting');
    const verify = await open(pw.app.emulator.lastEmail(email)!.links.find((l) => l.correct)!.url);
    await verify.locator('#confirm').click();
    await status(verify, 'verified');
    expect(await verify.locator('#title').textContent()).toBe("You're signed in");
    expect(await verify.locator('#status').textContent()).toContain('Continue in your other tab');
    await status(signIn, 'signed-in');
  });
});

describe('a mail scanner', () => {
  it.each([
    ['the example verify page', () => `${pw.app.url}/verify.html`],
    ['the emulator’s own verify page', () => `${pw.app.api}/verify`],
  ])('opening all three links of a stranger’s sign-in on %s signs nobody in', async (_, page) => {
    // A stranger asks for a link to someone else's address and keeps polling for the session.
    const victim = nextEmail();
    const stranger = await startSignIn(victim, page());
    const controller = new AbortController();
    let settled: unknown;
    const poll = stranger.client.pollSession(stranger.pendingRef, { intervalMs: 500, maxIntervalMs: 500, signal: controller.signal });
    poll.then(
      (session) => (settled = session),
      (error) => (settled = error),
    );

    // The victim's mail filter opens every link of the email in a headless browser, scripts on, and its
    // scripts poke every button the way a script can.
    for (const { url } of stranger.links) {
      const scanned = await open(url);
      await scanned.evaluate(() => document.querySelectorAll('button').forEach((button) => button.click()));
      await scanned.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    }
    // The stranger's poll goes on after the scan (every 500 ms, well within the emulator's rate limit): it
    // would have had the session by its next poll.
    const polled = () => posts(PATHS.pendingSession).filter((r) => (r.body as { pendingRef?: string } | undefined)?.pendingRef === stranger.pendingRef).length;
    const before = polled();
    await vi.waitFor(() => expect(polled()).toBeGreaterThan(before), WAIT);

    expect(stranger.links.flatMap(({ token }) => verifies(token))).toEqual([]);
    expect(settled).toBeUndefined(); // the stranger is still waiting
    await expect(stranger.client.getSession(stranger.pendingRef)).resolves.toBeUndefined();
    controller.abort('done');
    await expect(poll).rejects.toBe('done');
  });

  it('the control: the same scan of a page that verifies on load (the opt-out) hands the stranger the session', async () => {
    const stranger = await startSignIn(nextEmail(), `${pw.app.url}/harness.html`);
    const poll = stranger.client.pollSession(stranger.pendingRef, { intervalMs: 500, maxIntervalMs: 500 });
    for (const { url } of stranger.links) {
      const scanned = await open(url);
      // What such a page's own script does on load.
      await scanned.evaluate(
        ({ projectId, baseUrl }) =>
          window.EL.verifyFromUrl(new window.EL.EnchantedLinkClient({ projectId, baseUrl }), { acceptMailScannerRisk: true }).catch(() => {}),
        { projectId: pw.app.emulator.projectId, baseUrl: pw.app.api },
      );
    }
    await expect(poll).resolves.toHaveProperty('refreshJwt');
  });
});

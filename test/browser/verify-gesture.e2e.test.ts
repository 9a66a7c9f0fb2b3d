// No verify without the person who asked, shown end to end in headless Chromium (Playwright) against the
// emulator over real HTTP, asserting on the emulator's request log. The scanner here clicks with the test
// driver's own input, which is trusted (`isTrusted`), as a scanner driving a real browser does: only the
// same-browser handshake stops it, never the click.
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

/** A sign-in started from Node, as a stranger's machine would, polling for the session; its links open `page`. */
async function strangerSignsIn(email: string, page: string) {
  const client = new EnchantedLinkClient({ projectId: pw.app.emulator.projectId, baseUrl: pw.app.api, redirectUrl: page });
  const sent = await client.signInOrUp(email);
  const controller = new AbortController();
  let settled: unknown;
  const poll = client.pollSession(sent.pendingRef, { intervalMs: 500, maxIntervalMs: 500, signal: controller.signal });
  poll.then(
    (session) => (settled = session),
    (error) => (settled = error),
  );
  const polled = () => posts(PATHS.pendingSession).filter((r) => (r.body as { pendingRef?: string } | undefined)?.pendingRef === sent.pendingRef).length;
  return {
    client,
    ...sent,
    links: pw.app.emulator.lastEmail(email)!.links,
    settled: () => settled,
    /** Resolves once the stranger polled again: had a verify gone through, this poll would have the session. */
    pollAgain: async () => {
      const before = polled();
      await vi.waitFor(() => expect(polled()).toBeGreaterThan(before), WAIT);
    },
    stop: async () => {
      controller.abort('done');
      await expect(poll).rejects.toBe('done');
    },
  };
}

/**
 * What a scanner that drives a real browser does with a link: opens it in its own browser (a fresh context:
 * no tab of the person's), lets the scripts run, then clicks every button it can see, with trusted input.
 */
async function scan(url: string): Promise<Page> {
  const scanner = await pw.browser.newContext();
  const page = await scanner.newPage();
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForTimeout(700); // longer than the handshake's 500 ms: the page has decided by now
  for (const button of await page.locator('button').all()) {
    if (await button.isVisible()) await button.click();
  }
  await page.waitForTimeout(100);
  return page;
}

describe('a mail scanner that clicks (trusted input)', () => {
  it('opening and clicking all three links of a stranger’s sign-in on the browser example’s page signs nobody in', async () => {
    const stranger = await strangerSignsIn(nextEmail(), `${pw.app.url}/verify.html`);
    for (const { url } of stranger.links) {
      const page = await scan(url);
      // The page says where to open the link, and never offered a button.
      await page.locator('#status[data-state="wrong-device"]').waitFor(WAIT);
      expect(await page.locator('#confirm').isHidden()).toBe(true);
      await page.context().close();
    }
    await stranger.pollAgain();
    expect(stranger.links.flatMap(({ token }) => verifies(token))).toEqual([]);
    expect(stranger.settled()).toBeUndefined(); // the stranger is still waiting
    await expect(stranger.client.getSession(stranger.pendingRef)).resolves.toBeUndefined();
    await stranger.stop();
  });

  it('the control: the same scan of a page that verifies on load (the full opt-out) hands the stranger the session', async () => {
    const stranger = await strangerSignsIn(nextEmail(), `${pw.app.url}/harness.html`);
    for (const { url } of stranger.links) {
      const scanner = await pw.browser.newContext();
      const page = await scanner.newPage();
      await page.goto(url);
      // What such a page's own script does on load.
      await page.evaluate(
        ({ projectId, baseUrl }) =>
          window.EL.verifyFromUrl(new window.EL.EnchantedLinkClient({ projectId, baseUrl }), { acceptMailScannerRisk: true }).catch(() => {}),
        { projectId: pw.app.emulator.projectId, baseUrl: pw.app.api },
      );
      await scanner.close();
    }
    await vi.waitFor(() => expect(stranger.settled()).toHaveProperty('refreshJwt'), WAIT);
  });

  it('the emulator’s own verify page (a dev tool whose links are never emailed) still needs a person’s click', async () => {
    const stranger = await strangerSignsIn(nextEmail(), `${pw.app.api}/verify`);
    for (const { url } of stranger.links) {
      const page = await pw.context.newPage();
      await page.goto(url, { waitUntil: 'networkidle' });
      await page.evaluate(() => document.querySelectorAll('button').forEach((button) => button.click()));
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    }
    await stranger.pollAgain();
    expect(stranger.links.flatMap(({ token }) => verifies(token))).toEqual([]);
    await stranger.stop();
  });
});

/** The person's sign-in page in this browser, waiting for the click on the link sent to `email`. */
async function waitingTab(email: string): Promise<Page> {
  const signIn = await pw.context.newPage();
  await signIn.goto(`${pw.app.url}/index.html`);
  await signIn.locator('#email').fill(email);
  await signIn.locator('#send').click();
  await signIn.locator('#status[data-state="waiting"]').waitFor(WAIT);
  return signIn;
}

describe('the same browser', () => {
  it('a person’s click on the right link completes the waiting tab in under a second', async () => {
    const email = nextEmail();
    const signIn = await waitingTab(email);
    const link = pw.app.emulator.lastEmail(email)!.links.find((l) => l.correct)!;
    expect(new URL(link.url).searchParams.get('el_binding')).toMatch(/^[\w-]{32}$/);

    const verify = await pw.context.newPage();
    await verify.goto(link.url);
    expect(new URL(verify.url()).search).toBe(''); // t and the binding left the address bar at once
    await verify.locator('#confirm').waitFor({ state: 'visible', ...WAIT }); // the handshake found the waiting tab
    expect(await verify.locator('#warning').isHidden()).toBe(true);
    const clickedAt = Date.now();
    await verify.locator('#confirm').click();
    await signIn.locator('#status[data-state="signed-in"]').waitFor(WAIT);
    expect(Date.now() - clickedAt).toBeLessThan(1_000);
    expect(verifies(link.token)).toHaveLength(1);
    await verify.locator('#status[data-state="verified"]', { hasText: 'Continue in your other tab' }).waitFor(WAIT);
  });

  it('a second tab of the person’s browser does not answer for a stranger’s sign-in to the same address', async () => {
    const email = nextEmail();
    const signIn = await waitingTab(email);
    // Meanwhile a stranger asks for a link to the same address; the person opens the stranger's email.
    const stranger = await strangerSignsIn(email, `${pw.app.url}/verify.html`);
    const verify = await pw.context.newPage();
    await verify.goto(stranger.links.find((l) => l.correct)!.url);
    await verify.locator('#status[data-state="wrong-device"]').waitFor(WAIT);
    expect(stranger.links.flatMap(({ token }) => verifies(token))).toEqual([]);
    await stranger.stop();
  });
});

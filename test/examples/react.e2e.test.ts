// The React example and the session keeper in real headless Chromium, against the emulator over real HTTP:
// the whole sign-in in the app, and the keeper across two tabs of one origin.
import type { Page } from 'playwright';
import { describe, expect, it, vi } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { usePlaywright } from '../browser/fixtures/playwright.js';
import { startReactApp } from './fixtures/react-app.js';

// Each test takes a second or two; the margin is for a busy 2-core CI machine.
vi.setConfig({ testTimeout: 20_000 });

const REFRESH = '/v1/auth/refresh';
const LOGOUT_ALL = '/v1/auth/logoutall';
const WAIT = { timeout: 8_000 };

let emails = 0;
const nextEmail = () => `react${++emails}@example.com`;
const count = (path: string) => pw.app.emulator.requests.filter((r) => r.method === 'POST' && r.path === path).length;
const state = (page: Page, name: string) => page.locator(`#status[data-state="${name}"]`).waitFor(WAIT);

const pw = usePlaywright(startReactApp, { startTimeout: 60_000 });

describe('the React example', () => {
  it('signs in (waiting, resend, the right link in another tab), refreshes and signs out everywhere', async () => {
    const email = nextEmail();
    const page = await pw.context.newPage();
    await page.goto(`${pw.app.url}/index.html`);
    await page.locator('#email').fill(email);
    await page.locator('#send').click();
    await state(page, 'waiting');
    expect(await page.locator('#masked-email').textContent()).toBe(pw.app.emulator.lastEmail(email)!.maskedEmail);
    expect(count(PATHS.signInOrUp)).toBe(1);

    // Resend is held back for the cooldown (500 ms in this build), then sends a new email.
    expect(await page.locator('#resend').isDisabled()).toBe(true);
    await page.locator('#resend:not([disabled])').click(WAIT);
    await page.locator('#resend[disabled]').waitFor(WAIT);
    await expect.poll(() => count(PATHS.signInOrUp)).toBe(2);
    const linkId = pw.app.emulator.lastEmail(email)!.linkId;
    await page.locator(`#link-id:text-is("${linkId}")`).waitFor(WAIT);

    // The user opens the link numbered as the page says, from the newest email, in another tab.
    const link = pw.app.emulator.lastEmail(email)!.links.find((each) => each.number === linkId)!;
    const verify = await pw.context.newPage();
    await verify.goto(link.url);
    await verify.locator('#confirm').click(); // the person confirms: a scanner would not click
    await state(verify, 'verified');
    await state(page, 'account');
    expect(await page.locator('#user-email').textContent()).toBe(email);

    const before = await page.locator('#expires').textContent();
    await page.locator('#refresh').click();
    await expect.poll(() => count(REFRESH)).toBe(1);
    expect(before).not.toBeNull();

    // A reload keeps the session (the example keeps it in sessionStorage).
    await page.reload();
    await state(page, 'account');

    await page.locator('#sign-out').click();
    await state(page, 'idle');
    expect(count(LOGOUT_ALL)).toBe(1);
  });

  it('cancels a wait: the page says so and polls no more', async () => {
    const page = await pw.context.newPage();
    await page.goto(`${pw.app.url}/index.html`);
    await page.locator('#email').fill(nextEmail());
    await page.locator('#send').click();
    await state(page, 'waiting');
    await page.locator('#cancel').click();
    await state(page, 'cancelled');
    const polls = count(PATHS.pendingSession);
    await page.waitForTimeout(3_000); // longer than the longest pending wait (2.5 s)
    expect(count(PATHS.pendingSession)).toBe(polls);
  });
});

/** A blank page of the example's origin with the SDK as `window.EL` and a keeper on shared storage as `window.keeper`. */
async function tab(storage: 'xss-exposed-localStorage' | 'memory'): Promise<Page> {
  const page = await pw.context.newPage();
  await page.goto(`${pw.app.url}/harness.html`);
  await page.evaluate(
    ({ projectId, baseUrl, storage }) => {
      const client = new window.EL.EnchantedLinkClient({ projectId, baseUrl });
      Object.assign(window, { client, keeper: window.EL.createSessionKeeper(client, { storage }) });
    },
    { projectId: pw.app.emulator.projectId, baseUrl: pw.app.api, storage },
  );
  return page;
}

/** Signs `page`'s keeper in: the send and the poll in the page, the click from Node. */
async function signIn(page: Page) {
  const email = nextEmail();
  const polled = page.evaluate(async (email) => {
    const { client, keeper } = window as unknown as Harness;
    const { pendingRef } = await client.signInOrUp(email);
    keeper.set(await client.pollSession(pendingRef));
  }, email);
  await expect.poll(() => pw.app.emulator.lastEmail(email)).toBeDefined();
  await pw.app.emulator.click(email);
  await polled;
}

interface Harness {
  client: InstanceType<Window['EL']['EnchantedLinkClient']>;
  keeper: ReturnType<Window['EL']['createSessionKeeper']>;
}
const sessionJwt = (page: Page) =>
  page.evaluate(() => {
    const snapshot = (window as unknown as Harness).keeper.getSnapshot();
    return snapshot.status === 'signed-in' ? snapshot.session.sessionJwt : undefined;
  });

describe('the session keeper across two tabs', () => {
  // Both refresh() calls are made while the lock is held (the wait for `refreshCalled` below). Chromium
  // propagates a localStorage write to other renderer processes asynchronously, so the tab that gets the lock
  // next may still read the old session from the storage: what keeps it from refreshing again is the session
  // the first tab hands over on the keeper's channel before letting the lock go.
  it('sends one refresh request when both tabs refresh at the same moment', async () => {
    const [a, b] = [await tab('xss-exposed-localStorage'), await tab('xss-exposed-localStorage')];
    await signIn(a);
    await expect.poll(() => sessionJwt(b)).toBe(await sessionJwt(a));
    const refreshes = count(REFRESH);

    // Hold the tabs' refresh lock from tab A (granted before any refresh asks for it), so both refreshes start
    // while it is held, then let go.
    await a.evaluate(
      () =>
        new Promise<void>((held) => {
          void navigator.locks.request('enchanted-link.session.refresh', () => new Promise<void>((release) => (Object.assign(window, { release }), held())));
        }),
    );
    const both = Promise.all(
      [a, b].map((page) =>
        page.evaluate(() => {
          const refreshed = (window as unknown as Harness).keeper.refresh().then((s) => s?.sessionJwt);
          Object.assign(window, { refreshCalled: true });
          return refreshed;
        }),
      ),
    );
    // Both calls must have been made before the lock is let go: on a busy machine an evaluate can run late,
    // and a refresh() called after the other tab's refresh landed is a new refresh, rightly sent.
    await Promise.all([a, b].map((page) => page.waitForFunction(() => (window as unknown as { refreshCalled?: boolean }).refreshCalled === true)));
    await a.waitForTimeout(200);
    expect(count(REFRESH)).toBe(refreshes);
    await a.evaluate(() => (window as unknown as { release: () => void }).release());
    const [fromA, fromB] = await both;

    expect(count(REFRESH)).toBe(refreshes + 1);
    expect(fromA).toBeDefined();
    expect(fromB).toBe(fromA);
    expect(await sessionJwt(b)).toBe(fromA);
  });

  it('ends the session in the other tab when one tab signs out (shared storage)', async () => {
    const [a, b] = [await tab('xss-exposed-localStorage'), await tab('xss-exposed-localStorage')];
    await signIn(a);
    await expect.poll(() => sessionJwt(b)).toBeDefined();
    await a.evaluate(() => (window as unknown as Harness).keeper.signOut());
    await expect.poll(() => sessionJwt(b)).toBeUndefined();
  });

  it('a sign-out with a hanging network ends the session in both tabs while the revoke is still unanswered', async () => {
    const [a, b] = [await tab('xss-exposed-localStorage'), await tab('xss-exposed-localStorage')];
    await signIn(a);
    await expect.poll(() => sessionJwt(b)).toBeDefined();
    // The emulator holds the logout for 3 s: longer than the 1 s these checks may take, shorter than the test.
    pw.app.emulator.injectFault({ type: 'latency', ms: 3_000 }, { path: '/v1/auth/logout' });
    // Not awaited: the call resolves only once the revoke settles. Both tabs are signed out within 1 s, while
    // the logout is held for 3 s: the sign-out did not wait for the network.
    await a.evaluate(() => void (window as unknown as Harness).keeper.signOut());
    expect(await sessionJwt(a)).toBeUndefined();
    await expect.poll(() => sessionJwt(b), { timeout: 1_000 }).toBeUndefined();
  });

  it('ends the session in the other tab when one tab signs out everywhere (memory storage, separate sign-ins)', async () => {
    const [a, b] = [await tab('memory'), await tab('memory')];
    await signIn(a);
    await signIn(b);
    expect(await sessionJwt(b)).not.toBe(await sessionJwt(a));
    await a.evaluate(() => (window as unknown as Harness).keeper.signOutAll());
    await expect.poll(() => sessionJwt(b)).toBeUndefined();
  });
});

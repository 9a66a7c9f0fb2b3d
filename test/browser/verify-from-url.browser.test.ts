// verifyFromUrl verifies only on the person's click, and only in the browser that asked for the link: in
// Chromium, with trusted input from the test driver (`userEvent`, sent through Playwright like a real
// mouse), counting the verify requests the emulator got. A poll in this page stands for the waiting tab
// (BroadcastChannel delivers between two channels of one page as between two tabs).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { createSignInFlow, EnchantedLinkClient, InvalidArgumentError, verifyFromUrl, WrongDeviceError } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/emulator.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

const emulator = createEmulator();
const REDIRECT = 'https://app.example.com/verify';
const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, redirectUrl: REDIRECT, ...unlimitedBudget() });

const verifies = () => emulator.requests.filter((r) => r.path === PATHS.verify).length;
/** One turn of the event loop: whatever a click or a load would have sent is on its way by then. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let button: HTMLButtonElement;
let stopPolls: AbortController;
beforeEach(() => {
  emulator.reset();
  stopPolls = new AbortController();
  button = document.createElement('button');
  button.textContent = 'Sign me in';
  document.body.append(button);
});
afterEach(() => {
  stopPolls.abort('test over');
  button.remove();
  vi.restoreAllMocks();
});

/** A fresh link for a new sign-in, sent by `sender`; `pendingRef` to poll it. */
async function link(sender = client) {
  const loginId = `user${Math.random()}@example.com`;
  const { pendingRef, binding } = await sender.signInOrUp(loginId);
  return { pendingRef, binding, url: emulator.lastEmail(loginId)!.links.find((l) => l.correct)!.url };
}

/** Starts the waiting side's poll for `pendingRef`; resolves once its first poll answered "pending". */
async function waitingTab(pendingRef: string, poller = client) {
  let pending!: () => void;
  const firstPending = new Promise<void>((resolve) => (pending = resolve));
  const session = poller.pollSession(pendingRef, { intervalMs: 10_000, signal: stopPolls.signal, onPoll: () => pending() });
  session.catch(() => {}); // ended by the test's end unless a test awaits it
  await firstPending;
  return { session }; // wrapped: an async function returning the promise itself would wait for it
}

describe('the link carries the sign-in’s binding', () => {
  it('the emailed link opens the redirect URL with el_binding, then Descope’s t', async () => {
    const { url, binding } = await link();
    expect(url).toMatch(new RegExp(`^${REDIRECT}\\?el_binding=${binding}&t=`));
  });
});

describe('the same browser: a tab waits for this sign-in', () => {
  it('sends nothing on load nor on a script’s click, verifies on the person’s click, and the waiting tab completes at once', async () => {
    const { url, pendingRef } = await link();
    const { session } = await waitingTab(pendingRef);
    const ready = vi.fn();
    const result = verifyFromUrl(client, { button, url, onReady: ready });
    await vi.waitFor(() => expect(ready).toHaveBeenCalledWith({ sameBrowser: true }));
    expect(verifies()).toBe(0); // loaded, scripts ran, handshake done: nothing sent

    button.click(); // what a scanner's script can do
    button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await settle();
    expect(verifies()).toBe(0);

    const clickedAt = performance.now();
    await userEvent.click(button); // the person
    await expect(result).resolves.toEqual({ sessionWentTo: 'waiting-tab' });
    await expect(session).resolves.toHaveProperty('sessionJwt');
    expect(performance.now() - clickedAt).toBeLessThan(1_000); // the 10 s poll interval was cut short
    expect(verifies()).toBe(1);
  });

  it('ignores a click while the page is hidden', async () => {
    const { url, pendingRef } = await link();
    await waitingTab(pendingRef);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    const result = verifyFromUrl(client, { button, url });
    await userEvent.click(button);
    await settle();
    expect(verifies()).toBe(0);
    visibility.mockReturnValue('visible');
    await userEvent.click(button);
    await expect(result).resolves.toHaveProperty('sessionWentTo');
    expect(verifies()).toBe(1);
  });

  it('a sign-in flow keeps the binding too: its waiting poll answers, and the click signs it in', async () => {
    const flow = createSignInFlow(client, { poll: { intervalMs: 10_000 } });
    const loginId = `flow${Math.random()}@example.com`;
    flow.start(loginId);
    await vi.waitFor(() => expect(emulator.requests.filter((r) => r.path === PATHS.pendingSession).length).toBeGreaterThan(0));
    const url = emulator.lastEmail(loginId)!.links.find((l) => l.correct)!.url;
    const ready = vi.fn();
    const result = verifyFromUrl(client, { button, url, onReady: ready });
    await vi.waitFor(() => expect(ready).toHaveBeenCalledWith({ sameBrowser: true }));
    await userEvent.click(button);
    await expect(result).resolves.toEqual({ sessionWentTo: 'waiting-tab' });
    expect(flow.getSnapshot().status).toBe('signed-in');
    flow.dispose();
  });

  it('only the client that sent the link answers: a second client of the page does not know its binding', async () => {
    const { url, pendingRef } = await link();
    // The client that sent keeps the binding; a second client of the page does not know it.
    const other = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, redirectUrl: REDIRECT, ...unlimitedBudget() });
    await waitingTab(pendingRef, other);
    await expect(verifyFromUrl(client, { button, url })).rejects.toBeInstanceOf(WrongDeviceError);
  });
});

describe('another device: no tab of this browser waits for this sign-in', () => {
  it('by default sends nothing, rejects with WrongDeviceError, and a later click sends nothing', async () => {
    const { url } = await link();
    const ready = vi.fn();
    const result = verifyFromUrl(client, { button, url, onReady: ready });
    await expect(result).rejects.toBeInstanceOf(WrongDeviceError);
    await userEvent.click(button);
    await settle();
    expect(verifies()).toBe(0);
    expect(ready).not.toHaveBeenCalled();
  });

  it('a tab waiting for another sign-in (a stranger’s link for this person) does not answer', async () => {
    const mine = await link();
    await waitingTab(mine.pendingRef);
    const strangers = await link();
    await expect(verifyFromUrl(client, { button, url: strangers.url })).rejects.toBeInstanceOf(WrongDeviceError);
    expect(verifies()).toBe(0);
  });

  it('a link with no binding (sent without a redirect URL) counts as another device', async () => {
    const bare = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, ...unlimitedBudget() });
    const { url, pendingRef } = await link(bare);
    await waitingTab(pendingRef, bare);
    await expect(verifyFromUrl(client, { button, url })).rejects.toBeInstanceOf(WrongDeviceError);
  });

  it('with acceptClickingScannerRisk, says so through onReady and verifies on the person’s click', async () => {
    const { url } = await link();
    const ready = vi.fn();
    const result = verifyFromUrl(client, { button, url, acceptClickingScannerRisk: true, onReady: ready });
    await vi.waitFor(() => expect(ready).toHaveBeenCalledWith({ sameBrowser: false }), { timeout: 2_000 });
    button.click();
    await settle();
    expect(verifies()).toBe(0); // still only a person's click
    await userEvent.click(button);
    await expect(result).resolves.toEqual({ sessionWentTo: 'elsewhere' });
    expect(verifies()).toBe(1);
  });
});

describe('verifyFromUrl’s arguments and abort', () => {
  it('rejects with the signal’s reason when aborted before the click, and a later click sends nothing', async () => {
    const { url, pendingRef } = await link();
    await waitingTab(pendingRef);
    const controller = new AbortController();
    const result = verifyFromUrl(client, { button, url, signal: controller.signal });
    controller.abort('unmounted');
    await expect(result).rejects.toBe('unmounted');
    await userEvent.click(button);
    await settle();
    expect(verifies()).toBe(0);
  });

  it('rejects with the signal’s reason, not WrongDeviceError, when aborted during the handshake', async () => {
    const { url } = await link();
    const controller = new AbortController();
    const result = verifyFromUrl(client, { button, url, signal: controller.signal });
    await settle();
    controller.abort('unmounted');
    await expect(result).rejects.toBe('unmounted');
  });

  it('requires a button unless the mail-scanner risk is accepted, and a function as onReady, before sending anything', async () => {
    const { url } = await link();
    await expect(verifyFromUrl(client, { url })).rejects.toSatisfy((e) => e instanceof InvalidArgumentError && e.argument === 'button');
    await expect(verifyFromUrl(client, { url, button, onReady: 'yes' as never })).rejects.toSatisfy((e) => e instanceof InvalidArgumentError && e.argument === 'onReady');
    expect(verifies()).toBe(0);
    // The whole opt-out: on load, on any device.
    await expect(verifyFromUrl(client, { url, acceptMailScannerRisk: true })).resolves.toHaveProperty('sessionWentTo', 'elsewhere');
    expect(verifies()).toBe(1);
  });
});

// verifyFromUrl waits for the person's click: in Chromium, with trusted input from the test driver
// (`userEvent`, sent through Playwright like a real mouse), counting the verify requests the emulator got.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { EnchantedLinkClient, InvalidArgumentError, verifyFromUrl } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/emulator.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

const emulator = createEmulator();
const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, ...unlimitedBudget() });

const verifies = () => emulator.requests.filter((r) => r.path === PATHS.verify).length;
/** One turn of the event loop: whatever a click or a load would have sent is on its way by then. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let button: HTMLButtonElement;
beforeEach(() => {
  emulator.reset();
  button = document.createElement('button');
  button.textContent = 'Sign me in';
  document.body.append(button);
});
afterEach(() => {
  button.remove();
  vi.restoreAllMocks();
});

/** A fresh link for a new sign-in; `pendingRef` to poll it. */
async function link() {
  const loginId = `user${Math.random()}@example.com`;
  const { pendingRef } = await client.signInOrUp(loginId);
  return { pendingRef, url: emulator.lastEmail(loginId)!.links.find((l) => l.correct)!.url };
}

describe('verifyFromUrl waits for a person', () => {
  it('sends nothing on load nor on a script’s click, and verifies on the person’s click', async () => {
    const { url } = await link();
    const result = verifyFromUrl(client, { button, url });
    await settle();
    expect(verifies()).toBe(0); // loaded, scripts ran: nothing sent

    button.click(); // what a scanner's script can do
    button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    button.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await settle();
    expect(verifies()).toBe(0);

    await userEvent.click(button); // the person
    await expect(result).resolves.toEqual({ sessionWentTo: 'elsewhere' }); // nobody polls in this browser
    expect(verifies()).toBe(1);
  });

  it('ignores a click while the page is hidden', async () => {
    const { url } = await link();
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

  it('reports that the session went to the waiting tab when a poll of this browser waits for it', async () => {
    const { url, pendingRef } = await link();
    let pending!: () => void;
    const firstPending = new Promise<void>((resolve) => (pending = resolve));
    const session = client.pollSession(pendingRef, { intervalMs: 10_000, onPoll: () => pending() });
    await firstPending;
    const result = verifyFromUrl(client, { button, url });
    await userEvent.click(button);
    await expect(result).resolves.toEqual({ sessionWentTo: 'waiting-tab' });
    await expect(session).resolves.toHaveProperty('sessionJwt');
  });

  it('rejects with the signal’s reason when aborted before the click, and a later click sends nothing', async () => {
    const { url } = await link();
    const controller = new AbortController();
    const result = verifyFromUrl(client, { button, url, signal: controller.signal });
    controller.abort('unmounted');
    await expect(result).rejects.toBe('unmounted');
    await userEvent.click(button);
    await settle();
    expect(verifies()).toBe(0);
  });

  it('requires a button unless the mail-scanner risk is accepted, before sending anything', async () => {
    const { url } = await link();
    await expect(verifyFromUrl(client, { url })).rejects.toSatisfy((e) => e instanceof InvalidArgumentError && e.argument === 'button');
    await expect(verifyFromUrl(client, { url, acceptMailScannerRisk: true })).resolves.toHaveProperty('sessionWentTo');
    expect(verifies()).toBe(1);
  });
});

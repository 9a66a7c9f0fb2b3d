// Node has a global BroadcastChannel but no page: the fast paths must stay off (no channel that could
// keep the process alive), and verifyFromUrl works from an explicit URL.
import { afterEach, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, InvalidArgumentError, verifyFromUrl } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';

const emulator = createEmulator();
const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch });

afterEach(() => {
  vi.restoreAllMocks();
});

it('polls and verifies without opening a BroadcastChannel', async () => {
  const opened = vi.spyOn(globalThis, 'BroadcastChannel');
  const { pendingRef } = await client.signInOrUp('ada@example.com');
  const link = emulator.lastEmail('ada@example.com')!.links.find((l) => l.correct)!;
  await expect(verifyFromUrl(client, { url: link.url, acceptMailScannerRisk: true })).resolves.toEqual({ sessionWentTo: 'elsewhere' });
  await expect(client.pollSession(pendingRef)).resolves.toHaveProperty('sessionJwt');
  expect(opened).not.toHaveBeenCalled();
});

it('rejects without a URL outside a browser, naming `url`', async () => {
  await expect(verifyFromUrl(client)).rejects.toSatisfy((e) => e instanceof InvalidArgumentError && e.argument === 'url');
});

it('rejects without a button unless the mail-scanner risk is accepted, naming `button`, before any request', async () => {
  const before = emulator.requests.length;
  await expect(verifyFromUrl(client, { url: 'https://app.example.com/verify?t=abc' })).rejects.toSatisfy(
    (e) => e instanceof InvalidArgumentError && e.argument === 'button',
  );
  // Only `true` opts out; anything else is refused by the shared options checker, naming the option.
  await expect(verifyFromUrl(client, { url: 'https://app.example.com/verify?t=abc', acceptMailScannerRisk: 'yes' as never })).rejects.toSatisfy(
    (e) => e instanceof InvalidArgumentError && e.argument === 'acceptMailScannerRisk',
  );
  expect(emulator.requests).toHaveLength(before);
});

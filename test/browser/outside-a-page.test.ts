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
  await verifyFromUrl(client, { url: link.url });
  await expect(client.pollSession(pendingRef)).resolves.toHaveProperty('sessionJwt');
  expect(opened).not.toHaveBeenCalled();
});

it('rejects without a URL outside a browser, naming `url`', async () => {
  await expect(verifyFromUrl(client)).rejects.toSatisfy((e) => e instanceof InvalidArgumentError && e.argument === 'url');
});

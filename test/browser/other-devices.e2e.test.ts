// The browser example built with other devices allowed (VITE_ALLOW_OTHER_DEVICES=true, i.e.
// `acceptClickingScannerRisk: true`): a click on a device where no tab waits verifies, and the page first
// shows the person what that click does. Chromium against the emulator, asserting on its request log.
import { describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/index.js';
import { serveExample } from './fixtures/app.js';
import { usePlaywright } from './fixtures/playwright.js';

vi.setConfig({ testTimeout: 20_000 });
const WAIT = { timeout: 5_000 };

const pw = usePlaywright(() => serveExample('browser', createEmulator({ rateLimit: false }), { VITE_ALLOW_OTHER_DEVICES: 'true' }));

describe('the browser example with other devices allowed', () => {
  it('shows the warning, then verifies on the person’s click from another device', async () => {
    const client = new EnchantedLinkClient({ projectId: pw.app.emulator.projectId, baseUrl: pw.app.api, redirectUrl: `${pw.app.url}/verify.html` });
    const { pendingRef } = await client.signInOrUp('ada@corp.example');
    const link = pw.app.emulator.lastEmail('ada@corp.example')!.links.find((l) => l.correct)!;
    const page = await pw.context.newPage();
    await page.goto(link.url);
    await page.locator('#confirm').waitFor({ state: 'visible', ...WAIT });
    expect(await page.locator('#warning').textContent()).toContain('different device or browser');
    expect(await page.locator('#warning').textContent()).toContain('whoever started this sign-in will be signed in');
    const verifies = () => pw.app.emulator.requests.filter((r) => r.method === 'POST' && r.path === PATHS.verify);
    expect(verifies()).toHaveLength(0); // shown, not yet clicked

    await page.locator('#confirm').click();
    await page.locator('#status[data-state="verified"]').waitFor(WAIT);
    expect(await page.locator('#status').textContent()).toContain('Go back to the device');
    expect(verifies()).toHaveLength(1);
    await expect(client.getSession(pendingRef)).resolves.toHaveProperty('sessionJwt');
  });
});

// The session methods and the emulator as an issuer in a real page: Web Crypto signs (jose, no Node
// crypto), the published keys verify the tokens, and refresh, me and sign-out work through fetch.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DescopeError, EnchantedLinkClient } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

describe('after sign-in, in a page', () => {
  it('signs real JWTs, refreshes, reads the user and signs out', async () => {
    const emulator = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
    const client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, ...unlimitedBudget() });
    const { pendingRef } = await client.signIn('ada@example.com');
    await emulator.click('ada@example.com');
    const session = await client.pollSession(pendingRef);

    const keys = await (await emulator.fetch(`/v2/keys/${emulator.projectId}`)).json();
    const { payload } = await jwtVerify(session.sessionJwt, createLocalJWKSet(keys), { algorithms: ['ES256'] });
    expect(payload.sub).toBe(session.user?.userId);

    const refreshed = await client.refreshSession(session.refreshJwt!);
    await jwtVerify(refreshed.sessionJwt, createLocalJWKSet(keys), { algorithms: ['ES256'] });
    expect((await client.me(session.refreshJwt!)).email).toBe('ada@example.com');
    await client.signOut(session.refreshJwt!);
    await expect(client.refreshSession(session.refreshJwt!)).rejects.toBeInstanceOf(DescopeError);
  });
});

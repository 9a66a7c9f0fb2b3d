// The four session methods against the emulator over real HTTP, the whole life of a session: sign in,
// refresh, read the user, sign out (after which the refresh JWT is rejected), and sign out everywhere.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DescopeError, EnchantedLinkClient, type Session } from '../../src/index.js';
import { createEmulator, EMULATOR_ERRORS, type EmulatorServer } from '../../src/testing/index.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

const ADA = 'ada@example.com';
const emu = createEmulator({ users: [{ loginId: ADA, name: 'Ada' }] });
let server: EmulatorServer;
let client: EnchantedLinkClient;

beforeAll(async () => {
  server = await emu.listen();
  client = new EnchantedLinkClient({ projectId: emu.projectId, baseUrl: server.url, ...unlimitedBudget() });
});
afterAll(() => server.close());
beforeEach(() => emu.reset());

async function signIn(): Promise<Session & { refreshJwt: string }> {
  const { pendingRef } = await client.signIn(ADA);
  await emu.click(ADA);
  const session = await client.pollSession(pendingRef, { intervalMs: 1_000 });
  if (!session.refreshJwt) throw new Error('the emulator always issues a refresh JWT on sign-in');
  return session as Session & { refreshJwt: string };
}

const revoked = { status: 401, errorCode: EMULATOR_ERRORS.refreshJwtRevoked.errorCode };

describe('session methods over HTTP', () => {
  it('refreshSession: a new session JWT for the same user, no new refresh JWT', async () => {
    const session = await signIn();
    const refreshed = await client.refreshSession(session.refreshJwt);
    expect(refreshed.sessionJwt).not.toBe(session.sessionJwt);
    expect(refreshed.refreshJwt).toBeUndefined();
    expect(refreshed.user?.userId).toBe(session.user?.userId);
    const last = emu.requests.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', path: '/v1/auth/refresh', body: {}, status: 200 });
    expect(last.headers.authorization).toBe(`Bearer ${emu.projectId}:${session.refreshJwt}`);
  });

  it('me: the signed-in user, by GET', async () => {
    const session = await signIn();
    const user = await client.me(session.refreshJwt);
    expect(user).toMatchObject({ userId: session.user?.userId, email: ADA, name: 'Ada', verifiedEmail: true });
    expect(emu.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/auth/me', status: 200 });
  });

  it('signOut: resolves, and refresh with that refresh JWT is rejected afterwards', async () => {
    const session = await signIn();
    await expect(client.signOut(session.refreshJwt)).resolves.toBeUndefined();
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/auth/logout', body: {}, status: 200 });
    const error = await client.refreshSession(session.refreshJwt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescopeError);
    expect(error).toMatchObject(revoked);
    await expect(client.me(session.refreshJwt)).rejects.toMatchObject(revoked);
  });

  it('signOutAll: every session of the user ends', async () => {
    const [first, second] = [await signIn(), await signIn()];
    await expect(client.signOutAll(first.refreshJwt)).resolves.toBeUndefined();
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/auth/logoutall', status: 200 });
    await expect(client.refreshSession(second.refreshJwt)).rejects.toMatchObject(revoked);
  });

  it('with a rotating project, refreshSession returns the new refresh JWT and the old one stops working', async () => {
    const rotating = createEmulator({ users: [{ loginId: ADA }], rotateRefreshJwt: true });
    const rotatingClient = new EnchantedLinkClient({ projectId: rotating.projectId, fetch: rotating.fetch });
    const { pendingRef } = await rotatingClient.signIn(ADA);
    await rotating.click(ADA);
    const { refreshJwt } = await rotatingClient.pollSession(pendingRef);
    const refreshed = await rotatingClient.refreshSession(refreshJwt!);
    expect(refreshed.refreshJwt).toEqual(expect.any(String));
    await expect(rotatingClient.refreshSession(refreshJwt!)).rejects.toMatchObject(revoked);
    await expect(rotatingClient.refreshSession(refreshed.refreshJwt!)).resolves.toMatchObject({ sessionJwt: expect.any(String) });
  });
});

// The emulator's tokens through the validator, as a backend's own tests would use them: genuine ones
// pass; tampered, expired, foreign-project and alg:none ones fail; a key rotation costs one key fetch.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient } from '../../src/index.js';
import { InvalidSessionError, SessionExpiredError, SessionValidator } from '../../src/server/index.js';
import { createEmulator, type Emulator, type EmulatorServer } from '../../src/testing/index.js';

const ADA = 'ada@example.com';

async function sessionFrom(emu: Emulator) {
  const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch });
  const { pendingRef } = await client.signIn(ADA);
  await emu.click(ADA);
  return client.pollSession(pendingRef);
}

const keyFetches = (emu: Emulator) => emu.requests.filter(({ path }) => path.startsWith('/v2/keys/')).length;
const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
const reason = (promise: Promise<unknown>) => promise.then(() => 'valid', (e: unknown) => (e instanceof InvalidSessionError ? e.reason : String(e)));

describe('emulator tokens through the validator (in process)', () => {
  const emu = createEmulator({ users: [{ loginId: ADA }] });
  const sessions = new SessionValidator({ projectId: emu.projectId, fetch: emu.fetch });

  it('a session JWT from sign-in and one from refresh pass, with the user ID', async () => {
    const session = await sessionFrom(emu);
    const claims = await sessions.validateSession(session.sessionJwt);
    expect(claims).toMatchObject({ userId: session.user?.userId, expiresAtSeconds: session.sessionExpiration });
    const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch });
    const refreshed = await client.refreshSession(session.refreshJwt!);
    await expect(sessions.validateSession(refreshed.sessionJwt)).resolves.toMatchObject({ userId: session.user?.userId });
  });

  it('the refresh JWT is refused as a session', async () => {
    const { refreshJwt } = await sessionFrom(emu);
    expect(await reason(sessions.validateSession(refreshJwt!))).toBe('claims');
  });

  it('tampered and alg:none tokens fail', async () => {
    const { sessionJwt } = await sessionFrom(emu);
    const [header, payload, signature] = sessionJwt.split('.');
    const claims = JSON.parse(atob(payload!.replaceAll('-', '+').replaceAll('_', '/')));
    expect(await reason(sessions.validateSession(`${header}.${b64({ ...claims, sub: 'Uother' })}.${signature}`))).toBe('signature');
    expect(await reason(sessions.validateSession(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`))).toBe('algorithm');
  });

  it('an expired token fails with SessionExpiredError', async () => {
    const past = createEmulator({ users: [{ loginId: ADA }], now: () => Date.now() - 3_600_000, sessionTtlSeconds: 600 });
    const { sessionJwt } = await sessionFrom(past);
    const validator = new SessionValidator({ projectId: past.projectId, fetch: past.fetch });
    await expect(validator.validateSession(sessionJwt)).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it("another project's token fails (its key is not published here, its issuer is not this project)", async () => {
    const foreign = createEmulator({ projectId: 'P2foreign0000000000000000000', users: [{ loginId: ADA }] });
    const { sessionJwt } = await sessionFrom(foreign);
    expect(await reason(sessions.validateSession(sessionJwt))).toBe('unknown-key');
  });

  it('another emulator with the same project ID: the signature fails, or the kid is unknown', async () => {
    const twin = createEmulator({ users: [{ loginId: ADA }] });
    const { sessionJwt } = await sessionFrom(twin);
    expect(['unknown-key', 'signature']).toContain(await reason(sessions.validateSession(sessionJwt)));
  });
});

describe('key fetches against the emulator over HTTP', () => {
  const emu = createEmulator({ users: [{ loginId: ADA }] });
  let server: EmulatorServer;
  beforeAll(async () => {
    server = await emu.listen();
  });
  afterAll(() => server.close());

  it('one fetch for many checks; a rotation costs one more once the 30 s floor has passed', async () => {
    // Only Date is faked: the emulator, jose and the key cache all read it, and sockets keep real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const sessions = new SessionValidator({ projectId: emu.projectId, baseUrl: server.url });
      const first = await sessionFrom(emu);
      for (let i = 0; i < 10; i++) await sessions.validateSession(first.sessionJwt);
      expect(keyFetches(emu)).toBe(1);

      await emu.rotateKeys();
      vi.advanceTimersByTime(31_000);
      const second = await sessionFrom(emu);
      for (let i = 0; i < 10; i++) await sessions.validateSession(second.sessionJwt);
      await sessions.validateSession(first.sessionJwt); // the old key is still published
      expect(keyFetches(emu)).toBe(2);

      await emu.rotateKeys({ retirePrevious: true });
      vi.advanceTimersByTime(31_000);
      const third = await sessionFrom(emu);
      await sessions.validateSession(third.sessionJwt);
      expect(keyFetches(emu)).toBe(3);
      // The retired key is gone from the refetched set.
      expect(await reason(sessions.validateSession(first.sessionJwt))).toBe('unknown-key');
      expect(keyFetches(emu)).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

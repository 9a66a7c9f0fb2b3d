// The emulator as a JWT issuer: signed tokens verifiable against its published keys, key rotation, and
// the session endpoints (refresh, logout, logoutall, me). Checked with jose directly, not with our
// validator, so the emulator and the validator cannot share a bug.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';
import { ADA, call, completeLogin, decodeJwt, expectError, type Json } from './helpers.js';

const BOB = 'bob@example.com';
const newEmulator = (options: EmulatorOptions = {}) => createEmulator({ users: [{ loginId: ADA }, { loginId: BOB }], ...options });
const login = (emu: Emulator, loginId = ADA): Promise<Json> => completeLogin(emu, PATHS.signIn, { loginId });
const keysOf = async (emu: Emulator) => (await call(emu, `/v2/keys/${emu.projectId}`, undefined, { method: 'GET', auth: null })).body;
const withRefresh = (emu: Emulator, path: string, refreshJwt: string) =>
  call(emu, path, path === PATHS.me ? undefined : {}, { refreshJwt, method: path === PATHS.me ? 'GET' : 'POST' });

/** Verifies `jwt` against the emulator's published key set, as a backend would. */
async function verifyWithPublishedKeys(emu: Emulator, jwt: string) {
  return jwtVerify(jwt, createLocalJWKSet(await keysOf(emu)), { algorithms: ['ES256', 'RS256'] });
}

describe('published keys (GET /v2/keys/<projectId>)', () => {
  it('serves a JWK set of public keys, without Authorization, that verifies the session and refresh JWTs', async () => {
    const emu = newEmulator();
    const session = await login(emu);
    const keys = await keysOf(emu);
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(keys.keys[0]).not.toHaveProperty('d'); // never the private part
    const { payload, protectedHeader } = await verifyWithPublishedKeys(emu, session.sessionJwt);
    expect(protectedHeader.kid).toBe(keys.keys[0].kid);
    expect(payload).toMatchObject({ sub: session.user.userId, iss: `${emu.baseUrl}/${emu.projectId}`, drn: 'DS' });
    expect((await verifyWithPublishedKeys(emu, session.refreshJwt)).payload.drn).toBe('DSR');
  });

  it('answers 404 for another project and 405 for POST', async () => {
    const emu = newEmulator();
    expectError(await call(emu, '/v2/keys/P2other0000000000000000000', undefined, { method: 'GET', auth: null }), 'routeNotFound');
    expectError(await call(emu, `/v2/keys/${emu.projectId}`, {}, { auth: null }), 'methodNotAllowed');
  });

  it('rotateKeys signs with a new kid and keeps publishing the old key, unless retirePrevious', async () => {
    const emu = newEmulator();
    const before = await login(emu);
    const oldKid = decodeJwt(before.sessionJwt).header.kid;
    const newKid = await emu.rotateKeys();
    expect(newKid).not.toBe(oldKid);
    const after = await login(emu);
    expect(decodeJwt(after.sessionJwt).header.kid).toBe(newKid);
    expect((await keysOf(emu)).keys.map((key: Json) => key.kid)).toEqual([oldKid, newKid]);
    await verifyWithPublishedKeys(emu, before.sessionJwt);
    await verifyWithPublishedKeys(emu, after.sessionJwt);

    const newest = await emu.rotateKeys({ retirePrevious: true });
    expect((await keysOf(emu)).keys.map((key: Json) => key.kid)).toEqual([newest]);
    await expect(verifyWithPublishedKeys(emu, after.sessionJwt)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('keys survive reset; two emulators never share a key', async () => {
    const emu = newEmulator();
    const { keys } = await keysOf(emu);
    emu.reset();
    expect((await keysOf(emu)).keys).toEqual(keys);
    const other = newEmulator();
    const session = await login(other);
    await expect(verifyWithPublishedKeys(emu, session.sessionJwt)).rejects.toThrow();
  });

  it('signs a tampered payload nowhere: changing a claim breaks the signature', async () => {
    const emu = newEmulator();
    const { sessionJwt } = await login(emu);
    const [header, , signature] = sessionJwt.split('.');
    const forged = btoa(JSON.stringify({ ...decodeJwt(sessionJwt).claims, sub: 'Uadmin' })).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
    await expect(verifyWithPublishedKeys(emu, `${header}.${forged}.${signature}`)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });
});

describe('POST /v1/auth/refresh', () => {
  it('answers a new, later session JWT for the same user, without a refresh JWT by default', async () => {
    let now = 1_700_000_000_000;
    const emu = newEmulator({ now: () => now, sessionTtlSeconds: 60 });
    const session = await login(emu);
    now += 30_000;
    const refreshed = await withRefresh(emu, PATHS.refresh, session.refreshJwt);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).not.toHaveProperty('refreshJwt');
    expect(refreshed.body).toMatchObject({ sessionExpiration: 1_700_000_090, firstSeen: false, user: { userId: session.user.userId } });
    expect(refreshed.body.sessionJwt).not.toBe(session.sessionJwt);
    expect(decodeJwt(refreshed.body.sessionJwt).claims).toMatchObject({ sub: session.user.userId, iat: 1_700_000_030, exp: 1_700_000_090 });
    // The same refresh JWT keeps working.
    expect((await withRefresh(emu, PATHS.refresh, session.refreshJwt)).status).toBe(200);
  });

  it('keeps the custom claims of the sign-in', async () => {
    const emu = newEmulator();
    const session = await completeLogin(emu, PATHS.signIn, { loginId: ADA, loginOptions: { customClaims: { plan: 'pro' } } });
    const refreshed = await withRefresh(emu, PATHS.refresh, session.refreshJwt);
    expect(decodeJwt(refreshed.body.sessionJwt).claims.plan).toBe('pro');
  });

  it('with rotateRefreshJwt, answers a new refresh JWT and revokes the old one', async () => {
    const emu = newEmulator({ rotateRefreshJwt: true });
    const session = await login(emu);
    const refreshed = await withRefresh(emu, PATHS.refresh, session.refreshJwt);
    expect(refreshed.body.refreshJwt).toEqual(expect.any(String));
    expect(refreshed.body.refreshJwt).not.toBe(session.refreshJwt);
    expectError(await withRefresh(emu, PATHS.refresh, session.refreshJwt), 'refreshJwtRevoked');
    expect((await withRefresh(emu, PATHS.refresh, refreshed.body.refreshJwt)).status).toBe(200);
  });

  it('answers 401 for an expired refresh JWT, one it never issued, and none', async () => {
    let now = 1_700_000_000_000;
    const emu = newEmulator({ now: () => now });
    const session = await login(emu);
    expectError(await withRefresh(emu, PATHS.refresh, 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'), 'refreshJwtRequired');
    expectError(await call(emu, PATHS.refresh, {}), 'refreshJwtRequired');
    now += 30 * 24 * 3600 * 1000;
    expectError(await withRefresh(emu, PATHS.refresh, session.refreshJwt), 'refreshJwtRequired');
  });
});

describe('logout, logoutall and me', () => {
  it('logout answers {} and the refresh JWT is rejected afterwards by every endpoint', async () => {
    const emu = newEmulator();
    const session = await login(emu);
    const other = await login(emu);
    const out = await withRefresh(emu, PATHS.logout, session.refreshJwt);
    expect(out).toMatchObject({ status: 200, body: {} });
    for (const path of [PATHS.refresh, PATHS.logout, PATHS.logoutAll, PATHS.me]) {
      expectError(await withRefresh(emu, path, session.refreshJwt), 'refreshJwtRevoked');
    }
    // Ada's other session is untouched.
    expect((await withRefresh(emu, PATHS.refresh, other.refreshJwt)).status).toBe(200);
  });

  it("logoutall revokes every refresh JWT of the user and no one else's", async () => {
    const emu = newEmulator();
    const [first, second, bob] = [await login(emu), await login(emu), await login(emu, BOB)];
    expect(await withRefresh(emu, PATHS.logoutAll, first.refreshJwt)).toMatchObject({ status: 200, body: {} });
    expectError(await withRefresh(emu, PATHS.refresh, first.refreshJwt), 'refreshJwtRevoked');
    expectError(await withRefresh(emu, PATHS.refresh, second.refreshJwt), 'refreshJwtRevoked');
    expect((await withRefresh(emu, PATHS.refresh, bob.refreshJwt)).status).toBe(200);
  });

  it('me answers the user (GET) and refuses POST', async () => {
    const emu = newEmulator();
    const session = await login(emu);
    const me = await withRefresh(emu, PATHS.me, session.refreshJwt);
    expect(me).toMatchObject({ status: 200, body: session.user });
    expectError(await call(emu, PATHS.me, {}, { refreshJwt: session.refreshJwt }), 'methodNotAllowed');
  });

  it('reset forgets every session', async () => {
    const emu = newEmulator();
    const session = await login(emu);
    emu.reset();
    expectError(await withRefresh(emu, PATHS.refresh, session.refreshJwt), 'refreshJwtRequired');
  });
});

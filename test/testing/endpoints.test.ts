import { describe, expect, it } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, EMULATOR_ERRORS, type Emulator } from '../../src/testing/index.js';
import { ADA, call, completeLogin, decodeJwt, expectError, linkToken, poll, signIn, verify } from './helpers.js';

const newEmulator = () => createEmulator({ users: [{ loginId: ADA, name: 'Ada Lovelace' }] });

/** A session for Ada, whose refresh JWT authorizes update/email and step-up. */
const sessionOf = (emu: Emulator, loginId = ADA) => completeLogin(emu, PATHS.signIn, { loginId });

describe('defaults', () => {
  it('uses a 28-character project ID, so SDKs derive the default base URL it answers for', () => {
    const emu = createEmulator();
    expect(emu.projectId).toHaveLength(28);
    expect(emu.baseUrl).toBe('https://api.descope.com');
  });

  it('keeps only the origin of a custom baseUrl', () => {
    expect(createEmulator({ baseUrl: 'http://localhost:8080/some/path/' }).baseUrl).toBe('http://localhost:8080');
  });
});

describe('send endpoints', () => {
  it('answers signIn with linkId, pendingRef and the masked address', async () => {
    const result = await signIn(newEmulator());
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect(result.body).toEqual({ linkId: expect.stringMatching(/^\d{2}$/), pendingRef: expect.any(String), maskedEmail: 'a***@example.com' });
  });

  it('emails three links with distinct 2-digit labels, exactly one matching the linkId', async () => {
    const emu = newEmulator();
    const { body } = await signIn(emu);
    const email = emu.lastEmail(ADA);
    expect(email).toMatchObject({ to: ADA, loginId: ADA, kind: 'signIn', linkId: body.linkId, pendingRef: body.pendingRef });
    const numbers = email?.links.map((link) => link.number) ?? [];
    expect(numbers).toHaveLength(3);
    expect(new Set(numbers).size).toBe(3);
    for (const number of numbers) expect(number).toMatch(/^\d{2}$/);
    expect(email?.links.filter((link) => link.correct).map((link) => link.number)).toEqual([body.linkId]);
    expect(new Set(email?.links.map((link) => link.token)).size).toBe(3);
  });

  it('builds each link as the default redirect URL with ?t=<token>', async () => {
    const emu = newEmulator();
    await signIn(emu);
    for (const link of emu.lastEmail(ADA)?.links ?? []) {
      expect(link.url).toBe(`https://api.descope.com/verify?t=${link.token}`);
      expect(link.token).toMatch(/^[\w-]{20,}$/);
    }
  });

  it.each([
    ['redirectUrl', 'https://app.example.com/auth', 'https://app.example.com/auth?t='],
    ['URI', 'https://app.example.com/auth', 'https://app.example.com/auth?t='],
    ['redirectUrl', 'https://app.example.com/auth?next=%2Fhome', 'https://app.example.com/auth?next=%2Fhome&t='],
  ])('uses the %s field %s as the link base', async (field, value, prefix) => {
    const emu = newEmulator();
    await signIn(emu, ADA, { [field]: value });
    const link = emu.lastEmail(ADA)?.links[0];
    expect(link?.url).toBe(`${prefix}${link?.token}`);
  });

  it('puts the token before a #fragment of the redirect URL', async () => {
    const emu = newEmulator();
    await signIn(emu, ADA, { redirectUrl: 'https://app.example.com/#/verify' });
    const link = emu.lastEmail(ADA)?.links[0];
    expect(link?.url).toBe(`https://app.example.com/?t=${link?.token}#/verify`);
  });

  it('prefers the redirectUrl option of the emulator over its default', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }], redirectUrl: 'https://app.example.com/cb' });
    await signIn(emu);
    expect(emu.lastEmail(ADA)?.links[0]?.url).toMatch(/^https:\/\/app\.example\.com\/cb\?t=/);
  });

  it('answers signIn of an unknown login ID with user not found (E062108)', async () => {
    expectError(await signIn(newEmulator(), 'nobody@example.com'), 'userNotFound');
  });

  it('answers signUp of an existing login ID with E062107', async () => {
    expectError(await call(newEmulator(), PATHS.signUp, { loginId: ADA }), 'userAlreadyExists');
  });

  it('sends signUp links to user.email when the login ID is not an address', async () => {
    const emu = newEmulator();
    const result = await call(emu, PATHS.signUp, { loginId: 'grace', user: { email: 'grace@example.com' } });
    expect(result.body.maskedEmail).toBe('g***@example.com');
    expect(emu.lastEmail('grace')).toMatchObject({ to: 'grace@example.com', kind: 'signUp' });
  });

  it('refuses a send with no email address to send to', async () => {
    expectError(await call(newEmulator(), PATHS.signUp, { loginId: 'grace' }), 'invalidRequest');
  });

  it('creates the signed-up user when the link is verified, with firstSeen true', async () => {
    const emu = newEmulator();
    const session = await completeLogin(emu, PATHS.signUp, { loginId: 'grace@example.com', user: { name: 'Grace Hopper' } });
    expect(session.firstSeen).toBe(true);
    expect(session.user).toMatchObject({ loginIds: ['grace@example.com'], email: 'grace@example.com', name: 'Grace Hopper', verifiedEmail: true });
    expect((await signIn(emu, 'grace@example.com')).status).toBe(200);
  });

  it('does not create a user before the sign-up link is verified', async () => {
    const emu = newEmulator();
    await call(emu, PATHS.signUp, { loginId: 'grace@example.com' });
    expectError(await signIn(emu, 'grace@example.com'), 'userNotFound');
    expect((await call(emu, PATHS.signUp, { loginId: 'grace@example.com' })).status).toBe(200);
  });

  it('signs up a new user with signInOrUp (firstSeen true), then signs them in (firstSeen false)', async () => {
    const emu = newEmulator();
    const first = await completeLogin(emu, PATHS.signInOrUp, { loginId: 'grace@example.com' });
    const second = await completeLogin(emu, PATHS.signInOrUp, { loginId: 'grace@example.com' });
    expect([first.firstSeen, second.firstSeen]).toEqual([true, false]);
    expect(second.user.userId).toBe(first.user.userId);
    expect(emu.outbox.map((email) => email.kind)).toEqual(['signInOrUp', 'signInOrUp']);
  });

  it('keeps earlier links valid when more are sent', async () => {
    const emu = newEmulator();
    const first = await signIn(emu);
    const firstToken = linkToken(emu);
    await signIn(emu);
    expect((await verify(emu, firstToken)).status).toBe(200);
    expect((await poll(emu, first.body.pendingRef)).status).toBe(200);
  });

  it('calls onEmail with each email as it is sent', async () => {
    const seen: string[] = [];
    const emu = createEmulator({ users: [{ loginId: ADA }], onEmail: (email) => seen.push(email.pendingRef) });
    const { body } = await signIn(emu);
    expect(seen).toEqual([body.pendingRef]);
  });

  it('answers 500 internalError, without crashing, when onEmail throws', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }], onEmail: () => { throw new Error('printer on fire'); } });
    const result = await signIn(emu);
    expectError(result, 'internalError');
    expect(result.body.errorMessage).toContain('printer on fire');
  });
});

describe('verify and pending-session', () => {
  it('answers pending-session 401 E062503 until the right link is verified, then the session', async () => {
    const emu = newEmulator();
    const { body } = await signIn(emu);
    expectError(await poll(emu, body.pendingRef), 'pending');
    expect(await emu.click(ADA)).toEqual({ status: 200, body: {} });
    const session = await poll(emu, body.pendingRef);
    expect(session.status).toBe(200);
    expect(session.body.firstSeen).toBe(false);
  });

  it('answers a session in the JWTResponse shape, times in Unix seconds', async () => {
    const now = 1_700_000_000_123;
    const emu = createEmulator({ users: [{ loginId: ADA, name: 'Ada Lovelace' }], now: () => now });
    const session = await sessionOf(emu);
    expect(session).toEqual({
      sessionJwt: expect.any(String),
      refreshJwt: expect.any(String),
      cookieDomain: '',
      cookiePath: '/',
      cookieMaxAge: 2_592_000,
      cookieExpiration: 1_700_000_000 + 2_592_000,
      sessionExpiration: 1_700_000_000 + 600,
      firstSeen: false,
      user: {
        userId: expect.stringMatching(/^U/),
        loginIds: [ADA],
        email: ADA,
        verifiedEmail: true,
        name: 'Ada Lovelace',
        status: 'enabled',
        roleNames: [],
        userTenants: [],
        customAttributes: {},
        createdTime: 1_700_000_000,
        TOTP: false,
        SAML: false,
        SCIM: false,
        OAuth: {},
        webauthn: false,
        password: false,
        test: false,
      },
    });
  });

  it('issues three-part JWTs with header {alg, kid, typ} and claims sub, iat, exp, iss', async () => {
    const now = 1_700_000_000_000;
    const emu = createEmulator({ users: [{ loginId: ADA }], now: () => now, sessionTtlSeconds: 60 });
    const session = await sessionOf(emu);
    const sessionJwt = decodeJwt(session.sessionJwt);
    const refreshJwt = decodeJwt(session.refreshJwt);
    expect(sessionJwt.parts).toBe(3);
    expect(sessionJwt.header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'JWT' });
    const common = { sub: session.user.userId, iat: 1_700_000_000, iss: `${emu.baseUrl}/${emu.projectId}` };
    expect(sessionJwt.claims).toMatchObject({ ...common, exp: 1_700_000_060 });
    expect(refreshJwt.claims).toMatchObject({ ...common, exp: 1_700_000_000 + 2_592_000 });
    expect(session.sessionJwt.split('.')[2]).toMatch(/^[\w-]+$/);
  });

  it('adds loginOptions.customClaims to the JWTs without letting them override sub', async () => {
    const emu = newEmulator();
    const session = await completeLogin(emu, PATHS.signIn, { loginId: ADA, loginOptions: { customClaims: { plan: 'pro', sub: 'evil' } } });
    expect(decodeJwt(session.sessionJwt).claims).toMatchObject({ plan: 'pro', sub: session.user.userId });
  });

  it('answers a wrong-number link with an error, keeps the flow pending, and still accepts the right link', async () => {
    const emu = newEmulator();
    const { body } = await signIn(emu);
    const wrong = await emu.click(ADA, 'wrong');
    const { status, errorCode } = EMULATOR_ERRORS.wrongLink;
    expect(wrong).toEqual({ status, body: expect.objectContaining({ errorCode }) });
    expectError(await poll(emu, body.pendingRef), 'pending');
    expect((await emu.click(ADA, 'right')).status).toBe(200);
    expect((await poll(emu, body.pendingRef)).status).toBe(200);
  });

  it('refuses an unknown token', async () => {
    const emu = newEmulator();
    await signIn(emu);
    expectError(await verify(emu, 'not-a-token'), 'invalidToken');
  });

  it('refuses the right token a second time, before and after the session was redeemed', async () => {
    const emu = newEmulator();
    const { body } = await signIn(emu);
    const token = linkToken(emu);
    expect((await verify(emu, token)).status).toBe(200);
    expectError(await verify(emu, token), 'linkAlreadyUsed');
    await poll(emu, body.pendingRef);
    expectError(await verify(emu, token), 'linkAlreadyUsed');
  });

  it('accepts a pkceVerifier next to the token', async () => {
    const emu = newEmulator();
    await signIn(emu);
    const token = linkToken(emu);
    expect((await call(emu, PATHS.verify, { token, pkceVerifier: 'dmVyaWZpZXI=' })).status).toBe(200);
  });

  it('redeems a pendingRef once; the next poll is a terminal 4xx, not 401/E062503', async () => {
    const emu = newEmulator();
    const { body } = await signIn(emu);
    await emu.click(ADA);
    expect((await poll(emu, body.pendingRef)).status).toBe(200);
    const again = await poll(emu, body.pendingRef);
    expectError(again, 'unknownPendingRef');
    expect(again.body.errorMessage).toMatch(/already redeemed/);
  });

  it('answers an unknown pendingRef with the terminal error', async () => {
    expectError(await poll(newEmulator(), 'no-such-ref'), 'unknownPendingRef');
  });
});

describe('update/email', () => {
  const update = (emu: Emulator, refreshJwt: string | undefined, extra: object = {}) =>
    call(emu, PATHS.updateEmail, { loginId: ADA, email: 'ada@new.example', ...extra }, refreshJwt ? { refreshJwt } : {});

  it('emails the new address and, once verified, changes the email and returns a session for the same user', async () => {
    const emu = newEmulator();
    const { refreshJwt, user } = await sessionOf(emu);
    const sent = await update(emu, refreshJwt);
    expect(sent.body.maskedEmail).toBe('a***@new.example');
    expect(emu.lastEmail('ada@new.example')).toMatchObject({ kind: 'updateEmail', loginId: ADA, to: 'ada@new.example' });
    await emu.click(ADA);
    const session = (await poll(emu, sent.body.pendingRef)).body;
    expect(session.user).toMatchObject({ userId: user.userId, email: 'ada@new.example', loginIds: [ADA], verifiedEmail: true });
  });

  it('adds the new address to the login IDs with addToLoginIDs', async () => {
    const emu = newEmulator();
    const { refreshJwt } = await sessionOf(emu);
    const sent = await update(emu, refreshJwt, { addToLoginIDs: true });
    await emu.click(ADA);
    expect((await poll(emu, sent.body.pendingRef)).body.user.loginIds).toEqual([ADA, 'ada@new.example']);
    expect((await signIn(emu, 'ada@new.example')).status).toBe(200);
  });

  it('requires a refresh JWT (401)', async () => {
    expectError(await update(newEmulator(), undefined), 'refreshJwtRequired');
  });

  it('refuses a refresh JWT the emulator did not issue', async () => {
    expectError(await update(newEmulator(), 'eyJhbGciOiJub25lIn0.e30.c2ln'), 'refreshJwtRequired');
  });

  it("refuses another user's refresh JWT", async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }, { loginId: 'bob@example.com' }] });
    const { refreshJwt } = await sessionOf(emu, 'bob@example.com');
    const result = await update(emu, refreshJwt);
    expectError(result, 'refreshJwtRequired');
    expect(result.body.errorMessage).toMatch(/another user/);
  });

  it('refuses a new address that is not an email address', async () => {
    const emu = newEmulator();
    const { refreshJwt } = await sessionOf(emu);
    expectError(await update(emu, refreshJwt, { email: 'not an address' }), 'invalidRequest');
  });

  it("refuses addToLoginIDs with another user's login ID (E062107)", async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }, { loginId: 'bob@example.com' }] });
    const { refreshJwt } = await sessionOf(emu);
    expectError(await update(emu, refreshJwt, { email: 'bob@example.com', addToLoginIDs: true }), 'userAlreadyExists');
  });
});

describe('step-up and MFA sign-in', () => {
  it.each(['stepup', 'mfa'])('requires the refresh JWT of the user for loginOptions.%s', async (option) => {
    const emu = newEmulator();
    expectError(await signIn(emu, ADA, { loginOptions: { [option]: true } }), 'refreshJwtRequired');
    const { refreshJwt } = await sessionOf(emu);
    expect((await signIn(emu, ADA, { loginOptions: { [option]: true } }, { refreshJwt })).status).toBe(200);
  });
});

describe('outbox, lastEmail, click and reset', () => {
  it('finds the newest email by login ID or by the address it went to', async () => {
    const emu = createEmulator({ users: [{ loginId: 'ada', email: ADA }] });
    await signIn(emu, 'ada');
    const second = await signIn(emu, 'ada');
    expect(emu.lastEmail('ada')?.pendingRef).toBe(second.body.pendingRef);
    expect(emu.lastEmail(ADA)?.pendingRef).toBe(second.body.pendingRef);
    expect(emu.lastEmail('bob@example.com')).toBeUndefined();
    expect(emu.outbox).toHaveLength(2);
  });

  it('returns frozen emails, so a test cannot rewrite what was sent', async () => {
    const emu = newEmulator();
    await signIn(emu);
    const email = emu.outbox[0];
    expect(Object.isFrozen(email)).toBe(true);
    expect(Object.isFrozen(email?.links[0])).toBe(true);
  });

  it('rejects click() when no email was sent for the login ID', async () => {
    await expect(newEmulator().click(ADA)).rejects.toThrow(/No email was sent for ada@example.com/);
  });

  it('forgets emails, logins, sessions and the log on reset, and restores the configured users', async () => {
    const emu = newEmulator();
    const { refreshJwt } = await sessionOf(emu);
    const sent = await call(emu, PATHS.updateEmail, { loginId: ADA, email: 'ada@new.example' }, { refreshJwt });
    await emu.click(ADA);
    await poll(emu, sent.body.pendingRef);
    await completeLogin(emu, PATHS.signInOrUp, { loginId: 'grace@example.com' });

    emu.reset();
    expect(emu.outbox).toEqual([]);
    expect(emu.requests).toEqual([]);
    expectError(await poll(emu, sent.body.pendingRef), 'unknownPendingRef');
    expectError(await call(emu, PATHS.updateEmail, { loginId: ADA, email: 'x@new.example' }, { refreshJwt }), 'refreshJwtRequired');
    expectError(await signIn(emu, 'grace@example.com'), 'userNotFound');
    expect(await emu.click(ADA).catch(() => 'no email')).toBe('no email');
    const session = await sessionOf(emu);
    expect(session.user).toMatchObject({ email: ADA, name: 'Ada Lovelace' });
  });

  it('refuses two configured users with the same login ID', () => {
    expect(() => createEmulator({ users: [{ loginId: ADA }, { loginId: ADA }] })).toThrow(TypeError);
  });
});

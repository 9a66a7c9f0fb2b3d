// What Descope refuses or tolerates, so users' tests fail where production would: approved redirect
// domains (spec §2.1), a wrong-number click (spec §6a: does not invalidate the flow), mail-filter
// scanners, and links that emulator.fetch alone can open.
import { describe, expect, it } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, EMULATOR_ERRORS } from '../../src/testing/index.js';
import { ADA, answer, expectError, linkToken, poll, signIn, verify } from './helpers.js';

describe('approved domains', () => {
  const emu = createEmulator({ users: [{ loginId: ADA }], approvedDomains: ['example.com', 'LOCALHOST'], rateLimit: false });

  it.each([
    ['the domain itself', 'https://example.com/verify'],
    ['a subdomain, another case, another port', 'https://App.Example.com:8443/verify?next=/home'],
    ['localhost over http', 'http://localhost:5173/verify'],
  ])('accepts %s', async (_name, redirectUrl) => {
    expect((await signIn(emu, ADA, { redirectUrl })).status).toBe(200);
    expect(emu.lastEmail(ADA)?.links[0]?.url.startsWith(redirectUrl)).toBe(true);
  });

  it.each([
    ['another domain', { redirectUrl: 'https://evil.test/verify' }],
    ['a look-alike suffix', { redirectUrl: 'https://notexample.com/verify' }],
    ['an approved name inside another host', { URI: 'https://example.com.evil.test/verify' }],
    ['a relative URL', { redirectUrl: '/verify' }],
  ])('refuses %s with Descope’s error and sends nothing', async (_name, extra) => {
    const before = emu.outbox.length;
    const refused = await signIn(emu, ADA, extra);
    expectError(refused, 'redirectUrlNotApproved');
    expect(EMULATOR_ERRORS.redirectUrlNotApproved).toMatchObject({ status: 400, errorCode: 'E011003', assumed: true });
    expect(emu.outbox).toHaveLength(before);
  });

  it('does not check the project’s default redirect URL (no redirectUrl sent)', async () => {
    expect((await signIn(emu)).status).toBe(200);
  });

  it('approves every domain when not configured, as a project with an empty list', async () => {
    const open = createEmulator({ users: [{ loginId: ADA }] });
    expect((await signIn(open, ADA, { redirectUrl: 'https://anything.test/v' })).status).toBe(200);
  });

  it('throws InvalidArgumentError for an entry that is not a host name, naming it', () => {
    expect(() => createEmulator({ approvedDomains: ['https://example.com'] })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument: 'approvedDomains[0]' }));
  });
});

describe('a wrong-number click', () => {
  it('is refused and leaves the right link valid: the flow completes with it', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }] });
    const sent = await signIn(emu);
    const wrong = await emu.click(ADA, 'wrong');
    expect(wrong).toMatchObject({ status: 400, body: { errorCode: EMULATOR_ERRORS.wrongLink.errorCode } });
    expectError(await poll(emu, sent.body.pendingRef), 'pending');
    expect(await verify(emu, linkToken(emu, ADA, 'wrong'))).toMatchObject({ status: 400 }); // again: still refused
    expect((await verify(emu, linkToken(emu))).status).toBe(200);
    expect((await poll(emu, sent.body.pendingRef)).status).toBe(200);
  });
});

describe('scan(): a mail filter opening every link', () => {
  it('GETs the three links, which verifies nothing: the user’s click still signs in', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }] });
    const sent = await signIn(emu);
    const opened = await emu.scan(ADA);
    expect(opened.map(({ number, url, status }) => ({ number, url, status }))).toEqual(
      emu.lastEmail(ADA)?.links.map(({ number, url }) => ({ number, url, status: 200 })),
    );
    expect(emu.requests.filter(({ method }) => method === 'GET')).toHaveLength(3);
    expectError(await poll(emu, sent.body.pendingRef), 'pending');
    expect(await emu.click(ADA)).toEqual({ status: 200, body: {} });
    expect((await poll(emu, sent.body.pendingRef)).status).toBe(200);
  });

  it('on a verify-on-load page (verifyOnLoad), verifies the right link too: whoever polls is signed in', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }] });
    const sent = await signIn(emu);
    const opened = await emu.scan(ADA, { verifyOnLoad: true });
    const right = emu.lastEmail(ADA)?.linkId;
    expect(opened.map(({ number, verifyStatus }) => [number, verifyStatus])).toEqual(
      opened.map(({ number }) => [number, number === right ? 200 : 400]),
    );
    expect((await poll(emu, sent.body.pendingRef)).status).toBe(200);
    expect((await emu.click(ADA)).body).toMatchObject({ errorCode: EMULATOR_ERRORS.linkAlreadyUsed.errorCode });
  });

  it('opens links to your own page with the fetch it is given', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }] });
    await signIn(emu, ADA, { redirectUrl: 'https://app.example.com/verify' });
    const seen: string[] = [];
    const opened = await emu.scan(ADA, { fetch: async (url) => (seen.push(url), new Response('<html>', { status: 200 })) });
    expect(seen).toEqual(emu.lastEmail(ADA)?.links.map(({ url }) => url));
    expect(opened.every(({ status }) => status === 200)).toBe(true);
  });

  it('is not rate limited (another client) and rejects when no email was sent', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }], rateLimit: { requests: 1 } });
    await signIn(emu);
    expect((await emu.scan(ADA, { verifyOnLoad: true })).map(({ status }) => status)).toEqual([200, 200, 200]);
    await expect(emu.scan('nobody@example.com')).rejects.toThrow('No email was sent for nobody@example.com');
  });
});

describe('with emulator.fetch alone', () => {
  it('the links point at a page emulator.fetch serves, and that page verifies', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }] });
    await signIn(emu);
    const link = emu.lastEmail(ADA)?.links.find(({ correct }) => correct);
    expect(link?.url.startsWith(`${emu.baseUrl}/verify?t=`)).toBe(true);
    const page = await answer(await emu.fetch(link?.url ?? ''));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain(PATHS.verify);
  });
});

describe('redeeming a pendingRef', () => {
  it('is atomic: a poll arriving while the session is being signed (a retry) gets the same session, then it is redeemed', async () => {
    const emu = createEmulator({ users: [{ loginId: ADA }], rateLimit: false });
    const { body } = await signIn(emu);
    await verify(emu, linkToken(emu));
    // The first poll's client gave up while the JWTs were being signed and retried at once.
    const [first, retry] = await Promise.all([poll(emu, body.pendingRef), poll(emu, body.pendingRef)]);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.refreshJwt).toBe(first.body.refreshJwt);
    // Once answered, the pendingRef is spent.
    expectError(await poll(emu, body.pendingRef), 'unknownPendingRef');
  });
});

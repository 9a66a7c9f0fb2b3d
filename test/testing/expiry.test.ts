import { afterEach, describe, expect, it, vi } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/index.js';
import { ADA, call, completeLogin, expectError, linkToken, poll, signIn, verify } from './helpers.js';

/** An emulator on a clock the test moves by hand. */
function withClock(linkTtlMs = 60_000) {
  const clock = { now: 1_700_000_000_000 };
  const emu = createEmulator({ users: [{ loginId: ADA }], linkTtlMs, now: () => clock.now });
  return { emu, clock };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('link and pendingRef lifetime (linkTtlMs)', () => {
  it('stamps each email with sentAtMs and expiresAtMs = sentAtMs + linkTtlMs', async () => {
    const { emu, clock } = withClock(90_000);
    await signIn(emu);
    expect(emu.lastEmail(ADA)).toMatchObject({ sentAtMs: clock.now, expiresAtMs: clock.now + 90_000 });
  });

  it('verifies a link up to 1 ms before it expires', async () => {
    const { emu, clock } = withClock();
    const { body } = await signIn(emu);
    clock.now += 59_999;
    expect((await verify(emu, linkToken(emu))).status).toBe(200);
    expect((await poll(emu, body.pendingRef)).status).toBe(200);
  });

  it('refuses the right link once it expired', async () => {
    const { emu, clock } = withClock();
    await signIn(emu);
    clock.now += 60_000;
    expectError(await verify(emu, linkToken(emu)), 'linkExpired');
  });

  it('reports an expired wrong link as expired', async () => {
    const { emu, clock } = withClock();
    await signIn(emu);
    clock.now += 60_000;
    expectError(await verify(emu, linkToken(emu, ADA, 'wrong')), 'linkExpired');
  });

  it('answers a pending-session of an expired pendingRef with the terminal error, not 401', async () => {
    const { emu, clock } = withClock();
    const { body } = await signIn(emu);
    expectError(await poll(emu, body.pendingRef), 'pending');
    clock.now += 60_000;
    const result = await poll(emu, body.pendingRef);
    expectError(result, 'unknownPendingRef');
    expect(result.body.errorMessage).toMatch(/expired/);
  });

  it('does not hand out a session verified in time but polled after expiry', async () => {
    const { emu, clock } = withClock();
    const { body } = await signIn(emu);
    await emu.click(ADA);
    clock.now += 60_000;
    expectError(await poll(emu, body.pendingRef), 'unknownPendingRef');
  });

  it('follows vitest fake timers with the default clock', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const emu = createEmulator({ users: [{ loginId: ADA }] });
    const { body } = await signIn(emu);
    expect(emu.lastEmail(ADA)?.sentAtMs).toBe(Date.parse('2030-01-01T00:00:00Z'));
    vi.advanceTimersByTime(300_000);
    expectError(await poll(emu, body.pendingRef), 'unknownPendingRef');
  });
});

describe('session lifetime', () => {
  it('sets sessionExpiration sessionTtlSeconds after issue', async () => {
    const { clock } = withClock();
    const emu = createEmulator({ users: [{ loginId: ADA }], sessionTtlSeconds: 120, now: () => clock.now });
    const session = await completeLogin(emu, PATHS.signIn, { loginId: ADA });
    expect(session.sessionExpiration).toBe(Math.floor(clock.now / 1000) + 120);
  });

  it('accepts a refresh JWT for 30 days, then refuses it', async () => {
    const { emu, clock } = withClock();
    const { refreshJwt } = await completeLogin(emu, PATHS.signIn, { loginId: ADA });
    const update = () => call(emu, PATHS.updateEmail, { loginId: ADA, email: 'ada@new.example' }, { refreshJwt });
    clock.now += 29 * 24 * 3_600_000;
    expect((await update()).status).toBe(200);
    clock.now += 24 * 3_600_000;
    const result = await update();
    expectError(result, 'refreshJwtRequired');
    expect(result.body.errorMessage).toMatch(/expired/);
  });
});

describe('options', () => {
  it.each([
    ['linkTtlMs', 0],
    ['linkTtlMs', -5],
    ['sessionTtlSeconds', Number.NaN],
    ['sessionTtlSeconds', Infinity],
  ])('refuses %s = %s', (name, value) => {
    expect(() => createEmulator({ [name]: value })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument: name }));
  });
});

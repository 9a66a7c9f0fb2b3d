// Hostile input is refused up front with InvalidArgumentError naming the argument, before any request:
// nothing that could change the host, travel in the clear, or split a header reaches ky or fetch.
import { describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, InvalidArgumentError, type ClientOptions, type FetchFunction } from '../../src/index.js';
import { json, PROJECT_ID } from '../helpers/msw.js';

const fetch = vi.fn<FetchFunction>(() => Promise.resolve(json({ linkId: '42', pendingRef: 'ref' })));
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2ln';

function construct(options: Record<string, unknown>) {
  try {
    return new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, ...options } as unknown as ClientOptions);
  } catch (error) {
    return error;
  }
}

describe('the constructor refuses', () => {
  it.each([
    ['a projectId with a slash (would make the default host another domain)', { projectId: 'Pco/x' }],
    ['a projectId with a dot', { projectId: 'P2a.evil.com' }],
    ['a projectId with a newline', { projectId: 'P2a\nb' }],
    ['a projectId with a non-ASCII letter', { projectId: 'P2aé' }],
  ])('%s', (_, options) => {
    expect(construct(options)).toMatchObject({ name: 'InvalidArgumentError', argument: 'projectId' });
  });

  it.each([
    'https://auth.example.com/?x=1',
    'https://auth.example.com/#frag',
    'https://user:pass@auth.example.com',
    'https://key@auth.example.com',
    ' https://auth.example.com',
    'https://auth.example.com\n',
    'https://auth.example .com',
    'http://auth.example.com',
    'http://10.0.0.1:8080',
    'http://localhost.evil.com',
    'http://127.0.0.1.nip.io',
    '//auth.example.com',
    'auth.example.com',
  ])('baseUrl %j', (baseUrl) => {
    expect(construct({ baseUrl })).toMatchObject({ name: 'InvalidArgumentError', argument: 'baseUrl' });
  });

  it.each(['https://auth.example.com', 'https://auth.example.com/descope/', 'http://127.0.0.1:8787', 'http://127.1.2.3', 'http://localhost:3000/api', 'http://[::1]:8080'])(
    'but accepts baseUrl %j (https, or http on loopback)',
    (baseUrl) => {
      expect(construct({ baseUrl })).toBeInstanceOf(EnchantedLinkClient);
    },
  );

  it.each([
    ['a CR LF in a value', { 'x-a': 'v\r\nx-evil: 1' }],
    ['a LF in a value', { 'x-a': 'v\nx' }],
    ['a NUL in a value', { 'x-a': 'v\0' }],
    ['a value outside Latin-1', { 'x-a': '€' }],
    ['a value that is not a string', { 'x-a': 42 }],
    ['a name with a space', { 'x a': 'v' }],
    ['a name with a colon', { 'x-a:': 'v' }],
  ])('headers with %s', (_, headers) => {
    const error = construct({ headers });
    expect(error).toMatchObject({ name: 'InvalidArgumentError', argument: 'headers' });
    expect(JSON.stringify(error)).not.toContain('x-evil');
  });
});

describe('the calls refuse a refreshJwt that would break its header', () => {
  const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch });
  it.each([
    ['a CR LF', `${JWT}\r\nx-evil: 1`],
    ['a LF', `${JWT}\n`],
    ['a NUL', `${JWT}\0`],
    ['a space', `${JWT} x`],
    ['a non-ASCII character', `${JWT}é`],
  ])('%s', async (_, refreshJwt) => {
    fetch.mockClear();
    for (const call of [
      () => client.signIn('ada@example.com', { loginOptions: { stepup: true }, refreshJwt }),
      () => client.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt }),
    ]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: 'refreshJwt' });
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(JWT);
    }
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('exactOptionalPropertyTypes callers', () => {
  it('may pass every optional option as undefined', async () => {
    const signal: AbortSignal | undefined = undefined;
    const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, baseUrl: undefined, redirectUrl: undefined, timeoutMs: undefined, headers: undefined });
    await expect(
      client.signIn('ada@example.com', { signal, redirectUrl: undefined, providerId: undefined, refreshJwt: undefined, loginOptions: { templateId: undefined } }),
    ).resolves.toMatchObject({ linkId: '42' });
    await expect(client.signUp('ada@example.com', { user: { name: undefined }, loginOptions: undefined })).resolves.toMatchObject({ linkId: '42' });
  });
});

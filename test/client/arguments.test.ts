import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, EnchantedLinkError, InvalidArgumentError, type ClientOptions, type FetchFunction } from '../../src/index.js';
import { json, PROJECT_ID, SESSION } from '../helpers/msw.js';

// Every request goes through this stub, so "no request reached the server" is "the stub was never called".
const fetch = vi.fn<FetchFunction>(() => Promise.resolve(json({ linkId: '42', pendingRef: 'ref', ...SESSION })));
const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch });
beforeEach(() => fetch.mockClear());

function expectInvalidArgument(error: unknown, argument: string) {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toBeInstanceOf(EnchantedLinkError);
  expect(error).toMatchObject({ name: 'InvalidArgumentError', argument });
}

describe('the constructor', () => {
  const BAD_URLS = ['example.com', 'ftp://x', '/verify', '', 'javascript:alert(1)', 'https//app.example.com'];
  it.each([
    ...[['an empty', ''], ['a blank', ' \t\n'], ['a missing', undefined], ['a non-string', 42]].map(([what, projectId]) => ({ what: `${what} projectId`, options: { projectId }, argument: 'projectId' })),
    { what: 'a projectId with a colon', options: { projectId: 'P2a:b' }, argument: 'projectId' },
    { what: 'a projectId with a space', options: { projectId: 'P2a b' }, argument: 'projectId' },
    ...BAD_URLS.flatMap((url) => [
      { what: `baseUrl ${JSON.stringify(url)}`, options: { projectId: PROJECT_ID, baseUrl: url }, argument: 'baseUrl' },
      { what: `redirectUrl ${JSON.stringify(url)}`, options: { projectId: PROJECT_ID, redirectUrl: url }, argument: 'redirectUrl' },
    ]),
    ...[-1, 0, Number.NaN, Number.POSITIVE_INFINITY, '5000'].map((timeout) => ({ what: `timeout ${String(timeout)}`, options: { projectId: PROJECT_ID, timeout }, argument: 'timeout' })),
    { what: 'a fetch that is not a function', options: { projectId: PROJECT_ID, fetch: 'fetch' }, argument: 'fetch' },
    { what: 'headers that are not an object', options: { projectId: PROJECT_ID, headers: 'x-a: 1' }, argument: 'headers' },
  ])('throws on $what', ({ options, argument }) => {
    let error: unknown;
    try {
      new EnchantedLinkClient(options as unknown as ClientOptions);
    } catch (caught) {
      error = caught;
    }
    expectInvalidArgument(error, argument);
  });

  it('throws on no options at all, naming projectId', () => {
    expect(() => new EnchantedLinkClient(undefined as unknown as ClientOptions)).toThrow(InvalidArgumentError);
    expect(() => new EnchantedLinkClient(undefined as unknown as ClientOptions)).toThrow(expect.objectContaining({ argument: 'projectId' }));
  });
});

type Call = (client: EnchantedLinkClient) => Promise<unknown>;
type Method = 'signInOrUp' | 'signIn' | 'signUp' | 'updateUserEmail' | 'verifyToken' | 'getSession' | 'pollSession';

/** Each method with its first argument and its options object exactly as given (no defaults filled in). */
const METHODS: Record<Method, { first: string; argument: string; call: (first: unknown, options: unknown) => Call }> = {
  signInOrUp: { first: 'ada@example.com', argument: 'loginId', call: (loginId, options) => (c) => c.signInOrUp(loginId as string, options as never) },
  signIn: { first: 'ada@example.com', argument: 'loginId', call: (loginId, options) => (c) => c.signIn(loginId as string, options as never) },
  signUp: { first: 'ada@example.com', argument: 'loginId', call: (loginId, options) => (c) => c.signUp(loginId as string, options as never) },
  updateUserEmail: { first: 'ada@example.com', argument: 'loginId', call: (loginId, options) => (c) => c.updateUserEmail(loginId as string, 'ada@new.example', options as never) },
  verifyToken: { first: 'tok', argument: 'token', call: (token, options) => (c) => c.verifyToken(token as string, options as never) },
  getSession: { first: 'ref', argument: 'pendingRef', call: (pendingRef, options) => (c) => c.getSession(pendingRef as string, options as never) },
  pollSession: { first: 'ref', argument: 'pendingRef', call: (pendingRef, options) => (c) => c.pollSession(pendingRef as string, options as never) },
};
const ALL = Object.keys(METHODS) as Method[];
const SENDS: Method[] = ['signInOrUp', 'signIn', 'signUp', 'updateUserEmail'];
/** Options a method cannot do without, so a row fails only on the one thing it breaks. */
const REQUIRED: Partial<Record<Method, object>> = { updateUserEmail: { refreshJwt: 'eyJ.refresh.jwt' } };

/** `method` with a valid first argument and `options` added to what it requires. */
const withOptions = (method: Method, options: object) => METHODS[method].call(METHODS[method].first, { ...REQUIRED[method], ...options });
const row = (method: Method, what: string, call: Call, argument: string) => ({ method, what, call, argument });

const BLANK = [['an empty', ''], ['a blank', '  \t'], ['a missing', undefined], ['a null', null], ['a numeric', 42]] as const;
const BAD_REDIRECTS = ['example.com', 'ftp://x', '/verify', ''];
const BAD_EMAILS = ['', 'ada', 'ada@', '@example.com', 'ada@example', 'ada lovelace@example.com', 42];

const ROWS = [
  ...ALL.flatMap((method) => [
    ...BLANK.map(([what, first]) => row(method, `${what} ${METHODS[method].argument}`, METHODS[method].call(first, REQUIRED[method]), METHODS[method].argument)),
    row(method, 'null options', METHODS[method].call(METHODS[method].first, null), 'options'),
    // A core-js habit: the redirect URL as the second positional argument, where the options object belongs.
    row(method, 'a URL string as options', METHODS[method].call(METHODS[method].first, 'https://app.example.com/verify'), 'options'),
  ]),
  ...SENDS.flatMap((method) => [
    ...BAD_REDIRECTS.map((redirectUrl) => row(method, `redirectUrl ${JSON.stringify(redirectUrl)}`, withOptions(method, { redirectUrl }), 'redirectUrl')),
    row(method, 'a blank providerId', withOptions(method, { providerId: ' ' }), 'providerId'),
  ]),
  ...BAD_EMAILS.map((email) => row('updateUserEmail', `email ${JSON.stringify(email)}`, (c) => c.updateUserEmail('ada@example.com', email as string, { refreshJwt: 'eyJ.refresh.jwt' }), 'email')),
  row('updateUserEmail', 'no options (refreshJwt is required)', METHODS.updateUserEmail.call('ada@example.com', undefined), 'refreshJwt'),
  row('updateUserEmail', 'options without refreshJwt', METHODS.updateUserEmail.call('ada@example.com', { addToLoginIds: true }), 'refreshJwt'),
  row('updateUserEmail', 'a blank refreshJwt', withOptions('updateUserEmail', { refreshJwt: ' ' }), 'refreshJwt'),
  row('signIn', 'step-up without refreshJwt', withOptions('signIn', { loginOptions: { stepup: true } }), 'refreshJwt'),
  row('signIn', 'MFA without refreshJwt', withOptions('signIn', { loginOptions: { mfa: true } }), 'refreshJwt'),
  row('signIn', 'step-up with an empty refreshJwt', withOptions('signIn', { loginOptions: { stepup: true }, refreshJwt: '' }), 'refreshJwt'),
  row('signIn', 'loginOptions that are not an object', withOptions('signIn', { loginOptions: 'stepup' }), 'loginOptions'),
  row('signUp', 'a user that is not an object', withOptions('signUp', { user: 'Ada' }), 'user'),
  row('verifyToken', 'a blank pkceVerifier', withOptions('verifyToken', { pkceVerifier: '' }), 'pkceVerifier'),
  ...['timeout', 'interval', 'maxInterval', 'maxFailures', 'backoffFactor'].flatMap((name) =>
    [-1, 0, Number.NaN, '1000'].map((value) => row('pollSession', `${name} ${String(value)}`, withOptions('pollSession', { [name]: value }), name)),
  ),
  row('pollSession', 'maxInterval below interval', withOptions('pollSession', { interval: 2_000, maxInterval: 1_000 }), 'maxInterval'),
  row('pollSession', 'a backoffFactor below 1', withOptions('pollSession', { backoffFactor: 0.5 }), 'backoffFactor'),
  row('pollSession', 'a fractional maxFailures', withOptions('pollSession', { maxFailures: 2.5 }), 'maxFailures'),
  row('pollSession', 'an onPoll that is not a function', withOptions('pollSession', { onPoll: 'log' }), 'onPoll'),
];

describe('the async methods', () => {
  it.each(ROWS)('$method rejects $what before any request', async ({ call, argument }) => {
    let promise!: Promise<unknown>;
    expect(() => {
      promise = call(client);
    }).not.toThrow();
    const error = await promise.then(
      (value) => ({ resolved: value }),
      (caught: unknown) => caught,
    );
    expectInvalidArgument(error, argument);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('sends a valid call through the same stub (the control for the rows above)', async () => {
    await client.signInOrUp('ada@example.com');
    await client.pollSession('ref', { interval: 2_000, timeout: 60_000 });
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

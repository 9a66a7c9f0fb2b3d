// Bad input throws (constructor) or rejects (methods) with InvalidArgumentError naming the argument, before
// any request; good input, edge values included, passes. One table per entry point, one runner per table.
import { describe, expect, it, vi } from 'vitest';
import { assertEmail, assertHttpUrl, assertNonEmptyString, assertOptionalObject, assertPositiveNumber } from '../../src/options/arguments.js';
import { EnchantedLinkClient, EnchantedLinkError, InvalidArgumentError, type ClientOptions, type FetchFunction } from '../../src/index.js';
import { unlimitedBudget, EMAIL, LINK, PROJECT_ID, SESSION } from '../helpers/fixtures.js';
import { settle, thrown } from '../helpers/settle.js';

// Every request goes through this stub, so "no request reached the server" is "the stub was never called".
const fetch = vi.fn<FetchFunction>(async () => Response.json({ ...LINK, ...SESSION }));
const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, ...unlimitedBudget() });
const MAX_DELAY = 2 ** 31 - 1;
const REFRESH_JWT = 'eyJ.refresh.jwt';

function expectInvalidArgument(error: unknown, argument: string) {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toBeInstanceOf(EnchantedLinkError);
  expect(error).toMatchObject({ name: 'InvalidArgumentError', argument });
}

// ---- The constructor ----------------------------------------------------------------------------------
/** `options` on top of a valid project ID; a row whose options are not an object passes them as they are. */
const construct = (options: unknown) =>
  thrown(() => new EnchantedLinkClient((options !== null && typeof options === 'object' && !Array.isArray(options) ? { projectId: PROJECT_ID, ...options } : options) as ClientOptions));

const BAD_URLS = ['example.com', 'ftp://x', '/verify', '', 'javascript:alert(1)', 'https//app.example.com'];
const CONSTRUCTOR_REJECTS: Array<[what: string, argument: string, options: unknown]> = [
  ['no options at all', 'projectId', undefined],
  ['null options', 'options', null],
  ['options that are a string', 'options', 'P2abc'],
  ...([['an empty', ''], ['a blank', ' \t\n'], ['a missing', undefined], ['a non-string', 42]] as const).map(
    ([what, projectId]): [string, string, unknown] => [`${what} projectId`, 'projectId', { projectId }],
  ),
  ['a projectId with a colon', 'projectId', { projectId: 'P2a:b' }],
  ['a projectId with a space', 'projectId', { projectId: 'P2a b' }],
  ['a projectId with a tab', 'projectId', { projectId: 'P2a\tb' }],
  ...BAD_URLS.flatMap((url): Array<[string, string, unknown]> => [
    [`baseUrl ${JSON.stringify(url)}`, 'baseUrl', { baseUrl: url }],
    [`redirectUrl ${JSON.stringify(url)}`, 'redirectUrl', { redirectUrl: url }],
  ]),
  ...[-1, 0, Number.NaN, Number.POSITIVE_INFINITY, '5000', MAX_DELAY + 1].map((timeoutMs): [string, string, unknown] => [`timeoutMs ${String(timeoutMs)}`, 'timeoutMs', { timeoutMs }]),
  // `timeout`, the 0.1 name of timeoutMs, is still honoured: checked as timeoutMs, and refused beside it.
  ['timeout -1 (the former name of timeoutMs)', 'timeout', { timeout: -1 }],
  ['timeout beside timeoutMs', 'timeout', { timeout: 5_000, timeoutMs: 5_000 }],
  ['a fetch that is not a function', 'fetch', { fetch: 'fetch' }],
  ['headers that are a string', 'headers', { headers: 'x-a: 1' }],
  ['headers null', 'headers', { headers: null }],
  ['headers an array', 'headers', { headers: [['x-a', '1']] }],
  ['a header value with a line break', 'headers', { headers: { 'x-trace': 'a\r\nx-injected: 1' } }],
  ['a header name with a space', 'headers', { headers: { 'x trace': '1' } }],
];
const CONSTRUCTOR_ACCEPTS: Array<[what: string, options: object]> = [
  ['a timeout of exactly 2^31 - 1 ms', { timeoutMs: MAX_DELAY }],
  ['a fractional timeout', { timeoutMs: 0.5 }],
  ['a localhost http base URL with a path', { baseUrl: 'http://localhost:4010/descope' }],
  ['a 32-character regional project ID', { projectId: 'Puse12aAc4T2V93bddihGEx2Ryhc8e5Z' }],
  ['custom headers', { headers: { 'x-trace': 'abc', 'x-empty': '' } }],
];

describe('the constructor', () => {
  it.each(CONSTRUCTOR_REJECTS)('throws on %s, naming %s', (_, argument, options) => {
    expectInvalidArgument(construct(options), argument);
  });

  it.each(CONSTRUCTOR_ACCEPTS)('accepts %s', (_, options) => {
    expect(construct(options)).toBeUndefined();
  });
});

// ---- The async methods --------------------------------------------------------------------------------
type Call = (client: EnchantedLinkClient) => Promise<unknown>;
type Method = 'signInOrUp' | 'signIn' | 'signUp' | 'updateUserEmail' | 'verifyToken' | 'getSession' | 'pollSession';

/** Each method with its first argument and its options object exactly as given (no defaults filled in). */
const METHODS: Record<Method, { first: string; argument: string; call: (first: unknown, options: unknown) => Call }> = {
  signInOrUp: { first: EMAIL, argument: 'loginId', call: (loginId, options) => (c) => c.signInOrUp(loginId as string, options as never) },
  signIn: { first: EMAIL, argument: 'loginId', call: (loginId, options) => (c) => c.signIn(loginId as string, options as never) },
  signUp: { first: EMAIL, argument: 'loginId', call: (loginId, options) => (c) => c.signUp(loginId as string, options as never) },
  updateUserEmail: { first: EMAIL, argument: 'loginId', call: (loginId, options) => (c) => c.updateUserEmail(loginId as string, 'ada@new.example', options as never) },
  verifyToken: { first: 'tok', argument: 'token', call: (token, options) => (c) => c.verifyToken(token as string, options as never) },
  getSession: { first: 'ref', argument: 'pendingRef', call: (pendingRef, options) => (c) => c.getSession(pendingRef as string, options as never) },
  pollSession: { first: 'ref', argument: 'pendingRef', call: (pendingRef, options) => (c) => c.pollSession(pendingRef as string, options as never) },
};
const ALL = Object.keys(METHODS) as Method[];
const SENDS: Method[] = ['signInOrUp', 'signIn', 'signUp', 'updateUserEmail'];
/** Options a method cannot do without, so a row fails only on the one thing it breaks. */
const REQUIRED: Partial<Record<Method, object>> = { updateUserEmail: { refreshJwt: REFRESH_JWT } };

/** `method` with a valid first argument and `options` added to what it requires. */
const withOptions = (method: Method, options: object) => METHODS[method].call(METHODS[method].first, { ...REQUIRED[method], ...options });
const row = (method: Method, what: string, call: Call, argument: string) => ({ method, what, call, argument });

const BLANK = [['an empty', ''], ['a blank', '  \t'], ['a missing', undefined], ['a null', null], ['a numeric', 42]] as const;
const BAD_REDIRECTS = ['example.com', 'ftp://x', '/verify', '', 'mailto:ada@example.com'];
const BAD_EMAILS = ['', 'ada', 'ada@', '@example.com', 'ada@example', 'ada lovelace@example.com', 42];
const NOT_SIGNALS = [['a string', 'abort'], ['an object', { aborted: 'no' }], ['null', null], ['an AbortController', new AbortController()]] as const;
const TIMERS = ['timeoutMs', 'intervalMs', 'maxIntervalMs'] as const;

const METHOD_REJECTS = [
  ...ALL.flatMap((method) => [
    ...BLANK.map(([what, first]) => row(method, `${what} ${METHODS[method].argument}`, METHODS[method].call(first, REQUIRED[method]), METHODS[method].argument)),
    row(method, 'null options', METHODS[method].call(METHODS[method].first, null), 'options'),
    // A core-js habit: the redirect URL as the second positional argument, where the options object belongs.
    row(method, 'a URL string as options', METHODS[method].call(METHODS[method].first, 'https://app.example.com/verify'), 'options'),
    ...NOT_SIGNALS.map(([what, signal]) => row(method, `${what} as signal`, withOptions(method, { signal }), 'signal')),
  ]),
  ...SENDS.flatMap((method) => [
    ...BAD_REDIRECTS.map((redirectUrl) => row(method, `redirectUrl ${JSON.stringify(redirectUrl)}`, withOptions(method, { redirectUrl }), 'redirectUrl')),
    row(method, 'a blank providerId', withOptions(method, { providerId: ' ' }), 'providerId'),
    row(method, 'a numeric providerId', withOptions(method, { providerId: 7 }), 'providerId'),
  ]),
  ...SENDS.filter((method) => method !== 'updateUserEmail').flatMap((method) => [
    row(method, 'loginOptions that are an array', withOptions(method, { loginOptions: [] }), 'loginOptions'),
    row(method, 'loginOptions that are a string', withOptions(method, { loginOptions: 'stepup' }), 'loginOptions'),
  ]),
  ...BAD_EMAILS.map((email) => row('updateUserEmail', `email ${JSON.stringify(email)}`, (c) => c.updateUserEmail(EMAIL, email as string, { refreshJwt: REFRESH_JWT }), 'email')),
  row('updateUserEmail', 'no options (refreshJwt is required)', METHODS.updateUserEmail.call(EMAIL, undefined), 'refreshJwt'),
  row('updateUserEmail', 'options without refreshJwt', METHODS.updateUserEmail.call(EMAIL, { addToLoginIds: true }), 'refreshJwt'),
  row('updateUserEmail', 'a blank refreshJwt', withOptions('updateUserEmail', { refreshJwt: ' ' }), 'refreshJwt'),
  row('updateUserEmail', 'templateOptions that are a string', withOptions('updateUserEmail', { templateOptions: 'x' }), 'templateOptions'),
  row('signIn', 'step-up without refreshJwt', withOptions('signIn', { loginOptions: { stepup: true } }), 'refreshJwt'),
  row('signIn', 'MFA without refreshJwt', withOptions('signIn', { loginOptions: { mfa: true } }), 'refreshJwt'),
  row('signIn', 'step-up with an empty refreshJwt', withOptions('signIn', { loginOptions: { stepup: true }, refreshJwt: '' }), 'refreshJwt'),
  row('signIn', 'a blank refreshJwt without step-up', withOptions('signIn', { refreshJwt: '  ' }), 'refreshJwt'),
  row('signIn', 'a numeric refreshJwt', withOptions('signIn', { refreshJwt: 42 }), 'refreshJwt'),
  row('signUp', 'a user that is not an object', withOptions('signUp', { user: 'Ada' }), 'user'),
  row('verifyToken', 'a blank pkceVerifier', withOptions('verifyToken', { pkceVerifier: '' }), 'pkceVerifier'),
  row('verifyToken', 'a numeric pkceVerifier', withOptions('verifyToken', { pkceVerifier: 42 }), 'pkceVerifier'),
  row('pollSession', 'options that are a string', METHODS.pollSession.call('ref', 'fast'), 'options'),
  ...['timeoutMs', 'intervalMs', 'maxIntervalMs', 'maxFailures', 'backoffFactor'].flatMap((name) =>
    [-1, 0, Number.NaN, '1000'].map((value) => row('pollSession', `${name} ${String(value)}`, withOptions('pollSession', { [name]: value }), name)),
  ),
  ...TIMERS.flatMap((name) => [
    // An interval above the limit would drag the default maxInterval below it: raise both.
    row('pollSession', `${name} above 2^31 - 1 ms`, withOptions('pollSession', { [name]: MAX_DELAY + 1, ...(name === 'intervalMs' ? { maxIntervalMs: MAX_DELAY + 1 } : {}) }), name),
    row('pollSession', `${name} Infinity`, withOptions('pollSession', { [name]: Number.POSITIVE_INFINITY }), name),
  ]),
  row('pollSession', 'maxInterval below interval', withOptions('pollSession', { intervalMs: 2_000, maxIntervalMs: 1_000 }), 'maxIntervalMs'),
  // Renamed before 1.0: the former name is still honoured, so it is checked as the new one is (the error
  // names what the caller wrote), and giving both names is refused (one value would be ignored).
  ...['timeout', 'interval', 'maxInterval'].flatMap((name) => [
    row('pollSession', `${name} -1 (the former name of ${name}Ms)`, withOptions('pollSession', { [name]: -1 }), name),
    row('pollSession', `${name} beside ${name}Ms`, withOptions('pollSession', { [name]: 1_000, [`${name}Ms`]: 1_000 }), name),
  ]),
  row('pollSession', 'a backoffFactor below 1', withOptions('pollSession', { backoffFactor: 0.5 }), 'backoffFactor'),
  row('pollSession', 'a fractional maxFailures', withOptions('pollSession', { maxFailures: 2.5 }), 'maxFailures'),
  row('pollSession', 'an onPoll that is not a function', withOptions('pollSession', { onPoll: 'log' }), 'onPoll'),
];

const METHOD_ACCEPTS = [
  ...ALL.flatMap((method) => [
    row(method, 'a real AbortSignal', withOptions(method, { signal: new AbortController().signal }), ''),
    row(method, 'AbortSignal.timeout()', withOptions(method, { signal: AbortSignal.timeout(60_000) }), ''),
  ]),
  row('signInOrUp', 'a login ID that is not an email', METHODS.signInOrUp.call('+15551234567', undefined), ''),
  row('signIn', 'step-up with a refreshJwt', withOptions('signIn', { loginOptions: { stepup: true }, refreshJwt: REFRESH_JWT }), ''),
  row(
    'updateUserEmail',
    'options with every field',
    withOptions('updateUserEmail', { addToLoginIds: true, onMergeUseExisting: true, templateId: 't', templateOptions: { a: 'b' }, locale: 'en' }),
    '',
  ),
  row('pollSession', 'maxInterval equal to interval and backoffFactor 1', withOptions('pollSession', { intervalMs: 5, maxIntervalMs: 5, backoffFactor: 1 }), ''),
  row('pollSession', 'maxFailures 1 and the longest timer-safe timeout', withOptions('pollSession', { maxFailures: 1, timeoutMs: MAX_DELAY }), ''),
  row('pollSession', 'an interval above the default maxInterval (maxInterval follows it)', withOptions('pollSession', { intervalMs: 5_000 }), ''),
];

describe('the async methods', () => {
  it.each(METHOD_REJECTS)('$method rejects $what before any request, naming $argument', async ({ call, argument }) => {
    fetch.mockClear();
    let promise!: Promise<unknown>;
    // Rejects, never throws: a caller's `.catch()` sees every argument error.
    expect(() => (promise = call(client))).not.toThrow();
    const outcome = await settle(promise);
    expect(outcome.kind).toBe('rejected');
    expectInvalidArgument(outcome.kind === 'rejected' && outcome.error, argument);
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each(METHOD_ACCEPTS)('$method accepts $what and sends its request', async ({ call }) => {
    fetch.mockClear();
    await expect(call(client)).resolves.not.toBeInstanceOf(Error);
    expect(fetch).toHaveBeenCalled();
  });
});

// ---- The checks themselves (src/options/arguments.ts) ---------------------------------------------------
describe('argument checks', () => {
  it.each(['ada@example.com', 'ada+tag@example.co.uk', "o'brien@example.ie", 'ADA@EXAMPLE.COM', 'zoë@exämple.de'])('accept the email address %j', (email) => {
    expect(thrown(() => assertEmail(email, 'email'))).toBeUndefined();
  });

  it.each(['https://api.descope.com', 'https://auth.example.com/descope///', 'http://localhost:8787/', 'HTTPS://AUTH.EXAMPLE.COM'])('accept the http(s) URL %j', (url) => {
    expect(thrown(() => assertHttpUrl(url, 'baseUrl'))).toBeUndefined();
  });

  // A misplaced argument may be a token or a refresh JWT: the message names its type, never its value.
  const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0';
  it.each([
    ['assertEmail', () => assertEmail(SECRET, 'email')],
    ['assertHttpUrl', () => assertHttpUrl(SECRET, 'redirectUrl')],
    ['assertPositiveNumber', () => assertPositiveNumber(SECRET, 'timeout')],
    ['assertOptionalObject', () => assertOptionalObject(SECRET, 'options')],
    ['assertNonEmptyString', () => assertNonEmptyString({ token: SECRET }, 'loginId')],
  ])('%s does not echo the rejected value in its message', (_, check) => {
    const error = thrown(check);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).not.toContain(SECRET);
  });
});

// The input validation table of the docs, row by row, where test/client/arguments.test.ts does not already
// cover it: limits a timer cannot honour, header names and values, signals that are not signals, option
// types, and the accepted edge values (readTokenFromUrl is covered in test/client/read-token-from-url.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, InvalidArgumentError, type ClientOptions, type FetchFunction } from '../../src/index.js';
import { PROJECT_ID, SESSION, thrown } from './helpers.js';

const MAX_DELAY = 2 ** 31 - 1;
const fetch = vi.fn<FetchFunction>(async () => Response.json({ linkId: '42', pendingRef: 'ref', ...SESSION }));
const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch });
const REFRESH = { refreshJwt: 'eyJ.refresh.jwt' };

describe('constructor options', () => {
  it.each([
    ['options null', null, 'options'],
    ['options a string', 'P2abc', 'options'],
    ['timeout above 2^31 - 1 ms', { timeout: MAX_DELAY + 1 }, 'timeout'],
    ['timeout Infinity', { timeout: Number.POSITIVE_INFINITY }, 'timeout'],
    ['a header value with a line break', { headers: { 'x-trace': 'a\r\nx-injected: 1' } }, 'headers'],
    ['a header name with a space', { headers: { 'x trace': '1' } }, 'headers'],
    ['headers null', { headers: null }, 'headers'],
    ['headers an array', { headers: [['x-a', '1']] }, 'headers'],
    ['a projectId with a tab', { projectId: 'P2a\tb' }, 'projectId'],
  ])('reject %s with InvalidArgumentError', (_, options, argument) => {
    const full = options !== null && typeof options === 'object' && !Array.isArray(options) ? { projectId: PROJECT_ID, ...options } : options;
    const error = thrown(() => new EnchantedLinkClient(full as ClientOptions));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument });
  });

  it.each([
    ['timeout of exactly 2^31 - 1 ms', { timeout: MAX_DELAY }],
    ['a fractional timeout', { timeout: 0.5 }],
    ['a localhost http base URL with a path', { baseUrl: 'http://localhost:4010/descope' }],
    ['a 32-character regional project ID', { projectId: 'Puse12aAc4T2V93bddihGEx2Ryhc8e5Z' }],
    ['custom headers', { headers: { 'x-trace': 'abc', 'x-empty': '' } }],
  ])('accept %s', (_, options) => {
    expect(thrown(() => new EnchantedLinkClient({ projectId: PROJECT_ID, ...options } as ClientOptions))).toBeUndefined();
  });
});

type Call = () => Promise<unknown>;
const NOT_SIGNALS: Array<[string, unknown]> = [['a string', 'abort'], ['an object', { aborted: 'no' }], ['null', null], ['an AbortController', new AbortController()]];
const withSignal = (signal: unknown): Array<[string, Call]> => [
  ['signInOrUp', () => client.signInOrUp('ada@example.com', { signal: signal as AbortSignal })],
  ['signIn', () => client.signIn('ada@example.com', { signal: signal as AbortSignal })],
  ['signUp', () => client.signUp('ada@example.com', { signal: signal as AbortSignal })],
  ['updateUserEmail', () => client.updateUserEmail('ada@example.com', 'ada@new.example', { ...REFRESH, signal: signal as AbortSignal })],
  ['verifyToken', () => client.verifyToken('tok', { signal: signal as AbortSignal })],
  ['getSession', () => client.getSession('ref', { signal: signal as AbortSignal })],
  ['pollSession', () => client.pollSession('ref', { signal: signal as AbortSignal })],
];

const REJECTED: Array<[string, Call, string]> = [
  ...NOT_SIGNALS.flatMap(([what, signal]) => withSignal(signal).map(([method, call]): [string, Call, string] => [`${method} with ${what} as signal`, call, 'signal'])),
  ...(['timeout', 'interval', 'maxInterval'] as const).flatMap((name): Array<[string, Call, string]> => [
    [`pollSession ${name} above 2^31 - 1 ms`, () => client.pollSession('ref', { [name]: MAX_DELAY + 1, ...(name === 'interval' ? { maxInterval: MAX_DELAY + 1 } : {}) }), name],
    [`pollSession ${name} Infinity`, () => client.pollSession('ref', { [name]: Number.POSITIVE_INFINITY }), name],
  ]),
  ['pollSession options a string', () => client.pollSession('ref', 'fast' as never), 'options'],
  ['signInOrUp loginOptions an array', () => client.signInOrUp('ada@example.com', { loginOptions: [] as never }), 'loginOptions'],
  ['signUp loginOptions a string', () => client.signUp('ada@example.com', { loginOptions: 'x' as never }), 'loginOptions'],
  ['signIn a numeric refreshJwt', () => client.signIn('ada@example.com', { refreshJwt: 42 as never }), 'refreshJwt'],
  ['signIn a blank refreshJwt without step-up', () => client.signIn('ada@example.com', { refreshJwt: '  ' }), 'refreshJwt'],
  ['signInOrUp a numeric providerId', () => client.signInOrUp('ada@example.com', { providerId: 7 as never }), 'providerId'],
  ['updateUserEmail templateOptions a string', () => client.updateUserEmail('ada@example.com', 'ada@new.example', { ...REFRESH, templateOptions: 'x' as never }), 'templateOptions'],
  ['updateUserEmail a redirectUrl that is not http(s)', () => client.updateUserEmail('ada@example.com', 'ada@new.example', { ...REFRESH, redirectUrl: 'mailto:ada@example.com' }), 'redirectUrl'],
  ['verifyToken a numeric pkceVerifier', () => client.verifyToken('tok', { pkceVerifier: 42 as never }), 'pkceVerifier'],
  ['getSession options null', () => client.getSession('ref', null as never), 'options'],
];

describe('method arguments', () => {
  it.each(REJECTED)('%s rejects with InvalidArgumentError before any request', async (_, call, argument) => {
    fetch.mockClear();
    const error = await call().then(
      (value) => ({ resolved: value }),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument });
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each([
    ['a real AbortSignal', withSignal(new AbortController().signal)],
    ['AbortSignal.timeout()', withSignal(AbortSignal.timeout(60_000))],
  ])('every method accepts %s', async (_, calls) => {
    for (const [, call] of calls) await expect(call()).resolves.not.toBeInstanceOf(Error);
  });

  it.each<[string, Call]>([
    ['a login ID that is not an email', () => client.signInOrUp('+15551234567')],
    ['maxInterval equal to interval and backoffFactor 1', () => client.pollSession('ref', { interval: 5, maxInterval: 5, backoffFactor: 1 })],
    ['maxFailures 1 and the longest timer-safe timeout', () => client.pollSession('ref', { maxFailures: 1, timeout: MAX_DELAY })],
    ['an interval above the default maxInterval (maxInterval follows it)', () => client.pollSession('ref', { interval: 5_000 })],
    ['step-up with a refreshJwt', () => client.signIn('ada@example.com', { loginOptions: { stepup: true }, ...REFRESH })],
    ['update options with every field', () => client.updateUserEmail('ada@example.com', 'ada@new.example', { ...REFRESH, addToLoginIds: true, onMergeUseExisting: true, templateId: 't', templateOptions: { a: 'b' }, locale: 'en' })],
  ])('accepts %s', async (_, call) => {
    await expect(call()).resolves.toBeDefined();
  });
});

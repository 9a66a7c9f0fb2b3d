// Every outcome from a realistic answer, status first: the status picks the class, the body only fills it.
import { describe, expect, it } from 'vitest';
import { EnchantedLinkClient, HttpError, NetworkError, type FetchFunction } from '../../src/index.js';
import { PROJECT_ID } from '../helpers/msw.js';

const HTML = (title: string) => `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;
const page = (status: number, headers: Record<string, string> = {}) => new Response(HTML(`${status}`), { status, headers: { 'content-type': 'text/html', ...headers } });
const descope = (status: number, errorCode: string, headers: Record<string, string> = {}) =>
  Response.json({ errorCode, errorDescription: 'described', errorMessage: 'detail' }, { status, headers });

/** What a signUp comes to (a send: none of these answers is retried). */
async function outcome(answer: () => Response) {
  const fetch: FetchFunction = async () => answer();
  const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch });
  return client.signUp('ada@example.com').catch((error: unknown) => error);
}

describe('status first', () => {
  it.each([
    ['a Descope 429 with Retry-After: 60', () => descope(429, 'E130429', { 'retry-after': '60' }), { name: 'RateLimitError', status: 429, errorCode: 'E130429', retryAfter: 60 }],
    ['a CDN 429 HTML page with Retry-After: 60', () => page(429, { 'retry-after': '60' }), { name: 'RateLimitError', status: 429, errorCode: '', retryAfter: 60 }],
    ['a 429 with an empty body and an HTTP-date Retry-After', () => new Response('', { status: 429, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } }), { name: 'RateLimitError', status: 429, errorCode: '' }],
    ['a Descope 400', () => descope(400, 'E011003'), { name: 'DescopeError', status: 400, errorCode: 'E011003', errorDescription: 'described', errorMessage: 'detail' }],
    ['a Descope 409 (user exists)', () => descope(409, 'E062107'), { name: 'DescopeError', status: 409, errorCode: 'E062107' }],
    ['a proxy 403 HTML page', () => page(403), { name: 'ResponseValidationError', status: 403 }],
    ['a 404 with a JSON body that is not Descope\'s', () => Response.json({ message: 'not found' }, { status: 404 }), { name: 'ResponseValidationError', status: 404 }],
    ['a Descope 500', () => descope(500, 'E000500'), { name: 'DescopeError', status: 500 }],
    ['a 502 HTML page', () => page(502), { name: 'ResponseValidationError', status: 502 }],
    ['a 504 with no body', () => new Response(null, { status: 504 }), { name: 'ResponseValidationError', status: 504 }],
    ['a 200 HTML page (captive portal)', () => page(200), { name: 'ResponseValidationError', status: 200 }],
    ['a 200 with the wrong shape', () => Response.json({ linkId: 42 }), { name: 'ResponseValidationError', status: 200 }],
  ])('%s', async (_, answer, expected) => {
    const error = await outcome(answer);
    expect(error).toMatchObject(expected);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toContain('/v1/auth/enchantedlink/signup/email');
  });

  it('reads an HTTP-date Retry-After as seconds from now', async () => {
    const error = await outcome(() => new Response('', { status: 429, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } }));
    expect((error as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(119);
    expect((error as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(121);
  });
});

describe('network errors name what failed', () => {
  it.each([
    ['ECONNREFUSED', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }) })],
    ['ENOTFOUND', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND auth.example.com'), { code: 'ENOTFOUND' }) })],
  ])('%s: the endpoint, the host and the code', async (code, thrown) => {
    const fetch: FetchFunction = () => Promise.reject(thrown);
    const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch, baseUrl: 'https://auth.example.com' });
    const error = await client.signUp('ada@example.com').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`Network error on /v1/auth/enchantedlink/signup/email (auth.example.com): ${code}`);
    expect((error as Error).cause).toBe(thrown);
  });

  it('a runtime error without a code: the endpoint and the host', async () => {
    const fetch: FetchFunction = () => Promise.reject(new TypeError('Failed to fetch'));
    const client = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch });
    const error = await client.signUp('ada@example.com').catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('Network error on /v1/auth/enchantedlink/signup/email (api.descope.com)');
  });
});

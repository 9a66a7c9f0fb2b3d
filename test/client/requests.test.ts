import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { DescopeError, EnchantedLinkClient, type FetchFunction } from '../../src/index.js';
import { API, descopeError, json, pending, PROJECT_ID, SESSION, useMockServer } from '../helpers/msw.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

// Paths spelled out from the wire spec, not imported from src, so a wrong path in src fails here.
const SIGN_IN_OR_UP = '/v1/auth/enchantedlink/signup-in/email';
const SIGN_IN = '/v1/auth/enchantedlink/signin/email';
const SIGN_UP = '/v1/auth/enchantedlink/signup/email';
const UPDATE_EMAIL = '/v1/auth/enchantedlink/update/email';
const VERIFY = '/v1/auth/enchantedlink/verify';
const PENDING_SESSION = '/v1/auth/enchantedlink/pending-session';

const REDIRECT = 'https://app.example.com/verify';
const OTHER_REDIRECT = 'https://other.example.com/auth/callback';
const REFRESH_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJyIjoxfQ.cmVmcmVzaA';
const LINK = { linkId: '42', pendingRef: 'ref-7f3a', maskedEmail: 'a***@example.com' };
const USER = { name: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.com', phone: '+15551234567' };

const { server, seen } = useMockServer();
const client = new EnchantedLinkClient({ projectId: PROJECT_ID, redirectUrl: REDIRECT, ...unlimitedBudget() });
const bare = new EnchantedLinkClient({ projectId: PROJECT_ID, ...unlimitedBudget() });

/** Answers every POST on any host with `body`, and records the full URL of each request. */
function answerEverywhere(body: object) {
  const urls: string[] = [];
  server.use(http.post(/.*/, ({ request }) => {
    urls.push(request.url);
    return json(body);
  }));
  return urls;
}

/** The only request the server saw. */
function onlyRequest() {
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

/** `url` with a binding added, as every send with a redirect URL sends it. */
const bound = (url: string) => expect.stringMatching(new RegExp(`^${url.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}[?&]el_binding=[\\w-]{32}$`));
/** A send's result when it had a redirect URL: Descope's answer and the binding. */
const LINK_BOUND = { ...LINK, binding: expect.stringMatching(/^[\w-]{32}$/) };

const project = `Bearer ${PROJECT_ID}`;
const signedIn = `Bearer ${PROJECT_ID}:${REFRESH_JWT}`;

describe('the request each method sends, and what it resolves with', () => {
  it.each([
    {
      name: 'signInOrUp with every option',
      run: () => client.signInOrUp('ada@example.com', {
        providerId: 'smtp-eu',
        loginOptions: { templateId: 'welcome', templateOptions: { product: 'Acme' }, tenantId: 'T2xyz', customClaims: { plan: 'pro' } },
      }),
      path: SIGN_IN_OR_UP,
      authorization: project,
      body: {
        loginId: 'ada@example.com',
        redirectUrl: bound(REDIRECT),
        providerId: 'smtp-eu',
        loginOptions: { templateId: 'welcome', templateOptions: { product: 'Acme' }, tenantId: 'T2xyz', customClaims: { plan: 'pro' } },
      },
      reply: LINK,
      result: LINK_BOUND,
    },
    { name: 'signInOrUp with no options', run: () => bare.signInOrUp('ada@example.com'), path: SIGN_IN_OR_UP, authorization: project, body: { loginId: 'ada@example.com' }, reply: LINK, result: LINK },
    {
      name: 'signIn with step-up and a per-call URL',
      run: () => client.signIn('ada@example.com', { redirectUrl: OTHER_REDIRECT, refreshJwt: REFRESH_JWT, loginOptions: { stepup: true, customClaims: { role: 'admin' } } }),
      path: SIGN_IN,
      authorization: signedIn,
      body: { loginId: 'ada@example.com', redirectUrl: bound(OTHER_REDIRECT), loginOptions: { stepup: true, customClaims: { role: 'admin' } } },
      reply: LINK,
      result: LINK_BOUND,
    },
    { name: 'signIn with only refreshJwt', run: () => bare.signIn('ada@example.com', { refreshJwt: REFRESH_JWT }), path: SIGN_IN, authorization: signedIn, body: { loginId: 'ada@example.com' }, reply: LINK, result: LINK },
    { name: 'signIn with no options', run: () => client.signIn('ada@example.com'), path: SIGN_IN, authorization: project, body: { loginId: 'ada@example.com', redirectUrl: bound(REDIRECT) }, reply: LINK, result: LINK_BOUND },
    {
      name: 'signUp with a profile and login options',
      run: () => client.signUp('ada@example.com', { user: USER, loginOptions: { customClaims: { plan: 'pro' }, locale: 'en' } }),
      path: SIGN_UP,
      authorization: project,
      body: { loginId: 'ada@example.com', redirectUrl: bound(REDIRECT), user: USER, loginOptions: { customClaims: { plan: 'pro' }, locale: 'en' } },
      reply: { linkId: '07', pendingRef: 'ref-2' },
      result: { linkId: '07', pendingRef: 'ref-2', binding: LINK_BOUND.binding },
    },
    {
      name: 'updateUserEmail with every option',
      run: () => client.updateUserEmail('ada@example.com', 'ada@new.example', {
        refreshJwt: REFRESH_JWT,
        addToLoginIds: true,
        onMergeUseExisting: false,
        templateId: 'changed-email',
        templateOptions: { product: 'Acme' },
        locale: 'fr',
        providerId: 'smtp-eu',
        redirectUrl: OTHER_REDIRECT,
      }),
      path: UPDATE_EMAIL,
      authorization: signedIn,
      body: {
        loginId: 'ada@example.com',
        email: 'ada@new.example',
        redirectUrl: bound(OTHER_REDIRECT),
        addToLoginIDs: true,
        onMergeUseExisting: false,
        templateId: 'changed-email',
        templateOptions: { product: 'Acme' },
        locale: 'fr',
        providerId: 'smtp-eu',
      },
      reply: LINK,
      result: LINK_BOUND,
    },
    {
      name: 'updateUserEmail with only refreshJwt',
      run: () => bare.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt: REFRESH_JWT }),
      path: UPDATE_EMAIL,
      authorization: signedIn,
      body: { loginId: 'ada@example.com', email: 'ada@new.example' },
      reply: LINK,
      result: LINK,
    },
    { name: 'verifyToken with a PKCE verifier', run: () => client.verifyToken('tok-abc', { pkceVerifier: 'dmVyaWZpZXI' }), path: VERIFY, authorization: project, body: { token: 'tok-abc', pkceVerifier: 'dmVyaWZpZXI' }, reply: {}, result: undefined },
    { name: 'verifyToken with no options', run: () => client.verifyToken('tok-abc'), path: VERIFY, authorization: project, body: { token: 'tok-abc' }, reply: {}, result: undefined },
    { name: 'getSession once the link was verified', run: () => client.getSession('ref-7f3a'), path: PENDING_SESSION, authorization: project, body: { pendingRef: 'ref-7f3a' }, reply: SESSION, result: SESSION },
    { name: 'pollSession, session on the first poll', run: () => client.pollSession('ref-7f3a'), path: PENDING_SESSION, authorization: project, body: { pendingRef: 'ref-7f3a' }, reply: SESSION, result: SESSION },
  ])('$name', async ({ run, path, authorization, body, reply, result }) => {
    server.use(http.post(`${API}${path}`, () => json(reply)));

    await expect(run()).resolves.toStrictEqual(result);

    const request = onlyRequest();
    expect(request.path).toBe(path);
    expect(request.headers).toMatchObject({
      authorization,
      'content-type': 'application/json',
      'x-descope-sdk-name': 'enchanted-link',
      'x-descope-sdk-version': packageJson.version,
      'x-descope-project-id': PROJECT_ID,
    });
    expect(request.body).toStrictEqual(body);
  });
});

describe('request details', () => {
  it.each([
    ['the client default', () => new EnchantedLinkClient({ projectId: PROJECT_ID, redirectUrl: 'https://app.example.com/verify/' }).signInOrUp('ada@example.com'), 'https://app.example.com/verify/?el_binding=', ''],
    ['a per-call redirectUrl', () => client.signInOrUp('ada@example.com', { redirectUrl: 'https://app.example.com/verify?next=/&a=%2F' }), 'https://app.example.com/verify?next=/&a=%2F&el_binding=', ''],
    ['a redirectUrl with a fragment', () => client.signInOrUp('ada@example.com', { redirectUrl: 'https://app.example.com/#/verify' }), 'https://app.example.com/?el_binding=', '#/verify'],
  ])('sends %s exactly as given, trailing slash included, with the binding the result names', async (_, run, before, after) => {
    answerEverywhere(LINK);
    const { binding } = await run();
    expect(binding).toMatch(/^[\w-]{32}$/);
    expect(onlyRequest().body).toMatchObject({ redirectUrl: `${before}${binding}${after}` });
  });

  it('adds a fresh binding to every send, and none without a redirect URL', async () => {
    answerEverywhere(LINK);
    const bindings = [(await client.signInOrUp('ada@example.com')).binding, (await client.signIn('ada@example.com')).binding];
    expect(new Set(bindings).size).toBe(2);
    const sent = await bare.signInOrUp('ada@example.com');
    expect(sent).toStrictEqual(LINK);
    expect(seen.at(-1)!.body).not.toHaveProperty('redirectUrl');
  });

  it('never sends the refresh JWT in the body', async () => {
    answerEverywhere(LINK);
    await client.signIn('ada@example.com', { refreshJwt: REFRESH_JWT, loginOptions: { mfa: true } });
    expect(JSON.stringify(onlyRequest().body)).not.toContain(REFRESH_JWT);
  });

  it('passes unknown response fields through to the result', async () => {
    answerEverywhere({ ...LINK, expiresInSeconds: 300, channel: { kind: 'email' } });
    await expect(client.signInOrUp('ada@example.com')).resolves.toStrictEqual({ ...LINK_BOUND, expiresInSeconds: 300, channel: { kind: 'email' } });
  });

  it('getSession resolves undefined while the link is pending (401 E062503)', async () => {
    server.use(http.post(`${API}${PENDING_SESSION}`, pending));
    await expect(client.getSession('ref-7f3a')).resolves.toBeUndefined();
  });

  it.each([
    ['a 401 with another code', 401, 'E011004'],
    ['E062503 with a status other than 401', 400, 'E062503'],
  ])('getSession rejects %s instead of reporting it pending', async (_, status, errorCode) => {
    server.use(http.post(`${API}${PENDING_SESSION}`, () => descopeError(status, errorCode)));
    const error = await client.getSession('ref-7f3a').then((session) => ({ resolvedWith: session }), (caught: unknown) => caught);
    expect(error).toBeInstanceOf(DescopeError);
    expect(error).toMatchObject({ status, errorCode });
  });
});

describe('base URL', () => {
  it.each([
    ['a 28-character project ID uses the global endpoint', { projectId: PROJECT_ID }, `https://api.descope.com${VERIFY}`],
    ['a 32-character project ID uses its region', { projectId: 'Puse12aAc4T2V93bddihGEx2Ryhc8e5Z' }, `https://api.use1.descope.com${VERIFY}`],
    ['a custom baseUrl with a path and a trailing slash joins with one slash', { projectId: PROJECT_ID, baseUrl: 'https://auth.example.com/descope/' }, `https://auth.example.com/descope${VERIFY}`],
    ['a custom baseUrl without a trailing slash joins with one slash', { projectId: PROJECT_ID, baseUrl: 'http://localhost:8787' }, `http://localhost:8787${VERIFY}`],
  ])('%s', async (_, options, url) => {
    const urls = answerEverywhere({});
    await new EnchantedLinkClient(options).verifyToken('tok-abc');
    expect(urls).toEqual([url]);
    expect(onlyRequest().headers).toMatchObject({ authorization: `Bearer ${options.projectId}`, 'x-descope-project-id': options.projectId });
  });
});

describe('client options', () => {
  it('sends custom headers, but never lets them replace authorization or the SDK headers', async () => {
    answerEverywhere(LINK);
    const custom = new EnchantedLinkClient({
      projectId: PROJECT_ID,
      headers: {
        'x-request-source': 'checkout',
        Authorization: 'Bearer attacker',
        'X-Descope-Sdk-Name': 'spoofed',
        'x-descope-sdk-version': '9.9.9',
        'x-descope-project-id': 'Pother',
      },
    });
    await custom.signIn('ada@example.com', { refreshJwt: REFRESH_JWT });
    expect(onlyRequest().headers).toMatchObject({
      'x-request-source': 'checkout',
      authorization: signedIn,
      'x-descope-sdk-name': 'enchanted-link',
      'x-descope-sdk-version': packageJson.version,
      'x-descope-project-id': PROJECT_ID,
    });
  });

  it('sends through the custom fetch, calling it without a `this` (as a browser window.fetch needs)', async () => {
    const requests: Request[] = [];
    // Throws like a browser's `window.fetch` does when called as a method of another object.
    const strictFetch: FetchFunction = function (this: unknown, input) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      requests.push(input);
      return Promise.resolve(json(LINK));
    };
    const custom = new EnchantedLinkClient({ projectId: PROJECT_ID, fetch: strictFetch });

    await expect(custom.signInOrUp('ada@example.com')).resolves.toStrictEqual(LINK);

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: `${API}${SIGN_IN_OR_UP}` });
    expect(requests[0]!.headers.get('authorization')).toBe(project);
    expect(seen).toHaveLength(0);
  });
});

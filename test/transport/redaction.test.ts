import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DescopeError, EnchantedLinkClient } from '../../src/index.js';
import { answer, descopeError, PROJECT_ID, useMockServer } from '../helpers/msw.js';

const TOKEN = 'Zk9tokenFromTheClickedLink0123456789';
const VERIFIER = 'pkce-verifier-0123456789abcdef';
const REFRESH_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSJ9.cmVmcmVzaC1zaWduYXR1cmU';

const { server } = useMockServer();
const client = new EnchantedLinkClient({ projectId: PROJECT_ID });

/** Every rendering of an error a log or a bug report may carry. */
const renderings = (error: unknown) => [String(error), JSON.stringify(error), inspect(error, { depth: Infinity })].join('\n');

describe('a server that echoes credentials in its error body', () => {
  it('never puts the link token or PKCE verifier into the error', async () => {
    server.use(answer('/v1/auth/enchantedlink/verify', descopeError(400, 'E062504', `Bad token ${TOKEN} for verifier ${VERIFIER}`)));
    const error = await client.verifyToken(TOKEN, { pkceVerifier: VERIFIER }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescopeError);
    expect((error as DescopeError).errorDescription).toBe('Bad token [redacted] for verifier [redacted]');
    expect(renderings(error)).not.toContain(TOKEN);
    expect(renderings(error)).not.toContain(VERIFIER);
  });

  it('never puts the refresh JWT into the error', async () => {
    server.use(answer('/v1/auth/enchantedlink/update/email', descopeError(401, 'E061004', `Session ${REFRESH_JWT} expired`)));
    const error = await client.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt: REFRESH_JWT }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DescopeError', errorDescription: 'Session [redacted] expired' });
    expect(renderings(error)).not.toContain(REFRESH_JWT);
  });
});

describe('credentials redacted by what they are, wherever they could surface', () => {
  const PENDING_REF = 'PENDINGREF-4b1d9e7a2c5f8e0d3a6b9c2f5e8a1d4c';
  const HEADER_VALUE = 'custom-api-key-0123456789abcdef';
  const throwing = (thrown: () => unknown) =>
    new EnchantedLinkClient({ projectId: PROJECT_ID, headers: { 'x-api-key': HEADER_VALUE }, fetch: async () => Promise.reject(thrown()) });

  it('redacts the pendingRef from an error body that echoes the request', async () => {
    server.use(answer('/v1/auth/enchantedlink/pending-session', descopeError(400, 'E011003', `Bad request: {"pendingRef":"${PENDING_REF}"}`)));
    const error = await client.getSession(PENDING_REF).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescopeError);
    expect((error as DescopeError).errorDescription).toBe('Bad request: {"pendingRef":"[redacted]"}');
    expect(renderings(error)).not.toContain(PENDING_REF);
  });

  it('redacts the pendingRef from the issues of a success body of the wrong shape', async () => {
    server.use(answer('/v1/auth/enchantedlink/pending-session', () => Response.json({ [PENDING_REF]: true, sessionJwt: 42 })));
    const error = await client.getSession(PENDING_REF).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseValidationError' });
    expect(renderings(error)).not.toContain(PENDING_REF);
  });

  it('walks a cause chain to any depth: a credential 12 causes down is found and redacted', async () => {
    const chain = () => {
      let error = new Error(`socket to ${REFRESH_JWT}`);
      for (let depth = 0; depth < 12; depth++) error = new Error(`layer ${depth}`, { cause: error });
      return Object.assign(new TypeError('fetch failed', { cause: error }), {});
    };
    const error = await throwing(chain).refreshSession(REFRESH_JWT).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkError' });
    expect(renderings(error)).not.toContain(REFRESH_JWT);
    // What is useful for debugging stays: the chain's messages, redacted.
    expect(renderings(error)).toContain('socket to [redacted]');
  });

  it('cuts and replaces a chain too deep to search (a cycle included)', async () => {
    const cyclic = () => {
      const error = new Error('loop') as Error & { cause: unknown };
      error.cause = error;
      let deep: Error = new Error(`key ${HEADER_VALUE}`);
      for (let depth = 0; depth < 40; depth++) deep = new Error(`layer ${depth}`, { cause: deep });
      return new TypeError('fetch failed', { cause: new AggregateError([error, deep], 'both') });
    };
    const error = await throwing(cyclic).getSession(PENDING_REF).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkError' });
    expect(renderings(error)).not.toContain(HEADER_VALUE);
  });

  it('looks into AggregateError.errors and any other own property', async () => {
    const aggregate = () =>
      new TypeError('fetch failed', {
        cause: Object.assign(new AggregateError([new Error('v4 refused'), new Error(`v6 refused for ${TOKEN}`)], 'all addresses failed'), {
          request: { headers: { 'x-api-key': HEADER_VALUE } },
        }),
      });
    const error = await throwing(aggregate).verifyToken(TOKEN).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkError' });
    const text = renderings(error);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(HEADER_VALUE);
    expect(text).toContain('v6 refused for [redacted]');
  });
});

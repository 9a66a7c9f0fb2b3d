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

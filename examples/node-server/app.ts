// The app: its own pages and routes, and the server kit's routes under /auth. One function from Request to
// Response, so it runs on any server that speaks fetch (main.ts serves it on Node's http through srvx).
import type { ServerKit } from 'enchanted-link/server';
import { signInPage } from './sign-in-page.js';

export interface AppOptions {
  /** The server kit (`createServerKit`), mounted at `basePath`. */
  kit: ServerKit;
  /** Where the kit is mounted; the same as the kit's `basePath`. Default `/auth`. */
  basePath?: string;
}

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

export function createApp({ kit, basePath = '/auth' }: AppOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const { pathname } = new URL(request.url);
    // The sign-in page, with the waiting screen.
    if (pathname === '/') return request.method === 'GET' ? signInPage(basePath) : json(405, { error: 'method_not_allowed', message: 'Use GET' });
    // A protected route of the app's own: who is signed in, from the session cookie (no call to Descope).
    if (pathname === '/me') {
      const claims = await kit.getSession(request).catch(() => null);
      if (claims === null) return json(503, { error: 'keys_unavailable', message: 'The session cannot be checked right now' });
      if (!claims) return json(401, { error: 'no_session', message: 'Sign in first' });
      return json(200, { userId: claims.userId, roles: claims.roles, expiresAtSeconds: claims.expiresAtSeconds });
    }
    // Everything else is the kit's: /auth/start, /auth/status, /auth/confirm, /auth/refresh, /auth/sign-out,
    // /auth/session (404 JSON for any other path).
    return kit.handle(request);
  };
}

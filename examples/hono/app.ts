// The app, on any runtime Hono runs on: the server kit answers everything under /auth (start, status,
// the confirm page, refresh, sign-out, session), `/` is the sign-in page, `/me` a route of your own that
// needs a signed-in user. node.ts and worker.ts only say where the kit's state lives and what the
// client's IP address is.
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ServerKit } from 'enchanted-link/server';
import { SIGN_IN_PAGE } from './sign-in-page.ts';

/** The client's IP address as this runtime knows it (the kit's per-IP limit on starting sign-ins). */
export type ClientIp = (c: Context) => string | undefined;

export function createApp(kit: ServerKit, clientIp: ClientIp): Hono {
  const app = new Hono();
  // One line per request, with the path only: the confirm link's query holds its token, a credential.
  app.use(async (c, next) => {
    const started = Date.now();
    await next();
    console.log(`${c.req.method} ${c.req.path} ${c.res.status} ${Date.now() - started}ms`);
  });
  // The kit takes the web platform's Request and answers a Response: no adapter between it and Hono.
  app.all('/auth/*', (c) => kit.handle(c.req.raw, { clientIp: clientIp(c) }));
  // The kit sets its own security headers; the app's pages get Hono's.
  app.use('/', secureHeaders());
  app.use('/me', secureHeaders());
  app.get('/', (c) => c.html(SIGN_IN_PAGE));
  app.get('/me', async (c) => {
    // The session cookie the kit set at sign-in (or an `Authorization: Bearer` header), validated.
    const session = await kit.getSession(c.req.raw);
    if (!session) return c.json({ error: 'no_session', message: 'Sign in first.' }, 401);
    return c.json({ userId: session.userId, roles: session.roles, expiresAtSeconds: session.expiresAtSeconds });
  });
  return app;
}

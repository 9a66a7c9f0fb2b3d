// createServerKit: the backend-driven sign-in as functions from Request to Response, for any framework and
// any number of instances. This file wires the rooms together and routes; the routes live in
// sign-in-routes.ts and session-routes.ts, the state in the store (sign-ins.ts, limits.ts), the keys in keys.ts.
import { EnchantedLinkClient } from '../../client/enchanted-link-client.js';
import type { EventListener } from '../../types/events.js';
import type { SessionClaims } from '../claims.js';
import { SessionValidator } from '../session-validator.js';
import { errorFacts, type KitContext, type KitReport } from './context.js';
import { CsrfTokens } from './csrf.js';
import { boundedStore } from './bounded-store.js';
import { errorResponse, KitError } from './http.js';
import { KitKeys } from './keys.js';
import { SendLimiter } from './limits.js';
import { kitSettings, type ServerKitOptions } from './options.js';
import { RefreshOutcomes } from './refreshes.js';
import { sessionRoutes, type RequestOrHeaders } from './session-routes.js';
import { signInRoutes } from './sign-in-routes.js';
import { SignIns } from './sign-ins.js';

/**
 * What a framework may tell a kit handler about the request, beside the `Request` itself.
 *
 * @category Server kit
 */
export interface KitRequestContext {
  /** The client's IP address (for the per-IP send limit), when the framework knows it. Wins over `ServerKitOptions.clientIp`. */
  clientIp?: string | undefined;
}

/**
 * A kit route: takes the web platform's `Request`, resolves to its `Response`. Never throws: every
 * failure is an answer (JSON `{ error, message }`, or an HTML page for the confirm route). Bound: pass it
 * around as is (`Bun.serve({ fetch: kit.handle })`). In a Next.js route file export
 * `(request: Request) => kit.handle(request)`: Next.js passes a second argument of its own (`{ params }`),
 * which its build-time check would hold against {@link KitRequestContext}.
 *
 * @category Server kit
 */
export type KitHandler = (request: Request, context?: KitRequestContext) => Promise<Response>;

/**
 * What {@link ServerKit.authenticate} resolves to.
 *
 * @category Server kit
 */
export interface Authentication {
  /** The session's claims, or undefined when there is no valid session (and none could be refreshed). */
  claims: SessionClaims | undefined;
  /**
   * `Set-Cookie` values to send with the response: the new session (and rotated refresh) cookies after a
   * refresh, the cleared cookies when Descope refused the refresh; empty otherwise.
   */
  setCookie: string[];
  /**
   * The request's `Cookie` header as it reads once the browser has applied {@link Authentication.setCookie}:
   * the new session (and rotated refresh) cookie in place of the old, cleared cookies removed, every other
   * cookie kept, in order. The request's own header (`''` when it had none) when `setCookie` is empty.
   * Forward it to the code behind a middleware, so that it sees the session on the very request that
   * refreshed it (in Next.js a server component reads the request's cookies, not the response's).
   *
   * @example
   * ```ts
   * // Next.js proxy.ts (middleware)
   * const { setCookie, cookieHeader } = await kit.authenticate(request);
   * const headers = new Headers(request.headers);
   * headers.set('cookie', cookieHeader);
   * const response = NextResponse.next({ request: { headers } });
   * for (const value of setCookie) response.headers.append('set-cookie', value);
   * ```
   */
  cookieHeader: string;
}

/**
 * The backend-driven enchanted-link flow on the web platform's own types, made by {@link createServerKit}.
 * The routes (under `basePath`, `/auth` by default) are served by {@link ServerKit.handle}, or one by one:
 *
 * | member | route | answers |
 * |---|---|---|
 * | `start` | `POST /start` `{ "email" }` | 200 `{ handle, linkId, maskedEmail }`: show `linkId`, keep `handle` |
 * | `status` | `POST /status` `{ "handle" }` | waits up to `waitMs`: 200 `{ status: "pending" }` (ask again), or 200 `{ status: "signed_in", user, sessionExpiration, firstSeen }` with the session cookies; 410 `wrong_number` |
 * | `confirm` | `GET /confirm?el_binding=…&t=…` | the page the emailed link opens: asks for the number; calls nothing upstream |
 * | `confirm` | `POST /confirm` (its form) | same origin + CSRF + the number, then verify: "You are signed in" |
 * | `refresh` | `POST /refresh` | a new session cookie from the refresh cookie: 200 `{ sessionExpiration, user? }` |
 * | `signOut` | `POST /sign-out` (`?everywhere=true`) | revokes the refresh JWT and clears the cookies: 204 |
 * | `session` | `GET /session` | 200 `{ userId, expiresAtSeconds, roles, permissions, tenants }`, or 401 |
 *
 * Errors are JSON `{ "error": code, "message": text }`: `invalid_email`, `invalid_handle`, `invalid_json`,
 * `invalid_body` (400; the last when the body could not be read at all), `no_session`, `session_ended` (clears the cookies), `session_expired`, `invalid_session` (401),
 * `cross_origin`, `no_origin` (403), `unknown_login`, `not_found` (404), `method_not_allowed` (405, with
 * `Allow`), `superseded` (409: a newer status request took over), `wrong_number`, `login_expired` (410),
 * `body_too_large` (413), `unsupported_media_type` (415), `rate_limited` (429, with `Retry-After`),
 * `client_gone` (499, nginx's code for a client that closed the request: nobody reads it), `internal` (500),
 * `upstream_unavailable` (502), `keys_unavailable`, `store_unavailable` (503).
 *
 * Cookies are all `Path=/; HttpOnly; Secure; SameSite=Strict` with the `__Host-` prefix: `__Host-DS`
 * (the session JWT), `__Host-DSR` (the refresh JWT) and `__Host-confirm-browser` (the confirm page's
 * browser id, 10 minutes). No JWT is ever in a body the kit answers with.
 *
 * @category Server kit
 */
export interface ServerKit {
  /**
   * Serves every route below, by path (under `basePath`) and method; 404 `not_found` and 405
   * `method_not_allowed` (with `Allow`) otherwise.
   *
   * @example
   * ```ts
   * // Whatever takes a fetch handler: Bun.serve, Deno.serve, a Worker, srvx's serve() on Node. In Hono:
   * // app.all('/auth/*', (c) => kit.handle(c.req.raw)); in a Next.js catch-all route file: export const POST = (request: Request) => kit.handle(request).
   * const app = { fetch: (request: Request) => kit.handle(request) };
   * ```
   */
  readonly handle: KitHandler;
  /**
   * `POST /start` `{ "email": "…" }`: sends the link, 200 `{ handle, linkId, maskedEmail }`; 400 `invalid_email`, 429 `rate_limited`, 502.
   * When `request.signal` aborts while the send waits for its turn in the request budget, nothing is sent.
   */
  readonly start: KitHandler;
  /**
   * `POST /status` `{ "handle": "…" }`: the long-poll. Answers 200 `{ status: "signed_in", … }` with the
   * session cookies, 200 `{ status: "pending" }` after `waitMs`, 410 `wrong_number` when someone typed a
   * wrong number on the confirm page (on any instance), 410 `login_expired`, 404 `unknown_login`, 409
   * `superseded`. Polling Descope stops when `request.signal` aborts.
   */
  readonly status: KitHandler;
  /**
   * `GET /confirm` (the confirm page) and `POST /confirm` (its form: the number check, then the verify). A
   * wrong number ends the sign-in without calling Descope (400 page; the status request answers 410
   * `wrong_number`); a form with no number (empty, or not 1 to 3 digits) gets the same form again (400 page)
   * and the sign-in goes on.
   */
  readonly confirm: KitHandler;
  /** `POST /refresh`, same origin only: new session cookie; 401 `no_session`, or `session_ended` clearing the cookies. */
  readonly refresh: KitHandler;
  /** `POST /sign-out` (`?everywhere=true` for every device), same origin only: revokes (at most 5 s), clears the cookies, 204. */
  readonly signOut: KitHandler;
  /** `GET /session`: the session's claims, or 401 `no_session` / `session_expired` / `invalid_session`; 503 `keys_unavailable`. */
  readonly session: KitHandler;
  /**
   * The claims of the request's session (the `__Host-DS` cookie, or `Authorization: Bearer`), checked
   * against the project's keys; no request to Descope once the keys are cached.
   *
   * @param request - The `Request`, or its headers (in a Next.js server component: `await headers()`).
   * @returns The claims, or undefined when there is no session, or it is invalid or expired.
   * @throws {@link enchanted-link!InvalidArgumentError} when `request` is neither a `Request` nor `Headers`.
   * @throws {@link enchanted-link!NetworkError}, {@link enchanted-link!RequestTimeoutError} (or another
   *   {@link enchanted-link!EnchantedLinkError}) when the project's keys cannot be fetched: answer 503.
   * @example
   * ```ts
   * const claims = await kit.getSession(request);
   * if (!claims) return new Response('Sign in first', { status: 401 });
   * ```
   */
  getSession(request: RequestOrHeaders): Promise<SessionClaims | undefined>;
  /**
   * For middleware: the session's claims, refreshing it from the refresh cookie when the session cookie
   * is missing or expired. Send {@link Authentication.setCookie} with the response (and, in Next.js, on the
   * request that goes on, so the page sees the new session: {@link Authentication.cookieHeader}).
   *
   * Concurrent refreshes with the same refresh cookie (a page and its prefetches, two tabs; `POST /refresh`
   * too) share one: in this process, one refresh per refresh JWT is in flight and every caller gets its
   * outcome; across instances, the refresh that won keeps its outcome, encrypted, in the store for
   * {@link REFRESH_GRACE_MS}, and a racing refresh (which Descope refuses when it rotates refresh JWTs)
   * takes it from there instead of signing the person out.
   *
   * @param request - The `Request`, or its headers.
   * @returns `{ claims, setCookie, cookieHeader }`: see {@link Authentication}. A refresh that Descope
   *   refused clears the cookies; one that could not reach Descope changes nothing (claims undefined).
   * @throws As {@link ServerKit.getSession}.
   * @example
   * ```ts
   * const { claims, setCookie } = await kit.authenticate(request);
   * const response = claims ? await next() : Response.redirect(new URL('/sign-in', request.url), 303);
   * for (const cookie of setCookie) response.headers.append('set-cookie', cookie);
   * ```
   */
  authenticate(request: RequestOrHeaders): Promise<Authentication>;
}

/**
 * Makes the server kit: the backend-driven sign-in (send, long-poll, confirm page with the number check)
 * and the session after it (cookies, refresh, sign-out, reading the session), as functions from `Request`
 * to `Response` that run unchanged in Next.js route handlers, Hono, Bun, Deno, Cloudflare Workers, and on
 * Node's `http` through an adapter such as `srvx`.
 *
 * The browser never holds the `pendingRef` (it gets a random handle) nor a JWT (HttpOnly cookies). The
 * emailed links open the kit's confirm page, which calls nothing upstream and asks for the number shown
 * where the sign-in started, so mail scanners that open links, and even click, sign nobody in.
 *
 * Several instances: give them all the same `secret` and `store` (`RedisStore` from
 * `enchanted-link/redis`); a sign-in started on one may be polled and confirmed on any other.
 *
 * @param options - See {@link ServerKitOptions}: `projectId`, `secret` and `publicUrl` are required.
 * @returns The {@link ServerKit}.
 * @throws {@link enchanted-link!InvalidArgumentError} naming the option, synchronously, when an option is
 *   missing or malformed (nothing is created, no request is made).
 * @category Server kit
 * @example
 * ```ts
 * import { createServerKit } from 'enchanted-link/server';
 *
 * const kit = createServerKit({
 *   projectId: process.env.DESCOPE_PROJECT_ID!,
 *   secret: process.env.AUTH_SECRET!, // at least 32 characters, the same on every instance
 *   publicUrl: 'https://app.example.com',
 * });
 * // Any server that speaks Request/Response:
 * export default { fetch: (request: Request) => kit.handle(request) };
 * ```
 */
export function createServerKit(options: ServerKitOptions): ServerKit {
  const settings = kitSettings(options);
  const { projectId, baseUrl, fetch, onEvent, requestBudget, audience, basePath } = settings;
  const report = reporter(onEvent);
  const store = boundedStore(settings.store, settings.storeTimeoutMs, (errorType) => report({ step: 'request', outcome: 'failed', status: 503, errorType }));
  const keys = new KitKeys(settings.secret);
  const shared = { projectId, ...(baseUrl !== undefined && { baseUrl }), ...(fetch && { fetch }), ...(onEvent && { onEvent }) };
  const client = new EnchantedLinkClient({ ...shared, redirectUrl: `${settings.origin}${basePath}/confirm`, ...(requestBudget && { requestBudget }) });
  const validator = new SessionValidator({ ...shared, ...(audience !== undefined && { audience }) });
  const context: KitContext = {
    settings,
    client,
    validator,
    signIns: new SignIns(store, keys, settings.signInTtlMs),
    refreshes: new RefreshOutcomes(store, keys),
    limiter: new SendLimiter(store, keys, settings.limits),
    csrf: new CsrfTokens(keys),
    report,
  };
  const signIn = signInRoutes(context);
  const session = sessionRoutes(context);

  /** A route as a handler: only its methods, and every failure an answer. */
  const route = (methods: string, run: (request: Request, context: KitRequestContext | undefined) => Promise<Response>): KitHandler => {
    return async (request, requestContext) => {
      if (!methods.split(', ').includes(request.method)) return errorResponse(new KitError(405, 'method_not_allowed', `Use ${methods}`, { allow: methods }));
      try {
        return await run(request, requestContext);
      } catch (error) {
        if (error instanceof KitError) return errorResponse(error);
        // Only the error's class name is reported: a message may quote what the request carried.
        report({ step: 'request', outcome: 'failed', status: 500, ...errorFacts(error) });
        return errorResponse(new KitError(500, 'internal', 'Something went wrong'));
      }
    };
  };

  const clientIpOf = (request: Request, requestContext: KitRequestContext | undefined) => {
    const given = requestContext?.clientIp;
    return typeof given === 'string' && given ? given : settings.clientIp(request);
  };
  const routes = {
    start: route('POST', (request, requestContext) => signIn.start(request, clientIpOf(request, requestContext))),
    status: route('POST', (request) => signIn.status(request)),
    confirm: route('GET, POST', (request) => (request.method === 'POST' ? signIn.confirm(request) : signIn.confirmPage(request))),
    refresh: route('POST', (request) => session.refresh(request)),
    signOut: route('POST', (request) => session.signOut(request)),
    session: route('GET', (request) => session.session(request)),
  };
  const paths: Record<string, KitHandler> = {
    [`${basePath}/start`]: routes.start,
    [`${basePath}/status`]: routes.status,
    [`${basePath}/confirm`]: routes.confirm,
    [`${basePath}/refresh`]: routes.refresh,
    [`${basePath}/sign-out`]: routes.signOut,
    [`${basePath}/session`]: routes.session,
  };

  const handle: KitHandler = async (request, requestContext) => {
    let pathname: string;
    try {
      pathname = new URL(request.url).pathname;
    } catch {
      pathname = '';
    }
    const handler = Object.hasOwn(paths, pathname) ? paths[pathname] : undefined;
    // Only the path is ever echoed: the query of /confirm holds the link token.
    return handler ? handler(request, requestContext) : errorResponse(new KitError(404, 'not_found', `No route ${pathname.slice(0, 200)}`));
  };

  return { handle, ...routes, getSession: session.getSession, authenticate: session.authenticate };
}

/** `onEvent` for kit events: stamped with the time; a listener that throws changes nothing. */
function reporter(onEvent: EventListener | undefined): (event: KitReport) => void {
  return (event) => {
    if (!onEvent) return;
    try {
      onEvent({ type: 'kit', timeMs: Date.now(), ...event });
    } catch {
      // A listener's failure is its own (as for every SDK event).
    }
  };
}

import { errors, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod/mini';
import { baseUrlForProject } from '../client/base-url.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { arrayOf, assertBaseUrl, assertFunction, assertNonEmptyString, assertProjectId } from '../options/arguments.js';
import { checkOptions, type Spec } from '../options/check-options.js';
import { InvalidSessionError, SessionExpiredError, type InvalidSessionReason } from '../errors/session-errors.js';
import { createExecutor } from '../transport/executor.js';
import type { EventListener } from '../types/events.js';
import { RequestBudget } from '../transport/request-budget.js';
import type { FetchFunction } from '../types/client-options.js';
import { sessionClaims, type SessionClaims } from './claims.js';
import { ProjectKeys } from './project-keys.js';

/**
 * Allowed signature algorithms: asymmetric only. `none` and the HMAC family (`HS256`, …) are refused, so
 * a token cannot pick a weaker check, and each key verifies only the algorithm it is published for.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Accepted clock difference between Descope and this server when checking `exp`, `nbf` and `iat`, in seconds (as node-sdk). */
export const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Limit for a whole key fetch, retries included, in milliseconds. A check without keys waits at most this
 * long (then fails with `RequestTimeoutError`); a check with keys on hand never waits for a fetch. 5 s covers
 * Descope's answer from any region a few times over, and is far under the timeouts of serverless
 * platforms and HTTP proxies (10 to 30 s), so a hanging key server makes a 503, not a dead request.
 */
export const KEYS_DEADLINE_MS = 5_000;

/**
 * The largest key set kept, in keys and in bytes. Descope publishes a handful of keys (the current one and
 * those being rotated in or out, about 1 KB each); a bigger answer is no key set of Descope's, and caching it
 * would let whoever answers the fetch fill the server's memory.
 */
export const MAX_KEYS = 50;
/** See {@link MAX_KEYS}: the largest key set answer read, in bytes (256 KB). */
export const MAX_KEYS_BYTES = 256 * 1024;

const VALIDATOR: Spec = {
  // The keys decide which tokens are genuine: fetched over https: only (http: on loopback only, as the client).
  baseUrl: assertBaseUrl,
  fetch: assertFunction,
  onEvent: assertFunction,
  audience(value, argument) {
    if (Array.isArray(value)) arrayOf(assertNonEmptyString)(value, argument);
    else assertNonEmptyString(value, argument);
  },
};

const jwksSchema = z.looseObject({ keys: z.array(z.looseObject({ kty: z.string() })).check(z.maxLength(MAX_KEYS)) });

/**
 * Options of {@link SessionValidator}.
 *
 * @category Server
 */
export interface SessionValidatorOptions {
  /** Your Descope project ID: the keys are `GET <baseUrl>/v2/keys/<projectId>` and `iss` must name it. Required. */
  projectId: string;
  /**
   * API base URL, e.g. a custom domain, or an emulator's server.
   * @defaultValue `https://api.<region>.descope.com` for 32-character regional project IDs, else `https://api.descope.com` (as the client)
   */
  baseUrl?: string;
  /**
   * The `fetch` used for the keys (a test double, a proxy-aware fetch, the emulator's `fetch`).
   * @defaultValue `globalThis.fetch`
   */
  fetch?: FetchFunction;
  /**
   * The audience (`aud` claim) a token must name, one of several, e.g. your API's identifier when your
   * project's JWT template sets `aud`. A token without `aud`, or naming none of these, is refused with
   * reason `audience`.
   * @defaultValue none: `aud` is not checked (Descope's session tokens have no `aud` unless a template adds one)
   */
  audience?: string | string[];
  /**
   * Told each key fetch (`keys` event: why, how it ended, how many keys, how long) and the requests behind
   * it (`request-*`, `attempt-*`, `wait` events). Never a token. `openTelemetry()` from
   * `enchanted-link/opentelemetry` makes spans of them.
   * @defaultValue none
   */
  onEvent?: EventListener;
}

/**
 * Checks session JWTs on a server (Node, Bun, Deno, Cloudflare Workers): signature against the project's
 * published keys, algorithm, issuer, expiry and not-before, then returns the typed claims. Create one
 * per project and reuse it: it holds the key cache.
 *
 * Keys are fetched on the first check and cached, so steady traffic costs no key fetch at all:
 * - after 10 minutes they are renewed in the background: checks keep using the keys on hand meanwhile,
 *   and when the renewal fails;
 * - a token with an unknown `kid` (a key rotation) fetches them at once, then looks again; only another
 *   unknown `kid` within 30 s of such a fetch is refused without one;
 * - a fetch, retries included, has {@link KEYS_DEADLINE_MS} (5 s): a check with no keys on hand fails then
 *   with `RequestTimeoutError`; for 5 s after a failed fetch, such checks fail at once with its error;
 * - a key set of more than {@link MAX_KEYS} keys or {@link MAX_KEYS_BYTES} bytes is refused, never cached;
 * - keys come over `https:` only (`http:` on loopback only, as the client).
 *
 * A session JWT must say `drn: "DS"` and carry an `iss` Descope signs with: the project ID, or
 * `https://api.descope.com/<projectId>` (the regional API for regional project IDs), or `<baseUrl>/<projectId>`
 * for a custom domain given as `baseUrl`. With `audience`, its `aud` must name it.
 * Times are checked with a tolerance of {@link CLOCK_TOLERANCE_SECONDS} seconds.
 *
 * @category Server
 * @example
 * ```ts
 * import { SessionValidator, SessionError } from 'enchanted-link/server';
 *
 * const sessions = new SessionValidator({ projectId: 'P2abc…' });
 * try {
 *   const { userId, roles } = await sessions.validateSession(token);
 * } catch (error) {
 *   if (error instanceof SessionError) console.log('401'); // expired or invalid
 *   else throw error; // the keys could not be fetched: answer 503
 * }
 * ```
 */
export class SessionValidator {
  readonly #keys: ProjectKeys;
  readonly #issuers: ReadonlySet<string>;
  readonly #audience: string | string[] | undefined;

  /**
   * @param options - Project ID, and optionally the base URL and `fetch`; see {@link SessionValidatorOptions}.
   * @throws {@link enchanted-link!InvalidArgumentError} when an option is missing or malformed (no request is made).
   */
  constructor(options: SessionValidatorOptions) {
    const { projectId, baseUrl: base, fetch, audience, onEvent } = checkOptions(options, VALIDATOR);
    // It becomes a URL path segment and the expected issuer: Descope's IDs are letters and digits.
    assertProjectId(projectId, 'projectId');
    const baseUrl = base ?? baseUrlForProject(projectId);
    this.#issuers = issuersOf(projectId, baseUrl);
    this.#audience = audience;
    // Through the one executor (retries, redaction); key fetches are rare, so no limit, only the shared 429 pause.
    const path = `/v2/keys/${projectId}`;
    const request = createExecutor({ projectId, baseUrl, timeout: KEYS_DEADLINE_MS, fetch: capped(fetch ?? ((input, init) => globalThis.fetch(input, init))), onEvent }, new RequestBudget({ requests: Number.POSITIVE_INFINITY }));
    this.#keys = new ProjectKeys(async () => {
      // One deadline for the fetch and its retries, on timers fake clocks control (`AbortSignal.timeout` is not).
      const deadline = new AbortController();
      // Raced as well as passed on: a custom `fetch` that ignores its signal cannot hold a check past it.
      const timedOut = new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason)));
      const timer = setTimeout(() => deadline.abort(new RequestTimeoutError(path, KEYS_DEADLINE_MS)), KEYS_DEADLINE_MS);
      try {
        return await Promise.race([request({ path, method: 'GET', schema: jwksSchema, retry: 'idempotent', signal: deadline.signal }), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }, onEvent);
  }

  /**
   * Checks a session JWT and returns its claims.
   *
   * Whatever the token is (missing, not a string, garbage), a bad token rejects with a {@link SessionError}
   * subclass, never {@link enchanted-link!InvalidArgumentError}: it comes from the request, not from your code, so one
   * `catch` can answer 401. A refresh JWT (claim `drn: "DSR"`) is refused: it is not a session.
   *
   * @param sessionJwt - The session JWT, e.g. from `Authorization: Bearer <sessionJwt>`.
   * @returns The user ID, expiry, roles, permissions and tenants; see {@link SessionClaims}.
   * @throws {@link SessionExpiredError} when it expired (the client should refresh);
   *   {@link InvalidSessionError} for anything else wrong with it, with a `reason`.
   * @throws {@link enchanted-link!NetworkError}, {@link enchanted-link!RequestTimeoutError}, {@link enchanted-link!DescopeError} or {@link enchanted-link!ResponseValidationError}
   *   when the project's keys could not be fetched: a problem on the server's side, not the token's (answer 503).
   * @example
   * ```ts
   * const token = request.headers.get('authorization')?.replace(/^Bearer /i, '') ?? '';
   * const { userId, roles, tenants } = await sessions.validateSession(token);
   * ```
   */
  async validateSession(sessionJwt: string): Promise<SessionClaims> {
    if (typeof sessionJwt !== 'string' || sessionJwt.split('.').length !== 3) {
      throw new InvalidSessionError('malformed', 'expected a compact JWS (header.payload.signature)');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(sessionJwt, this.#keys.getKey, {
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iss'],
        ...(this.#audience !== undefined && { audience: this.#audience }),
      }));
    } catch (error) {
      throw toSessionError(error);
    }
    if (!this.#issuers.has(payload.iss!)) throw new InvalidSessionError('issuer', 'iss is not one of the issuer names of this project');
    // Descope marks its session JWTs `drn: "DS"` and refresh JWTs `"DSR"`; anything else is no session.
    if (payload.drn === 'DSR') throw new InvalidSessionError('claims', 'this is a refresh JWT, not a session JWT');
    if (payload.drn !== 'DS') throw new InvalidSessionError('claims', 'drn is not "DS": not a session JWT');
    return sessionClaims(payload);
  }
}

/** jose's verdict as our error; anything else (a key fetch failure, already one of ours) passes through. */
function toSessionError(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) return new SessionExpiredError(Number(error.payload.exp));
  if (!(error instanceof errors.JOSEError)) return error;
  const reason: InvalidSessionReason =
    error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys
      ? 'unknown-key'
      : error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported
        ? 'algorithm'
        : error instanceof errors.JWSSignatureVerificationFailed
          ? 'signature'
          : error instanceof errors.JWTClaimValidationFailed
            ? error.claim === 'nbf' || error.claim === 'iat'
              ? 'not-yet-valid'
              : error.claim === 'aud'
                ? 'audience'
                : 'claims'
            : 'malformed';
  // jose's messages name the check that failed, never the token.
  return new InvalidSessionError(reason, error.message);
}

/**
 * The exact `iss` values Descope signs a project's session JWTs with: the project ID, or the URL of the API
 * that issued it followed by the project ID (`https://api.descope.com/<projectId>`, the regional
 * `https://api.<region>.descope.com/<projectId>`, or a custom domain's `https://auth.example.com/<projectId>`,
 * the domain given as `baseUrl`). A URL on any other host is refused even when it ends with the project
 * ID (`https://evil.example/<projectId>`): only the API the keys come from may issue.
 */
function issuersOf(projectId: string, baseUrl: string): Set<string> {
  const hosts = new Set([new URL(baseUrl).origin, new URL(baseUrlForProject(projectId)).origin, 'https://api.descope.com']);
  return new Set([projectId, ...[...hosts].map((origin) => `${origin}/${projectId}`)]);
}

/**
 * `fetch` with the answer's body cut at {@link MAX_KEYS_BYTES}: a bigger key set fails as it arrives
 * (a network error naming the limit), before it fills the memory.
 */
function capped(fetch: FetchFunction): FetchFunction {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body || response.type === 'error') return response;
    let bytes = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > MAX_KEYS_BYTES) controller.error(new RangeError(`the key set is larger than ${MAX_KEYS_BYTES} bytes`));
        else controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(limit), response);
  };
}

import { errors, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod/mini';
import { baseUrlForProject } from '../client/base-url.js';
import { assertBaseUrl, assertFunction, assertProjectId } from '../options/arguments.js';
import { checkOptions, type Spec } from '../options/check-options.js';
import { InvalidSessionError, SessionExpiredError, type InvalidSessionReason } from '../errors/session-errors.js';
import { createExecutor } from '../transport/executor.js';
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

/** Limit for one key fetch, in milliseconds. */
const KEYS_TIMEOUT_MS = 10_000;

const VALIDATOR: Spec = {
  // The keys decide which tokens are genuine: fetched over https: only (http: on loopback only, as the client).
  baseUrl: assertBaseUrl,
  fetch: assertFunction,
};

const jwksSchema = z.looseObject({ keys: z.array(z.looseObject({ kty: z.string() })) });

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
}

/**
 * Checks session JWTs on a server (Node, Bun, Deno, Cloudflare Workers): signature against the project's
 * published keys, algorithm, issuer, expiry and not-before, then returns the typed claims. Create one
 * per project and reuse it: it holds the key cache.
 *
 * Keys are fetched on the first check and cached; a token with an unknown `kid` (a key rotation) fetches
 * them again, at most once per 30 s; they are renewed after 10 minutes (the old ones stay in use if that
 * fails); after a failed fetch, checks fail fast for 5 s. So steady traffic costs no key fetch at all.
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
  readonly #projectId: string;
  readonly #keys: ProjectKeys;

  /**
   * @param options - Project ID, and optionally the base URL and `fetch`; see {@link SessionValidatorOptions}.
   * @throws {@link enchanted-link!InvalidArgumentError} when an option is missing or malformed (no request is made).
   */
  constructor(options: SessionValidatorOptions) {
    const { projectId, baseUrl, fetch } = checkOptions(options, VALIDATOR);
    // It becomes a URL path segment and the expected issuer: Descope's IDs are letters and digits.
    assertProjectId(projectId, 'projectId');
    this.#projectId = projectId;
    // Through the one executor (retries, timeout, redaction); key fetches are rare, so no limit, only the shared 429 pause.
    const request = createExecutor({ projectId, baseUrl: baseUrl ?? baseUrlForProject(projectId), timeout: KEYS_TIMEOUT_MS, fetch }, new RequestBudget({ requests: Number.POSITIVE_INFINITY }));
    this.#keys = new ProjectKeys(() => request({ path: `/v2/keys/${projectId}`, method: 'GET', schema: jwksSchema, retry: 'idempotent' }));
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
      }));
    } catch (error) {
      throw toSessionError(error);
    }
    if (!issuerNamesProject(payload.iss, this.#projectId)) throw new InvalidSessionError('issuer', 'iss is not this project');
    if (payload.drn === 'DSR') throw new InvalidSessionError('claims', 'this is a refresh JWT, not a session JWT');
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
              : 'claims'
            : 'malformed';
  // jose's messages name the check that failed, never the token.
  return new InvalidSessionError(reason, error.message);
}

/** Descope's `iss` is the project ID, or a URL whose last path segment is the project ID (spec §16). */
function issuerNamesProject(iss: string | undefined, projectId: string): boolean {
  if (iss === projectId) return true;
  try {
    const url = new URL(iss ?? '');
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.pathname.split('/').filter(Boolean).at(-1) === projectId;
  } catch {
    return false;
  }
}

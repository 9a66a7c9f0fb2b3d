import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * A session JWT was refused: {@link SessionExpiredError} or {@link InvalidSessionError}. Catch this one
 * class to answer 401. Messages never quote the token.
 *
 * @category Errors
 * @example
 * ```ts
 * import { SessionError, SessionValidator } from 'enchanted-link/server';
 *
 * const sessions = new SessionValidator({ projectId: 'P2abc' });
 *
 * export async function handle(request: Request): Promise<Response> {
 *   try {
 *     const { userId } = await sessions.validateSession(request.headers.get('authorization')?.slice(7) ?? '');
 *     return Response.json({ userId });
 *   } catch (error) {
 *     if (error instanceof SessionError) return new Response(null, { status: 401 });
 *     throw error; // the keys could not be fetched: NetworkError, RequestTimeoutError, DescopeError…
 *   }
 * }
 * ```
 */
export class SessionError extends EnchantedLinkError {}
SessionError.prototype.name = 'SessionError';

/**
 * Why a session JWT is invalid:
 * - `malformed`: not a compact JWS (three base64url parts), or not a string at all;
 * - `algorithm`: `alg` is not an allowed asymmetric algorithm (`none`, `HS256`, …) or does not match the key;
 * - `unknown-key`: no published key has its `kid`, even after refetching the keys;
 * - `signature`: the signature does not verify (tampered, or another project's key);
 * - `issuer`: `iss` is not one of this project's issuer names (the project ID, or the API's URL and the project ID);
 * - `audience`: an `audience` was configured and `aud` names none of it;
 * - `not-yet-valid`: `nbf` (not before) is in the future, beyond the clock tolerance;
 * - `claims`: a required claim (`sub`, `exp`, `iss`) is missing or mistyped, or `drn` is not `DS` (a refresh JWT says `DSR`).
 *
 * @category Errors
 */
export type InvalidSessionReason = 'malformed' | 'algorithm' | 'unknown-key' | 'signature' | 'issuer' | 'audience' | 'not-yet-valid' | 'claims';

/**
 * The session JWT is not a valid session of this project (see {@link InvalidSessionReason}). The user
 * must sign in again; refreshing does not help unless the refresh JWT is valid.
 *
 * @category Errors
 */
export class InvalidSessionError extends SessionError {
  /** Why it was refused. */
  readonly reason: InvalidSessionReason;

  /** @internal */
  constructor(reason: InvalidSessionReason, detail: string) {
    super(`Invalid session JWT (${reason}): ${detail}`);
    this.reason = reason;
  }
}
InvalidSessionError.prototype.name = 'InvalidSessionError';

/**
 * The session JWT is genuine but expired (its `exp` is past, beyond the clock tolerance). The client
 * should call `refreshSession` and retry.
 *
 * @category Errors
 */
export class SessionExpiredError extends SessionError {
  /** When it expired, in Unix **seconds** (the `exp` claim). */
  readonly expiredAtSeconds: number;

  /** @internal */
  constructor(expiredAtSeconds: number) {
    super(`Session JWT expired at ${new Date(expiredAtSeconds * 1000).toISOString()}`);
    this.expiredAtSeconds = expiredAtSeconds;
  }
}
SessionExpiredError.prototype.name = 'SessionExpiredError';

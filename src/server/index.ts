/**
 * `enchanted-link/server`: check session JWTs on a server (Node, Bun, Deno, Cloudflare Workers) against the
 * project's published keys. Its own entry, so no browser bundle pays for `jose`.
 *
 * @module enchanted-link/server
 */
export { SessionValidator, CLOCK_TOLERANCE_SECONDS, KEYS_DEADLINE_MS, MAX_KEYS, MAX_KEYS_BYTES, type SessionValidatorOptions } from './session-validator.js';
export type { SessionClaims, TenantClaims } from './claims.js';
export { SessionError, InvalidSessionError, SessionExpiredError, type InvalidSessionReason } from '../errors/session-errors.js';

/**
 * `enchanted-link/server`: the server side (Node, Bun, Deno, Cloudflare Workers). The server kit
 * ({@link createServerKit}) serves the backend-driven sign-in and the session after it as functions from
 * `Request` to `Response`, for any framework and any number of instances; {@link SessionValidator} checks
 * session JWTs against the project's published keys. Its own entry, so no browser bundle pays for `jose`.
 *
 * @module enchanted-link/server
 */
export {
  createServerKit,
  type Authentication,
  type KitHandler,
  type KitRequestContext,
  type ServerKit,
} from './kit/create-server-kit.js';
export type { ServerKitOptions } from './kit/options.js';
export type { SendLimits } from './kit/limits.js';
export type { RequestOrHeaders } from './kit/session-routes.js';
export { MemoryStore, type KitStore } from './kit/store.js';
export { WATCH_INTERVAL_MS } from './kit/sign-in-routes.js';
export { REFRESH_DEADLINE_MS, SIGN_OUT_DEADLINE_MS } from './kit/session-routes.js';
export { REFRESH_GRACE_MS, REFRESH_SETTLE_MS } from './kit/refreshes.js';
export { SessionValidator, CLOCK_TOLERANCE_SECONDS, KEYS_DEADLINE_MS, MAX_KEYS, MAX_KEYS_BYTES, type SessionValidatorOptions } from './session-validator.js';
export type { SessionClaims, TenantClaims } from './claims.js';
export { SessionError, InvalidSessionError, SessionExpiredError, type InvalidSessionReason } from '../errors/session-errors.js';

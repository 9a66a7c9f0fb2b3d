// The project's public keys, fetched from Descope and cached. jose's createRemoteJWKSet does most of this,
// but it has no floor after a failed fetch (every check would call Descope while it is down), cannot use
// our transport (typed errors, timeout, custom fetch) and reads no stale keys when a renewal fails.
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** Keys are renewed on the first check after this age; a failed renewal keeps the old keys. */
export const KEYS_MAX_AGE_MS = 10 * 60_000;
/** An unknown `kid` refetches the keys at most this often (jose's default cooldown). */
export const UNKNOWN_KID_REFETCH_FLOOR_MS = 30_000;
/** After a failed fetch, checks fail at once with the same error for this long instead of each calling Descope. */
export const FAILED_FETCH_FLOOR_MS = 5_000;

/** Fetches the JWK set once, on first use; see the floors above for when it fetches again. */
export class ProjectKeys {
  readonly #load: () => Promise<JSONWebKeySet>;
  #keys: ReturnType<typeof createLocalJWKSet> | undefined;
  #fetchedAt = -Infinity;
  #attemptedAt = -Infinity;
  #failure: unknown;
  #pending: Promise<void> | undefined;

  constructor(load: () => Promise<JSONWebKeySet>) {
    this.#load = load;
  }

  /** For `jwtVerify`: the key for this token's header. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = Date.now();
    if (!this.#keys) {
      if (this.#failure !== undefined && now - this.#attemptedAt < FAILED_FETCH_FLOOR_MS) throw this.#failure;
      await this.#fetch();
    } else if (now - this.#fetchedAt >= KEYS_MAX_AGE_MS && now - this.#attemptedAt >= FAILED_FETCH_FLOOR_MS) {
      await this.#fetch().catch(() => undefined); // stale keys are better than none
    }
    try {
      return await this.#keys!(header, token);
    } catch (error) {
      // A new kid is a rotation at Descope: fetch again, once per floor, then look again.
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - this.#attemptedAt < UNKNOWN_KID_REFETCH_FLOOR_MS) throw error;
      await this.#fetch();
      return this.#keys!(header, token);
    }
  };

  /** One fetch at a time, shared by every check that waits for it. */
  #fetch(): Promise<void> {
    this.#pending ??= (async () => {
      this.#attemptedAt = Date.now();
      try {
        this.#keys = createLocalJWKSet(await this.#load());
        this.#fetchedAt = Date.now();
        this.#failure = undefined;
      } catch (error) {
        this.#failure = error;
        throw error;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }
}

// A refresh's outcome, kept for a few seconds under the refresh JWT it spent, so that requests racing it
// with the same cookie (a page and its prefetches, two tabs, two instances) get the same new session
// instead of Descope's refusal of a rotated-away refresh JWT, which would sign the person out.
//
// In the store (see keys.ts):
//   refreshed:<mac>   the new session, AES-GCM encrypted (bound to its key name)   REFRESH_GRACE_MS
//   rotated:<new>     <mac>, when Descope rotated: a sign-out with the new refresh JWT finds the outcome
// where <mac> is the HMAC of the old refresh JWT, <new> of the rotated one: no JWT is ever stored in clear.
import type { Session } from '../../types/session.js';
import type { KitKeys } from './keys.js';
import type { KitStore } from './store.js';

/**
 * How long a refresh's outcome is kept for requests that carry the same (old) refresh JWT, in ms: 10 s.
 *
 * Why: the requests that race a refresh left one browser with one cookie within moments of each other (a
 * page and its prefetches, tabs restored together), or were sent before the browser stored the winner's
 * `Set-Cookie`. Each is at most one Descope round trip (well under a second when healthy, a few seconds
 * when slow or paced by the request budget) behind the winner before it looks here. 10 s covers that with
 * margin; longer would only widen the window below.
 *
 * The security trade-off: within the grace, whoever presents the old refresh JWT gets the new session
 * (and the rotated refresh JWT), which is the replay that rotation's theft detection would otherwise
 * refuse. A thief must use a stolen refresh JWT within 10 s after its owner's refresh; outside that
 * window rotation works as before. A sign-out (`POST /sign-out`, with the old or the new refresh JWT)
 * removes the kept outcome first, so a signed-out session is not handed out again. The outcome is
 * encrypted and filed under an HMAC, so a store dump yields no JWT.
 *
 * @category Server kit
 */
export const REFRESH_GRACE_MS = 10_000;

/**
 * How long a refresh that Descope refused waits before its last look for a racing refresh's outcome, in
 * ms: 500. The winner writes its outcome right after Descope answers it, about when the loser is refused;
 * the write (an HMAC, an encryption and one store round trip) takes milliseconds, 500 ms covers a slow
 * store. Only a refused refresh waits, so the cost is a session that really ended clearing 0.5 s later.
 *
 * @category Server kit
 */
export const REFRESH_SETTLE_MS = 500;

const isSession = (value: unknown): value is Session => typeof value === 'object' && value !== null && typeof (value as Session).sessionJwt === 'string';

export class RefreshOutcomes {
  readonly #store: KitStore;
  readonly #keys: KitKeys;

  constructor(store: KitStore, keys: KitKeys) {
    this.#store = store;
    this.#keys = keys;
  }

  /** The id a refresh JWT goes by (in the store and in the in-flight map): its HMAC, never the JWT. */
  id(refreshJwt: string): Promise<string> {
    return this.#keys.name('refresh', refreshJwt);
  }

  /**
   * The session a refresh from refresh JWT `id` resulted in within the grace, or undefined. Rejects when
   * the store fails (reported by the bounded store): the caller then goes on as without the store.
   */
  async find(id: string): Promise<Session | undefined> {
    const key = `refreshed:${id}`;
    const session = await this.#keys.open(key, await this.#store.get(key));
    return isSession(session) ? session : undefined;
  }

  /**
   * Keeps the session a refresh from refresh JWT `id` resulted in, for {@link REFRESH_GRACE_MS}: both
   * writes at once, so a store that hangs costs one `storeTimeoutMs`. A store that fails is reported (as
   * every store failure of the kit) and changes nothing for this refresh.
   */
  async keep(id: string, session: Session): Promise<void> {
    const key = `refreshed:${id}`;
    // Sealed and named before any write starts: no write is left unwatched while another await runs.
    const sealed = await this.#keys.seal(key, session);
    const rotated = session.refreshJwt ? `rotated:${await this.id(session.refreshJwt)}` : undefined;
    try {
      await Promise.all([this.#store.set(key, sealed, REFRESH_GRACE_MS), rotated && this.#store.set(rotated, id, REFRESH_GRACE_MS)]);
    } catch {
      // Reported by the bounded store; only racing requests lose the outcome.
    }
  }

  /**
   * Removes what a refresh kept for the session of `refreshJwt` (the refresh JWT it spent or the one it
   * rotated to): a signed-out session is not handed out again. A store that fails is reported, and the
   * outcome expires within {@link REFRESH_GRACE_MS} anyway. Never rejects.
   */
  async forget(refreshJwt: string): Promise<void> {
    // Never rejects: a sign-out runs it alongside Descope's revoke, and must not fail because of it.
    try {
      const id = await this.id(refreshJwt);
      const spent = await this.#store.take(`rotated:${id}`);
      await Promise.all([this.#store.take(`refreshed:${id}`), spent && this.#store.take(`refreshed:${spent}`)]);
    } catch {
      // Reported by the bounded store.
    }
  }
}

// CSRF tokens for the confirm form that mean something: bound to one pending sign-in (its binding) and to
// one browser (a random id in a `__Host-` cookie the confirm page sets), with an expiry, and signed with a
// key from configuration, so every instance that shares the key accepts the tokens of the others. Nothing
// is stored: the token carries its expiry, and the signature covers all three.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie that names this browser to the confirm form (`__Host-`: Secure, Path=/, no Domain). */
export const BROWSER_COOKIE = '__Host-confirm-browser';

/** How long a confirm page's token stays usable, in ms: time to read the page and type the number. */
export const CSRF_TTL_MS = 10 * 60_000;

export class CsrfTokens {
  readonly #key: Buffer;
  readonly #now: () => number;

  /** `key`: at least 32 bytes of secret, the same on every instance. */
  constructor(key: string | Uint8Array, now: () => number = Date.now) {
    this.#key = Buffer.from(key);
    if (this.#key.length < 32) throw new Error('The CSRF key must be at least 32 bytes');
    this.#now = now;
  }

  /** A new random id for a browser that has none (the value of {@link BROWSER_COOKIE}). */
  static newBrowserId(): string {
    return randomBytes(18).toString('base64url');
  }

  /** A token for the confirm form of the sign-in `binding`, shown to the browser `browserId`. */
  issue(binding: string, browserId: string): string {
    const expiresAt = this.#now() + CSRF_TTL_MS;
    return `${expiresAt}.${this.#sign(binding, browserId, expiresAt)}`;
  }

  /** Whether `token` was issued by a holder of the key, for this sign-in and browser, and has not expired. */
  accepts(token: string, binding: string, browserId: string): boolean {
    const [expires = '', signature = ''] = token.split('.');
    const expiresAt = Number(expires);
    if (!/^\d+$/.test(expires) || expiresAt <= this.#now() || !binding || !browserId) return false;
    const expected = Buffer.from(this.#sign(binding, browserId, expiresAt));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  #sign(binding: string, browserId: string, expiresAt: number): string {
    // Length-prefixed, so no two different triples sign the same bytes.
    const message = [binding, browserId, String(expiresAt)].map((part) => `${part.length}:${part}`).join('|');
    return createHmac('sha256', this.#key).update(`confirm-form|${message}`).digest('base64url');
  }
}

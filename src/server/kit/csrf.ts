// CSRF tokens for the confirm form that mean something: bound to one pending sign-in (its binding) and to
// one browser (a random id in a `__Host-` cookie the confirm page sets), with an expiry, and signed with a
// key derived from the kit's secret, so every instance accepts the tokens of the others. Nothing is
// stored: the token carries its expiry, and the signature covers all three.
import type { KitKeys } from './keys.js';

/** How long a confirm page's token stays usable, in ms: time to read the page and type the number. */
export const CSRF_TTL_MS = 10 * 60_000;

// Length-prefixed, so no two different triples sign the same bytes.
const message = (binding: string, browserId: string, expiresAt: number) =>
  `confirm-form|${[binding, browserId, String(expiresAt)].map((part) => `${part.length}:${part}`).join('|')}`;

export class CsrfTokens {
  readonly #keys: KitKeys;

  constructor(keys: KitKeys) {
    this.#keys = keys;
  }

  /** A token for the confirm form of the sign-in `binding`, shown to the browser `browserId`. */
  async issue(binding: string, browserId: string): Promise<string> {
    const expiresAt = Date.now() + CSRF_TTL_MS;
    return `${expiresAt}.${await this.#keys.signCsrf(message(binding, browserId, expiresAt))}`;
  }

  /** Whether `token` was issued under this secret, for this sign-in and browser, and has not expired. */
  async accepts(token: string, binding: string, browserId: string): Promise<boolean> {
    const [expires = '', signature = '', ...rest] = token.split('.');
    const expiresAt = Number(expires);
    if (rest.length > 0 || !/^\d{1,15}$/.test(expires) || expiresAt <= Date.now() || !binding || !browserId) return false;
    return this.#keys.verifyCsrf(message(binding, browserId, expiresAt), signature);
  }
}

// The per-sign-in binding: a fresh random value each send adds to the redirect URL it gives Descope, so the
// verify page can tell whether the browser that opened a link is the one that asked for it (§17 of the spec,
// guides/security.md). The waiting side keeps it: the client, for its `pollSession`, and `LinkSent.binding`
// for a server that serves the verify page itself.
import { BINDING_PARAM } from '../protocol/paths.js';

/** A new binding: 192 random bits as 32 base64url characters (no padding), safe in a query as is. */
export function newBinding(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * `redirectUrl` with `el_binding=<binding>` added at the end of its query (before any fragment). The rest of
 * the URL is kept byte for byte: re-serialising it with `URL` would re-encode the app's own parameters.
 */
export function withBinding(redirectUrl: string, binding: string): string {
  const hash = redirectUrl.indexOf('#');
  const base = hash < 0 ? redirectUrl : redirectUrl.slice(0, hash);
  const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
  return `${base}${separator}${BINDING_PARAM}=${binding}${hash < 0 ? '' : redirectUrl.slice(hash)}`;
}

/**
 * The bindings of this client's recent sends, by `pendingRef`, for its `pollSession` to answer the verify
 * page's handshake with. Bounded: a server sending for thousands of users keeps only the last few (it has
 * no tab to answer from anyway), and a page never needs more than its latest sends.
 */
export class Bindings {
  static readonly KEPT = 16;
  readonly #byPendingRef = new Map<string, string>();

  keep(pendingRef: string, binding: string): void {
    this.#byPendingRef.delete(pendingRef);
    this.#byPendingRef.set(pendingRef, binding);
    if (this.#byPendingRef.size > Bindings.KEPT) this.#byPendingRef.delete(this.#byPendingRef.keys().next().value!);
  }

  get(pendingRef: string): string | undefined {
    return this.#byPendingRef.get(pendingRef);
  }
}

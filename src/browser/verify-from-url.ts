import type { EnchantedLinkClient } from '../client/enchanted-link-client.js';
import { readTokenFromUrl } from '../client/read-token-from-url.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { announceVerified } from '../poll/wake-ups.js';

/**
 * Options of {@link verifyFromUrl}.
 *
 * @category Client
 */
export interface VerifyFromUrlOptions {
  /**
   * The URL the link opened, with the token in its `t` query parameter.
   * @defaultValue `location.href`
   */
  url?: string | URL;
}

// One verification per token per page: a token is single-use, so a second request could only fail.
const verifications = new Map<string, Promise<void>>();
// The address this page had after its token was stripped, and that token.
let stripped: { href: string; token: string } | undefined;

/**
 * Verifies the link that opened this page: the one call the page behind `redirectUrl` needs.
 *
 * It reads the token from `t`, removes `t` from the address bar with `history.replaceState` before
 * the request (other query parameters, the hash and `history.state` are kept), so the one-time token
 * stays out of history, bookmarks and `Referer`; then calls {@link EnchantedLinkClient.verifyToken}
 * and, on success, tells the tabs of this origin that are waiting in `pollSession` to poll at once.
 *
 * Idempotent per token within one page: repeated calls (React StrictMode, a double click) send one
 * request and share its outcome, the same rejection included. To retry after a network failure, open
 * the link again (the token is no longer in the address bar, so a reload does not carry it).
 *
 * @param client - The client of your project.
 * @param options - The URL to read instead of `location.href`.
 * @returns Resolves once Descope accepted the link.
 * @throws {@link InvalidArgumentError} with `argument: 'url'` when the URL has no `t` or an empty one,
 *   is not absolute, or is omitted outside a browser; before any request.
 * @throws {@link DescopeError} when Descope refuses the token (garbled, expired, already used, wrong
 *   number); {@link RateLimitError}, {@link ResponseValidationError}, {@link NetworkError},
 *   {@link RequestTimeoutError} for a bad answer or none.
 * @category Client
 * @example
 * ```ts
 * import { DescopeError, EnchantedLinkClient, InvalidArgumentError, verifyFromUrl } from 'enchanted-link';
 *
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…' });
 * try {
 *   await verifyFromUrl(client); // on https://app.example.com/verify?t=…
 *   showMessage('Signed in: return to the tab where you started.');
 * } catch (error) {
 *   if (error instanceof InvalidArgumentError) showMessage('Open the link from your email.');
 *   else if (error instanceof DescopeError) showMessage('This link is invalid or expired. Send a new one.');
 *   else showMessage('Could not reach the server. Open the link from your email again.');
 * }
 * ```
 */
export async function verifyFromUrl(client: EnchantedLinkClient, options: VerifyFromUrlOptions = {}): Promise<void> {
  const { url } = options;
  // A second call reads the address bar after the first one stripped it: it gets that token back.
  const token = readTokenFromUrl(url) ?? (url === undefined && stripped?.href === location.href ? stripped.token : undefined);
  if (!token) throw new InvalidArgumentError('url', 'no `t` parameter');
  let verification = verifications.get(token);
  if (!verification) {
    stripToken(token);
    verifications.set(token, (verification = client.verifyToken(token).then(announceVerified)));
  }
  return verification;
}

/** Drops `t` from the address bar, when it holds this token. */
function stripToken(token: string): void {
  if (typeof history !== 'object' || typeof location !== 'object') return;
  const url = new URL(location.href);
  if (url.searchParams.get('t') !== token) return;
  url.searchParams.delete('t');
  history.replaceState(history.state, '', url);
  stripped = { href: location.href, token };
}

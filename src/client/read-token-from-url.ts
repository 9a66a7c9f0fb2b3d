import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { BINDING_PARAM } from '../protocol/paths.js';

/**
 * Reads the link token (the `t` query parameter) from the URL the user's click opened.
 *
 * @param url - The URL to read; defaults to the current page's `location.href` in a browser.
 * @returns The token, or `undefined` when the URL has no non-empty `t`.
 * @throws {@link InvalidArgumentError} when `url` is not an absolute URL, or is omitted outside a browser.
 * @category Client
 * @example
 * ```ts
 * const token = readTokenFromUrl();            // on https://app.example.com/verify?t=abc → 'abc'
 * if (token) await client.verifyToken(token);
 * ```
 */
export function readTokenFromUrl(url?: string | URL): string | undefined {
  return readParam(url, 't');
}

/**
 * Reads the sign-in's binding (the `el_binding` query parameter each send adds to the redirect URL; see
 * {@link LinkSent.binding}) from the URL the user's click opened. A server that serves the verify page
 * itself uses it to find the pending sign-in the link belongs to; a page never needs it
 * ({@link verifyFromUrl} reads it).
 *
 * @param url - The URL to read; defaults to the current page's `location.href` in a browser.
 * @returns The binding, or `undefined` when the URL has none (a link sent without a redirect URL).
 * @throws {@link InvalidArgumentError} when `url` is not an absolute URL, or is omitted outside a browser.
 * @category Client
 * @example
 * ```ts
 * // On your server's GET /verify; compare with the LinkSent.binding you stored with the pending sign-in.
 * const binding = readBindingFromUrl('https://app.example.com/verify?el_binding=mOGBehGf&t=abc'); // 'mOGBehGf'
 * ```
 */
export function readBindingFromUrl(url?: string | URL): string | undefined {
  return readParam(url, BINDING_PARAM);
}

function readParam(url: string | URL | undefined, name: string): string | undefined {
  const href = url ?? (globalThis as { location?: { href: string } }).location?.href;
  if (href === undefined) throw new InvalidArgumentError('url', 'required outside a browser');
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw new InvalidArgumentError('url', 'expected an absolute URL');
  }
  return parsed.searchParams.get(name) || undefined;
}

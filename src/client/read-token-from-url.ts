import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

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
  const href = url ?? (globalThis as { location?: { href: string } }).location?.href;
  if (href === undefined) throw new InvalidArgumentError('url', 'required outside a browser');
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw new InvalidArgumentError('url', 'expected an absolute URL');
  }
  return parsed.searchParams.get('t') || undefined;
}

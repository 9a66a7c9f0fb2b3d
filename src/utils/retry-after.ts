/** Longest `Retry-After` taken as given, in seconds (a day): a wait beyond it is capped to it. */
export const MAX_RETRY_AFTER = 86_400;

/**
 * `Retry-After` as whole seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3), at most
 * {@link MAX_RETRY_AFTER}, so that any value makes a valid timer. Missing, negative or unreadable values
 * give `0`, as Descope's own SDKs do. The SDK's only reader of the header.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (value === null) return 0;
  const trimmed = value.trim();
  const date = Date.parse(trimmed);
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.isNaN(date) ? 0 : Math.ceil((date - now) / 1000);
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER);
}

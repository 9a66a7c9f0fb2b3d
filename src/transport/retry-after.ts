/** Longest `Retry-After` taken as given, in seconds (a day): a later one is reported as a day. */
export const MAX_RETRY_AFTER = 86_400;

/** RFC 9110 §5.6.7 IMF-fixdate, the only date form a sender may generate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;

/**
 * `Retry-After` as whole seconds from now, at most {@link MAX_RETRY_AFTER}; `0` means absent. The SDK's only
 * reader of the header. Only the two forms RFC 9110 §10.2.3 lets a server send are read: delta-seconds
 * (digits) and an IMF-fixdate that names a real instant (its weekday included). Anything else is absent,
 * not guessed at: `Date.parse` reads `retry in 2099` or `12/31/2099` as a date decades away, and one such
 * answer would pause every request sharing a budget.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  const trimmed = value?.trim() ?? '';
  let seconds = 0;
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed);
  else if (IMF_FIXDATE.test(trimmed)) {
    const at = Date.parse(trimmed);
    // Round-tripping rejects what the pattern lets through: 31 Feb, 25:00:00, a weekday that does not match.
    if (new Date(at).toUTCString() === trimmed) seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER);
}

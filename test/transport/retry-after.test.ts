import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/transport/retry-after.js';

/** 2025-01-01T00:00:00Z, a Wednesday. */
const NOW = Date.UTC(2025, 0, 1);

describe('parseRetryAfter', () => {
  it.each([
    ['a missing header', null, NOW, 0],
    ['delay-seconds', '30', NOW, 30],
    ['delay-seconds with surrounding spaces', ' 30 ', NOW, 30],
    ['zero', '0', NOW, 0],
    ['an IMF-fixdate 90 s ahead', 'Wed, 01 Jan 2025 00:01:30 GMT', NOW, 90],
    ['a date 1.5 s ahead, rounded up to whole seconds', 'Wed, 01 Jan 2025 00:00:02 GMT', NOW + 500, 2],
    ['a date in the past', 'Tue, 31 Dec 2024 23:59:00 GMT', NOW, 0],
  ])('reads %s as whole seconds from now', (_, value, now, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  // What the lenient Date.parse read as a date decades ahead: one such 429 paused a whole budget for a day.
  it.each([
    ['free text with a year', 'retry in 2099'],
    ['a US date', '12/31/2099'],
    ['an ISO date', '2099-12-31T00:00:00Z'],
    ['an obsolete RFC 850 date', 'Wednesday, 01-Jan-25 00:01:30 GMT'],
    ['an asctime date', 'Wed Jan  1 00:01:30 2025'],
    ['an IMF-fixdate with the wrong weekday', 'Mon, 01 Jan 2025 00:01:30 GMT'],
    ['an IMF-fixdate that is not a day', 'Wed, 31 Feb 2025 00:01:30 GMT'],
    ['an IMF-fixdate in another zone', 'Wed, 01 Jan 2025 00:01:30 +0000'],
    ['a negative number', '-5'],
    ['a fraction', '1.5'],
    ['a number with a unit', '30s'],
    ['text', 'soon'],
    ['an empty value', ''],
  ])('treats %s as absent', (_, value) => {
    expect(parseRetryAfter(value, NOW)).toBe(0);
  });

  it.each([
    ['huge delay-seconds', '99999999999999999999'],
    ['an IMF-fixdate years ahead', 'Fri, 01 Jan 2100 00:00:00 GMT'],
  ])('reports %s as a day at most', (_, value) => {
    expect(parseRetryAfter(value, NOW)).toBe(86_400);
  });
});

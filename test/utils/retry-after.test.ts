import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/utils/retry-after.js';

/** 2025-01-01T00:00:00Z, a Wednesday. */
const NOW = Date.UTC(2025, 0, 1);

describe('parseRetryAfter', () => {
  it.each([
    ['a missing header', null, NOW, 0],
    ['delay-seconds', '30', NOW, 30],
    ['delay-seconds with surrounding spaces', ' 30 ', NOW, 30],
    ['zero', '0', NOW, 0],
    ['an IMF-fixdate 90 s ahead', 'Wed, 01 Jan 2025 00:01:30 GMT', NOW, 90],
    ['an obsolete RFC 850 date 90 s ahead', 'Wednesday, 01-Jan-25 00:01:30 GMT', NOW, 90],
    ['a date 1.5 s ahead, rounded up to whole seconds', 'Wed, 01 Jan 2025 00:00:02 GMT', NOW + 500, 2],
    ['a date in the past', 'Tue, 31 Dec 2024 23:59:00 GMT', NOW, 0],
    ['a negative number', '-5', NOW, 0],
    ['a fraction', '1.5', NOW, 0],
    ['text', 'soon', NOW, 0],
    ['an empty value', '', NOW, 0],
  ])('reads %s as whole seconds from now', (_, value, now, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});

describe('parseRetryAfter caps', () => {
  it.each([
    ['huge delay-seconds', '99999999999999999999', NOW],
    ['a date years ahead', 'Fri, 01 Jan 2100 00:00:00 GMT', NOW],
  ])('%s at a day', (_, value, now) => {
    expect(parseRetryAfter(value, now)).toBe(86_400);
  });
});

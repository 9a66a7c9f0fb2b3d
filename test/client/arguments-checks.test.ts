import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { assertEmail, assertHttpUrl, assertNonEmptyString, assertOptionalObject, assertPositiveNumber } from '../../src/client/arguments.js';

describe('argument checks', () => {
  it.each(['ada@example.com', 'ada+tag@example.co.uk', "o'brien@example.ie", 'ADA@EXAMPLE.COM', 'zoë@exämple.de'])(
    'accepts the email address %j',
    (email) => {
      expect(() => assertEmail(email, 'email')).not.toThrow();
    },
  );

  it.each(['https://api.descope.com', 'https://auth.example.com/descope///', 'http://localhost:8787/', 'HTTPS://AUTH.EXAMPLE.COM'])(
    'accepts the http(s) URL %j',
    (url) => {
      expect(() => assertHttpUrl(url, 'baseUrl')).not.toThrow();
    },
  );

  // A misplaced argument may be a token or a refresh JWT: the message names its type, never its value.
  const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0';
  it.each([
    ['assertEmail', () => assertEmail(SECRET, 'email')],
    ['assertHttpUrl', () => assertHttpUrl(SECRET, 'redirectUrl')],
    ['assertPositiveNumber', () => assertPositiveNumber(SECRET, 'timeout')],
    ['assertOptionalObject', () => assertOptionalObject(SECRET, 'options')],
    ['assertNonEmptyString', () => assertNonEmptyString({ token: SECRET }, 'loginId')],
  ])('%s does not echo the rejected value in its message', (_, check) => {
    let error: unknown;
    try {
      check();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).not.toContain(SECRET);
  });
});

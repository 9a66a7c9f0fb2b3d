import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkError, InvalidArgumentError, readBindingFromUrl, readTokenFromUrl } from '../../src/index.js';

afterEach(() => vi.unstubAllGlobals());

function thrownBy(read: () => unknown) {
  try {
    read();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('readTokenFromUrl', () => {
  it.each([
    ['the t parameter', 'https://app.example.com/verify?t=Zk9tokenFromQuery', 'Zk9tokenFromQuery'],
    ['t among other parameters, percent-decoded', 'https://app.example.com/verify?next=%2Fhome&t=a%2Fb%3D', 'a/b='],
    ['undefined without t', 'https://app.example.com/verify?next=%2Fhome', undefined],
    ['undefined for an empty t', 'https://app.example.com/verify?t=', undefined],
    ['undefined for t in the fragment only', 'https://app.example.com/verify#t=abc', undefined],
  ])('returns %s', (_, url, token) => {
    expect(readTokenFromUrl(url)).toBe(token);
  });

  it('accepts a URL object', () => {
    expect(readTokenFromUrl(new URL('https://app.example.com/verify?t=fromUrlObject'))).toBe('fromUrlObject');
  });

  it.each(['/verify?t=abc', 'verify?t=abc', ''])('throws InvalidArgumentError for the relative URL %j', (url) => {
    const error = thrownBy(() => readTokenFromUrl(url));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toBeInstanceOf(EnchantedLinkError);
    expect(error).toMatchObject({ argument: 'url' });
  });

  it('throws InvalidArgumentError without an argument outside a browser (no location)', () => {
    expect('location' in globalThis).toBe(false);
    expect(thrownBy(() => readTokenFromUrl())).toMatchObject({ name: 'InvalidArgumentError', argument: 'url' });
  });

  it('reads the current location in a browser', () => {
    vi.stubGlobal('location', new URL('https://app.example.com/verify?t=fromLocation'));
    expect(readTokenFromUrl()).toBe('fromLocation');
    expect(readTokenFromUrl('https://app.example.com/verify?t=explicit')).toBe('explicit');
  });
});

describe('readBindingFromUrl', () => {
  it.each([
    ['the el_binding parameter of a link', 'https://app.example.com/verify?el_binding=mOGBehGfreEP--UYsAGxQ9-cE4te6Zvj&t=tok', 'mOGBehGfreEP--UYsAGxQ9-cE4te6Zvj'],
    ['undefined for a link sent without a redirect URL', 'https://app.example.com/verify?t=tok', undefined],
    ['undefined for an empty one', 'https://app.example.com/verify?el_binding=&t=tok', undefined],
  ])('returns %s', (_, url, binding) => {
    expect(readBindingFromUrl(url)).toBe(binding);
  });

  it('throws InvalidArgumentError for a relative URL (a server must give the absolute one)', () => {
    expect(thrownBy(() => readBindingFromUrl('/verify?el_binding=abc'))).toMatchObject({ name: 'InvalidArgumentError', argument: 'url' });
  });
});

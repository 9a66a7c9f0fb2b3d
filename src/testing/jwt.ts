import { base64Url, randomBase64Url } from './random.js';

/**
 * A well-formed JWT with a meaningless signature: base64url header `{alg, typ}`, the claims, and 64 random bytes
 * as the signature. Nothing can verify it; the emulator recognises its own tokens by remembering them.
 */
export function createJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => base64Url(new TextEncoder().encode(JSON.stringify(value)));
  return `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.${randomBase64Url(64)}`;
}

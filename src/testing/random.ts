// Randomness from Web Crypto, so the emulator also runs in browsers (no node:crypto, no Buffer).

/** `bytes` random bytes as base64url without padding. */
export function randomBase64Url(bytes: number): string {
  return base64Url(globalThis.crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Base64url (RFC 4648 §5) of `bytes`, without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** A random integer in [0, below). The modulo bias of 2^32 % below is negligible for test data. */
export function randomInt(below: number): number {
  return (globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % below;
}

/** `count` distinct 2-digit labels '00'–'99', in random order. */
export function randomLabels(count: number): string[] {
  const labels = new Set<string>();
  while (labels.size < count) labels.add(String(randomInt(100)).padStart(2, '0'));
  return [...labels];
}

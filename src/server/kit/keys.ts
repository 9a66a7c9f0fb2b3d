// The kit's keys, all derived from its one `secret` with HKDF-SHA-256, so every instance configured with the
// same secret derives the same keys without talking to the others. One key per purpose (HKDF's `info`), so
// a value made for one purpose is never accepted for another. Web Crypto only: the kit runs on Workers and
// Deno as on Node.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes as base64url without padding (no `Buffer`: not every runtime has one). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url string, or undefined when it is not one. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[\w-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** `bytes` random bytes as base64url: handles and browser ids. */
export const randomToken = (bytes: number): string => toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));

const HMAC = { name: 'HMAC', hash: 'SHA-256', length: 256 } as const;
const AES = { name: 'AES-GCM', length: 256 } as const;
/** AES-GCM's standard nonce size; random per record (2^32 records per key before the birthday bound matters). */
const IV_BYTES = 12;

/**
 * The keys derived from the kit's secret: names of store keys, record encryption, CSRF tokens. Derived
 * once, on first use (Web Crypto is asynchronous, `createServerKit` is not).
 */
export class KitKeys {
  readonly #keys: Promise<{ names: CryptoKey; records: CryptoKey; csrf: CryptoKey }>;

  constructor(secret: string | Uint8Array) {
    this.#keys = derive(typeof secret === 'string' ? encoder.encode(secret) : secret);
    // Derivation fails only on a broken runtime; each use reports it, and an unused kit must not warn.
    this.#keys.catch(() => {});
  }

  /**
   * The name `value` of `kind` (a handle, a binding, an IP address) goes by in the store: the HMAC of both,
   * base64url (43 characters), so the store never holds the value, and equal values of different kinds
   * never share a name.
   */
  async name(kind: string, value: string): Promise<string> {
    const { names } = await this.#keys;
    return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', names, encoder.encode(`${kind}\u0000${value}`))));
  }

  /** `value` encrypted (AES-256-GCM, random IV) and bound to `key`: it decrypts only under that key name. */
  async seal(key: string, value: unknown): Promise<string> {
    const { records } = await this.#keys;
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(key) }, records, encoder.encode(JSON.stringify(value)));
    return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
  }

  /** What {@link seal} sealed under `key`, or undefined for anything else (another secret, another key, garbage). */
  async open(key: string, text: string | undefined): Promise<unknown> {
    const [iv, data] = (text ?? '').split('.').map(fromBase64Url);
    if (!iv || !data || iv.length !== IV_BYTES) return undefined;
    const { records } = await this.#keys;
    try {
      return JSON.parse(decoder.decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(key) }, records, data)));
    } catch {
      return undefined;
    }
  }

  /** The HMAC-SHA-256 of `message` under the CSRF key, base64url. */
  async signCsrf(message: string): Promise<string> {
    const { csrf } = await this.#keys;
    return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', csrf, encoder.encode(message))));
  }

  /** Whether `signature` is the CSRF key's HMAC of `message` (Web Crypto compares in constant time). */
  async verifyCsrf(message: string, signature: string): Promise<boolean> {
    const bytes = fromBase64Url(signature);
    if (!bytes) return false;
    const { csrf } = await this.#keys;
    return crypto.subtle.verify('HMAC', csrf, bytes, encoder.encode(message));
  }
}

async function derive(secret: Uint8Array<ArrayBufferLike>) {
  const base = await crypto.subtle.importKey('raw', new Uint8Array(secret), 'HKDF', false, ['deriveKey']);
  // A fixed salt is fine for HKDF with a high-entropy secret (RFC 5869 §3.1); `info` separates the purposes.
  const salt = encoder.encode('enchanted-link server kit');
  const key = (purpose: string, algorithm: typeof HMAC | typeof AES, usages: KeyUsage[]) =>
    crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(purpose) }, base, algorithm, false, usages);
  const [names, records, csrf] = await Promise.all([key('store key names', HMAC, ['sign']), key('store records', AES, ['encrypt', 'decrypt']), key('csrf tokens', HMAC, ['sign', 'verify'])]);
  return { names, records, csrf };
}

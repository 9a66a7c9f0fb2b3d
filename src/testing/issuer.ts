// The emulator's signing keys: real JWTs that `enchanted-link/server` (or any JOSE library) can verify
// against the JWK set the emulator publishes at /v2/keys/<projectId>, as Descope does. Web Crypto via
// jose, so it also runs in browsers.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomBase64Url } from './random.js';

/**
 * ES256 (ECDSA P-256), not Descope's RSA: generating a 2048-bit RSA key costs about 180 ms of CPU, and
 * many tests make an emulator each. Validators accept both (the algorithm is in each key and token).
 */
const ALGORITHM = 'ES256';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** Signs the emulator's JWTs with its newest key and publishes the public half of every key it keeps. */
export class Issuer {
  /** Oldest first; the last one signs. */
  #keys: SigningKey[] = [];
  #first: Promise<void> | undefined;

  /** The JWK set of the public keys, newest last (`GET /v2/keys/<projectId>`). */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.#ready();
    return { keys: this.#keys.map(({ publicJwk }) => ({ ...publicJwk })) };
  }

  /**
   * A new key signs from now on. The previous keys stay published (tokens they signed keep verifying)
   * unless `retirePrevious`. Resolves with the new key's `kid`.
   */
  async rotate(retirePrevious = false): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const kid = randomBase64Url(12);
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    this.#keys = [...(retirePrevious ? [] : this.#keys), { kid, privateKey, publicJwk }];
    return kid;
  }

  /** A JWT of `claims` signed by the newest key (created on first use). */
  async sign(claims: Record<string, unknown>): Promise<string> {
    await this.#ready();
    const { kid, privateKey } = this.#keys.at(-1)!;
    return new SignJWT(claims).setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' }).sign(privateKey);
  }

  /** The first key, made once however many requests race for it. */
  #ready(): Promise<void> {
    this.#first ??= this.#keys.length ? Promise.resolve() : this.rotate().then(() => undefined);
    return this.#first;
  }
}

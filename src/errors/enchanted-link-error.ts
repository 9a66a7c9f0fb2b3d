// A registry-wide symbol, so two copies of this package in one bundle recognise each other's errors.
const KINDS = Symbol.for('enchanted-link.error-kinds');

/**
 * Base class of every error this SDK rejects with (an abort rejects with `signal.reason` instead).
 *
 * `instanceof` works across duplicated copies of the package (two bundles, ESM next to CJS): each error
 * carries a brand listing its class chain, and every class checks that brand.
 *
 * @category Errors
 * @example
 * ```ts
 * try {
 *   await client.signInOrUp(email);
 * } catch (error) {
 *   if (error instanceof EnchantedLinkError) console.warn(error.name, error.message);
 *   else throw error; // an abort: signal.reason
 * }
 * ```
 */
export class EnchantedLinkError extends Error {
  /** Makes `instanceof` recognise errors from any copy of this package, by brand rather than by prototype. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const kinds = (value as { [KINDS]?: unknown } | null | undefined)?.[KINDS];
    return Array.isArray(kinds) && kinds.includes(this.prototype.name);
  }

  /** @internal */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    const kinds: string[] = [];
    for (let proto = new.target.prototype; proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      kinds.push((proto as Error).name);
    }
    Object.defineProperty(this, KINDS, { value: kinds });
  }

  /** A plain, secret-free view for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { ...(this as unknown as Record<string, unknown>), name: this.name, message: this.message };
  }
}
EnchantedLinkError.prototype.name = 'EnchantedLinkError';

/**
 * Whether `value` is an error from this SDK, from this copy of the package or any other (a brand
 * check, so it works across duplicated bundles and realms). For one class, use `instanceof`, which
 * checks the same brand.
 *
 * @category Errors
 * @example
 * ```ts
 * try {
 *   await client.verifyToken(token);
 * } catch (error) {
 *   if (isEnchantedLinkError(error)) report(error.name);
 *   else throw error;
 * }
 * ```
 */
export function isEnchantedLinkError(value: unknown): value is EnchantedLinkError {
  return value instanceof EnchantedLinkError;
}

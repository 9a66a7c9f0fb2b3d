import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * The request never got an HTTP answer: DNS failure, refused or reset connection, offline, CORS, or a
 * custom `fetch` that threw. `cause` holds the runtime's own error (never the request, which has credentials).
 *
 * @category Errors
 */
export class NetworkError extends EnchantedLinkError {
  /** @internal */
  constructor(path: string, cause: unknown) {
    super(`Network error on ${path}`, { cause });
  }
}
NetworkError.prototype.name = 'NetworkError';

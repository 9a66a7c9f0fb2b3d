import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * The request never got an HTTP answer: DNS failure, refused or reset connection, offline, CORS, or a
 * custom `fetch` that threw. The message names the endpoint, the host and the runtime's error code when
 * it has one (`ECONNREFUSED`, `ENOTFOUND`); `cause` holds the runtime's own error (never the request,
 * which has credentials; a cause that quotes a credential is replaced by a redacted copy).
 *
 * @category Errors
 */
export class NetworkError extends EnchantedLinkError {
  /** @internal */
  constructor(path: string, host: string, code: string | undefined, cause: unknown) {
    super(`Network error on ${path} (${host})${code ? `: ${code}` : ''}`, { cause });
  }
}
NetworkError.prototype.name = 'NetworkError';

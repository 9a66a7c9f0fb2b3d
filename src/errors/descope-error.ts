import { HttpError } from './http-error.js';

/** @internal What a Descope error answer carries. */
export interface DescopeErrorDetails {
  status: number;
  errorCode: string;
  errorDescription: string;
  errorMessage?: string | undefined;
}

/**
 * Descope answered with a non-2xx status and its error body (`{ errorCode, errorDescription, errorMessage? }`).
 *
 * @category Errors
 */
export class DescopeError extends HttpError {
  /** Descope's error code, e.g. `E062107` (user already exists); empty for a 429 whose body was not Descope's. */
  declare readonly errorCode: string;
  /** Descope's short description (empty when the server sent none). */
  declare readonly errorDescription: string;
  /** Descope's optional detail. */
  declare readonly errorMessage?: string;

  /** @internal */
  constructor(path: string, details: DescopeErrorDetails) {
    const text = [details.errorDescription, details.errorMessage].filter(Boolean).join(': ');
    super(`Descope answered ${details.status}${details.errorCode && ` ${details.errorCode}`} on ${path}${text && `: ${text}`}`, details.status);
    this.errorCode = details.errorCode;
    this.errorDescription = details.errorDescription;
    if (details.errorMessage !== undefined) this.errorMessage = details.errorMessage;
  }
}
DescopeError.prototype.name = 'DescopeError';

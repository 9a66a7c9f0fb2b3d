// What every route of one kit shares, built once by createServerKit, and how an upstream failure becomes
// an answer.
import type { EnchantedLinkClient } from '../../client/enchanted-link-client.js';
import { DescopeError } from '../../errors/descope-error.js';
import { isEnchantedLinkError } from '../../errors/enchanted-link-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import type { KitEvent } from '../../types/events.js';
import type { SessionValidator } from '../session-validator.js';
import type { CsrfTokens } from './csrf.js';
import { KitError } from './http.js';
import type { SendLimiter } from './limits.js';
import type { KitSettings } from './options.js';
import type { RefreshOutcomes } from './refreshes.js';
import type { SignIns } from './sign-ins.js';

/** A kit event before the kit stamps its time. */
export type KitReport = Omit<KitEvent, 'type' | 'timeMs'>;

export interface KitContext {
  readonly settings: KitSettings;
  readonly client: EnchantedLinkClient;
  readonly validator: SessionValidator;
  readonly signIns: SignIns;
  /** Refresh outcomes kept for requests racing a refresh with the same refresh JWT. */
  readonly refreshes: RefreshOutcomes;
  readonly limiter: SendLimiter;
  readonly csrf: CsrfTokens;
  /** Reports a kit event to `onEvent` (never throws). */
  readonly report: (event: KitReport) => void;
}

/** The error facts of an event: class name, status and Descope's code, never the message. */
export function errorFacts(error: unknown): Pick<KitEvent, 'errorType' | 'httpStatus' | 'errorCode'> {
  if (!(error instanceof Error)) return { errorType: typeof error };
  return {
    errorType: error.name,
    ...(error instanceof DescopeError && { httpStatus: error.status, errorCode: error.errorCode }),
  };
}

/** Descope (or the way to it) failed: 429 with its `Retry-After`, or 502. Errors that are not the SDK's are rethrown. */
export function upstreamFailure(error: unknown): KitError {
  if (error instanceof RateLimitError) {
    return new KitError(429, 'rate_limited', 'Too many attempts: wait, then try again', { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfter))) });
  }
  if (isEnchantedLinkError(error)) return new KitError(502, 'upstream_unavailable', 'The sign-in service could not be reached');
  throw error;
}

/** Whether Descope refused the request for what it carried (4xx other than 429): retrying will not help. */
export const refusedByDescope = (error: unknown): error is DescopeError => error instanceof DescopeError && !(error instanceof RateLimitError) && error.status < 500;

/**
 * Typed, abortable client for Descope enchanted links: passwordless sign-in by email for browsers and Node.
 *
 * @module enchanted-link
 */
export { EnchantedLinkClient } from './client/enchanted-link-client.js';
export { readTokenFromUrl } from './client/read-token-from-url.js';
export { verifyFromUrl, type VerifyFromUrlOptions, type VerifyResult } from './browser/verify-from-url.js';

export { EnchantedLinkError, isEnchantedLinkError } from './errors/enchanted-link-error.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { HttpError } from './errors/http-error.js';
export { DescopeError } from './errors/descope-error.js';
export { RateLimitError } from './errors/rate-limit-error.js';
export { ResponseValidationError, type ValidationIssue } from './errors/response-validation-error.js';
export { NetworkError } from './errors/network-error.js';
export { RequestTimeoutError } from './errors/request-timeout-error.js';
export { PollTimeoutError } from './errors/poll-timeout-error.js';

export type {
  CallOptions,
  ClientOptions,
  FetchFunction,
  SendOptions,
  SignInOptions,
  SignInOrUpOptions,
  SignUpOptions,
  UpdateUserEmailOptions,
  VerifyTokenOptions,
} from './types/client-options.js';
export type { LoginOptions, SignUpLoginOptions, SignUpUser } from './types/login-options.js';
export type { PollOptions, PollProgress, PollStatus } from './types/poll-options.js';
export type { LinkSent, Session, User, UserTenant } from './types/session.js';

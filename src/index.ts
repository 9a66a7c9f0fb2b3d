/**
 * Typed, abortable client for Descope enchanted links: passwordless sign-in by email for browsers and Node.
 *
 * @module enchanted-link
 */
export { EnchantedLinkClient } from './client/enchanted-link-client.js';
export { readBindingFromUrl, readTokenFromUrl } from './client/read-token-from-url.js';
export { verifyFromUrl, type VerifyFromUrlOptions, type VerifyFromUrlResult, type VerifyResult } from './browser/verify-from-url.js';
export {
  createSignInFlow,
  type SignInFlow,
  type SignInFlowCancelled,
  type SignInFlowClient,
  type SignInFlowExpired,
  type SignInFlowFailed,
  type SignInFlowIdle,
  type SignInFlowOptions,
  type SignInFlowSending,
  type SignInFlowSignedIn,
  type SignInFlowSnapshot,
  type SignInFlowWaiting,
} from './flow/create-sign-in-flow.js';
export {
  createSessionKeeper,
  SIGN_OUT_TIMEOUT_MS,
  type SessionKeeperSnapshot,
  type KeptSession,
  type SessionKeeper,
  type SessionKeeperClient,
  type SessionKeeperOptions,
  type SessionKeeperStorage,
  type SessionStorageLike,
} from './keeper/create-session-keeper.js';
export { RequestBudget, type RequestBudgetOptions } from './transport/request-budget.js';
export type { BudgetPace, BudgetReservation, BudgetStore } from './types/budget-store.js';

export { EnchantedLinkError, isEnchantedLinkError } from './errors/enchanted-link-error.js';
export { InvalidArgumentError } from './errors/invalid-argument-error.js';
export { HttpError } from './errors/http-error.js';
export { DescopeError } from './errors/descope-error.js';
export { RateLimitError } from './errors/rate-limit-error.js';
export { ResponseValidationError, type ValidationIssue } from './errors/response-validation-error.js';
export { NetworkError } from './errors/network-error.js';
export { RequestTimeoutError } from './errors/request-timeout-error.js';
export { PollTimeoutError } from './errors/poll-timeout-error.js';
export { WrongDeviceError } from './errors/wrong-device-error.js';

export type {
  CallOptions,
  ClientOptions,
  FetchFunction,
  SendOptions,
  SharedRequestBudget,
  SignInOptions,
  SignInOrUpOptions,
  SignUpOptions,
  UpdateUserEmailOptions,
  VerifyTokenOptions,
} from './types/client-options.js';
export { formatEvent, logEvents } from './debug/log-events.js';
export type {
  AttemptEndEvent,
  AttemptOutcome,
  AttemptStartEvent,
  EnchantedLinkEvent,
  ErrorFacts,
  EventBase,
  EventListener,
  KeysEvent,
  KitEvent,
  KitOutcome,
  KitStep,
  PollEvent,
  PollEventStatus,
  RefreshEvent,
  RefreshTrigger,
  RequestEndEvent,
  RequestStartEvent,
  RequestTarget,
  SignInEvent,
  SignOutEvent,
  WaitEvent,
  WaitReason,
} from './types/events.js';
export type { LoginOptions, SignUpLoginOptions, SignUpUser } from './types/login-options.js';
export type { PollOptions, PollProgress, PollStatus } from './types/poll-options.js';
export type { LinkSent, Session, User, UserTenant } from './types/session.js';

// The events' side of the transport: turning an outcome into an event's facts, and calling a listener. Every
// event is built behind an `if (listener)`, so a client without one builds none (the overhead benchmark).
// What an event may hold is decided here: endpoints, numbers, error class names and Descope's error codes,
// never a message, a body or a header (a message may quote the email address, a body the pendingRef).
import { DescopeError } from '../errors/descope-error.js';
import { HttpError } from '../errors/http-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import type { AttemptOutcome, AttemptStartEvent, EnchantedLinkEvent, ErrorFacts, EventListener, RequestTarget, WaitReason } from '../types/events.js';
import type { Clock } from '../utils/clock.js';
import type { AttemptTrace, Call } from './attempt.js';
import { classify, retryAfterMs } from './policy.js';

/** Calls `listener` with `event`; a listener that throws changes nothing (the call goes on as if unheard). */
export function notify(listener: EventListener, event: EnchantedLinkEvent): void {
  try {
    listener(event);
  } catch {
    // Ignored by contract: observing must never change what the SDK does.
  }
}

let lastId = 0;
/** A number for a request or a poll, unique within this process (listeners correlate events with it). */
export const nextId = (): number => ++lastId;

/** The path as OpenTelemetry's `url.template`: the one path with a variable is the key set's. */
export const endpointOf = (path: string): string => path.replace(/^\/v2\/keys\/[^/]+$/, '/v2/keys/{projectId}');

// A class name or a Descope code, checked by shape: a hostile server's text (an address, a token) never passes.
const NAME = /^[A-Za-z][\w$]{0,63}$/;
const CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** What `error` was, for an event: its outcome, status, class name and Descope code (never its message). */
export function factsOf(error: unknown, aborted: boolean): ErrorFacts & { outcome: AttemptOutcome; retryAfterMs?: number } {
  if (aborted) return { outcome: 'aborted', errorType: 'AbortError' };
  const name = (error as { name?: unknown } | null)?.name;
  const facts: ErrorFacts & { outcome: AttemptOutcome; retryAfterMs?: number } = {
    outcome: classify(error),
    errorType: typeof name === 'string' && NAME.test(name) ? name : 'Error',
  };
  if (error instanceof HttpError) Object.assign(facts, { httpStatus: error.status });
  if (error instanceof DescopeError && CODE.test(error.errorCode)) Object.assign(facts, { errorCode: error.errorCode });
  if (error instanceof RateLimitError) facts.retryAfterMs = retryAfterMs(error);
  return facts;
}

/** The facts alone (status, class, code) of an error that ended something: for the poll, flow, keeper and validator events. */
export function errorFactsOf(error: unknown): ErrorFacts {
  const { outcome: _, retryAfterMs: __, ...facts } = factsOf(error, false);
  return facts;
}

/** Names an attempt's extra headers may not use: the SDK's own. */
const OWN = /^(authorization|accept|content-type|content-length|host|x-descope-.*)$/i;
const TOKEN = /^[!#$%&'*+.^_`|~\da-z-]+$/i;
const VALUE = /^[\t\x20-\x7e]*$/;

/** A listener's `headersFor` answer, kept to well-formed headers the SDK does not set itself. */
export function extraHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const kept = Object.entries(headers).filter(([name, value]) => TOKEN.test(name) && !OWN.test(name) && typeof value === 'string' && VALUE.test(value));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** @internal The events of one request: made only when a listener is set, one method per place in the executor. */
export interface RequestWatch {
  /** The request waited `since` → now for its turn (`paused`: while the budget was paused). */
  turned(attempt: number, since: number, paused: boolean): void;
  /** Attempt `attempt` is about to be sent: reports it and returns its trace (extra headers in, status out). */
  sent(attempt: number): AttemptTrace;
  /** The attempt settled, with `error` or a value. */
  settled(attempt: number, trace: AttemptTrace, error: unknown, failed: boolean): void;
  /** A wait before attempt `attempt` that began at `since` is over. */
  waited(reason: WaitReason, attempt: number, since: number): void;
  /** The request ended, with `error` or a value. */
  ended(error: unknown, failed: boolean): void;
}

/** Reports `request-start` and returns the watch of the rest of the request. */
export function watchRequest(listener: EventListener, baseUrl: URL, clock: Clock, call: Call<unknown>): RequestWatch {
  const started = clock.now();
  const target: RequestTarget = {
    requestId: nextId(),
    method: call.method ?? 'POST',
    endpoint: endpointOf(call.path),
    url: new URL(call.path.slice(1), baseUrl).href,
    serverAddress: baseUrl.hostname,
    serverPort: Number(baseUrl.port) || (baseUrl.protocol === 'http:' ? 80 : 443),
    ...(call.poll?.id !== undefined && { pollId: call.poll.id }),
  };
  let attempts = 0;
  let sentAt = started;
  let status: { httpStatus?: number } = {};
  const aborted = () => call.signal?.aborted === true;
  notify(listener, { type: 'request-start', timeMs: started, ...target });
  return {
    turned(attempt, since, paused) {
      notify(listener, { type: 'wait', timeMs: clock.now(), ...target, attempt, reason: paused ? 'paused' : 'turn', waitedMs: clock.now() - since });
    },
    sent(attempt) {
      attempts = attempt;
      const event: AttemptStartEvent = { type: 'attempt-start', timeMs: (sentAt = clock.now()), ...target, attempt };
      notify(listener, event);
      let headers: Record<string, string> | undefined;
      try {
        headers = extraHeaders(listener.headersFor?.(event));
      } catch {
        // As for the listener itself: observing never changes a call.
      }
      return { headers };
    },
    settled(attempt, trace, error, failed) {
      const now = clock.now();
      const facts = failed ? factsOf(error, aborted()) : { outcome: 'ok' as const };
      status = trace.status === undefined ? {} : { httpStatus: trace.status };
      notify(listener, { type: 'attempt-end', timeMs: now, ...target, attempt, durationMs: now - sentAt, ...status, ...facts });
    },
    waited(reason, attempt, since) {
      notify(listener, { type: 'wait', timeMs: clock.now(), ...target, attempt, reason, waitedMs: clock.now() - since });
    },
    ended(error, failed) {
      const now = clock.now();
      const { retryAfterMs: _, ...facts } = failed ? factsOf(error, aborted()) : { outcome: 'ok' as const, retryAfterMs: 0 };
      notify(listener, { type: 'request-end', timeMs: now, ...target, attempts, durationMs: now - started, ...status, ...facts });
    },
  };
}

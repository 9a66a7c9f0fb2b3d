import type { EnchantedLinkEvent, ErrorFacts, EventListener } from '../types/events.js';

const ms = (value: number) => `${Math.round(value)} ms`;
const failure = ({ httpStatus, errorType, errorCode }: ErrorFacts) => [httpStatus, errorType, errorCode].filter((part) => part !== undefined).join(' ');

/**
 * One readable line for an event, as {@link logEvents} prints it, e.g.
 * `POST /v1/auth/enchantedlink/signup-in/email #3 attempt 1 ← 429 RateLimitError E130429 in 12 ms (retry after 1000 ms)`.
 *
 * @category Observability
 * @example
 * ```ts
 * const lines: string[] = [];
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…', onEvent: (event) => lines.push(formatEvent(event)) });
 * ```
 */
export function formatEvent(event: EnchantedLinkEvent): string {
  switch (event.type) {
    case 'request-start':
      return `${event.method} ${event.endpoint} #${event.requestId} →`;
    case 'attempt-start':
      return `${event.method} ${event.endpoint} #${event.requestId} attempt ${event.attempt} sent`;
    case 'attempt-end': {
      const answer = event.outcome === 'ok' ? `${event.httpStatus ?? 'ok'}` : `${event.outcome} ${failure(event)}`;
      const retry = event.retryAfterMs === undefined ? '' : ` (retry after ${ms(event.retryAfterMs)})`;
      return `${event.method} ${event.endpoint} #${event.requestId} attempt ${event.attempt} ← ${answer} in ${ms(event.durationMs)}${retry}`;
    }
    case 'wait':
      return `${event.method} ${event.endpoint} #${event.requestId} waited ${ms(event.waitedMs)} (${event.reason}) before attempt ${event.attempt}`;
    case 'request-end': {
      const result = event.outcome === 'ok' ? 'ok' : `${event.outcome} ${failure(event)}`;
      return `${event.method} ${event.endpoint} #${event.requestId} ← ${result} after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'}, ${ms(event.durationMs)}`;
    }
    case 'poll': {
      const next = event.nextDelayMs === undefined ? '' : `, next in ${ms(event.nextDelayMs)}`;
      const why = event.errorType ? ` ${failure(event)}` : '';
      return `poll #${event.pollId} ${event.status}${why} (${event.attempt} sent, ${ms(event.elapsedMs)}${next})`;
    }
    case 'sign-in':
      return `sign-in ${event.status}${event.resend ? ' (resend)' : ''}${event.errorType ? ` ${failure(event)}` : ''}`;
    case 'refresh': {
      const more = event.rotated ? ', rotated' : event.retryInMs === undefined ? '' : `, again in ${ms(event.retryInMs)}`;
      return `refresh (${event.trigger}) ${event.outcome}${event.errorType ? ` ${failure(event)}` : ''}${more} in ${ms(event.durationMs)}`;
    }
    case 'sign-out':
      return `sign-out${event.everywhere ? ' everywhere' : ''} ${event.outcome}${event.errorType ? ` ${failure(event)}` : ''} in ${ms(event.durationMs)}`;
    case 'keys':
      return `keys (${event.reason}) ${event.outcome}${event.keys === undefined ? '' : `: ${event.keys}`}${event.errorType ? ` ${failure(event)}` : ''} in ${ms(event.durationMs)}`;
    case 'kit': {
      const facts = [event.signInId && `sign-in ${event.signInId}`, event.reason, event.rotated && 'rotated', event.errorType && failure(event)].filter(Boolean).join(', ');
      return `kit ${event.step} ${event.outcome}${event.status ? ` ${event.status}` : ''}${facts ? ` (${facts})` : ''}`;
    }
  }
}

/**
 * The debug view: a listener that prints every event as one readable line (see {@link formatEvent}),
 * prefixed `[enchanted-link]`, in the browser's console or Node's output. For development: pass it as
 * `onEvent` when a `DEBUG` variable or a `?debug` query flag asks for it. Events hold no credential and no
 * email address, so the lines are safe to paste into a bug report.
 *
 * @param print - Where lines go.
 * @defaultValue `print`: `console.log`
 * @returns An {@link EventListener} for `onEvent`.
 * @category Observability
 * @example
 * ```ts
 * const debug = new URLSearchParams(location.search).has('debug');
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…', ...(debug && { onEvent: logEvents() }) });
 * ```
 */
export function logEvents(print: (line: string) => void = (line) => console.log(line)): EventListener {
  return (event) => print(`[enchanted-link] ${formatEvent(event)}`);
}

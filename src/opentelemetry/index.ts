/**
 * `enchanted-link/opentelemetry`: the SDK's events as OpenTelemetry spans and metrics, through
 * `@opentelemetry/api` (an optional peer dependency, needed only for this entry). Pass the listener it makes
 * as `onEvent` to the client, the flow, the keeper and the session validator.
 *
 * Spans, named after OpenTelemetry's HTTP semantic conventions where they apply:
 * - one CLIENT span per call, `<method> <url.template>` (e.g. `POST /v1/auth/enchantedlink/signup-in/email`),
 *   from before its first turn in the request budget to its end, with an `attempt` span event per attempt
 *   and a `wait` span event per wait (budget turn, 429 pause, `Retry-After`, backoff);
 * - one INTERNAL span per `pollSession`, `enchanted-link poll`, parent of its polls' spans, with a
 *   `poll` span event per state;
 * - `enchanted-link refresh`, `enchanted-link sign-out` and `enchanted-link keys` for the keeper's refreshes
 *   and sign-outs and the validator's key fetches.
 *
 * Metrics: `http.client.request.duration` (s, per attempt), `enchanted_link.rate_limited` (429 answers),
 * `enchanted_link.refreshes` (by outcome), `enchanted_link.wait.duration` (s, by reason) and
 * `enchanted_link.sign_ins` (flows that ended, by status).
 *
 * See the Observability guide for the setup and every attribute.
 *
 * @module enchanted-link/opentelemetry
 */
import {
  context as contexts,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type MeterProvider,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
import type { AttemptStartEvent, EnchantedLinkEvent, ErrorFacts, EventListener, RequestTarget } from '../types/events.js';

/**
 * Options of {@link openTelemetry}.
 *
 * @category Observability
 */
export interface OpenTelemetryOptions {
  /**
   * Where spans go.
   * @defaultValue the global tracer provider (`trace.getTracerProvider()`), as the OpenTelemetry SDK registers it
   */
  tracerProvider?: TracerProvider;
  /**
   * Where metrics go.
   * @defaultValue the global meter provider (`metrics.getMeterProvider()`)
   */
  meterProvider?: MeterProvider;
  /**
   * Send the trace context (`traceparent`, `tracestate`: whatever the global propagator injects) with every
   * attempt, naming the call's span, so that a backend that traces can join it. Off by default: Descope's
   * API does not promise to accept extra headers, and in a browser each one must be allowed by the API's
   * CORS answer (`Access-Control-Allow-Headers`), or the browser blocks the request.
   * @defaultValue `false`
   */
  propagateTraceContext?: boolean;
}

const NAME = 'enchanted-link';
const ENDED = new Set(['signed-in', 'failed', 'timed-out', 'aborted']);

/** The HTTP semantic conventions' attributes of a request target. */
const targetAttributes = (target: RequestTarget): Attributes => ({
  'http.request.method': target.method,
  'server.address': target.serverAddress,
  'server.port': target.serverPort,
  'url.full': target.url,
  'url.template': target.endpoint,
});

/** `error.type`: the status for an HTTP error answer (as the conventions ask), else the error's class. */
const errorType = ({ httpStatus, errorType: type }: ErrorFacts): string | undefined =>
  httpStatus !== undefined && httpStatus >= 400 ? String(httpStatus) : type;

/** The facts of an error as attributes: status, `error.type`, Descope's code. */
const errorAttributes = (facts: ErrorFacts, failed: boolean): Attributes => {
  const out: Attributes = {};
  if (facts.httpStatus !== undefined) out['http.response.status_code'] = facts.httpStatus;
  const type = failed ? errorType(facts) : undefined;
  if (type !== undefined) out['error.type'] = type;
  if (facts.errorCode !== undefined) out['enchanted_link.error_code'] = facts.errorCode;
  return out;
};

/**
 * Makes the listener that turns the SDK's events into OpenTelemetry spans and metrics. One listener may
 * serve several clients, flows, keepers and validators. Spans start in the context active when the call
 * is made (with the Node SDK's context manager, inside your own request's span); a poll's requests are
 * children of the poll's span.
 *
 * A poll's "not clicked yet" answer (401 `E062503`) is an answer, not a failure: its span keeps the
 * status code but gets no `error.type` and no error status.
 *
 * @param options - Providers and trace-context propagation; see {@link OpenTelemetryOptions}.
 * @returns An {@link enchanted-link!EventListener} for `onEvent`.
 * @category Observability
 * @example
 * ```ts
 * import { EnchantedLinkClient } from 'enchanted-link';
 * import { openTelemetry } from 'enchanted-link/opentelemetry';
 *
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…', onEvent: openTelemetry() });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): EventListener {
  const { tracerProvider, meterProvider, propagateTraceContext = false } = options;
  // Looked up on the first event, not now: the SDK may be registered after this listener is made.
  let instruments: ReturnType<typeof makeInstruments> | undefined;
  const use = () => (instruments ??= makeInstruments(tracerProvider, meterProvider));
  const requests = new Map<number, { span: Span; context: Context }>();
  const polls = new Map<number, { span: Span; context: Context }>();

  const startRequest = (event: RequestTarget & { timeMs: number }) => {
    const { tracer } = use();
    const parent = (event.pollId !== undefined && polls.get(event.pollId)?.context) || contexts.active();
    const span = tracer.startSpan(
      `${event.method} ${event.endpoint}`,
      { kind: SpanKind.CLIENT, startTime: event.timeMs, attributes: targetAttributes(event) },
      parent,
    );
    requests.set(event.requestId, { span, context: trace.setSpan(parent, span) });
  };

  /** A span for something reported once it is over: it started `durationMs` earlier. */
  const pastSpan = (name: string, event: { timeMs: number; durationMs: number }, attributes: Attributes, failed: boolean) => {
    const span = use().tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime: event.timeMs - event.durationMs, attributes });
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(event.timeMs);
  };

  const listener: EventListener = (event: EnchantedLinkEvent) => {
    switch (event.type) {
      case 'request-start':
        return startRequest(event);
      case 'attempt-start':
        return;
      case 'attempt-end': {
        const failed = event.outcome !== 'ok' && event.outcome !== 'pending';
        const attributes = errorAttributes(event, failed);
        requests.get(event.requestId)?.span.addEvent(
          'attempt',
          {
            ...attributes,
            'http.request.resend_count': event.attempt - 1,
            'enchanted_link.outcome': event.outcome,
            'enchanted_link.duration_ms': event.durationMs,
            ...(event.retryAfterMs !== undefined && { 'enchanted_link.retry_after_ms': event.retryAfterMs }),
          },
          event.timeMs,
        );
        const { duration, rateLimited } = use();
        // Metric attributes stay low in cardinality: no full URL, no Descope code.
        const { 'enchanted_link.error_code': _code, ...metric } = attributes;
        const { 'url.full': _url, ...target } = targetAttributes(event);
        duration.record(event.durationMs / 1000, { ...target, ...metric });
        if (event.httpStatus === 429) rateLimited.add(1, { 'url.template': event.endpoint, 'server.address': event.serverAddress });
        return;
      }
      case 'wait': {
        requests.get(event.requestId)?.span.addEvent(
          'wait',
          { 'enchanted_link.wait.reason': event.reason, 'enchanted_link.duration_ms': event.waitedMs, 'enchanted_link.attempt': event.attempt },
          event.timeMs,
        );
        use().waits.record(event.waitedMs / 1000, { 'enchanted_link.wait.reason': event.reason, 'url.template': event.endpoint });
        return;
      }
      case 'request-end': {
        const entry = requests.get(event.requestId);
        if (!entry) return;
        requests.delete(event.requestId);
        const failed = event.outcome !== 'ok' && event.outcome !== 'pending';
        entry.span.setAttributes({ ...errorAttributes(event, failed), 'enchanted_link.outcome': event.outcome, 'enchanted_link.attempts': event.attempts });
        if (event.attempts > 1) entry.span.setAttribute('http.request.resend_count', event.attempts - 1);
        if (failed) entry.span.setStatus({ code: SpanStatusCode.ERROR });
        entry.span.end(event.timeMs);
        return;
      }
      case 'poll': {
        if (event.status === 'started') {
          const parent = contexts.active();
          const span = use().tracer.startSpan(`${NAME} poll`, { kind: SpanKind.INTERNAL, startTime: event.timeMs }, parent);
          polls.set(event.pollId, { span, context: trace.setSpan(parent, span) });
          return;
        }
        const entry = polls.get(event.pollId);
        if (!entry) return;
        const failed = event.status === 'failed' || event.status === 'timed-out';
        entry.span.addEvent(
          'poll',
          {
            'enchanted_link.poll.status': event.status,
            'enchanted_link.attempt': event.attempt,
            ...(event.nextDelayMs !== undefined && { 'enchanted_link.next_delay_ms': event.nextDelayMs }),
            ...errorAttributes(event, event.errorType !== undefined),
          },
          event.timeMs,
        );
        if (!ENDED.has(event.status)) return;
        polls.delete(event.pollId);
        entry.span.setAttributes({ 'enchanted_link.poll.status': event.status, 'enchanted_link.attempts': event.attempt });
        if (failed) {
          entry.span.setAttribute('error.type', event.status === 'timed-out' ? 'PollTimeoutError' : (errorType(event) ?? 'Error'));
          entry.span.setStatus({ code: SpanStatusCode.ERROR });
        }
        entry.span.end(event.timeMs);
        return;
      }
      case 'sign-in':
        if (event.status !== 'sending' && event.status !== 'waiting') use().signIns.add(1, { 'enchanted_link.sign_in.status': event.status });
        return;
      case 'refresh': {
        const failed = event.outcome === 'ended' || event.outcome === 'kept';
        const attributes = { 'enchanted_link.refresh.outcome': event.outcome, 'enchanted_link.refresh.trigger': event.trigger };
        pastSpan(`${NAME} refresh`, event, { ...attributes, ...errorAttributes(event, failed), ...(event.rotated !== undefined && { 'enchanted_link.refresh.rotated': event.rotated }) }, event.outcome === 'ended');
        use().refreshes.add(1, attributes);
        return;
      }
      case 'sign-out':
        pastSpan(`${NAME} sign-out`, event, { 'enchanted_link.sign_out.outcome': event.outcome, 'enchanted_link.sign_out.everywhere': event.everywhere, ...errorAttributes(event, event.outcome === 'failed') }, event.outcome === 'failed');
        return;
      case 'keys':
        pastSpan(`${NAME} keys`, event, { 'enchanted_link.keys.reason': event.reason, 'enchanted_link.keys.outcome': event.outcome, ...(event.keys !== undefined && { 'enchanted_link.keys.count': event.keys }), ...errorAttributes(event, event.outcome === 'failed') }, event.outcome === 'failed');
        return;
      case 'kit':
        // A kit step is one HTTP request of the app: its span is the framework's; the upstream calls it
        // made are spans of their own (request-start … request-end).
        return;
    }
  };
  if (propagateTraceContext) {
    listener.headersFor = (attempt: AttemptStartEvent) => {
      const entry = requests.get(attempt.requestId);
      if (!entry) return undefined;
      const carrier: Record<string, string> = {};
      propagation.inject(entry.context, carrier);
      return carrier;
    };
  }
  return listener;
}

function makeInstruments(tracerProvider: TracerProvider | undefined, meterProvider: MeterProvider | undefined) {
  const tracer = (tracerProvider ?? trace.getTracerProvider()).getTracer(NAME, __SDK_VERSION__);
  const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(NAME, __SDK_VERSION__);
  return {
    tracer,
    duration: meter.createHistogram('http.client.request.duration', {
      unit: 's',
      description: 'Duration of HTTP client requests (one per attempt).',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    }) as Histogram,
    rateLimited: meter.createCounter('enchanted_link.rate_limited', { unit: '{response}', description: '429 answers from the API.' }) as Counter,
    refreshes: meter.createCounter('enchanted_link.refreshes', { unit: '{refresh}', description: 'Session keeper refreshes, by outcome.' }) as Counter,
    waits: meter.createHistogram('enchanted_link.wait.duration', { unit: 's', description: 'Waits before an attempt: budget turns, 429 pauses, Retry-After, backoff.' }) as Histogram,
    signIns: meter.createCounter('enchanted_link.sign_ins', { unit: '{sign-in}', description: 'Sign-in flows that ended, by status.' }) as Counter,
  };
}

// enchanted-link/opentelemetry with the OpenTelemetry SDK: the spans an in-memory exporter records for a
// sign-in against the emulator (a 429 and its retry, a poll, a refresh), their HTTP semantic-convention
// attributes, the metrics, trace-context propagation only when asked, and no credential or email address
// in any attribute. Fake timers for the waits; span times come from the client's clock.
import { propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, RequestBudget } from '../../src/index.js';
import { openTelemetry, type OpenTelemetryOptions } from '../../src/opentelemetry/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import type { Emulator } from '../../src/testing/index.js';
import { done, EMAIL, readyEmulator, useFakeClock } from './helpers.js';

let emulator: Emulator;
let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
/** The headers of every request the emulator got. */
let sent: Headers[];

const client = (options: Omit<OpenTelemetryOptions, 'tracerProvider' | 'meterProvider'> = {}) =>
  new EnchantedLinkClient({
    projectId: emulator.projectId,
    fetch: (request) => (sent.push(new Headers(request.headers)), emulator.fetch(request)),
    requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
    onEvent: openTelemetry({ tracerProvider, meterProvider, ...options }),
  });

const attributesOf = (span: ReadableSpan) => span.attributes;
const byName = (name: string) => spans.getFinishedSpans().filter((span) => span.name === name);

beforeEach(async () => {
  emulator = await readyEmulator();
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  sent = [];
  useFakeClock();
});
afterEach(async () => {
  vi.useRealTimers();
  propagation.disable();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

describe('spans of a sign-in, recorded by the OpenTelemetry SDK', () => {
  it('a CLIENT span per call, attempts and waits as span events, a poll span over its polls', async () => {
    const c = client();
    emulator.injectFault({ type: 'rate-limit', retryAfter: 1 }, { path: PATHS.signInOrUp });
    const { pendingRef } = await done(c.signInOrUp(EMAIL));
    const poll = c.pollSession(pendingRef, { intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(500);
    await emulator.click(EMAIL);
    const session = await done(poll);
    await done(c.refreshSession(session.refreshJwt!));

    const [send] = byName(`POST ${PATHS.signInOrUp}`);
    expect(send!.kind).toBe(SpanKind.CLIENT);
    const host = new URL(emulator.baseUrl).hostname;
    expect(attributesOf(send!)).toEqual({
      'http.request.method': 'POST',
      'server.address': host,
      'server.port': 443,
      'url.full': `${emulator.baseUrl}${PATHS.signInOrUp}`,
      'url.template': PATHS.signInOrUp,
      'http.response.status_code': 200,
      'http.request.resend_count': 1,
      'enchanted_link.outcome': 'ok',
      'enchanted_link.attempts': 2,
    });
    expect(send!.status.code).toBe(SpanStatusCode.UNSET); // it succeeded in the end
    expect(send!.events.map((event) => [event.name, event.attributes?.['http.response.status_code'] ?? event.attributes?.['enchanted_link.wait.reason']])).toEqual([
      ['attempt', 429],
      ['wait', 'retry-after'],
      ['attempt', 200],
    ]);
    expect(send!.events[0]!.attributes).toMatchObject({ 'error.type': '429', 'enchanted_link.error_code': 'E130429', 'enchanted_link.retry_after_ms': 1_000, 'http.request.resend_count': 0 });
    expect(send!.events[1]!.attributes).toMatchObject({ 'enchanted_link.duration_ms': 1_000 });
    // Span times are the client's clock: the send lasted the Retry-After and more.
    const ms = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
    expect(ms(send!.endTime) - ms(send!.startTime)).toBeGreaterThanOrEqual(1_000);

    const [pollSpan] = byName('enchanted-link poll');
    const polls = byName(`POST ${PATHS.pendingSession}`);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    for (const span of polls) expect(span.parentSpanContext?.spanId).toBe(pollSpan!.spanContext().spanId);
    // The pending answer is an answer: its span is no error.
    const pending = polls.find((span) => span.attributes['enchanted_link.outcome'] === 'pending')!;
    expect(pending.attributes).toMatchObject({ 'http.response.status_code': 401, 'enchanted_link.error_code': 'E062503' });
    expect(pending.attributes['error.type']).toBeUndefined();
    expect(pending.status.code).toBe(SpanStatusCode.UNSET);
    expect(pollSpan!.attributes).toMatchObject({ 'enchanted_link.poll.status': 'signed-in' });
    expect(pollSpan!.events.map((event) => event.attributes?.['enchanted_link.poll.status'])).toEqual(['pending', 'signed-in']);

    expect(byName(`POST ${PATHS.refresh}`)).toHaveLength(1);
    // No credential and no email address in any span, attribute or span event.
    const text = JSON.stringify(spans.getFinishedSpans().map((span) => [span.name, span.attributes, span.events]));
    for (const secret of [EMAIL, pendingRef, session.refreshJwt!, session.sessionJwt]) expect(text).not.toContain(secret);
  });

  it('a failed call is an error span with error.type, and the metrics count 429s and attempt durations', async () => {
    emulator.injectFault({ type: 'status', status: 500 }, { path: PATHS.me, times: 3 });
    emulator.injectFault({ type: 'rate-limit', retryAfter: 30 }, { path: PATHS.signInOrUp });
    // Retry-After 30 s: too long to wait inline, the send fails; its client's budget stays paused, so another sends.
    await done(client().signInOrUp(EMAIL).catch((error: unknown) => error));
    const c = client();
    const { pendingRef } = await done(c.signInOrUp(EMAIL));
    await emulator.click(EMAIL);
    const session = await done(c.pollSession(pendingRef, { intervalMs: 100 }));
    await done(c.me(session.refreshJwt!).catch((error: unknown) => error));

    const [me] = byName(`GET ${PATHS.me}`);
    expect(me!.status.code).toBe(SpanStatusCode.ERROR);
    expect(me!.attributes).toMatchObject({ 'error.type': '500', 'http.response.status_code': 500, 'http.request.resend_count': 2, 'enchanted_link.outcome': 'transient' });
    expect(me!.events.filter((event) => event.name === 'attempt')).toHaveLength(3);
    expect(me!.events.filter((event) => event.name === 'wait').map((event) => event.attributes?.['enchanted_link.wait.reason'])).toEqual(['backoff', 'backoff']);
    const [limited] = byName(`POST ${PATHS.signInOrUp}`);
    expect(limited!.status.code).toBe(SpanStatusCode.ERROR);
    expect(limited!.attributes).toMatchObject({ 'error.type': '429', 'enchanted_link.outcome': 'rate-limited', 'enchanted_link.attempts': 1 });

    vi.useRealTimers(); // the metric reader's export runs on its own timers
    await reader.forceFlush();
    const metrics = metricExporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    const metric = (name: string) => metrics.find((each) => each.descriptor.name === name);
    expect(metric('enchanted_link.rate_limited')!.dataPoints.reduce((sum, point) => sum + (point.value as number), 0)).toBe(1);
    const durations = metric('http.client.request.duration')!;
    expect(durations.descriptor.unit).toBe('s');
    const meFailures = durations.dataPoints.find((point) => point.attributes['url.template'] === PATHS.me && point.attributes['error.type'] === '500');
    expect((meFailures!.value as { count: number }).count).toBe(3);
    expect(JSON.stringify(metrics)).not.toContain(EMAIL);
  });
});

describe('trace-context propagation', () => {
  beforeEach(() => void propagation.setGlobalPropagator(new W3CTraceContextPropagator()));

  it('is off by default: no traceparent goes out', async () => {
    await done(client().signInOrUp(EMAIL));
    expect(sent.map((headers) => headers.get('traceparent'))).toEqual([null]);
  });

  it('when asked, each attempt carries the traceparent of its call span', async () => {
    emulator.injectFault({ type: 'rate-limit', retryAfter: 1 }, { path: PATHS.signInOrUp });
    await done(client({ propagateTraceContext: true }).signInOrUp(EMAIL));
    const [span] = byName(`POST ${PATHS.signInOrUp}`);
    const { traceId, spanId } = span!.spanContext();
    expect(sent.map((headers) => headers.get('traceparent'))).toEqual([`00-${traceId}-${spanId}-01`, `00-${traceId}-${spanId}-01`]);
    // Our own headers are untouched.
    expect(sent[0]!.get('authorization')).toBe(`Bearer ${emulator.projectId}`);
  });

});

// The guide's Node setup, as a backend has it: the OpenTelemetry Node SDK registered globally, then
// `openTelemetry()` with no options. A sign-in made inside the backend's own span shows as its children,
// with no code beyond that setup.
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, expect, it } from 'vitest';
import { EnchantedLinkClient, RequestBudget } from '../../src/index.js';
import { openTelemetry } from '../../src/opentelemetry/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { EMAIL, readyEmulator } from './helpers.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
});

it('records a sign-in as children of the span active when it is made', async () => {
  const emulator = await readyEmulator();
  const client = new EnchantedLinkClient({
    projectId: emulator.projectId,
    fetch: emulator.fetch,
    requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
    onEvent: openTelemetry(),
  });
  const tracer = trace.getTracer('backend');
  const traceId = await tracer.startActiveSpan('POST /login', async (span) => {
    const { pendingRef } = await client.signInOrUp(EMAIL);
    await emulator.click(EMAIL);
    await client.pollSession(pendingRef, { intervalMs: 10 });
    span.end();
    return span.spanContext().traceId;
  });
  const spans = exporter.getFinishedSpans();
  const login = spans.find((span) => span.name === 'POST /login')!;
  const send = spans.find((span) => span.name === `POST ${PATHS.signInOrUp}`)!;
  const poll = spans.find((span) => span.name === 'enchanted-link poll')!;
  expect([send, poll].map((span) => span.parentSpanContext?.spanId)).toEqual([login.spanContext().spanId, login.spanContext().spanId]);
  expect(spans.every((span) => span.spanContext().traceId === traceId)).toBe(true);
  expect(spans.filter((span) => span.name === `POST ${PATHS.pendingSession}`).every((span) => span.parentSpanContext?.spanId === poll.spanContext().spanId)).toBe(true);
});

// enchanted-link/opentelemetry from the packed tarball, as a user meets it. @opentelemetry/api is an optional
// peer: installed without it, the main entry works (events and logEvents too) and only this entry fails,
// naming the package; once the user installs the OpenTelemetry API and SDK, a sign-in against the emulator
// is recorded as spans, from ESM and CommonJS.
import { existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedConsumer, root, runAsync } from './consumer.js';

let work: string;
let consumer: string;

beforeAll(() => {
  ({ work, consumer } = packedConsumer('module'));
}, 120_000);

afterAll(() => work && rmSync(work, { recursive: true, force: true }));

describe('without @opentelemetry/api installed', () => {
  it('is not installed with the package (an optional peer)', () => {
    expect(existsSync(join(consumer, 'node_modules/enchanted-link/dist/opentelemetry.js'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules/@opentelemetry'))).toBe(false);
  });

  it('the main entry signs in and reports events', async () => {
    writeFileSync(
      join(consumer, 'main.mjs'),
      `import { EnchantedLinkClient, logEvents } from 'enchanted-link';
import { createEmulator } from 'enchanted-link/testing';
const emu = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
const lines = [];
const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch, onEvent: logEvents((line) => lines.push(line)) });
const { pendingRef } = await client.signIn('ada@example.com');
await emu.click('ada@example.com');
const session = await client.pollSession(pendingRef, { intervalMs: 10 });
console.log(JSON.stringify({ email: session.user?.email, lines: lines.length, first: lines[0].replace(/#\\d+/, '#n') }));
`,
    );
    expect(JSON.parse(await runAsync(process.execPath, ['main.mjs'], consumer))).toEqual({
      email: 'ada@example.com',
      lines: expect.any(Number),
      first: '[enchanted-link] POST /v1/auth/enchantedlink/signin/email #n →',
    });
  }, 60_000);

  it('only the opentelemetry entry fails to load, naming the missing package', async () => {
    writeFileSync(join(consumer, 'otel-missing.mjs'), `await import('enchanted-link/opentelemetry');`);
    await expect(runAsync(process.execPath, ['otel-missing.mjs'], consumer)).rejects.toThrow(/Cannot find package '@opentelemetry\/api'/);
  }, 60_000);
});

describe('with the OpenTelemetry API and SDK installed', () => {
  beforeAll(() => {
    // What the user would `npm install`: the API (the peer) and an SDK, here the repository's pinned copies.
    symlinkSync(join(root, 'node_modules/@opentelemetry'), join(consumer, 'node_modules/@opentelemetry'), 'dir');
  });

  const script = (load: string) => `${load}
(async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const emu = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
  const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch, onEvent: openTelemetry({ tracerProvider: provider }) });
  const { pendingRef } = await client.signIn('ada@example.com');
  await emu.click('ada@example.com');
  await client.pollSession(pendingRef, { intervalMs: 10 });
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  console.log(JSON.stringify({
    names: [...new Set(spans.map((span) => span.name))].sort(),
    method: spans[0].attributes['http.request.method'],
    leaks: JSON.stringify(spans.map((span) => [span.attributes, span.events])).includes(pendingRef),
  }));
})().catch((error) => { console.error(error); process.exit(1); });
`;
  const expected = {
    names: ['POST /v1/auth/enchantedlink/pending-session', 'POST /v1/auth/enchantedlink/signin/email', 'enchanted-link poll'],
    method: 'POST',
    leaks: false,
  };

  it('records a sign-in as spans (ESM)', async () => {
    writeFileSync(
      join(consumer, 'otel.mjs'),
      script(`import { EnchantedLinkClient } from 'enchanted-link';
import { openTelemetry } from 'enchanted-link/opentelemetry';
import { createEmulator } from 'enchanted-link/testing';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';`),
    );
    expect(JSON.parse(await runAsync(process.execPath, ['otel.mjs'], consumer))).toEqual(expected);
  }, 60_000);

  it('records a sign-in as spans (CommonJS)', async () => {
    writeFileSync(
      join(consumer, 'otel.cjs'),
      script(`const { EnchantedLinkClient } = require('enchanted-link');
const { openTelemetry } = require('enchanted-link/opentelemetry');
const { createEmulator } = require('enchanted-link/testing');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');`),
    );
    expect(JSON.parse(await runAsync(process.execPath, ['otel.cjs'], consumer))).toEqual(expected);
  }, 60_000);
});

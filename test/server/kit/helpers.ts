// The server kit driven as a framework drives it: plain `Request` objects in, `Response` objects out, no
// server, no socket. Descope is the in-process emulator (its `fetch`). A `Browser` keeps cookies as a
// browser does and sends the headers a browser sends on a same-origin post.
import { vi } from 'vitest';
import { RequestBudget } from '../../../src/transport/request-budget.js';
import type { EnchantedLinkEvent } from '../../../src/types/events.js';
import { createServerKit, MemoryStore, type KitStore, type ServerKit, type ServerKitOptions } from '../../../src/server/index.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../../src/testing/index.js';

/** The app's origin, as browsers see it. */
export const ORIGIN = 'https://app.example.com';
/** The kit's secret in these tests (32+ characters). */
export const SECRET = 'a-test-secret-of-enough-length-0123456789';

/** A store that records every value written, to look for secrets in it. */
export class DumpableStore extends MemoryStore {
  readonly written: Array<{ key: string; value: string }> = [];

  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.written.push({ key, value });
    return super.set(key, value, ttlMs);
  }

  override async increment(key: string, ttlMs: number, by?: number): Promise<number> {
    this.written.push({ key, value: '' });
    return super.increment(key, ttlMs, by);
  }
}

export interface KitSetup {
  emulator: Emulator;
  events: EnchantedLinkEvent[];
  store: KitStore;
  /** A kit instance on the shared emulator, store and secret (another instance of the same app). */
  instance(options?: Partial<ServerKitOptions>): ServerKit;
}

/** The emulator, a shared store, and kits made on them (each call of `instance` is one more instance). */
export function kitSetup(store: KitStore = new MemoryStore(), emulatorOptions: EmulatorOptions = {}): KitSetup {
  const emulator = createEmulator({ rateLimit: false, ...emulatorOptions });
  const events: EnchantedLinkEvent[] = [];
  return {
    emulator,
    events,
    store,
    instance: (options = {}) =>
      createServerKit({
        projectId: emulator.projectId,
        secret: SECRET,
        publicUrl: ORIGIN,
        fetch: emulator.fetch,
        store,
        // Not about the budget: no pacing between the many calls of a test.
        requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
        onEvent: (event) => events.push(event),
        ...options,
      }),
  };
}

/** What a send answered, and the request's parts. */
export interface Sent {
  response: Response;
  body: any;
}

/** A browser: keeps the cookies the kit sets, and sends them back, with the headers of a same-origin page. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly userAgent: string;

  constructor(userAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36') {
    this.userAgent = userAgent;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A request as this browser's page would send it; `headers` on top (an empty value removes a header). */
  request(path: string, init: { method?: string; json?: unknown; form?: Record<string, string>; body?: string; type?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}): Request {
    const method = init.method ?? (init.json !== undefined || init.form || init.body !== undefined ? 'POST' : 'GET');
    const headers = new Headers({ 'user-agent': this.userAgent });
    if (this.cookies.size) headers.set('cookie', this.cookieHeader);
    if (method === 'POST') {
      headers.set('origin', ORIGIN);
      headers.set('sec-fetch-site', 'same-origin');
    }
    let body: string | undefined = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    }
    if (init.type) headers.set('content-type', init.type);
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      if (value === '') headers.delete(name);
      else headers.set(name, value);
    }
    return new Request(new URL(path, ORIGIN), { method, headers, ...(body !== undefined && { body }), ...(init.signal && { signal: init.signal }) });
  }

  /** Sends through `handler` (a kit's `handle` by default) and keeps the cookies of the answer. */
  async send(kit: ServerKit, path: string, init: Parameters<Browser['request']>[1] = {}): Promise<Sent> {
    const response = await kit.handle(this.request(path, init));
    this.keep(response);
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { response, body: json ? JSON.parse(text) : text };
  }

  /** Keeps the cookies `response` sets (and drops those it clears), as a browser does. */
  keep(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      if (/Max-Age=0(;|$)/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
  }
}

/** The hidden fields of the confirm page's form. */
export function formFields(html: string): Record<string, string> {
  const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [unescape(name!), unescape(value!)]));
}

/** The path and query of an emailed link (the kit is addressed by path; the origin is {@link ORIGIN}). */
export const pathOf = (url: string) => {
  const { pathname, search } = new URL(url);
  return `${pathname}${search}`;
};

/**
 * Fake timers for the kit's tests: the clock and timers only. Web Crypto and the event loop stay real
 * (`setImmediate` is how {@link until} lets them run): the kit's HMACs and encryption complete on a
 * thread pool, not on a timer.
 */
export const FAKE_TIMERS: Parameters<typeof vi.useFakeTimers>[0] = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] };

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
// Taken before any test fakes the timers: a short real pause lets work on other threads (Web Crypto) finish.
const realSetTimeout = globalThis.setTimeout;
const pause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** Lets real asynchronous work run until `condition()` holds; fails naming `what` after 5 s of real time. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > 5_000) throw new Error(`Timed out waiting for ${what}`);
    await turn();
  }
}

/**
 * Runs `promise` to its end on the fake clock: lets real work run (Web Crypto), then advances the clock by
 * `step` ms, until it settles; fails when it is still pending after `within` ms of fake time. For phases
 * whose waits are timers (a poll interval, a budget pause, a deadline): work on other threads racing a
 * fake deadline would make a test depend on the machine's speed, so a test awaits such work plainly.
 */
export async function drive<T>(promise: Promise<T>, { step = 100, within = 120_000 }: { step?: number; within?: number } = {}): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => {});
  for (let elapsed = 0; ; elapsed += step) {
    for (let i = 0; i < 10 && !settled; i++) await turn();
    if (!settled) await pause(2);
    if (settled) return watched;
    if (elapsed >= within) throw new Error(`Still pending after ${within} ms of fake time`);
    await vi.advanceTimersByTimeAsync(step);
  }
}

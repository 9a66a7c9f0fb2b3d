import ky, { isNetworkError } from 'ky';
import { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import type { FetchFunction } from '../types/client-options.js';
import type { EventListener } from '../types/events.js';
import type { Clock } from '../utils/clock.js';
import { fromAnswer, fromThrown, type BodySchema } from './outcome.js';
import { redact, scrub, secretsOf } from './redact.js';
import type { RetryPolicy } from './policy.js';

/** @internal Settings the transport is built from, already normalised by the client. */
export interface TransportConfig {
  projectId: string;
  baseUrl: string;
  /** Limit for one attempt, ms: from sending the request to reading the last byte of the answer. */
  timeout: number;
  fetch?: FetchFunction | undefined;
  headers?: Record<string, string> | undefined;
  /** Told what every request, attempt and wait did (`transport/observe.ts`); none: no event is built. */
  onEvent?: EventListener | undefined;
}

/** @internal One call: what to send, how to check the answer, and whether it may be retried. */
export interface Call<T> {
  /** An absolute path on the API, e.g. `/v1/auth/enchantedlink/verify`. */
  path: string;
  /** @defaultValue `POST` */
  method?: 'GET' | 'POST';
  /** The JSON body (POST); `undefined` fields are left out. Its `pendingRef`, `token` and `pkceVerifier` are credentials. */
  body?: Record<string, unknown>;
  schema: BodySchema<T>;
  signal?: AbortSignal | undefined;
  /** Appended to the bearer as `<projectId>:<refreshJwt>`; already checked to hold no CR, LF or NUL. */
  refreshJwt?: string | undefined;
  /** `none`: one attempt, for the poll loop, which retries by the same rule itself. */
  retry: RetryPolicy | 'none';
  /** Marks a poll: it takes its turn among the polls of its sign-in (`key`, the pendingRef). */
  poll?: { key: string; onWait: (ms: number) => void; id?: number | undefined } | undefined;
}

/** @internal What an observed attempt adds (extra headers, e.g. `traceparent`) and learns (the status answered). */
export interface AttemptTrace {
  headers?: Record<string, string> | undefined;
  status?: number;
}

/** @internal Sends one attempt of a call: its validated body, or one of our errors, or `signal.reason`. */
export type Attempt = <T>(call: Call<T>, trace?: AttemptTrace) => Promise<T>;

/**
 * The single place that talks HTTP. ky sends (URL, headers, JSON body, network errors); the attempt's
 * timeout is ours, on the executor's clock, and covers the whole answer, body included (a server that
 * trickles its body is as dead as a silent one). Every outcome leaves as a validated body, one of our error
 * classes, or `signal.reason`. ky's errors never escape: they hold the `Request`, whose headers carry
 * credentials; a runtime's error that quotes a credential anywhere is replaced by a redacted copy.
 */
export function createAttempt(config: TransportConfig, clock: Clock): Attempt {
  const { projectId, timeout, fetch: userFetch } = config;
  const host = new URL(config.baseUrl).host;
  const headerValues = Object.values(config.headers ?? {});
  // A `Headers` object, so our names replace a custom header's whatever its case.
  const headers = new Headers(config.headers);
  // The project-only Authorization is set once: per-call headers cost ky a deep merge on every request.
  for (const [name, value] of Object.entries({ accept: 'application/json', authorization: `Bearer ${projectId}`, 'x-descope-sdk-name': 'enchanted-link', 'x-descope-sdk-version': __SDK_VERSION__, 'x-descope-project-id': projectId })) {
    headers.set(name, value);
  }
  const http = ky.create({
    prefix: config.baseUrl,
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    headers,
    ...(userFetch && {
      // Called unbound, a browser's `window.fetch` throws "Illegal invocation".
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await userFetch(input as Request, init);
        // `Response.error()` is the Fetch spec's network error: fail as a real fetch does.
        if (response.type === 'error') throw new TypeError('fetch failed');
        return response;
      },
    }),
  });

  return async <T>({ path, method = 'POST', body, schema, signal, refreshJwt }: Call<T>, trace?: AttemptTrace): Promise<T> => {
    const secrets = secretsOf({ body, refreshJwt, headerValues });
    // One controller ends the request for the caller's abort and for the timeout alike.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort);
    const timer = clock.setTimeout(() => stop.abort(), timeout);
    try {
      // ky would still hand an aborted request to a custom `fetch`, which may not check the signal.
      signal?.throwIfAborted();
      const pending = http(path.slice(1), {
        method,
        ...((refreshJwt || trace?.headers) && { headers: { ...trace?.headers, ...(refreshJwt && { authorization: `Bearer ${projectId}:${refreshJwt}` }) } }),
        ...(body && { json: body }),
        signal: stop.signal,
      });
      // Raced against the controller: a custom `fetch` may ignore the signal, and a body it built
      // itself (a test double, a proxy) does not end when the request is aborted.
      const response = await settled(pending, stop.signal);
      const text = await readText(response, stop.signal);
      const { status, headers } = response;
      if (trace) trace.status = status;
      signal?.throwIfAborted();
      stop.signal.throwIfAborted();
      // A server may echo credentials in its answer, which becomes an error's message and fields.
      return fromAnswer(path, status, headers, text, schema, (value) => redact(value, secrets));
    } catch (error) {
      // An abort always wins, even if the answer arrived in the same tick.
      if (signal?.aborted) throw signal.reason;
      if (error instanceof EnchantedLinkError) throw error;
      const cause = isNetworkError(error) ? error.cause : error;
      throw fromThrown(path, host, scrub(cause, secrets), stop.signal.aborted ? timeout : undefined);
    } finally {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };
}

/** `promise`, or a rejection the moment `signal` aborts (the promise's own outcome is then ignored). */
function settled<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.throwIfAborted();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The body as text; an abort cancels the stream (its source stops) and rejects with the signal's reason. */
async function readText(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const decoder = new TextDecoder();
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    signal.throwIfAborted();
    return text + decoder.decode();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

import ky, { isNetworkError, isTimeoutError } from 'ky';
import { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import type { FetchFunction } from '../types/client-options.js';
import { sleep } from '../utils/sleep.js';
import { fromAnswer, fromThrown, retryDelay, type BodySchema, type RetryPolicy } from './outcome.js';

/** @internal Settings the transport is built from, already normalised by the client. */
export interface TransportConfig {
  projectId: string;
  baseUrl: string;
  timeout: number;
  fetch?: FetchFunction | undefined;
  headers?: Record<string, string> | undefined;
}

/** @internal One call: what to send, how to check the answer, and whether it may be retried. */
export interface Call<T> {
  /** An absolute path on the API, e.g. `/v1/auth/enchantedlink/verify`. */
  path: string;
  /** @defaultValue `POST` */
  method?: 'GET' | 'POST';
  /** The JSON body (POST); `undefined` fields are left out. */
  body?: Record<string, unknown>;
  schema: BodySchema<T>;
  signal?: AbortSignal | undefined;
  /** Appended to the bearer as `<projectId>:<refreshJwt>`; already checked to hold no CR, LF or NUL. */
  refreshJwt?: string | undefined;
  /** `none`: one attempt, for the poll loop, which retries by the same rule itself. */
  retry: RetryPolicy | 'none';
}

/** @internal Sends one call and returns its validated body, or rejects with one of our errors or `signal.reason`. */
export type Transport = <T>(call: Call<T>) => Promise<T>;

/** Retries within one call, the backoff base between them (ms), and the longest `Retry-After` worth waiting (ms). */
const RETRIES = 2;
const RETRY_BASE = 250;
const MAX_INLINE_RETRY_AFTER = 5_000;

/**
 * The single place that talks HTTP. ky sends (URL, headers, JSON body, timeout, network errors); retries
 * are ours (`outcome.ts` decides, see ARCHITECTURE.md for why not ky's). Every outcome leaves as a
 * validated body, one of our error classes, or `signal.reason`. ky's errors never escape: they hold the
 * `Request`, whose headers carry credentials.
 */
export function createTransport(config: TransportConfig): Transport {
  const { projectId, timeout, fetch: userFetch } = config;
  const host = new URL(config.baseUrl).host;
  const custom = Object.values(config.headers ?? {});
  // A `Headers` object, so our names replace a custom header's whatever its case.
  const headers = new Headers(config.headers);
  // The project-only Authorization is set once: per-call headers cost ky a deep merge on every request.
  for (const [name, value] of Object.entries({ accept: 'application/json', authorization: `Bearer ${projectId}`, 'x-descope-sdk-name': 'enchanted-link', 'x-descope-sdk-version': __SDK_VERSION__, 'x-descope-project-id': projectId })) {
    headers.set(name, value);
  }
  const http = ky.create({
    prefix: config.baseUrl,
    timeout,
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

  async function attempt<T>({ path, method = 'POST', body, schema, signal, refreshJwt }: Call<T>): Promise<T> {
    // Every credential this request holds, for redaction (short values could match JSON syntax; no real token is that short).
    const secrets = [...custom, refreshJwt, body?.token, body?.pkceVerifier].filter((s): s is string => typeof s === 'string' && s.length >= 8);
    try {
      // ky would still hand an aborted request to a custom `fetch`, which may not check the signal.
      signal?.throwIfAborted();
      const pending = http(path.slice(1), {
        method,
        ...(refreshJwt && { headers: { authorization: `Bearer ${projectId}:${refreshJwt}` } }),
        ...(body && { json: body }),
        ...(signal && { signal }),
      });
      const text = await pending.text();
      const { status, headers } = await pending;
      signal?.throwIfAborted();
      // A server may echo credentials in an error body, which becomes an error's message and fields.
      return fromAnswer(path, status, headers, status < 300 ? text : redact(text, secrets), schema);
    } catch (error) {
      // An abort always wins, even if the answer arrived in the same tick.
      if (signal?.aborted) throw signal.reason;
      if (error instanceof EnchantedLinkError) throw error;
      const cause = isNetworkError(error) ? error.cause : error;
      throw fromThrown(path, host, leaks(cause, secrets) ? new Error(redact(String((cause as Error).message), secrets)) : cause, isTimeoutError(error) ? timeout : undefined);
    }
  }

  return async (call) => {
    for (let failures = 1; ; failures++) {
      try {
        return await attempt(call);
      } catch (error) {
        const delay = call.retry !== 'none' && failures <= RETRIES ? retryDelay(error, failures, call.retry, RETRY_BASE, MAX_INLINE_RETRY_AFTER) : undefined;
        if (delay === undefined) throw error;
        await sleep(delay, call.signal);
      }
    }
  };
}

function redact(text: string, secrets: string[]): string {
  for (const secret of secrets) text = text.replaceAll(secret, '[redacted]');
  return text;
}

/** Whether a thrown value quotes a credential anywhere `util.inspect` would look: strings, fields, headers, causes. */
function leaks(value: unknown, secrets: string[], depth = 0): boolean {
  if (typeof value == 'string') return secrets.some((secret) => value.includes(secret));
  if (!value || typeof value != 'object' || depth > 4) return false;
  const { message, stack, cause, headers } = value as Record<string, unknown>;
  return [message, stack, cause, ...Object.values(value), ...(headers instanceof Headers ? headers.values() : [])].some((field) => leaks(field, secrets, depth + 1));
}

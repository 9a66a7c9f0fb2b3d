import ky, { isHTTPError, isNetworkError, isTimeoutError } from 'ky';
import { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import { errorFromResponse } from '../errors/from-response.js';
import { NetworkError } from '../errors/network-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import type { EndpointPath } from '../protocol/paths.js';
import type { FetchFunction } from '../types/client-options.js';
import { parseJson, toIssues } from '../errors/parse-body.js';
import { RETRY_OPTIONS, type RetryPolicy } from './retry-policy.js';


/** @internal Settings the transport is built from, already validated by the client. */
export interface TransportConfig {
  projectId: string;
  baseUrl: string;
  timeout: number;
  fetch?: FetchFunction | undefined;
  headers?: Record<string, string> | undefined;
}

/** @internal The run-time check a body must pass; any zod/mini schema fits. */
export interface BodySchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/** @internal Per-request settings. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Appended to the bearer as `<projectId>:<refreshJwt>`. */
  refreshJwt?: string | undefined;
  retry: RetryPolicy;
}

/**
 * @internal Sends one JSON POST (a GET when `body` is `undefined`) and returns its validated body, or rejects
 * with one of our errors.
 */
export type Transport = <T>(path: EndpointPath, body: object | undefined, schema: BodySchema<T>, options: RequestOptions) => Promise<T>;

/**
 * The single place that talks HTTP. Every outcome leaves as a validated body, one of our error classes,
 * or `signal.reason`. ky's errors never escape: they hold the `Request`, whose headers carry credentials.
 */
export function createTransport(config: TransportConfig): Transport {
  const headers = new Headers(config.headers);
  headers.set('accept', 'application/json');
  headers.set('content-type', 'application/json');
  headers.set('x-descope-sdk-name', 'enchanted-link');
  headers.set('x-descope-sdk-version', __SDK_VERSION__);
  headers.set('x-descope-project-id', config.projectId);
  const userFetch = config.fetch;
  const http = ky.create({
    prefix: config.baseUrl,
    timeout: config.timeout,
    headers,
    // Keep error bodies as raw text (ky would drop unparsable JSON); `errorFromResponse` parses them.
    parseJson: (text: string) => text,
    ...(userFetch
      ? {
          // Called unbound, a browser's `window.fetch` throws "Illegal invocation".
          fetch: async (input, init) => {
            const response = await userFetch(input as Request, init);
            // `Response.error()` is the Fetch spec's network error: fail as a real fetch does, so ky retries
            // it like any network error and it surfaces as NetworkError.
            if (response.type === 'error') throw new TypeError('fetch failed');
            return response;
          },
        }
      : {}),
  });

  return async (path, body, schema, { signal, refreshJwt, retry }) => {
    try {
      // ky would still hand an aborted request to a custom `fetch`, which may not check the signal.
      signal?.throwIfAborted();
      const pending = http(path.slice(1), {
        method: body ? 'post' : 'get',
        json: body,
        retry: RETRY_OPTIONS[retry],
        headers: { authorization: `Bearer ${config.projectId}${refreshJwt ? `:${refreshJwt}` : ''}` },
        ...(signal ? { signal } : {}),
      });
      const text = await pending.text();
      const { status } = await pending;
      signal?.throwIfAborted();
      const json = parseJson(text);
      if (!json.ok) throw new ResponseValidationError(path, status, json.issues);
      const parsed = schema.safeParse(json.value);
      if (!parsed.success) throw new ResponseValidationError(path, status, toIssues(parsed.error));
      return parsed.data;
    } catch (error) {
      // An abort always wins, even if the answer arrived in the same tick.
      if (signal?.aborted) throw signal.reason;
      if (error instanceof EnchantedLinkError) throw error;
      if (isHTTPError(error)) {
        const { data, response } = error;
        throw errorFromResponse(path, response.status, response.headers, redact(typeof data === 'string' ? data : '', body, refreshJwt));
      }
      if (isTimeoutError(error)) throw new RequestTimeoutError(path, config.timeout);
      throw new NetworkError(path, isNetworkError(error) ? error.cause : error);
    }
  };
}

/**
 * Removes this request's credentials from an error body before it becomes an error's message and fields,
 * in case a server echoes them. Short values are left alone: they could match JSON syntax, and no real
 * token is that short.
 */
function redact(text: string, body: { token?: unknown; pkceVerifier?: unknown } = {}, refreshJwt: string | undefined): string {
  for (const secret of [body.token, body.pkceVerifier, refreshJwt]) {
    if (typeof secret === 'string' && secret.length >= 8) text = text.replaceAll(secret, '[redacted]');
  }
  return text;
}

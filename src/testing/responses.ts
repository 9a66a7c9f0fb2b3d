import { errorBody, type EmulatorErrorName, EMULATOR_ERRORS } from './errors.js';

/** Sent on every answer so a browser app on another origin can call the emulator's HTTP server. */
const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers':
    'authorization, content-type, accept, x-descope-sdk-name, x-descope-sdk-version, x-descope-project-id',
  // Without it a page cannot read Retry-After on a cross-origin 429, and RateLimitError.retryAfter is 0.
  'access-control-expose-headers': 'retry-after',
};

/** Statuses whose answers must not carry a body (the Response constructor throws otherwise). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** An answer with a body of the given content type; the body is dropped for null-body statuses. */
export function textResponse(
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Response {
  const response = new Response(NULL_BODY_STATUSES.has(status) ? null : body, {
    status,
    headers: { 'content-type': contentType },
  });
  // set(), not an object spread, so a caller's `Content-Type` replaces the default instead of joining it.
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** A JSON answer. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return textResponse(status, JSON.stringify(body), 'application/json', headers);
}

/** The Descope-shaped answer for `name`. */
export function errorResponse(name: EmulatorErrorName, detail?: string, headers?: Record<string, string>): Response {
  return jsonResponse(EMULATOR_ERRORS[name].status, errorBody(name, detail), headers);
}

/** Adds the CORS headers in place. `Response.error()` is left alone: its headers are immutable. */
export function withCors(response: Response): Response {
  if (response.type === 'error') return response;
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  return response;
}

// Request in, Response out: JSON answers and errors, bounded bodies, the same-origin check. Nothing here
// knows about sign-ins.

/**
 * A failure answered as JSON `{ error, message }` with an HTTP status, headers such as `Retry-After`, and
 * `Set-Cookie` values (a session that ended clears its cookies).
 */
export class KitError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly setCookie: readonly string[];

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}, setCookie: readonly string[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.setCookie = setCookie;
  }
}

/** Headers every answer of the kit has: nothing it says may be cached by a browser or a proxy. */
const NO_STORE = { 'cache-control': 'no-store' };

/** A JSON answer; `setCookie` values each become a `Set-Cookie` header. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}, setCookie: readonly string[] = []): Response {
  const answer = new Headers({ 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...headers });
  for (const cookie of setCookie) answer.append('set-cookie', cookie);
  return new Response(JSON.stringify(body), { status, headers: answer });
}

/** The JSON answer for `error`, with its headers and cookies. */
export const errorResponse = (error: KitError): Response => json(error.status, { error: error.code, message: error.message }, error.headers, error.setCookie);

/**
 * Why a state-changing post (a form, or a call authenticated by a cookie) is refused as cross-origin, or
 * undefined when it comes from a page of `origin` (`https://app.example.com`). Browsers send
 * `Sec-Fetch-Site` (all current ones) or at least `Origin` on a POST; a request with neither does not come
 * from a page. `Origin` is compared whole: `http://app.example.com` is not `https://app.example.com`, and a
 * sibling subdomain (same-site, so `SameSite` cookies reach it) is another origin.
 */
export function crossOrigin(headers: Headers, origin: string): 'cross_origin' | 'no_origin' | undefined {
  const site = headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' ? undefined : 'cross_origin';
  const from = headers.get('origin');
  if (!from) return 'no_origin';
  return from === origin ? undefined : 'cross_origin';
}

/** The largest body read, in bytes: an email address or a handle, or the confirm form, fit many times. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The request body as text when its type is `type`; 415 or 413 (read no further than the limit) otherwise. */
async function readBody(request: Request, type: string): Promise<string> {
  const given = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (given !== type) throw new KitError(415, 'unsupported_media_type', `Send Content-Type: ${type}`);
  const tooLarge = () => new KitError(413, 'body_too_large', `The body is over ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        void reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof KitError) throw error;
    throw new KitError(400, 'invalid_body', 'The body could not be read');
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The fields of an HTML form post (`application/x-www-form-urlencoded`); 415 or 413 otherwise. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(request, 'application/x-www-form-urlencoded'));
}

/** The request body as a JSON object; 413, 415 or 400 `invalid_json` otherwise. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await readBody(request, 'application/json');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new KitError(400, 'invalid_json', 'The body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new KitError(400, 'invalid_json', 'The body must be a JSON object');
  return body as Record<string, unknown>;
}

// Small node:http helpers: JSON in and out, and an HTML page. No framework: four routes do not need one.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A failure answered as `{ error, message }` with an HTTP status. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * Why a state-changing post (a form or a cookie-authenticated call) is refused as cross-origin, or undefined when it comes from a page of this
 * origin. Browsers send `Sec-Fetch-Site` (all current ones) or at least `Origin` on a POST; a request with
 * neither does not come from a page of ours.
 */
export function crossOrigin(req: IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? undefined : 'cross_origin';
  const { origin } = req.headers;
  if (!origin) return 'no_origin';
  try {
    return new URL(origin).host === req.headers.host ? undefined : 'cross_origin';
  } catch {
    return 'cross_origin';
  }
}

const MAX_BODY_BYTES = 16 * 1024;

/** The request body as text when its type is `type`; 415 or 413 otherwise. */
async function readBody(req: IncomingMessage, type: string): Promise<string> {
  if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== type) {
    throw new HttpError(415, 'unsupported_media_type', `Send Content-Type: ${type}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `The body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The fields of an HTML form post (`application/x-www-form-urlencoded`); 415 or 413 otherwise. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req, 'application/x-www-form-urlencoded'));
}

/** The request body as a JSON object; 413, 415 or 400 otherwise. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req, 'application/json');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_json', 'The body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.code, message: error.message }, error.headers);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * An HTML page that keeps its URL (which may hold the link token) out of Referer and caches, and that no
 * other site may frame (a framed "Sign me in" button could be clickjacked). `form` adds a POST form with
 * hidden fields and one submit button; values are escaped.
 */
export function sendPage(
  res: ServerResponse,
  status: number,
  title: string,
  text: string,
  form?: { action: string; fields: Record<string, string>; button: string },
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  });
  const fields = Object.entries(form?.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const formHtml = form
    ? `<form method="post" action="${escapeHtml(form.action)}">${fields}<button type="submit">${escapeHtml(form.button)}</button></form>`
    : '';
  // Drops ?t= from the address bar and history too; the server never needs to redirect for that.
  res.end(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<script>history.replaceState(null, '', location.pathname)</script>
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${formHtml}
`);
}

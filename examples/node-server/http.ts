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
 * Why a state-changing post (a form or a cookie-authenticated call) is refused as cross-origin, or undefined
 * when it comes from a page of `origin` (scheme, host and port: `https://app.example.com`). Browsers send
 * `Sec-Fetch-Site` (all current ones) or at least `Origin` on a POST; a request with neither does not come
 * from a page of ours. `Origin` is compared whole: `http://app.example.com` is not `https://app.example.com`.
 */
export function crossOrigin(req: IncomingMessage, origin: string): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' ? undefined : 'cross_origin';
  if (!req.headers.origin) return 'no_origin';
  return req.headers.origin === origin ? undefined : 'cross_origin';
}

/**
 * This server's origin as browsers see it: `publicUrl`'s when configured (behind a proxy that terminates
 * TLS, the only way to know the scheme), else the scheme of this socket and the `Host` header.
 */
export function originOf(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
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

/** What a page may hold besides its title and text. Every value is escaped. */
export interface PageParts {
  /** Lines of facts, shown as a list (the confirm page: which account, which device, when). */
  details?: string[];
  /** A POST form with hidden fields, an optional text input, and one submit button. */
  form?: {
    action: string;
    fields: Record<string, string>;
    input?: { name: string; label: string; pattern: string };
    button: string;
  };
  /** An inline script (the sign-in page's). */
  script?: string;
  /** Extra headers, e.g. a `Set-Cookie`. */
  headers?: Record<string, string | string[]>;
}

/**
 * An HTML page that keeps its URL (which may hold the link token) out of Referer and caches, and that no
 * other site may frame (a framed "Sign in" button could be clickjacked).
 */
export function sendPage(res: ServerResponse, status: number, title: string, text: string, { details, form, script, headers = {} }: PageParts = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    ...headers,
  });
  const list = details?.length ? `<ul id="details">${details.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>` : '';
  const fields = Object.entries(form?.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  // `required` and `pattern`: a browser does not submit the form until a number is typed, so a scanner's
  // click on the button sends nothing at all.
  const input = form?.input
    ? `<label for="${escapeHtml(form.input.name)}">${escapeHtml(form.input.label)}</label> <input id="${escapeHtml(form.input.name)}" name="${escapeHtml(form.input.name)}" required pattern="${escapeHtml(form.input.pattern)}" inputmode="numeric" autocomplete="off"> `
    : '';
  const formHtml = form
    ? `<form method="post" action="${escapeHtml(form.action)}">${fields}${input}<button type="submit">${escapeHtml(form.button)}</button></form>`
    : '';
  // Drops ?t= from the address bar and history too; the server never needs to redirect for that.
  res.end(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<script>history.replaceState(null, '', location.pathname)</script>
<h1 id="title">${escapeHtml(title)}</h1><p id="text">${escapeHtml(text)}</p>${list}${formHtml}${script ? `\n<script>${script}</script>` : ''}
`);
}

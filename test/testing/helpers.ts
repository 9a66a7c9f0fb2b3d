// Shared by the emulator tests: build Descope requests by hand, since the SDK client is not used here.
import { expect } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { EMULATOR_ERRORS, type Emulator, type EmulatorErrorName } from '../../src/testing/index.js';

export const ADA = 'ada@example.com';

/** The JSON an answer carries; `any` so tests can read fields without casts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

export interface CallOptions {
  /** The Authorization header; default `Bearer <projectId>`; `null` sends none. */
  auth?: string | null;
  /** A refresh JWT to send as `Bearer <projectId>:<refreshJwt>`. */
  refreshJwt?: string;
  method?: string;
  /** A raw body instead of JSON-encoding `body`. */
  raw?: string;
}

/** A Request to the emulator's base URL, the way an SDK would send it. */
export function apiRequest(emu: Emulator, path: string, body?: unknown, options: CallOptions = {}): Request {
  const { method = 'POST', raw, refreshJwt } = options;
  const auth = options.auth === undefined ? `Bearer ${emu.projectId}${refreshJwt ? `:${refreshJwt}` : ''}` : options.auth;
  const headers = new Headers({ 'content-type': 'application/json', 'x-descope-sdk-name': 'test' });
  if (auth !== null) headers.set('authorization', auth);
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  return new Request(`${emu.baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
}

/** Reads a Response: status, headers, and the body as JSON when it parses, else as text. */
export async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}

/** Sends one request through `emu.handle()` and reads the answer. */
export async function call(emu: Emulator, path: string, body?: unknown, options?: CallOptions): Promise<Answer> {
  return answer(await emu.handle(apiRequest(emu, path, body, options)));
}

/** Asserts a Descope-shaped error answer of the named kind. */
export function expectError(result: Answer, name: EmulatorErrorName): void {
  const { status, errorCode, errorDescription } = EMULATOR_ERRORS[name];
  expect(result.headers.get('content-type')).toBe('application/json');
  expect({ status: result.status, body: result.body }).toEqual({
    status,
    body: expect.objectContaining({ errorCode, errorDescription }),
  });
}

export const signIn = (emu: Emulator, loginId = ADA, extra: object = {}, options?: CallOptions) =>
  call(emu, PATHS.signIn, { loginId, ...extra }, options);

export const poll = (emu: Emulator, pendingRef: string) => call(emu, PATHS.pendingSession, { pendingRef });

export const verify = (emu: Emulator, token: string) => call(emu, PATHS.verify, { token });

/** The token of the right (or a wrong) link in the newest email for `loginId`. */
export function linkToken(emu: Emulator, loginId = ADA, which: 'right' | 'wrong' = 'right'): string {
  const link = emu.lastEmail(loginId)?.links.find(({ correct }) => correct === (which === 'right'));
  if (!link) throw new Error(`no email for ${loginId}`);
  return link.token;
}

/** Sends `body` to a send endpoint, clicks the right link, polls once: the JWTResponse. */
export async function completeLogin(emu: Emulator, path: string, body: { loginId: string; [field: string]: unknown }, options?: CallOptions): Promise<Json> {
  const sent = await call(emu, path, body, options);
  expect(sent.status).toBe(200);
  expect(await emu.click(body.loginId)).toEqual({ status: 200, body: {} });
  const session = await poll(emu, sent.body.pendingRef);
  expect(session.status).toBe(200);
  return session.body;
}

/** Asserts the rejection a real `fetch` gives for a network failure. */
export async function expectFetchFailed(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TypeError);
  expect((error as TypeError).message).toBe('fetch failed');
}

/** Header and claims of a JWT, decoded without Buffer (as a browser would). */
export function decodeJwt(jwt: string): { header: Json; claims: Json; parts: number } {
  const parts = jwt.split('.');
  const decode = (part = '') => JSON.parse(atob(part.replaceAll('-', '+').replaceAll('_', '/')));
  return { header: decode(parts[0]), claims: decode(parts[1]), parts: parts.length };
}

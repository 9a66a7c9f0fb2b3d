import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { API } from './fixtures.js';

// The shared fixtures, for the tests that take them along with the mock server.
export { API, PROJECT_ID, SESSION } from './fixtures.js';

/** A request as the server saw it. */
export interface SeenRequest {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * msw/node server shared by a test file: unhandled requests fail the test, handlers reset after each test,
 * and every request is recorded in `seen`.
 */
export function useMockServer() {
  const server = setupServer();
  const seen: SeenRequest[] = [];
  server.events.on('request:start', async ({ request }) => {
    const text = await request.clone().text();
    seen.push({
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers),
      body: text ? JSON.parse(text) : undefined,
    });
  });
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());
  return { server, seen };
}

/** A handler answering every POST to `path` (relative to {@link API}) with `answers` in turn, the last one repeating. */
export function answer(path: string, ...answers: Array<Response | (() => Response | Promise<Response>)>) {
  let index = 0;
  return http.post(`${API}${path}`, async () => {
    const next = answers[Math.min(index++, answers.length - 1)]!;
    return typeof next === 'function' ? next() : next.clone();
  });
}

export const json = (body: JsonBodyType, status = 200, headers?: Record<string, string>) =>
  HttpResponse.json(body, { status, ...(headers ? { headers } : {}) });

export const descopeError = (status: number, errorCode: string, errorDescription = 'error', headers?: Record<string, string>) =>
  json({ errorCode, errorDescription }, status, headers);

export const pending = () => descopeError(401, 'E062503', 'Enchanted link is pending');

/**
 * `enchanted-link/testing/msw`: the emulator as msw 3 request handlers. The only entry that loads msw
 * (an optional peer dependency: install it to use this entry); `enchanted-link/testing` works without it.
 *
 * @module enchanted-link/testing/msw
 */
import { http, type RequestHandler } from 'msw';
import type { Emulator } from './types.js';

/**
 * msw 3 request handlers that answer every request to `${emulator.baseUrl}/*` from the emulator, for
 * `setupServer` (`msw/node`) and `setupWorker` (`msw/browser`). A `drop-connection` fault becomes
 * `HttpResponse.error()` (a network error), since that is what `handle()` answers (`Response.error()`).
 *
 * @param emulator - From {@link enchanted-link/testing!createEmulator | createEmulator}.
 * @returns One `http.all` handler, in an array to spread into `setupServer(...)` or `server.use(...)`.
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createEmulator } from 'enchanted-link/testing';
 * import { emulatorHandlers } from 'enchanted-link/testing/msw';
 *
 * const emu = createEmulator();
 * const server = setupServer(...emulatorHandlers(emu));
 * beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
 * afterEach(() => emu.reset());
 * afterAll(() => server.close());
 * ```
 * @category Testing
 */
export function emulatorHandlers(emulator: Emulator): RequestHandler[] {
  return [http.all(`${emulator.baseUrl}/*`, ({ request }) => emulator.handle(request))];
}

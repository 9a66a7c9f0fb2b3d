import { PATHS } from '../protocol/paths.js';
import { readBody, bodyFields, MAX_BODY_BYTES, type ReadBody } from './body.js';
import { EmulatorFailure } from './errors.js';
import { FaultQueue, faultResponse } from './faults.js';
import { sleep } from '../utils/sleep.js';
import { PAGES, VERIFY_PAGE_PATH } from './pages.js';
import { errorResponse, jsonResponse, textResponse, withCors } from './responses.js';
import { API_ROUTES, authorize } from './routes.js';
import { Issuer } from './issuer.js';
import { answerSessionRoute } from './session-routes.js';
import { RateLimiter } from './rate-limit.js';
import { startServer } from './server.js';
import { checkEmulatorOptions } from './options.js';
import { EmulatorState } from './state.js';
import type {
  Emulator,
  EmulatorClickResult,
  EmulatorEmail,
  EmulatorFault,
  EmulatorFaultOptions,
  EmulatorListenOptions,
  EmulatorOptions,
  EmulatorRequest,
  EmulatorScanOptions,
  EmulatorScanResult,
  EmulatorServer,
} from './types.js';

/** 28 characters, so SDKs derive the default base URL `https://api.descope.com` from it. */
const DEFAULT_PROJECT_ID = 'P2emulator000000000000000000';
const DEFAULT_BASE_URL = 'https://api.descope.com';

/**
 * Creates an in-memory, stateful Descope enchanted-link backend for offline tests. It speaks the wire
 * protocol of the six enchanted-link endpoints and of the session endpoints (refresh, logout, logoutall,
 * me), emails three numbered links to its {@link Emulator.outbox} on each send, signs real session and
 * refresh JWTs whose public keys it publishes at `GET /v2/keys/<projectId>` (see {@link Emulator.rotateKeys}),
 * and can inject faults. Reach it through {@link Emulator.fetch}, {@link enchanted-link/testing/msw!emulatorHandlers | emulatorHandlers} (msw)
 * or {@link Emulator.listen} (real HTTP). Browser-safe: nothing Node-only is loaded until `listen()`.
 *
 * @param options - See {@link EmulatorOptions}; all optional.
 * @throws {@link enchanted-link!InvalidArgumentError} for a malformed option, naming it (as the client's
 *   options are checked); TypeError for two users with the same login ID.
 * @example
 * ```ts
 * import { createEmulator, EMULATOR_ERRORS } from 'enchanted-link/testing';
 *
 * const emu = createEmulator({ users: [{ loginId: 'ada@example.com', name: 'Ada' }] });
 * const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch });
 * const { linkId, pendingRef } = await client.signIn('ada@example.com');
 * expect(emu.lastEmail('ada@example.com')?.linkId).toBe(linkId);
 * await emu.click('ada@example.com');
 * const session = await client.pollSession(pendingRef);
 * ```
 * @category Testing
 */
export function createEmulator(options?: EmulatorOptions): Emulator {
  return new EnchantedLinkEmulator(checkEmulatorOptions(options));
}

class EnchantedLinkEmulator implements Emulator {
  readonly projectId: string;
  readonly baseUrl: string;
  readonly #state: EmulatorState;
  readonly #issuer = new Issuer();
  readonly #faults = new FaultQueue();
  readonly #log: EmulatorRequest[] = [];
  readonly #now: () => number;
  readonly #redirectUrl: string | undefined;
  readonly #approvedDomains: readonly string[] | undefined;
  readonly #rateLimiter: RateLimiter | undefined;
  readonly #clientKey: (request: Request, remoteAddress: string | undefined) => string;
  /** URL of the newest open server from listen(). */
  #serverUrl: string | undefined;

  constructor({
    projectId = DEFAULT_PROJECT_ID,
    baseUrl = DEFAULT_BASE_URL,
    redirectUrl,
    linkTtlMs = 300_000,
    sessionTtlSeconds = 600,
    users = [],
    now = () => Date.now(),
    onEmail,
    rotateRefreshJwt = false,
    rateLimit = {},
    approvedDomains,
  }: EmulatorOptions) {
    this.projectId = projectId;
    this.baseUrl = new URL(baseUrl).origin;
    this.#redirectUrl = redirectUrl;
    this.#approvedDomains = approvedDomains?.map((domain) => domain.toLowerCase().replace(/^\.+|\.+$/g, ''));
    this.#now = now;
    this.#rateLimiter = rateLimit === false ? undefined : new RateLimiter(rateLimit, now);
    this.#clientKey =
      (rateLimit && rateLimit.clientKey) || ((_request, remoteAddress) => remoteAddress ?? 'emulator');
    this.#state = new EmulatorState({
      projectId, linkTtlMs, sessionTtlSeconds, now, users: [...users], onEmail, rotateRefreshJwt,
      issuer: this.#issuer,
      // Descope's `iss` is the project ID or a URL ending with it; the URL form exercises validators more.
      issuerName: `${this.baseUrl}/${projectId}`,
    });
  }

  readonly fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    // Strings and URLs may be relative to the base URL; anything else is taken as a Request (maybe of another realm).
    const relative = typeof input === 'string' || input instanceof URL;
    const request = relative ? new Request(new URL(input, this.baseUrl), init) : new Request(input, init);
    request.signal.throwIfAborted();
    const origins = [this.baseUrl, this.#serverUrl];
    if (!origins.includes(new URL(request.url).origin)) {
      throw networkError(`The emulator answers only ${origins.filter(Boolean).join(' and ')}`);
    }
    const response = await this.handle(request);
    if (response.type === 'error') throw networkError('Connection dropped (injected fault)');
    return response;
  };

  handle(request: Request): Promise<Response> {
    return this.#answer(request, { faults: true, client: undefined });
  }

  get outbox(): readonly EmulatorEmail[] {
    return this.#state.outbox;
  }

  lastEmail(loginId: string): EmulatorEmail | undefined {
    return [...this.#state.outbox].reverse().find((email) => email.loginId === loginId || email.to === loginId);
  }

  async click(loginId: string, which: 'right' | 'wrong' = 'right'): Promise<EmulatorClickResult> {
    const link = this.#newestEmail(loginId).links.find(({ correct }) => correct === (which === 'right'));
    const response = await this.#verifyAsAnotherDevice(link?.token);
    return { status: response.status, body: await response.json() };
  }

  async scan(loginId: string, { verifyOnLoad = false, fetch = globalThis.fetch }: EmulatorScanOptions = {}): Promise<EmulatorScanResult[]> {
    const results: EmulatorScanResult[] = [];
    for (const { number, url, token } of this.#newestEmail(loginId).links) {
      const served = this.#serves(url) && PAGES.has(new URL(url).pathname);
      const page = served ? await this.#answer(new Request(url), { faults: false, client: false }) : await fetch(url);
      await page.body?.cancel();
      const result: EmulatorScanResult = { number, url, status: page.status };
      if (verifyOnLoad) result.verifyStatus = (await this.#verifyAsAnotherDevice(token)).status;
      results.push(result);
    }
    return results;
  }

  #newestEmail(loginId: string): EmulatorEmail {
    const email = this.lastEmail(loginId);
    if (!email) throw new Error(`No email was sent for ${loginId}`);
    return email;
  }

  /** Whether `url` is on an origin this emulator answers (its base URL or its open server). */
  #serves(url: string): boolean {
    const { origin } = new URL(url);
    return origin === this.baseUrl || origin === this.#serverUrl;
  }

  /** What the page behind a link does, from another device: its own client, never rate limited or faulted. */
  #verifyAsAnotherDevice(token: string | undefined): Promise<Response> {
    return this.#answer(
      new Request(`${this.baseUrl}${PATHS.verify}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.projectId}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      }),
      { faults: false, client: false },
    );
  }

  get requests(): readonly EmulatorRequest[] {
    return this.#log.map((entry) => ({ ...entry }));
  }

  injectFault(fault: EmulatorFault, options?: EmulatorFaultOptions): void {
    this.#faults.add(fault, options);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  reset(): void {
    this.#state.reset();
    this.#faults.clear();
    this.#log.length = 0;
    this.#rateLimiter?.reset();
  }

  rotateKeys({ retirePrevious = false }: { retirePrevious?: boolean } = {}): Promise<string> {
    return this.#issuer.rotate(retirePrevious);
  }

  async listen(options?: EmulatorListenOptions): Promise<EmulatorServer> {
    const server = await startServer(
      (request, remoteAddress) => this.#answer(request, { faults: true, client: remoteAddress }),
      options,
    );
    this.#serverUrl = server.url;
    return {
      url: server.url,
      allowedHosts: server.allowedHosts,
      close: async () => {
        if (this.#serverUrl === server.url) this.#serverUrl = undefined;
        await server.close();
      },
    };
  }

  /**
   * Logs the request, applies the rate limit, a fault (unless `faults` is false) or routes it, and adds
   * CORS. `client` is the peer's address (undefined when there is none), or `false` for a request the
   * rate limit does not count.
   */
  async #answer(request: Request, via: { faults: boolean; client: string | undefined | false }): Promise<Response> {
    const entry: EmulatorRequest = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers),
      body: undefined,
      status: 0,
      at: this.#now(),
    };
    this.#log.push(entry);
    const retryAfter = via.client === false ? undefined : this.#rateLimit(request, entry.path, via.client);
    if (retryAfter !== undefined) {
      entry.status = 429;
      const detail = `too many requests from this client; retry in ${retryAfter} s`;
      return withCors(errorResponse('rateLimited', detail, { 'retry-after': String(retryAfter) }));
    }
    // A preflight taking a fault would steal it from the request it precedes.
    const fault = via.faults && request.method !== 'OPTIONS' ? this.#faults.take(entry.path) : undefined;
    const response = withCors(await this.#respond(request, entry, fault));
    entry.status = response.status;
    return response;
  }

  /** Seconds the client must wait, or undefined. Preflights and the HTML pages are not API calls. */
  #rateLimit(request: Request, path: string, remoteAddress: string | undefined): number | undefined {
    if (!this.#rateLimiter || request.method === 'OPTIONS') return undefined;
    if (request.method === 'GET' && PAGES.has(path)) return undefined;
    return this.#rateLimiter.take(this.#clientKey(request, remoteAddress));
  }

  async #respond(request: Request, entry: EmulatorRequest, fault: EmulatorFault | undefined): Promise<Response> {
    try {
      const body = await readBody(request);
      entry.body = body.value;
      if (fault?.type === 'latency') await sleep(fault.ms, request.signal);
      else if (fault) return faultResponse(fault);
      // `await`, so a failure of an async route is caught below.
      return await this.#route(request, entry.path, body);
    } catch (error) {
      // An aborted request gets no answer: the caller rejects with the abort reason, as fetch does.
      if (request.signal.aborted) throw request.signal.reason;
      if (error instanceof EmulatorFailure) return errorResponse(error.errorName, error.detail);
      return errorResponse('internalError', String(error));
    }
  }

  async #route(request: Request, path: string, body: ReadBody): Promise<Response> {
    const { method } = request;
    if (method === 'OPTIONS') return new Response(null, { status: 204 });
    if (body.tooLarge) return errorResponse('bodyTooLarge', `the limit is ${MAX_BODY_BYTES} bytes`);
    const session = await answerSessionRoute(request, path, { state: this.#state, issuer: this.#issuer, projectId: this.projectId });
    if (session) return session;
    const page = PAGES.get(path);
    if (page && method === 'GET') {
      return textResponse(200, page({ projectId: this.projectId, outbox: this.#state.outbox }), 'text/html; charset=utf-8');
    }
    const api = API_ROUTES.get(path);
    if (api && method === 'POST') {
      const refreshJwt = authorize(request.headers.get('authorization'), this.projectId);
      const defaultRedirectUrl = this.#redirectUrl ?? `${this.#serverUrl ?? this.baseUrl}${VERIFY_PAGE_PATH}`;
      const context = { state: this.#state, fields: bodyFields(body), refreshJwt, defaultRedirectUrl, approvedDomains: this.#approvedDomains };
      return jsonResponse(200, await api(context));
    }
    if (!page && !api) return errorResponse('routeNotFound', `${method} ${path}`);
    const allowed = api ? 'POST' : 'GET';
    return errorResponse('methodNotAllowed', `${path} accepts ${allowed}`, { allow: `${allowed}, OPTIONS` });
  }
}

/** What a real fetch rejects with when there is no answer; the reason goes in `cause`. */
function networkError(reason: string): TypeError {
  return new TypeError('fetch failed', { cause: new Error(reason) });
}

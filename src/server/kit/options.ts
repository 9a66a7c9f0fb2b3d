// The kit's options: documented once here, checked once by the one options checker, defaults applied.
import { assertBaseUrl, assertDelay, assertFunction, assertNonEmptyString, assertProjectId, arrayOf, fail, withMethods } from '../../options/arguments.js';
import { checkOptions, type Spec } from '../../options/check-options.js';
import type { FetchFunction, SharedRequestBudget } from '../../types/client-options.js';
import type { EventListener } from '../../types/events.js';
import type { SendLimits } from './limits.js';
import { MemoryStore, type KitStore } from './store.js';

/**
 * Options of {@link createServerKit}.
 *
 * @category Server kit
 */
export interface ServerKitOptions {
  /** Your Descope project ID. Required. */
  projectId: string;
  /**
   * The secret every key of the kit is derived from (HKDF-SHA-256): the names and encryption of what it
   * stores, and its CSRF tokens. At least 32 characters (or bytes) of randomness, from configuration, and
   * **the same on every instance**: an instance with another secret reads none of the others' sign-ins and
   * refuses their confirm forms. Changing it ends every pending sign-in (not the sessions). Required.
   * Generate one with `openssl rand -base64 32`.
   */
  secret: string | Uint8Array;
  /**
   * The app's origin as browsers see it, e.g. `https://app.example.com` (scheme, host, port; no path):
   * the emailed links point at `${publicUrl}${basePath}/confirm`, and posts must come from this origin.
   * Configuration, never a request's `Host` header (an attacker sets that). `https:`, or `http:` on
   * localhost / 127.0.0.1 / [::1] only (the cookies are `Secure`). Required.
   */
  publicUrl: string;
  /**
   * Where the kit's routes are mounted: `${basePath}/start`, `/status`, `/confirm`, `/refresh`,
   * `/sign-out`, `/session`. A path without a trailing slash, or `''` for the root.
   * @defaultValue `'/auth'`
   */
  basePath?: string;
  /**
   * The Descope API base URL: a custom domain, or the emulator's URL (as `ClientOptions.baseUrl`).
   * @defaultValue derived from the project ID (`https://api.descope.com`, or the regional one)
   */
  baseUrl?: string;
  /**
   * Where pending sign-ins, their state and the send counters live. Every instance must share it.
   * @defaultValue `new MemoryStore()`: this process only; use `RedisStore` from `enchanted-link/redis`
   *   for several instances, serverless functions or Workers
   */
  store?: KitStore;
  /**
   * The longest one store call may take, in milliseconds; a request whose store call fails or runs out
   * answers 503 `store_unavailable` (with `Retry-After: 1`) instead of waiting on a store that hangs.
   * @defaultValue `2_000`: a store answers in milliseconds (Redis in the same region: under 1 ms); two
   *   seconds ride out a reconnect, and stay far under the timeouts of proxies and platforms
   */
  storeTimeoutMs?: number;
  /**
   * The request budget the kit's Descope calls take turns from, e.g. a fleet-wide one kept in Redis
   * (`enchanted-link/redis`), so that all instances behind one egress IP stay under Descope's per-IP limit.
   * @defaultValue the client's own `new RequestBudget()` (90 requests per 60 s, this process)
   */
  requestBudget?: SharedRequestBudget;
  /**
   * Told what the kit did ({@link enchanted-link!KitEvent}: each step and how it ended) and what the SDK
   * did for it (requests, attempts, waits, polls, key fetches). No event holds a secret or an address.
   * `logEvents()` prints them; `openTelemetry()` (`enchanted-link/opentelemetry`) makes spans of them.
   * @defaultValue none
   */
  onEvent?: EventListener;
  /**
   * The `fetch` for Descope and the keys (a proxy-aware fetch, the emulator's `fetch` in tests).
   * @defaultValue `globalThis.fetch`
   */
  fetch?: FetchFunction;
  /**
   * How long a sign-in's handle stays usable, in milliseconds.
   * @defaultValue `300_000` (5 minutes, the links' default lifetime)
   */
  signInTtlMs?: number;
  /**
   * How long one `POST /status` waits for the sign-in before answering `{ status: "pending" }`, in
   * milliseconds; the page then asks again.
   * @defaultValue `25_000`, under the idle timeout of common proxies and platforms (30 s and more)
   */
  waitMs?: number;
  /** Limits on sends per IP address and per email address; see {@link SendLimits} for the defaults. */
  limits?: SendLimits;
  /**
   * The client's IP address, for the per-IP send limit. The handler's `context.clientIp` wins over it.
   * Behind a proxy, read the header your proxy sets (and only when it sets it).
   * @defaultValue `request.ip` when the server adapter provides it (srvx does), else none: without an IP
   *   only the per-address limit applies
   */
  clientIp?: (request: Request) => string | undefined;
  /**
   * The audience a session JWT must name (`SessionValidatorOptions.audience`).
   * @defaultValue none: `aud` is not checked
   */
  audience?: string | string[];
}

/** `positive whole number or Infinity` (a limit that is off). */
function assertLimit(value: unknown, argument: string): void {
  if (value !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(value) && (value as number) >= 1)) fail(argument, 'expected a whole number of at least 1, or Infinity');
}

function assertSecret(value: unknown, argument: string): void {
  if (value instanceof Uint8Array) {
    if (value.byteLength < 32) fail(argument, 'expected at least 32 bytes');
  } else if (typeof value !== 'string' || value.length < 32) fail(argument, 'expected a string of at least 32 characters, the same on every instance');
}

function assertPublicUrl(value: unknown, argument: string): void {
  assertBaseUrl(value, argument);
  if (new URL(value).pathname !== '/') fail(argument, 'expected an origin (scheme, host and port) without a path');
}

function assertBasePath(value: unknown, argument: string): void {
  if (typeof value !== 'string' || !/^(\/[\w.~-]+)*$/.test(value)) fail(argument, "expected a path such as '/auth' (no trailing slash), or ''");
}

const LIMITS: Spec = { perIp: assertLimit, perAddress: assertLimit, windowMs: assertDelay };

const KIT: Spec = {
  secret: assertSecret,
  publicUrl: assertPublicUrl,
  basePath: assertBasePath,
  baseUrl: assertBaseUrl,
  store: withMethods('get', 'set', 'take', 'increment'),
  requestBudget: withMethods('take'),
  onEvent: assertFunction,
  fetch: assertFunction,
  signInTtlMs: assertDelay,
  waitMs: assertDelay,
  storeTimeoutMs: assertDelay,
  limits: (value, argument) => void checkOptions(value as object, LIMITS, argument),
  clientIp: assertFunction,
  audience(value, argument) {
    if (Array.isArray(value)) arrayOf(assertNonEmptyString)(value, argument);
    else assertNonEmptyString(value, argument);
  },
};

/** The options with their defaults, checked. */
export type KitSettings = Required<Pick<ServerKitOptions, 'projectId' | 'secret' | 'basePath' | 'store' | 'storeTimeoutMs' | 'signInTtlMs' | 'waitMs' | 'limits'>> &
  { [Name in 'baseUrl' | 'requestBudget' | 'onEvent' | 'fetch' | 'audience']: ServerKitOptions[Name] | undefined } & {
    /** `publicUrl`'s origin. */
    origin: string;
    clientIp: (request: Request) => string | undefined;
  };

/** The address srvx (and some other adapters) put on the request. */
const adapterIp = (request: Request): string | undefined => {
  const ip = (request as Request & { ip?: unknown }).ip;
  return typeof ip === 'string' && ip ? ip : undefined;
};

/**
 * Checks `options` (throwing `InvalidArgumentError` naming the first bad option, before anything else
 * happens) and applies the defaults.
 */
export function kitSettings(options: ServerKitOptions): KitSettings {
  const checked = checkOptions(options, KIT);
  const { projectId, secret, publicUrl, basePath = '/auth', store = new MemoryStore(), storeTimeoutMs = 2_000, signInTtlMs = 300_000, waitMs = 25_000, limits = {}, clientIp = adapterIp } = checked;
  assertProjectId(projectId, 'projectId');
  if (secret === undefined) return fail('secret', 'required: at least 32 characters, the same on every instance');
  if (publicUrl === undefined) return fail('publicUrl', "required: the app's origin as browsers see it, e.g. https://app.example.com");
  const { baseUrl, requestBudget, onEvent, fetch, audience } = checked;
  return { projectId, secret, origin: new URL(publicUrl).origin, basePath, store, storeTimeoutMs, signInTtlMs, waitMs, limits, clientIp, baseUrl, requestBudget, onEvent, fetch, audience };
}

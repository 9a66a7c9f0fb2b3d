// The SDK client of this server. Every user's sign-in is polled from this one process, so every request
// reaches Descope from one IP address: the client's RequestBudget (every client has one) keeps them all
// under Descope's per-IP limit, serves the pending sign-ins in turn, and makes them all wait out a 429 together.
import { EnchantedLinkClient, type EventListener, type FetchFunction, type RequestBudget } from 'enchanted-link';

export interface ServerClientOptions {
  projectId: string;
  /** Descope's API, or the emulator's URL. */
  baseUrl?: string | undefined;
  /** This server's `/verify` page. */
  redirectUrl: string;
  fetch?: FetchFunction;
  /** Default: the client's own `new RequestBudget()`, 90 requests per 60 s (Descope documents 100 per 60 s per IP). */
  requestBudget?: RequestBudget;
  /** What the client did, e.g. `logEvents()` when `DEBUG` is set. */
  onEvent?: EventListener | undefined;
}

export function createServerClient({ requestBudget, baseUrl, fetch, ...options }: ServerClientOptions): EnchantedLinkClient {
  return new EnchantedLinkClient({ ...options, ...(requestBudget ? { requestBudget } : {}), ...(baseUrl ? { baseUrl } : {}), ...(fetch ? { fetch } : {}) });
}

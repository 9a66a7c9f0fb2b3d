// The values the tests share, defined once: the project, the user, and what Descope answers a send and
// a poll with. The endpoint paths are the SDK's own (PATHS); test/client/requests.test.ts pins them to the spec.
export { PATHS } from '../../src/protocol/paths.js';
import { RequestBudget } from '../../src/transport/request-budget.js';

/** A 28-character project ID (a regional one has 32). */
export const PROJECT_ID = 'P2aAc4T2V93bddihGEx2Ryhc8e5Z';

/** The base URL the SDK derives from {@link PROJECT_ID}. */
export const API = 'https://api.descope.com';

/** The user who signs in. */
export const EMAIL = 'ada@example.com';

/** A send's answer (EnchantedLinkResponse). */
export const LINK = { linkId: '42', pendingRef: 'ref-1', maskedEmail: 'a***@example.com' };

/** A poll's answer once the link was clicked (JWTResponse). */
export const SESSION = {
  sessionJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSJ9.c2ln',
  refreshJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJVMSIsInIiOjF9.cmVm',
  cookiePath: '/',
  cookieMaxAge: 2419200,
  sessionExpiration: 1764634200,
  firstSeen: false,
  user: { userId: 'U1', loginIds: [EMAIL], email: EMAIL, name: 'Ada', TOTP: false, OAuth: {} },
};

/**
 * Client options for tests that send many requests through one client but are not about its request budget:
 * every client paces itself to 90 requests a minute by default, which would turn those tests into minutes of
 * waiting. A fresh budget each time, so no test's pause carries into the next.
 */
export const unlimitedBudget = () => ({ requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) });

/** How much faster than real time {@link fastClock} runs. */
export const FAST = 10;

/**
 * A clock on which every wait of the SDK (retry backoff, `Retry-After`, the poll's waits and deadline, the
 * attempt's timeout) passes {@link FAST} times faster than real time: for tests over real HTTP or a real
 * `fetch`, where fake timers would stall the I/O. A timeout that must hold in real time (a server's answer
 * must beat it) is given as `realMs * FAST`.
 */
export function fastClock(factor = FAST) {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * factor,
    setTimeout: (run: () => void, ms: number) => setTimeout(run, ms / factor),
    clearTimeout: (timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  };
}

/** {@link unlimitedBudget} on a {@link fastClock}: the client's every wait runs fast. */
export const fastUnlimitedBudget = () => ({ requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY, clock: fastClock() }) });

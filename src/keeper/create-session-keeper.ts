import type { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { assertDelay, assertFunction, assertNonEmptyString, assertOptionalObject, fail, withMethods } from '../options/arguments.js';
import { checkOptions, renamed, type Spec } from '../options/check-options.js';
import { PATHS } from '../protocol/paths.js';
import { errorFactsOf, notify } from '../transport/observe.js';
import { endsSession } from '../transport/policy.js';
import type { CallOptions } from '../types/client-options.js';
import type { EventListener, RefreshEvent, RefreshTrigger } from '../types/events.js';
import type { Session } from '../types/session.js';
import { KeeperState } from './state.js';
import { newSignIn, SessionStore, type Kept } from './storage.js';
import { Tabs } from './tabs.js';

/**
 * What {@link createSessionKeeper} needs of a client: {@link EnchantedLinkClient} has it.
 *
 * @category Session keeper
 */
export interface SessionKeeperClient {
  /** Exchanges the refresh JWT for a fresh session (`POST /v1/auth/refresh`). */
  refreshSession(refreshJwt: string, options?: CallOptions): Promise<Session>;
  /** Ends this session on Descope's side (`POST /v1/auth/logout`). */
  signOut(refreshJwt: string, options?: CallOptions): Promise<unknown>;
  /** Ends every session of the user, on every device (`POST /v1/auth/logoutall`). */
  signOutAll(refreshJwt: string, options?: CallOptions): Promise<unknown>;
}

/**
 * Where a keeper stores the session: the part of the Web Storage API it uses, so `sessionStorage`,
 * `localStorage` or your own object fit.
 *
 * @category Session keeper
 */
export interface SessionStorageLike {
  /** Returns the stored string, or `null`. */
  getItem(key: string): string | null;
  /** Stores `value`. */
  setItem(key: string, value: string): void;
  /** Removes the value. */
  removeItem(key: string): void;
}

/**
 * Where the session (with its refresh JWT) is kept. Any script running in the page can read it in every
 * case; what differs is how long it lives and who shares it:
 * - `'memory'` (default): gone on reload; every tab signs in on its own. Nothing reaches the disk and an
 *   XSS payload can only use the session while the page is open.
 * - `'sessionStorage'`: survives a reload of the tab, not its closing; not shared with other tabs (a
 *   duplicated tab starts with a copy). Stored on disk by some browsers for session restore.
 * - `'xss-exposed-localStorage'`: survives restarts and is shared by every tab of the origin (they sign
 *   out together and refresh once for all: a refreshed session is also posted to the other tabs on a
 *   `BroadcastChannel`, which reaches no script that could not read the storage). **An XSS payload can read
 *   the refresh JWT and use it from anywhere until it expires**: use it only where the page's script supply
 *   is under control (strict CSP).
 * - an object with `getItem`/`setItem`/`removeItem`, e.g. an encrypted or native store.
 *
 * A browser global named here is looked up on first use, never when the keeper is created; where it is
 * missing or blocked (reading `localStorage` throws where the user blocks site data), memory is used.
 *
 * @category Session keeper
 */
export type SessionKeeperStorage = 'memory' | 'sessionStorage' | 'xss-exposed-localStorage' | SessionStorageLike;

/**
 * Options of {@link createSessionKeeper}. Durations are in milliseconds.
 *
 * @category Session keeper
 */
export interface SessionKeeperOptions {
  /**
   * Where the session is kept; see {@link SessionKeeperStorage}.
   * @defaultValue `'memory'`
   */
  storage?: SessionKeeperStorage;
  /**
   * The storage key, and the name of the cross-tab lock and channel.
   * @defaultValue `'enchanted-link.session'`
   */
  key?: string;
  /**
   * How long before the session's end it is refreshed, in ms. The end is the session JWT's lifetime
   * (`exp - iat`) counted from when this device received it, so a device clock that is off changes nothing.
   * Honoured as given, never changed in silence: a value that leaves less than 30 s of the lifetime (the least
   * time between two refreshes) cannot be honoured, so the keeper says so once with a `console.warn`
   * naming the value and the lifetime, and refreshes every 30 s instead.
   * @defaultValue a minute (`60_000`), or half the lifetime of a session shorter than two minutes
   */
  refreshBeforeMs?: number;
  /**
   * Told each refresh (`refresh` event: what started it, how it ended, how long it took) and sign-out
   * (`sign-out` event), never a JWT. Give the same listener to the client for the requests themselves.
   * @defaultValue none
   */
  onEvent?: EventListener;
}

/**
 * The state of a {@link SessionKeeper}: signed in with a session, or signed out.
 *
 * @category Session keeper
 */
export type SessionKeeperSnapshot =
  | {
      /** The state's name. */
      readonly status: 'signed-in';
      /** The current session; `sessionJwt` is the one to send to your API. */
      readonly session: Session;
    }
  | {
      /** The state's name. */
      readonly status: 'signed-out';
      /**
       * Why the session ended, when an error ended it: Descope refused the refresh JWT (expired or
       * revoked), or did not confirm a `signOut()` within 5 s (the session ended here all the same, at once).
       */
      readonly error: EnchantedLinkError | undefined;
    };

/**
 * Holds the session after sign-in and keeps it fresh. See {@link createSessionKeeper}.
 *
 * @category Session keeper
 */
export interface SessionKeeper {
  /** The current state (the same frozen object until it changes). */
  getSnapshot(): SessionKeeperSnapshot;
  /**
   * Calls `listener` now with the current state, then whenever the session is set, refreshed (here or
   * in another tab) or ends.
   * @returns The function that removes the listener.
   */
  subscribe(listener: (state: SessionKeeperSnapshot) => void): () => void;
  /** Keeps `session` (e.g. from {@link SignInFlowOptions.onSignedIn}) and schedules its refresh. */
  set(session: Session): void;
  /**
   * Refreshes now, unless another tab refreshed while this one waited for its turn (then that session is
   * taken). Never rejects: a refused refresh JWT ends the session; a transient failure keeps it and is
   * retried after 30 s, then 1, 2, 4, 8 and 10 minutes (or `Retry-After` when longer).
   * @returns The session afterwards, or `undefined` when signed out.
   */
  refresh(): Promise<Session | undefined>;
  /**
   * Signs out of this session, as {@link enchanted-link!EnchantedLinkClient.signOut}. The session ends at
   * once, before any request: here, in the storage and in every tab sharing it (a refresh under way in
   * another tab cannot bring it back). Descope is then asked to revoke it (`POST /v1/auth/logout`), for at
   * most 5 s; a failure is reported as {@link SessionKeeperSnapshot} `error` and never brings the session
   * back. Other sessions of the user, on this device or others, stay. Resolves once the revoke settled or
   * timed out; never rejects.
   * @param options - `everywhere: true` is the former name of {@link SessionKeeper.signOutAll} (deprecated).
   */
  signOut(options?: {
    /** @deprecated Call {@link SessionKeeper.signOutAll} instead. */
    everywhere?: boolean;
  }): Promise<void>;
  /**
   * Signs out everywhere, as {@link enchanted-link!EnchantedLinkClient.signOutAll}: at once here and in every
   * tab of the origin, whatever its storage; then Descope is asked to end every session of the user on
   * every device (`POST /v1/auth/logoutall`), for at most 5 s, as {@link SessionKeeper.signOut}. Never rejects.
   */
  signOutAll(): Promise<void>;
  /** Stops the timer and the page listeners, and forgets every subscriber; the stored session stays. */
  dispose(): void;
}

const STORAGES = ['memory', 'sessionStorage', 'xss-exposed-localStorage'];
const KEEPER: Spec = {
  // A name is checked as a string: a plain-JavaScript caller may pass anything, e.g. a bare 'localStorage'.
  storage(value, argument) {
    if (typeof value !== 'string') withMethods('getItem', 'setItem', 'removeItem')(value, argument);
    else if (!STORAGES.includes(value)) fail(argument, `expected ${STORAGES.join(', ')} or a storage object`);
  },
  key: assertNonEmptyString,
  refreshBeforeMs: assertDelay,
  refreshBefore: /* @__PURE__ */ renamed('refreshBeforeMs'),
  onEvent: assertFunction,
};
const assertClient = /* @__PURE__ */ withMethods('refreshSession', 'signOut', 'signOutAll');
/** How long a sign-out waits for Descope to confirm the revoke, in ms; the session ends here at once regardless. */
export const SIGN_OUT_TIMEOUT_MS = 5_000;

/**
 * Creates a session keeper for a browser app: it refreshes the session before `sessionExpiration` and
 * when the page becomes visible again, one refresh at a time across the tabs of the origin (Web Locks;
 * where they are missing, one at a time per tab, checking the shared storage first; with
 * `'xss-exposed-localStorage'` the refreshed session is also handed to the next tab on a
 * `BroadcastChannel`, since the storage reaches other tabs late), and tells subscribers when the session
 * changes or ends. Creating it has no side effect: storage and page events
 * are touched on first use, so it can be created at module level of a server-rendered app.
 *
 * A session without `sessionExpiration` is never refreshed on a timer.
 *
 * @param client - An {@link EnchantedLinkClient} (or anything with {@link SessionKeeperClient}'s methods).
 * @param options - Storage, key and refresh margin; see {@link SessionKeeperOptions}.
 * @throws {@link InvalidArgumentError} for a malformed option or a `client` without `refreshSession`,
 *   `signOut` and `signOutAll`.
 * @category Session keeper
 * @example
 * ```ts
 * const keeper = createSessionKeeper(client, { storage: 'sessionStorage' });
 * const flow = createSignInFlow(client, { onSignedIn: keeper.set });
 * keeper.subscribe((state) => {
 *   // Send state.session.sessionJwt to your API as `Authorization: Bearer …`.
 *   showMessage(state.status === 'signed-in' ? `Signed in as ${state.session.user?.email}` : 'Signed out');
 * });
 * flow.start('ada@example.com');
 * cancelButton.onclick = () => void keeper.signOut();
 * ```
 */
export function createSessionKeeper(client: SessionKeeperClient, options: SessionKeeperOptions = {}): SessionKeeper {
  assertClient(client, 'client');
  const { storage = 'memory', key = 'enchanted-link.session', refreshBeforeMs, onEvent } = checkOptions(options, KEEPER);
  const store = new SessionStore(storage, key);
  const tabs = new Tabs(key);
  const state = new KeeperState(() => void refresh('timer'), refreshBeforeMs);
  let active = false;
  let inflight: Promise<Session | undefined> | undefined;
  // Sign-ins this tab signed out of, or heard were signed out of: a session of one is never taken again (a
  // refresh that was under way in another tab may still write it back, even with a rotated refresh JWT),
  // and is removed from the storage again.
  const ended = new Set<string>();
  const endedAlready = (kept: Kept | undefined) => kept !== undefined && ended.has(kept.signIn);

  /** Takes a session read from the storage or handed over, unless it was signed out of. */
  const accept = (kept: Kept | undefined) => {
    if (endedAlready(kept)) {
      store.write(undefined);
      kept = undefined;
    }
    state.adopt(kept);
  };
  /**
   * Ends the session here and, unless `heard` from another tab, in the storage (so in every tab sharing it).
   * A tab told by another leaves the shared storage alone: the teller cleared it, and may already have
   * stored a new sign-in by the time the message arrives.
   */
  const end = (error?: EnchantedLinkError, heard = false) => {
    if (state.kept) ended.add(state.kept.signIn);
    if (!heard || !store.shared) store.write(undefined);
    state.adopt(undefined, error);
  };

  // Reads the storage and listens to the tabs and the page, once, on first use (never during a server render).
  const activate = () => {
    if (active) return;
    active = true;
    store.open();
    accept(store.read());
    tabs.listen({
      signedOut: () => end(undefined, true),
      handedOver(text) {
        // A stored session is taken from the channel only with the shared storage, and only if it parses as
        // the storage must; sessions of memory and sessionStorage never travel on the channel.
        const kept = store.shared ? store.take(text) : undefined;
        if (kept) accept(kept);
      },
      storageChanged: () => accept(store.read()),
      visible() {
        if (state.due) void refresh('visible');
      },
    });
  };

  const refresh = (trigger: RefreshTrigger): Promise<Session | undefined> => {
    activate();
    const before = store.seen;
    // Observed: one `refresh` event when it settles.
    const started = Date.now();
    const tell =
      onEvent &&
      ((outcome: RefreshEvent['outcome'], more: Partial<RefreshEvent> = {}) =>
        notify(onEvent, { type: 'refresh', timeMs: Date.now(), trigger, outcome, durationMs: Date.now() - started, ...more }));
    inflight ??= tabs
      .locked(async () => {
        // What another tab wrote or handed over while this one waited for the lock wins over a second refresh
        // (once handed over, the storage is not read: it may not show the other tab's write yet).
        const held = before === store.seen ? store.read() : state.kept;
        if (before !== store.seen || !held?.session.refreshJwt || endedAlready(held)) {
          tell?.(before !== store.seen ? 'adopted' : 'skipped');
          return accept(held);
        }
        state.attempting();
        try {
          const fresh = await client.refreshSession(held.session.refreshJwt);
          // Signed out, signed in anew or refreshed by another tab during the request: that wins over the answer.
          if (state.kept?.session.sessionJwt !== held.session.sessionJwt || endedAlready(held)) return tell?.('skipped');
          // Likewise when another tab removed or replaced the shared stored session meanwhile (a sign-out
          // whose message has not arrived yet): the storage says so before this answer could be written over it.
          if (store.shared && store.read()?.session.sessionJwt !== held.session.sessionJwt) {
            tell?.('adopted');
            return accept(store.read());
          }
          // Descope may keep the refresh JWT (and omit it) or rotate it.
          const session = { ...held.session, ...fresh, refreshJwt: fresh.refreshJwt ?? held.session.refreshJwt };
          const kept = { session, receivedAt: Date.now(), signIn: held.signIn };
          store.write(kept);
          state.adopt(kept);
          tell?.('refreshed', { rotated: session.refreshJwt !== held.session.refreshJwt });
          if (store.shared) await tabs.handOver(store.seen!);
        } catch (error) {
          // Likewise: a refusal of a refresh JWT that is no longer the current one ends nothing.
          if (state.kept?.session.sessionJwt !== held.session.sessionJwt) return tell?.('skipped');
          if (endsSession(error)) {
            tell?.('ended', errorFactsOf(error));
            end(error);
          } else {
            const retryInMs = state.failed(error);
            tell?.('kept', { ...errorFactsOf(error), retryInMs });
          }
        }
      })
      .then(() => state.kept?.session)
      .finally(() => (inflight = undefined));
    return inflight;
  };

  /**
   * Ends the session here, in the storage and in the other tabs at once, then asks Descope to revoke it,
   * for at most SIGN_OUT_TIMEOUT_MS: a hanging network can delay the report, never the sign-out.
   */
  const signOut = async (everywhere: boolean): Promise<void> => {
    activate();
    const refreshJwt = state.kept?.session.refreshJwt;
    const started = Date.now();
    end();
    if (everywhere || store.shared) tabs.announceSignedOut();
    const error = refreshJwt ? await revoke(everywhere ? 'signOutAll' : 'signOut', refreshJwt) : undefined;
    if (onEvent) {
      const outcome = !refreshJwt ? 'local' : error ? 'failed' : 'confirmed';
      notify(onEvent, { type: 'sign-out', timeMs: Date.now(), everywhere, outcome, durationMs: Date.now() - started, ...(error !== undefined && errorFactsOf(error)) });
    }
  };

  /** Revokes `refreshJwt`; returns the error when Descope did not confirm (reported to subscribers too). */
  const revoke = async (method: 'signOut' | 'signOutAll', refreshJwt: string): Promise<unknown> => {
    const timeout = new AbortController();
    const path = method === 'signOut' ? PATHS.logout : PATHS.logoutAll;
    // Raced as well as passed on: a client that ignores its signal cannot hold the sign-out past the timeout.
    const timedOut = new Promise<never>((_, reject) => timeout.signal.addEventListener('abort', () => reject(timeout.signal.reason)));
    const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(path, SIGN_OUT_TIMEOUT_MS)), SIGN_OUT_TIMEOUT_MS);
    try {
      await Promise.race([client[method](refreshJwt, { signal: timeout.signal }), timedOut]);
    } catch (error) {
      state.report(error as EnchantedLinkError);
      return error;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    getSnapshot() {
      activate();
      return state.snapshot;
    },
    subscribe(listener) {
      activate();
      return state.subscribe(listener);
    },
    set(session) {
      assertOptionalObject(session, 'session');
      assertNonEmptyString(session?.sessionJwt, 'session.sessionJwt');
      activate();
      const kept = { session, receivedAt: Date.now(), signIn: newSignIn() };
      store.write(kept);
      state.adopt(kept);
    },
    refresh: () => refresh('call'),
    signOut: (options) => signOut(options?.everywhere === true),
    signOutAll: () => signOut(true),
    dispose() {
      tabs.close();
      state.reset();
      active = false; // the storage is read again on the next use
    },
  };
}

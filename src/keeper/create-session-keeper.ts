import type { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import { assertDelay, assertFunction, assertNonEmptyString, assertOptionalObject, fail, withMethods } from '../options/arguments.js';
import { checkOptions, renamed, type Spec } from '../options/check-options.js';
import { channel as openChannel } from '../poll/wake-ups.js';
import { errorFactsOf, notify } from '../transport/observe.js';
import { askedWait, endsSession } from '../transport/policy.js';
import type { CallOptions } from '../types/client-options.js';
import type { EventListener, RefreshEvent, RefreshTrigger } from '../types/events.js';
import type { Session } from '../types/session.js';
import { sleep } from '../utils/sleep.js';

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
   * How long before `sessionExpiration` the session is refreshed (for a short session: at half its
   * remaining life). A minute leaves room for a slow network and a few seconds of clock skew.
   * @defaultValue `60_000`
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
       * revoked), or did not confirm a `signOut()` (the session is forgotten here all the same).
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
   * retried after 10 s (or `Retry-After`).
   * @returns The session afterwards, or `undefined` when signed out.
   */
  refresh(): Promise<Session | undefined>;
  /**
   * Signs out of this session, as {@link enchanted-link!EnchantedLinkClient.signOut}: Descope ends it (`POST /v1/auth/logout`),
   * the storage is cleared (so every tab sharing it signs out too). Other sessions of the user, on this
   * device or others, stay. Never rejects; see {@link SessionKeeperSnapshot} `error`.
   * @param options - `everywhere: true` is the former name of {@link SessionKeeper.signOutAll} (deprecated).
   */
  signOut(options?: {
    /** @deprecated Call {@link SessionKeeper.signOutAll} instead. */
    everywhere?: boolean;
  }): Promise<void>;
  /**
   * Signs out everywhere, as {@link enchanted-link!EnchantedLinkClient.signOutAll}: Descope ends every session of the
   * user on every device (`POST /v1/auth/logoutall`), the storage is cleared and every tab of the origin
   * signs out, whatever its storage. Never rejects; see {@link SessionKeeperSnapshot} `error`.
   */
  signOutAll(): Promise<void>;
  /** Stops the timer and the page listeners, and forgets every subscriber; the stored session stays. */
  dispose(): void;
}

const SIGNED_OUT: SessionKeeperSnapshot = /* @__PURE__ */ Object.freeze({ status: 'signed-out', error: undefined });
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
const RETRY = 10_000;
const MAX_DELAY = 2 ** 31 - 1;

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
  const { storage = 'memory', key = 'enchanted-link.session', refreshBeforeMs = 60_000, onEvent } = checkOptions(options, KEEPER);
  // 'localStorage' is the one named storage that every tab of the origin shares.
  const name = storage === 'xss-exposed-localStorage' ? 'localStorage' : storage;
  let snapshot = SIGNED_OUT;
  let store: SessionStorageLike | undefined;
  let active = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dueAt = Infinity;
  let inflight: Promise<Session | undefined> | undefined;
  let detach: (() => void) | undefined;
  let channel: BroadcastChannel | undefined;
  const listeners = new Set<(state: SessionKeeperSnapshot) => void>();
  const current = () => (snapshot as { session?: Session }).session; // none when signed out

  // The stored text as this tab last read or wrote it, or as another tab handed it over. Each write stamps
  // it, so a tab can tell that another one refreshed even when Descope answered with the same JWTs.
  let seen: string | null = null;
  const read = () => parse((seen = store ? store.getItem(key) : seen));
  const write = (session: Session | undefined) => {
    seen = session ? JSON.stringify({ session, at: Date.now() }) : null;
    try {
      if (seen) store?.setItem(key, seen);
      else store?.removeItem(key);
    } catch {
      // A full or blocked storage keeps the session in memory only.
    }
  };
  // Takes `session` as the current one: tells subscribers and plans the next refresh.
  const adopt = (session: Session | undefined, error?: EnchantedLinkError) => {
    if (session?.sessionJwt === current()?.sessionJwt && !error) return;
    clearTimeout(timer);
    dueAt = Infinity;
    snapshot = Object.freeze(session ? { status: 'signed-in', session } : { status: 'signed-out', error });
    // `refreshBeforeMs` ahead of the expiry, or at half the remaining life of a shorter session.
    const left = (session?.sessionExpiration ?? 0) * 1000 - Date.now();
    if (session?.sessionExpiration) schedule(Math.max(left - refreshBeforeMs, left / 2, 0));
    listeners.forEach((listener) => listener(snapshot));
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    dueAt = Date.now() + ms;
    timer = setTimeout(() => refresh('timer'), Math.min(ms, MAX_DELAY));
  };
  const end = (error?: EnchantedLinkError) => {
    write(undefined);
    adopt(undefined, error);
  };

  // Reads the storage and listens to the page, once, on first use (never during a server render).
  const activate = () => {
    if (active) return;
    active = true;
    const page = globalThis as unknown as Record<string, SessionStorageLike | undefined>;
    // No store: the memory of this keeper (`seen`), also where a named storage is missing or blocked (reading
    // `localStorage` throws where the user blocks site data).
    try {
      store ??= typeof name === 'object' ? name : name !== 'memory' ? page[name] : undefined;
    } catch {
      // Memory, then.
    }
    adopt(read());
    if (typeof document !== 'object') return;
    // Trust: any script of the origin can post on this channel, and the same scripts can read and write the
    // origin's localStorage (same origin, same storage partition). So the channel is trusted exactly as far as
    // that storage is. 'signed-out' (another tab signed out everywhere, so Descope ended this session too) can
    // make a tab forget its session, as removing the stored one could. A stored session (another tab
    // refreshed: see `refresh`) is taken only with localStorage, where such a script could write the same text
    // to the storage anyway, and only if it parses as the storage must; sessions of memory and sessionStorage
    // never travel on the channel nor are taken from it. A channel never hears its own messages.
    channel = openChannel(key);
    if (channel) {
      // (A message that is no string is parsed as its text, which is all it can carry here.)
      channel.onmessage = ({ data }: MessageEvent<string>) =>
        data === 'signed-out' ? end() : name == 'localStorage' && parse(data) && adopt(parse((seen = data)));
    }
    // Another tab of a shared storage refreshed or signed out.
    const onStorage = (event: StorageEvent) => event.key === key && adopt(read());
    // A background tab's timer may be throttled past the due time.
    const onVisible = () => !document.hidden && Date.now() >= dueAt && void refresh('visible');
    addEventListener('storage', onStorage);
    document.addEventListener('visibilitychange', onVisible);
    detach = () => {
      channel?.close();
      channel = undefined;
      removeEventListener('storage', onStorage);
      document.removeEventListener('visibilitychange', onVisible);
    };
  };

  const locked = (task: () => Promise<void>) =>
    globalThis.navigator?.locks?.request(`${key}.refresh`, task) ?? task();

  const refresh = (trigger: RefreshTrigger): Promise<Session | undefined> => {
    activate();
    const before = seen;
    // Observed: one `refresh` event when it settles.
    const started = Date.now();
    const tell =
      onEvent &&
      ((outcome: RefreshEvent['outcome'], more: Partial<RefreshEvent> = {}) =>
        notify(onEvent, { type: 'refresh', timeMs: Date.now(), trigger, outcome, durationMs: Date.now() - started, ...more }));
    inflight ??= locked(async () => {
      // What another tab wrote or handed over while this one waited for the lock wins over a second refresh
      // (once handed over, the storage is not read: it may not show the other tab's write yet).
      const stored = before == seen ? read() : current();
      if (before != seen || !stored?.refreshJwt) {
        tell?.(before != seen ? 'adopted' : 'skipped');
        return adopt(stored);
      }
      try {
        const fresh = await client.refreshSession(stored.refreshJwt);
        // Signed out, signed in anew or refreshed by another tab during the request: that wins over the answer.
        if (current()?.sessionJwt !== stored.sessionJwt) return tell?.('skipped');
        // Descope may keep the refresh JWT (and omit it) or rotate it.
        const session = { ...stored, ...fresh, refreshJwt: fresh.refreshJwt ?? stored.refreshJwt };
        write(session);
        adopt(session);
        tell?.('refreshed', { rotated: session.refreshJwt !== stored.refreshJwt });
        // Hand-over: Chromium passes a localStorage write to other tabs asynchronously, so the tab given the
        // lock next may still read the old session and refresh it again. The session is posted on the channel,
        // and the lock let go only once this tab's own second channel has heard it: the message has then gone
        // out to every tab, ahead of the lock. The echo comes within a millisecond; a second bounds the wait
        // where it never comes (a polyfill that does not deliver within a tab, a page frozen mid-refresh): the
        // lock is then let go anyway, at worst costing the next tab one extra refresh.
        const echo = name == 'localStorage' && openChannel(key);
        if (echo) {
          const heard = new AbortController();
          echo.onmessage = () => heard.abort();
          channel!.postMessage(seen);
          await sleep(1_000, undefined, heard.signal);
          echo.close();
        }
      } catch (error) {
        // Likewise: a refusal of a refresh JWT that is no longer the current one ends nothing.
        if (current()?.sessionJwt !== stored.sessionJwt) return tell?.('skipped');
        const retryInMs = Math.max(askedWait(error), RETRY);
        tell?.(endsSession(error) ? 'ended' : 'kept', { ...errorFactsOf(error), ...(!endsSession(error) && { retryInMs }) });
        if (endsSession(error)) end(error);
        else schedule(retryInMs);
      }
    })
      .then(current)
      .finally(() => (inflight = undefined));
    return inflight;
  };

  const signOut = async (everywhere: boolean) => {
    activate();
    const session = current();
    const started = Date.now();
    let error: EnchantedLinkError | undefined;
    try {
      if (session?.refreshJwt) await client[everywhere ? 'signOutAll' : 'signOut'](session.refreshJwt);
    } catch (cause) {
      error = cause as EnchantedLinkError;
    }
    if (onEvent) {
      const outcome = !session?.refreshJwt ? 'local' : error ? 'failed' : 'confirmed';
      notify(onEvent, { type: 'sign-out', timeMs: Date.now(), everywhere, outcome, durationMs: Date.now() - started, ...(error && errorFactsOf(error)) });
    }
    if (everywhere) channel?.postMessage('signed-out');
    end(error);
  };

  return {
    getSnapshot: () => (activate(), snapshot),
    subscribe(listener) {
      activate();
      listeners.add(listener);
      listener(snapshot);
      return () => void listeners.delete(listener);
    },
    set(session) {
      assertOptionalObject(session, 'session');
      assertNonEmptyString(session?.sessionJwt, 'session.sessionJwt');
      activate();
      write(session);
      adopt(session);
    },
    refresh: () => refresh('call'),
    signOut: (options) => signOut(options?.everywhere === true),
    signOutAll: () => signOut(true),
    dispose() {
      clearTimeout(timer);
      detach?.();
      active = false;
      snapshot = SIGNED_OUT; // re-read on the next use
      listeners.clear();
    },
  };
}

/** A stored text's session, or none for a missing or malformed text. */
function parse(text: string | null): Session | undefined {
  try {
    const { session } = JSON.parse(text!) as { session?: Session };
    if (typeof session?.sessionJwt === 'string') return session;
  } catch {
    // An unreadable value is no session.
  }
  return undefined;
}

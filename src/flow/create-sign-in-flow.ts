import type { EnchantedLinkClient } from '../client/enchanted-link-client.js';
import { POLL, SEND } from '../client/options.js';
import type { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import { PollTimeoutError } from '../errors/poll-timeout-error.js';
import { assertDelay, assertFunction, withMethods } from '../options/arguments.js';
import { checkOptions, renamed, type Spec } from '../options/check-options.js';
import { errorFactsOf, notify } from '../transport/observe.js';
import { askedWait } from '../transport/policy.js';
import type { SignInOrUpOptions } from '../types/client-options.js';
import type { EventListener, SignInEvent } from '../types/events.js';
import type { PollOptions, PollStatus } from '../types/poll-options.js';
import type { LinkSent, Session } from '../types/session.js';

/**
 * What {@link createSignInFlow} needs of a client: {@link EnchantedLinkClient} has it.
 *
 * @category Sign-in flow
 */
export type SignInFlowClient = Pick<EnchantedLinkClient, 'signInOrUp' | 'pollSession'>;

/**
 * Options of {@link createSignInFlow}. All durations are in milliseconds.
 *
 * @category Sign-in flow
 */
export interface SignInFlowOptions {
  /**
   * How long after a send `resend()` stays unavailable. After a 429 on resend, the wait is Descope's
   * `Retry-After` instead (this value when the header is absent). 30 s keeps an impatient user far from
   * Descope's send limits while a slow mail server delivers the first email.
   * @defaultValue `30_000`
   */
  resendCooldownMs?: number;
  /** Passed to every `signInOrUp` call (redirect URL, login options). The flow supplies `signal`. */
  send?: Omit<SignInOrUpOptions, 'signal'>;
  /** Passed to every `pollSession` call (deadline, intervals). The flow supplies `signal` and `onPoll`. */
  poll?: Omit<PollOptions, 'signal' | 'onPoll'>;
  /** Called once with the session when the flow reaches `signed-in`, e.g. {@link SessionKeeper.set}. */
  onSignedIn?: (session: Session) => void;
  /**
   * Told each status the flow reaches (a `sign-in` event; a resend is reported as `sending` and `waiting`
   * with `resend: true`), never the address. Give the same listener to the client for its requests and polls.
   * @defaultValue none
   */
  onEvent?: EventListener;
}

/**
 * Nothing started yet.
 * @category Sign-in flow
 */
export interface SignInFlowIdle {
  /** The state's name. */
  readonly status: 'idle';
}

/**
 * The email is being sent.
 * @category Sign-in flow
 */
export interface SignInFlowSending {
  /** The state's name. */
  readonly status: 'sending';
  /** The address the links go to. */
  readonly email: string;
}

/**
 * The email was sent; polling until the user clicks the right link.
 * @category Sign-in flow
 */
export interface SignInFlowWaiting {
  /** The state's name. */
  readonly status: 'waiting';
  /** The address the links went to. */
  readonly email: string;
  /** The number of the link to click ("open the link numbered 42"); changes after a resend. */
  readonly linkId: string;
  /** The destination, masked by Descope (e.g. `a***@example.com`), when it sent one. */
  readonly maskedEmail: string | undefined;
  /** `pending-session` requests sent since the last send (0 before the first answer). */
  readonly attempt: number;
  /** Milliseconds polled since the last send, as of the last answer. */
  readonly elapsedMs: number;
  /** Why polling goes on: `pending`, or `rate-limited` / `retrying` after a 429 or a transient failure. */
  readonly pollStatus: PollStatus;
  /** When `resend()` becomes available, in `Date.now()` milliseconds (for a countdown). */
  readonly resendAtMs: number;
  /** Whether `resend()` would send now: the cooldown is over and no resend is in flight. */
  readonly canResend: boolean;
  /** A resend is in flight. */
  readonly resending: boolean;
  /** Why the last resend failed, e.g. a {@link RateLimitError}; polling of the earlier link goes on. */
  readonly resendError: EnchantedLinkError | undefined;
}

/**
 * The user clicked the right link.
 * @category Sign-in flow
 */
export interface SignInFlowSignedIn {
  /** The state's name. */
  readonly status: 'signed-in';
  /** The session JWTs and user. */
  readonly session: Session;
}

/**
 * Sending or polling failed.
 * @category Sign-in flow
 */
export interface SignInFlowFailed {
  /** The state's name. */
  readonly status: 'failed';
  /** The address the flow was started with. */
  readonly email: string;
  /**
   * The client's typed error: {@link InvalidArgumentError} for a malformed address (no request sent),
   * {@link RateLimitError}, {@link DescopeError} (also how an expired link is answered by the server; the
   * code is unconfirmed), {@link NetworkError}, ...
   */
  readonly error: EnchantedLinkError;
}

/**
 * The poll deadline (`poll.timeoutMs`, 5 minutes by default) passed before the right link was clicked.
 * @category Sign-in flow
 */
export interface SignInFlowExpired {
  /** The state's name. */
  readonly status: 'expired';
  /** The address the flow was started with. */
  readonly email: string;
}

/**
 * `cancel()` or `dispose()` stopped a send or a wait.
 * @category Sign-in flow
 */
export interface SignInFlowCancelled {
  /** The state's name. */
  readonly status: 'cancelled';
}

/**
 * An immutable (frozen) state of a {@link SignInFlow}; narrow it on `status`.
 *
 * @category Sign-in flow
 */
export type SignInFlowSnapshot =
  | SignInFlowIdle
  | SignInFlowSending
  | SignInFlowWaiting
  | SignInFlowSignedIn
  | SignInFlowFailed
  | SignInFlowExpired
  | SignInFlowCancelled;

/**
 * The sign-in as a store: `idle → sending → waiting → signed-in | failed | expired | cancelled`.
 *
 * The store contract is the one React's `useSyncExternalStore`, Svelte's stores and Vue's refs work
 * with: `getSnapshot()` returns the same frozen object until the state changes, and `subscribe()` calls
 * the listener at once with the current snapshot, then after every change.
 *
 * @category Sign-in flow
 */
export interface SignInFlow {
  /** The current state (the same object until it changes). */
  getSnapshot(): SignInFlowSnapshot;
  /**
   * Calls `listener` now with the current state, then after every change.
   * @returns The function that removes the listener.
   */
  subscribe(listener: (snapshot: SignInFlowSnapshot) => void): () => void;
  /**
   * Sends the links to `email` and waits for the click. Allowed in every state: a send or wait in
   * progress is aborted first. Never throws: a malformed address leads to `failed` with an
   * {@link enchanted-link!InvalidArgumentError}, before any request.
   */
  start(email: string): void;
  /** Sends a new email (with a new `linkId`) and polls for it; does nothing unless `canResend` is true. */
  resend(): void;
  /** Aborts the send or the wait in progress (its request too) and moves to `cancelled`; otherwise does nothing. */
  cancel(): void;
  /** `cancel()`, and forgets every listener. Call it when the UI that owns the flow goes away. */
  dispose(): void;
}

const FLOW: Spec = {
  resendCooldownMs: assertDelay,
  resendCooldown: /* @__PURE__ */ renamed('resendCooldownMs'),
  // Checked now, so a malformed send or poll option is a mistake at creation, not a `failed` state later.
  send: (value, argument) => void checkOptions(value as object, SEND, argument),
  poll: (value, argument) => void checkOptions(value as object, POLL, argument),
  onSignedIn: assertFunction,
  onEvent: assertFunction,
};
const assertClient = /* @__PURE__ */ withMethods('signInOrUp', 'pollSession');

const IDLE: SignInFlowIdle = /* @__PURE__ */ Object.freeze({ status: 'idle' });
const CANCELLED: SignInFlowCancelled = /* @__PURE__ */ Object.freeze({ status: 'cancelled' });

/**
 * Creates the sign-in state machine over a client. Creating it has no side effect (no request, no
 * timer, no browser global), so it is safe during a server render and in React's StrictMode.
 *
 * `resend()` polls only the newest link: an earlier link still works on Descope's side, but its click
 * is no longer waited for here (the page shows the new number). Everything the flow started (the send,
 * the poll, the cooldown timer) is aborted by `cancel()`, `dispose()`, a new `start()` or the end of the flow.
 *
 * @param client - An {@link EnchantedLinkClient} (or anything with its `signInOrUp` and `pollSession`).
 * @param options - Resend cooldown, send and poll options, `onSignedIn`; see {@link SignInFlowOptions}.
 * @throws {@link InvalidArgumentError} for a malformed option (`send` and `poll` included) or a `client`
 *   without `signInOrUp` and `pollSession`.
 * @category Sign-in flow
 * @example
 * ```ts
 * const flow = createSignInFlow(client);
 * flow.subscribe((state) => {
 *   if (state.status === 'waiting') render(`Open the link numbered ${state.linkId} in the email to ${state.maskedEmail}`);
 *   if (state.status === 'signed-in') render(`Welcome ${state.session.user?.name}`);
 * });
 * flow.start('ada@example.com');
 * ```
 */
export function createSignInFlow(client: SignInFlowClient, options: SignInFlowOptions = {}): SignInFlow {
  assertClient(client, 'client');
  const { resendCooldownMs = 30_000, send, poll, onSignedIn, onEvent } = checkOptions(options, FLOW);
  let snapshot: SignInFlowSnapshot = IDLE;
  const listeners = new Set<(snapshot: SignInFlowSnapshot) => void>();
  // At most one send (start or resend) and one poll run at a time; a callback whose controller was
  // aborted is stale and changes nothing.
  let sending: AbortController | undefined;
  let polling: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // Observed: a `sign-in` event per status reached, and per resend.
  const tell =
    onEvent &&
    ((status: SignInEvent['status'], resend: boolean, error?: unknown) =>
      notify(onEvent, { type: 'sign-in', timeMs: Date.now(), status, resend, ...(error !== undefined && errorFactsOf(error)) }));
  const set = (next: SignInFlowSnapshot) => {
    if (tell && next.status !== snapshot.status && next.status !== 'idle') tell(next.status, false, (next as { error?: unknown }).error);
    snapshot = Object.freeze(next);
    for (const listener of [...listeners]) listener(snapshot);
  };
  const update = (changes: Partial<SignInFlowWaiting>) => set({ ...(snapshot as SignInFlowWaiting), ...changes });
  const stop = () => {
    sending?.abort();
    polling?.abort();
    clearTimeout(timer);
  };
  const end = (next: SignInFlowSnapshot) => {
    stop();
    set(next);
  };
  const cooldown = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => update({ canResend: true }), ms);
    return Date.now() + ms;
  };
  /**
   * Whether the call `controller` belongs to is still the current one; if so, it has settled now and its
   * controller is dropped (`clear`), so `stop()` aborts only what is still running.
   */
  const settled = (controller: AbortController, clear: () => void) => {
    if (controller.signal.aborted) return false;
    clear();
    return true;
  };
  const sendTo = (email: string, then: (sent: LinkSent) => void, fail: (error: EnchantedLinkError) => void) => {
    const controller = (sending = new AbortController());
    const clear = () => (sending = undefined);
    client.signInOrUp(email, { ...send, signal: controller.signal }).then(
      (sent) => {
        if (settled(controller, clear)) then(sent);
      },
      (error: EnchantedLinkError) => {
        if (settled(controller, clear)) fail(error);
      },
    );
  };
  const wait = (email: string, { linkId, pendingRef, maskedEmail }: LinkSent) => {
    polling?.abort();
    const controller = (polling = new AbortController());
    const clear = () => (polling = undefined);
    set({
      status: 'waiting',
      email,
      linkId,
      maskedEmail,
      attempt: 0,
      elapsedMs: 0,
      pollStatus: 'pending',
      resendAtMs: cooldown(resendCooldownMs),
      canResend: false,
      resending: false,
      resendError: undefined,
    });
    client
      .pollSession(pendingRef, {
        ...poll,
        signal: controller.signal,
        onPoll({ attempt, elapsedMs, status }) {
          if (!controller.signal.aborted) update({ attempt, elapsedMs, pollStatus: status });
        },
      })
      .then(
        (session) => {
          if (!settled(controller, clear)) return;
          end({ status: 'signed-in', session });
          onSignedIn?.(session);
        },
        (error: EnchantedLinkError) => {
          if (settled(controller, clear)) end(error instanceof PollTimeoutError ? { status: 'expired', email } : { status: 'failed', email, error });
        },
      );
  };

  const cancel = () => {
    if (snapshot.status === 'sending' || snapshot.status === 'waiting') end(CANCELLED);
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      listener(snapshot);
      return () => void listeners.delete(listener);
    },
    start(email) {
      stop();
      set({ status: 'sending', email });
      sendTo(
        email,
        (sent) => wait(email, sent),
        (error) => end({ status: 'failed', email, error }),
      );
    },
    resend() {
      const current = snapshot;
      if (current.status !== 'waiting' || !current.canResend) return;
      update({ canResend: false, resending: true, resendError: undefined });
      tell?.('sending', true);
      sendTo(
        current.email,
        (sent) => {
          wait(current.email, sent);
          tell?.('waiting', true);
        },
        // The earlier link stays valid and its poll goes on; a 429 holds resend back for `Retry-After`.
        (error) => {
          tell?.('waiting', true, error);
          update({
            resending: false,
            resendError: error,
            resendAtMs: cooldown(askedWait(error)),
          });
        },
      );
    },
    cancel,
    dispose() {
      cancel();
      listeners.clear();
    },
  };
}

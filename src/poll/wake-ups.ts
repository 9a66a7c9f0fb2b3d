// The browser fast paths of pollSession. Only a page with BroadcastChannel has them: Node, Bun, Deno and
// workers have a global BroadcastChannel too, but no tab to be woken in, so there they are no-ops.
//
// Any script of the origin (or another SDK version) can post on the channel, so what is heard is only ever
// a hint: a waiting poll reacts to exactly the string `verified:<projectId>` of its own project (a project
// ID has no colon), at most once per `interval`, and only by polling Descope sooner. Nothing heard is ever
// taken as a session. The verify page likewise accepts exactly `signed-in:<projectId>`.

/** The one channel verifies are announced on and every waiting poll listens to. */
const CHANNEL = 'enchanted-link';

/**
 * How long the verify page listens for a waiting tab's answer after its verify succeeded, in ms. The
 * answer comes after that tab's early poll: one round trip to Descope (typically 50–250 ms from a browser)
 * plus two channel hops (about 1 ms). 400 ms covers a slow round trip, and only a page whose session went
 * to another device waits it out in full, on top of its own verify request.
 */
export const ANSWER_WAIT_MS = 400;

type Port = BroadcastChannel | undefined;

/** A channel of this origin named `name`, in a page that has BroadcastChannel; `undefined` elsewhere. */
export const channel = (name = CHANNEL): Port =>
  typeof document === 'object' && typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : undefined;

/** The two messages, each scoped to a project. */
const verified = (projectId: string) => `verified:${projectId}`;
const signedIn = (projectId: string) => `signed-in:${projectId}`;

/**
 * How long the verify page waits for a waiting tab to answer its handshake, in ms, before it treats the
 * link as opened on another device. The answer is one channel hop each way (about 1 ms) plus the time the
 * waiting tab's event loop takes to get to it: message events are not throttled in background tabs as
 * timers are, so 500 ms covers a tab busy rendering. It delays nothing in the same browser (the answer
 * ends the wait); a page opened elsewhere says "open it on the device where you started" after it.
 */
export const HANDSHAKE_WAIT_MS = 500;

// The handshake. The verify page asks with the first half of the binding it read from the link; the tab
// whose poll holds that binding answers with all of it. So a tab that merely heard the question cannot
// answer it, and the verify page (which has the whole value from the link) checks the answer exactly.
const ID_LENGTH = 16;
const question = (binding: string) => `bound?:${binding.slice(0, ID_LENGTH)}`;
const answer = (binding: string) => `bound:${binding}`;

/**
 * Calls `wake` when another page of this origin announced a verify for `projectId`, or when this page
 * becomes visible again; at most once per `interval` ms for each of the two, however many of those come.
 * Each has its own allowance so that a visibility change (switching back to the tab, which a browser or
 * a test driver may also fire on its own) never uses up the one wake-up that a verify announcement gets:
 * that one is the wake-up that finds the session. With a `binding`, it also answers the verify page that
 * asks for it (see {@link waitingTabHolds}). Returns the function that closes the channel and removes the
 * listener; `stop(true)` first answers the verify page that this tab got the session.
 */
export function watchWakeUps(wake: () => void, interval: number, projectId: string, binding?: string): (gotSession?: boolean) => void {
  const port = channel();
  if (!port) return () => {};
  // The last wake-up by an announcement (0) and by a visibility change (1).
  const last = [-Infinity, -Infinity];
  const wakeAtMostOncePerInterval = (cause: 0 | 1) => {
    const now = Date.now();
    if (now - last[cause]! >= interval) {
      last[cause] = now;
      wake();
    }
  };
  port.onmessage = ({ data }) => {
    if (data === verified(projectId)) wakeAtMostOncePerInterval(0);
    else if (binding && data === question(binding)) port.postMessage(answer(binding));
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') wakeAtMostOncePerInterval(1);
  };
  document.addEventListener('visibilitychange', onVisible);
  return (gotSession) => {
    if (gotSession) port.postMessage(signedIn(projectId));
    port.close();
    document.removeEventListener('visibilitychange', onVisible);
  };
}

/** The project of each client's latest announced verify, so the verify helper listens for that project. */
export const announced = new WeakMap<object, string>();

/**
 * Tells the waiting polls of `projectId` in the other tabs of this origin to poll now. The message
 * carries no token. `client` records the announcement for {@link answered}.
 */
export function announceVerified(client: object, projectId: string): void {
  const port = channel();
  port?.postMessage(verified(projectId));
  port?.close();
  announced.set(client, projectId);
}

/**
 * Resolves `true` as soon as a tab of this origin answers that its poll for `projectId` got the session,
 * or `false` after {@link ANSWER_WAIT_MS} (at once outside a page).
 */
export const answered = (projectId: string | undefined): Promise<boolean> => hear(projectId && signedIn(projectId), ANSWER_WAIT_MS);

/**
 * The verify page's handshake, sent before any request: resolves `true` as soon as a tab of this origin,
 * in this browser, answers that its `pollSession` waits for the sign-in whose links carry `binding`, or
 * `false` after {@link HANDSHAKE_WAIT_MS} (at once outside a page, where no tab can answer).
 */
export const waitingTabHolds = (binding: string): Promise<boolean> => hear(answer(binding), HANDSHAKE_WAIT_MS, question(binding));

/** Posts `ask` (if any) on a channel of its own, and resolves whether `expected` arrives within `ms`. */
function hear(expected: string | undefined, ms: number, ask?: string): Promise<boolean> {
  const port = channel();
  return new Promise((resolve) => {
    if (!port || !expected) {
      port?.close();
      return resolve(false);
    }
    const done = (yes: boolean) => {
      clearTimeout(timer);
      port.close();
      resolve(yes);
    };
    const timer = setTimeout(done, ms, false);
    port.onmessage = ({ data }) => {
      if (data === expected) done(true);
    };
    if (ask) port.postMessage(ask);
  });
}

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
 * Calls `wake` when another page of this origin announced a verify for `projectId`, or when this page
 * becomes visible again; at most once per `interval` ms for each of the two, however many of those come.
 * Each has its own allowance so that a visibility change (switching back to the tab, which a browser or
 * a test driver may also fire on its own) never uses up the one wake-up that a verify announcement gets:
 * that one is the wake-up that finds the session. Returns the function that closes the channel and
 * removes the listener; `stop(true)` first answers the verify page that this tab got the session.
 */
export function watchWakeUps(wake: () => void, interval: number, projectId: string): (gotSession?: boolean) => void {
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
  port.onmessage = ({ data }) => data === verified(projectId) && wakeAtMostOncePerInterval(0);
  const onVisible = () => document.visibilityState === 'visible' && wakeAtMostOncePerInterval(1);
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
export function answered(projectId: string | undefined): Promise<boolean> {
  const port = channel();
  return new Promise((resolve) => {
    if (!port || !projectId) return resolve(false);
    const done = (yes: boolean) => {
      clearTimeout(timer);
      port.close();
      resolve(yes);
    };
    const timer = setTimeout(done, ANSWER_WAIT_MS, false);
    port.onmessage = ({ data }) => data === signedIn(projectId) && done(true);
  });
}

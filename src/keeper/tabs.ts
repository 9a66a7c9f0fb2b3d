// Coordination between the tabs of an origin: one refresh at a time (Web Locks), sign-outs and refreshed
// sessions told on a BroadcastChannel, the storage event of a shared storage, and the page becoming visible.
// Outside a page (no `document`) there is no tab to coordinate with, and every part is a no-op.
//
// Trust: any script of the origin can post on this channel, and the same scripts can read and write the
// origin's localStorage (same origin, same storage partition). So the channel is trusted exactly as far as
// that storage is: 'signed-out' can make a tab forget its session, as removing the stored one could, and a
// stored session is taken from it only with localStorage, where such a script could write the same text to
// the storage anyway (see create-session-keeper.ts). A channel never hears its own messages.
import { channel as openChannel } from '../poll/wake-ups.js';
import { sleep } from '../utils/sleep.js';

/** What the other tabs and the page tell a keeper. */
export interface TabEvents {
  /** Another tab signed out of the session this one shares, or out of every session. */
  signedOut(): void;
  /** Another tab refreshed and handed the stored text over (shared storage only). */
  handedOver(text: string): void;
  /** Another tab changed the shared storage. */
  storageChanged(): void;
  /** The page became visible (a background tab's timers may be throttled past their time). */
  visible(): void;
}

const SIGNED_OUT = 'signed-out';
/** How long a hand-over waits for its own echo before the lock is let go anyway, in ms. */
const ECHO_WAIT_MS = 1_000;

export class Tabs {
  readonly #key: string;
  #channel: BroadcastChannel | undefined;
  #stop: (() => void) | undefined;

  constructor(key: string) {
    this.#key = key;
  }

  /** Starts listening (in a page only); `close()` stops. */
  listen(events: TabEvents): void {
    if (typeof document !== 'object') return;
    const channel = (this.#channel = openChannel(this.#key));
    if (channel) {
      // (A message that is no string is read as its text, which is all it can carry here.)
      channel.onmessage = ({ data }: MessageEvent<unknown>) => (data === SIGNED_OUT ? events.signedOut() : events.handedOver(String(data)));
    }
    const onStorage = (event: StorageEvent) => {
      if (event.key === this.#key) events.storageChanged();
    };
    const onVisible = () => {
      if (!document.hidden) events.visible();
    };
    addEventListener('storage', onStorage);
    document.addEventListener('visibilitychange', onVisible);
    this.#stop = () => {
      channel?.close();
      removeEventListener('storage', onStorage);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }

  close(): void {
    this.#stop?.();
    this.#stop = undefined;
    this.#channel = undefined;
  }

  /** Runs `task` holding the origin's refresh lock (one refresh at a time across tabs), or at once without Web Locks. */
  locked<T>(task: () => Promise<T>): Promise<T> {
    return globalThis.navigator?.locks?.request(`${this.#key}.refresh`, task) ?? task();
  }

  /** Tells the other tabs to sign out, at once and without waiting for anything. */
  announceSignedOut(): void {
    this.#channel?.postMessage(SIGNED_OUT);
  }

  /**
   * Hands a refreshed session's stored text to the other tabs. Chromium passes a localStorage write to other
   * tabs asynchronously, so the tab given the lock next may still read the old session and refresh it again.
   * The text is posted on the channel, and this resolves once this tab's own second channel has heard it: the
   * message has then gone out to every tab, ahead of the lock. The echo comes within a millisecond; a second
   * bounds the wait where it never comes (a polyfill that does not deliver within a tab, a page frozen
   * mid-refresh), at worst costing the next tab one extra refresh.
   */
  async handOver(text: string): Promise<void> {
    const echo = this.#channel && openChannel(this.#key);
    if (!echo) return;
    const heard = new AbortController();
    echo.onmessage = () => heard.abort();
    this.#channel!.postMessage(text);
    await sleep(ECHO_WAIT_MS, undefined, heard.signal);
    echo.close();
  }
}

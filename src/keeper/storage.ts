// Where the keeper's session lives: the named Web Storage or the app's own object, looked up on first use,
// or this keeper's memory. Each write stamps the text with when the session was received, so a tab can tell
// that another one refreshed even when Descope answered with the same JWTs, and can time the refresh of a
// session it did not receive itself.
import type { Session } from '../types/session.js';
import type { SessionKeeperStorage, SessionStorageLike } from './create-session-keeper.js';

/** A kept session, when it was received (`Date.now()` of the tab that received it, ms), and its sign-in. */
export interface Kept {
  readonly session: Session;
  readonly receivedAt: number;
  /**
   * Names the sign-in this session comes from, the same through every refresh (a rotated refresh JWT
   * included), so a sign-out can refuse whatever a refresh under way makes of it. Random, not a secret.
   */
  readonly signIn: string;
}

/** A new sign-in's name for {@link Kept.signIn}. */
export const newSignIn = (): string => Math.random().toString(36).slice(2);

export class SessionStore {
  readonly #option: SessionKeeperStorage;
  readonly #key: string;
  /** `localStorage`: the one named storage every tab of the origin shares (a message may then carry a session). */
  readonly shared: boolean;
  #store: SessionStorageLike | undefined;
  /** The stored text as this tab last read or wrote it, or as another tab handed it over. */
  #seen: string | null = null;

  constructor(option: SessionKeeperStorage, key: string) {
    this.#option = option;
    this.#key = key;
    this.shared = option === 'xss-exposed-localStorage';
  }

  get seen(): string | null {
    return this.#seen;
  }

  /**
   * Looks the storage up, on first use (never while a server renders). Where a named storage is missing or
   * blocked (reading `localStorage` throws where the user blocks site data), this keeper's memory is used.
   */
  open(): void {
    if (typeof this.#option === 'object') {
      this.#store = this.#option;
      return;
    }
    const name = this.shared ? 'localStorage' : this.#option;
    if (name === 'memory') return;
    try {
      this.#store = (globalThis as unknown as Record<string, SessionStorageLike | undefined>)[name];
    } catch {
      // Memory, then.
    }
  }

  /** The stored session (and remembers the text as seen). */
  read(): Kept | undefined {
    if (this.#store) this.#seen = this.#store.getItem(this.#key);
    return parse(this.#seen);
  }

  /** A stored text another tab handed over: its session, remembered as seen, or none when it does not parse. */
  take(text: string): Kept | undefined {
    const kept = parse(text);
    if (kept) this.#seen = text;
    return kept;
  }

  /** Stores `kept`, or removes the session. A full or blocked storage keeps it in memory only. */
  write(kept: Kept | undefined): void {
    this.#seen = kept ? JSON.stringify({ session: kept.session, at: kept.receivedAt, signIn: kept.signIn }) : null;
    try {
      if (this.#seen) this.#store?.setItem(this.#key, this.#seen);
      else this.#store?.removeItem(this.#key);
    } catch {
      // Memory, then.
    }
  }
}

/** A stored text's session, or none for a missing or malformed text. */
function parse(text: string | null): Kept | undefined {
  if (text === null) return undefined;
  try {
    const { session, at, signIn } = JSON.parse(text) as { session?: Session; at?: unknown; signIn?: unknown };
    // A text stored by an earlier version has no receipt time (counted from now) and no sign-in name.
    if (typeof session?.sessionJwt === 'string') {
      return { session, receivedAt: typeof at === 'number' ? at : Date.now(), signIn: typeof signIn === 'string' ? signIn : (session.refreshJwt ?? session.sessionJwt) };
    }
  } catch {
    // An unreadable value is no session.
  }
  return undefined;
}

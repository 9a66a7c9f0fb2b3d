// Pending sign-ins in the store, readable by every instance. The browser gets an opaque random handle; the
// pendingRef stays on the server, so nothing the page holds (or leaks) can redeem the session without the
// kit, and a handle is worthless once it expired or was used. A sign-in is also found by its link's binding
// (`el_binding`): that is how the confirm page knows which sign-in a link belongs to.
//
// In the store (every name an HMAC under a key derived from the secret, see keys.ts):
//   signin:<id>   the record, AES-GCM encrypted (bound to its key name)   until the sign-in expires
//   link:<mac>    the id of the sign-in a binding belongs to, encrypted    same
//   state:<id>    `confirmed` or `refused` once the confirm page said so    same
//   waiter:<id>   a counter: the turn of the status request waiting on it   same
import { randomToken, type KitKeys } from './keys.js';
import type { KitStore } from './store.js';

/** What the kit keeps of a sign-in: shown on the confirm page, checked before calling Descope. */
export interface SignInRecord {
  readonly pendingRef: string;
  /** The value the send added to the links' URL (`el_binding`). */
  readonly binding: string;
  /** The number shown on the waiting screen: the confirm page asks for it. */
  readonly linkId: string;
  readonly maskedEmail?: string | undefined;
  /** The browser and OS that asked, e.g. "Chrome on Windows". */
  readonly device: string;
  /** When it asked, in ms. */
  readonly startedAt: number;
  /** When the handle stops working, in ms. */
  readonly expiresAt: number;
}

/** A found sign-in: its id (the HMAC of its handle, the part of every store key of it) and its record. */
export interface FoundSignIn {
  readonly id: string;
  readonly record: SignInRecord;
}

/** What the confirm page decided, as every instance reads it: absent while nobody confirmed. */
export type SignInState = 'confirmed' | 'refused';

/** 192 random bits: not guessable, and short enough for a JSON body. */
const HANDLE_BYTES = 24;

const isRecord = (value: unknown): value is SignInRecord =>
  typeof value === 'object' && value !== null && typeof (value as SignInRecord).pendingRef === 'string' && typeof (value as SignInRecord).binding === 'string';

export class SignIns {
  readonly #store: KitStore;
  readonly #keys: KitKeys;
  readonly #ttlMs: number;

  constructor(store: KitStore, keys: KitKeys, ttlMs: number) {
    this.#store = store;
    this.#keys = keys;
    this.#ttlMs = ttlMs;
  }

  /** Stores a new sign-in; resolves to its handle (for the browser) and its id (for events). */
  async add(details: Omit<SignInRecord, 'expiresAt'>): Promise<{ handle: string; id: string }> {
    const handle = randomToken(HANDLE_BYTES);
    const id = await this.#keys.name('handle', handle);
    const record: SignInRecord = { ...details, expiresAt: details.startedAt + this.#ttlMs };
    const key = `signin:${id}`;
    const link = `link:${await this.#keys.name('binding', details.binding)}`;
    // Both sealed before either write starts: a write started before an await could fail unwatched
    // meanwhile, an unhandled rejection that ends a Node process.
    const [sealedRecord, sealedLink] = await Promise.all([this.#keys.seal(key, record), this.#keys.seal(link, id)]);
    await Promise.all([this.#store.set(key, sealedRecord, this.#ttlMs), this.#store.set(link, sealedLink, this.#ttlMs)]);
    return { handle, id };
  }

  /** The live sign-in of `handle`, or undefined when unknown, expired or finished. */
  async byHandle(handle: string): Promise<FoundSignIn | undefined> {
    return this.#byId(await this.#keys.name('handle', handle));
  }

  /** The live sign-in whose links carry `binding`, or undefined (unknown, finished, or stopped by a wrong number). */
  async byBinding(binding: string): Promise<FoundSignIn | undefined> {
    const link = `link:${await this.#keys.name('binding', binding)}`;
    const id = await this.#keys.open(link, await this.#store.get(link));
    return typeof id === 'string' ? this.#byId(id) : undefined;
  }

  async #byId(id: string): Promise<FoundSignIn | undefined> {
    const key = `signin:${id}`;
    const record = await this.#keys.open(key, await this.#store.get(key));
    return isRecord(record) && record.expiresAt > Date.now() ? { id, record } : undefined;
  }

  /** What the confirm page decided about sign-in `id`, if anything yet. */
  async state(id: string): Promise<SignInState | undefined> {
    const state = await this.#store.get(`state:${id}`);
    return state === 'confirmed' || state === 'refused' ? state : undefined;
  }

  /**
   * Records the confirm page's decision for every instance to see. A refused sign-in's link is forgotten
   * at once: its confirm page no longer offers a form.
   */
  async decide({ id, record }: FoundSignIn, state: SignInState): Promise<void> {
    const ttl = this.#remaining(record);
    if (state === 'refused') await this.#store.take(`link:${await this.#keys.name('binding', record.binding)}`);
    await this.#store.set(`state:${id}`, state, ttl);
  }

  /**
   * Ends sign-in `id`: resolves to true for the one caller that removed it (atomic: across instances, only
   * one status request hands out its session), false when it was already gone.
   */
  async finish({ id, record }: FoundSignIn): Promise<boolean> {
    const taken = await this.#store.take(`signin:${id}`);
    await Promise.all([this.#store.take(`link:${await this.#keys.name('binding', record.binding)}`), this.#store.take(`state:${id}`), this.#store.take(`waiter:${id}`)]);
    return taken !== undefined;
  }

  /** A new turn for a status request waiting on `id`: a later turn (on any instance) supersedes it. */
  takeTurn({ id, record }: FoundSignIn): Promise<number> {
    return this.#store.increment(`waiter:${id}`, this.#remaining(record));
  }

  /** The latest turn taken for `id` (0 when none). */
  async latestTurn(id: string): Promise<number> {
    return Number(await this.#store.get(`waiter:${id}`)) || 0;
  }

  #remaining(record: SignInRecord): number {
    return Math.max(1, record.expiresAt - Date.now());
  }
}

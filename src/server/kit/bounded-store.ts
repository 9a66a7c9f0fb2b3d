// Every store call of the kit has a deadline: a store that hangs (a frozen Redis, a partitioned network)
// must turn a request into an answer (503 `store_unavailable`), never into a request that waits until the
// platform kills it, holding a connection and, for the long-poll, an upstream poll loop.
import { KitError } from './http.js';
import type { KitStore } from './store.js';

/**
 * `store` with every call bounded by `timeoutMs`; a call that fails or runs out rejects with a 503
 * `KitError`, and `failed` is told the error's class name (`StoreTimeout` for one that ran out).
 */
export function boundedStore(store: KitStore, timeoutMs: number, failed: (errorType: string) => void): KitStore {
  const bounded = <T>(call: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One report per call: a store that rejects after its deadline already ran out was reported then.
    let reported = false;
    const report = (errorType: string) => {
      if (!reported) failed(errorType);
      reported = true;
    };
    const unavailable = () => new KitError(503, 'store_unavailable', 'Sign-in state cannot be reached right now: try again', { 'retry-after': '1' });
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        report('StoreTimeout');
        reject(unavailable());
      }, timeoutMs);
    });
    // The store's own error may quote its connection string: only its class name is passed on.
    const answered = Promise.resolve()
      .then(call)
      .catch((error: unknown) => {
        report(error instanceof Error ? error.name : typeof error);
        return Promise.reject(unavailable());
      });
    return Promise.race([answered, deadline]).finally(() => clearTimeout(timer));
  };
  return {
    get: (key) => bounded(() => store.get(key)),
    set: (key, value, ttlMs) => bounded(() => store.set(key, value, ttlMs)),
    take: (key) => bounded(() => store.take(key)),
    increment: (key, ttlMs, by) => bounded(() => (by === undefined ? store.increment(key, ttlMs) : store.increment(key, ttlMs, by))),
  };
}

// An in-process `fetch` for the benchmarks: answers like Descope without any I/O.
const JSON_HEADERS = { 'content-type': 'application/json' };
const LINK = JSON.stringify({ linkId: '42', pendingRef: 'bench-pending-ref', maskedEmail: 'a***@example.com' });
const PENDING = JSON.stringify({ errorCode: 'E062503', errorDescription: 'Token not approved yet', errorMessage: '' });

/** Answers every send with a link at once. */
export const linkFetch = async () => new Response(LINK, { status: 200, headers: JSON_HEADERS });

/**
 * Answers every poll "not clicked yet" after a random 0–`maxDelay` ms, honouring the request's signal
 * as a real fetch does (rejects with its reason, leaves no timer behind).
 */
export function pendingFetch(random, maxDelay = 2) {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const signal = init?.signal ?? input?.signal;
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(new Response(PENDING, { status: 401, headers: JSON_HEADERS }));
      }, random() * maxDelay);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

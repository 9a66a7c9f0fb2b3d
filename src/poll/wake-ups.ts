// The browser fast paths of pollSession. Only a page with BroadcastChannel has them: Node, Bun, Deno and
// workers have a global BroadcastChannel too, but no tab to be woken in, so there they are no-ops.

/** The one channel the verify helper announces on and every waiting poll listens to. */
const CHANNEL = 'enchanted-link';

const channel = (): BroadcastChannel | undefined =>
  typeof document === 'object' && typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;

/**
 * Calls `wake` when another tab of this origin verified a link, or when this page becomes visible again.
 * Returns the function that closes the channel and removes the listener.
 */
export function watchWakeUps(wake: () => void): () => void {
  const port = channel();
  if (!port) return () => {};
  port.onmessage = wake;
  const onVisible = () => document.visibilityState === 'visible' && wake();
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    port.close();
    document.removeEventListener('visibilitychange', onVisible);
  };
}

/** Tells waiting polls in the other tabs of this origin to poll now. The message carries no token. */
export function announceVerified(): void {
  const port = channel();
  port?.postMessage('verified');
  port?.close();
}

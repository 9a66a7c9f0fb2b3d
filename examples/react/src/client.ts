// One client and one session keeper for the app. `npm run example:react` points the client at the local
// emulator; with VITE_DESCOPE_PROJECT_ID set (and no VITE_DESCOPE_BASE_URL) it talks to your Descope project.
import { createSessionKeeper, EnchantedLinkClient, logEvents } from 'enchanted-link';

const { VITE_DESCOPE_PROJECT_ID: projectId, VITE_DESCOPE_BASE_URL: baseUrl, VITE_DESCOPE_REDIRECT_URL: redirectUrl } = import.meta.env;
if (!projectId) throw new Error('Set VITE_DESCOPE_PROJECT_ID, or start the example with `npm run example:react`.');

const debug = new URLSearchParams(location.search).has('debug');

export const client = new EnchantedLinkClient({
  projectId,
  ...(baseUrl ? { baseUrl } : {}),
  // The emailed links open this app's verify page (add the origin to the project's approved domains).
  redirectUrl: redirectUrl || new URL('/verify.html', location.origin).href,
  // `?debug` in the address: every request, wait and poll, one line each in the console (no secrets in them).
  ...(debug && { onEvent: logEvents() }),
});

// sessionStorage: the session survives a reload of this tab, and is not written where every tab (and any
// injected script, later) could read it. See the keeper's storage trade-offs in guides/react.md.
export const keeper = createSessionKeeper(client, { storage: 'sessionStorage', ...(debug && { onEvent: logEvents() }) });

// One client for both pages. `npm run example:browser` points it at the local emulator; with
// VITE_DESCOPE_PROJECT_ID set (and no VITE_DESCOPE_BASE_URL) it talks to your real Descope project.
import { EnchantedLinkClient, logEvents } from 'enchanted-link';

const { VITE_DESCOPE_PROJECT_ID: projectId, VITE_DESCOPE_BASE_URL: baseUrl, VITE_DESCOPE_REDIRECT_URL: redirectUrl } = import.meta.env;
if (!projectId) throw new Error('Set VITE_DESCOPE_PROJECT_ID, or start the example with `npm run example:browser`.');

const debug = new URLSearchParams(location.search).has('debug');

export const client = new EnchantedLinkClient({
  projectId,
  ...(baseUrl ? { baseUrl } : {}),
  // The emailed links open this app's verify page (add the origin to the project's approved domains).
  redirectUrl: redirectUrl || new URL('/verify.html', location.origin).href,
  // `?debug` in the address: every request, wait and poll, one line each in the console (no secrets in them).
  ...(debug && { onEvent: logEvents() }),
});

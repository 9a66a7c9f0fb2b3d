// Verify page (the page behind redirectUrl): verify the clicked link; the waiting tab gets the session.
import { DescopeError, EnchantedLinkClient, readTokenFromUrl } from 'enchanted-link';

const client = new EnchantedLinkClient({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z' });

export async function verifyThisPage(show: (text: string) => void) {
  const token = readTokenFromUrl();
  if (!token) return show('This page needs the link from your email.');
  history.replaceState(null, '', location.pathname); // keep the one-time token out of history and Referer
  try {
    await client.verifyToken(token);
    show('Done: return to the tab where you signed in.');
  } catch (error) {
    show(error instanceof DescopeError ? 'This link is invalid or expired.' : 'Could not reach the server; reload to retry.');
  }
}

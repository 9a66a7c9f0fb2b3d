// Sign-in page: send the link, show its number, wait for the click (on any device), allow cancelling.
import { EnchantedLinkClient, PollTimeoutError, RateLimitError } from 'enchanted-link';

const client = new EnchantedLinkClient({
  projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z',
  redirectUrl: `${location.origin}/verify`,
});

export async function signIn(email: string, show: (text: string) => void, cancel: AbortSignal) {
  try {
    const { linkId, pendingRef, maskedEmail } = await client.signInOrUp(email, { signal: cancel });
    show(`We emailed ${maskedEmail ?? email}. Click the link numbered ${linkId}.`);
    const session = await client.pollSession(pendingRef, {
      signal: cancel,
      onPoll: ({ elapsedMs, status }) =>
        show(status === 'pending' ? `Waiting for your click… ${Math.round(elapsedMs / 1000)} s` : 'Reconnecting…'),
    });
    show(`Signed in as ${session.user?.email ?? email}`);
    return session;
  } catch (error) {
    if (cancel.aborted) show('Cancelled.');
    else if (error instanceof PollTimeoutError) show('The link expired. Send a new one.');
    else if (error instanceof RateLimitError) show(`Too many attempts. Try again in ${error.retryAfter} s.`);
    else throw error;
    return undefined;
  }
}

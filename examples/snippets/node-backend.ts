// Node backend: send the link, then wait for the session; cancel when the HTTP client goes away.
import { EnchantedLinkClient, isEnchantedLinkError } from 'enchanted-link';

const client = new EnchantedLinkClient({
  projectId: process.env.DESCOPE_PROJECT_ID ?? 'P2aAc4T2V93bddihGEx2Ryhc8e5Z',
  redirectUrl: 'https://app.example.com/verify',
});

export async function startLogin(email: string) {
  const { linkId, pendingRef, maskedEmail } = await client.signInOrUp(email);
  return { linkId, pendingRef, maskedEmail };
}

export async function waitForLogin(pendingRef: string, requestGone: AbortSignal) {
  try {
    const session = await client.pollSession(pendingRef, { signal: requestGone, timeout: 180_000 });
    return { ok: true as const, session };
  } catch (error) {
    if (requestGone.aborted) return { ok: false as const, reason: 'client went away' };
    if (isEnchantedLinkError(error)) return { ok: false as const, reason: error.name };
    throw error;
  }
}

// The sign-in page: send the link, show its number, wait for the click (in any tab or on any device),
// let the user cancel.
import { InvalidArgumentError, PollTimeoutError, RateLimitError, type PollProgress } from 'enchanted-link';
import { client } from './client.js';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('sign-in');
const email = byId<HTMLInputElement>('email');
const send = byId<HTMLButtonElement>('send');
const sent = byId('sent');
const cancel = byId<HTMLButtonElement>('cancel');
const status = byId('status');

function show(state: string, text: string) {
  status.dataset.state = state;
  status.textContent = text;
}

const progress = ({ attempt, elapsedMs, status }: PollProgress) =>
  status === 'pending'
    ? `Waiting for your click… (checked ${attempt}×, ${Math.round(elapsedMs / 1000)} s)`
    : status === 'rate-limited'
      ? 'Too many checks: slowing down…'
      : 'Connection trouble: retrying…';

let controller: AbortController | undefined;
cancel.addEventListener('click', () => controller?.abort());

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  controller = new AbortController();
  const { signal } = controller;
  send.disabled = true;
  show('sending', 'Sending…');
  try {
    const { linkId, pendingRef, maskedEmail } = await client.signInOrUp(email.value.trim(), { signal });
    byId('masked-email').textContent = maskedEmail ?? email.value;
    byId('link-id').textContent = linkId;
    sent.hidden = false;
    cancel.hidden = false;
    show('waiting', 'Waiting for your click…');
    // In this browser, the verify page wakes this poll at once; on another device it is noticed within 2.5 s.
    const session = await client.pollSession(pendingRef, { signal, onPoll: (p) => show('waiting', progress(p)) });
    show('signed-in', `Signed in as ${session.user?.email ?? email.value}.`);
  } catch (error) {
    if (signal.aborted) show('cancelled', 'Cancelled. Send a new link when you are ready.');
    else if (error instanceof InvalidArgumentError) show('error', 'Enter your email address.');
    else if (error instanceof PollTimeoutError) show('error', 'The link expired. Send a new one.');
    else if (error instanceof RateLimitError) show('error', `Too many attempts. Try again in ${error.retryAfter || 60} s.`);
    else show('error', `Something went wrong (${error instanceof Error ? error.name : 'error'}). Try again.`);
  } finally {
    // The number belongs to this attempt only: a stale "open the link numbered NN" would mislead.
    sent.hidden = true;
    byId('link-id').textContent = '';
    send.disabled = false;
    cancel.hidden = true;
  }
});

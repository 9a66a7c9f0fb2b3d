// The verify page, behind `redirectUrl`: the emailed link opens it with `?t=<token>`. It verifies only
// once the person clicks "Sign me in": mail scanners open links and run pages, but do not click.
import { DescopeError, InvalidArgumentError, RateLimitError, verifyFromUrl } from 'enchanted-link';
import { client } from './client.js';

const title = document.getElementById('title')!;
const status = document.getElementById('status')!;
const button = document.getElementById('confirm') as HTMLButtonElement;

function show(state: string, heading: string, text: string) {
  status.dataset.state = state;
  title.textContent = heading;
  status.textContent = text;
  button.hidden = true;
}

try {
  // Removes ?t= from the address bar at once; sends the verify on the person's click on the button.
  const { sessionWentTo } = await verifyFromUrl(client, { button });
  if (sessionWentTo === 'waiting-tab') show('verified', "You're signed in", 'Continue in your other tab: it is signed in already.');
  else show('verified', 'Link confirmed', 'Go back to the device or browser where you asked for the link: it signs you in by itself.');
} catch (error) {
  if (error instanceof InvalidArgumentError) {
    show('error', 'This page needs the link from your email', 'Open the link from the email again (the whole link).');
  } else if (error instanceof RateLimitError) {
    show('error', 'Too many attempts', `Wait ${error.retryAfter || 60} s, then open the link from your email again.`);
  } else if (error instanceof DescopeError) {
    // Descope does not document separate codes for a garbled, expired or used link: one message fits all.
    show('error', 'This link cannot be used', `It is invalid, expired or already used (${error.errorCode}). Send a new link from the app.`);
  } else {
    show('error', 'Could not reach the server', 'Check your connection, then open the link from your email again.');
  }
}

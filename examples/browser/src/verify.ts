// The verify page, behind `redirectUrl`: the emailed link opens it with `?t=<token>`.
import { DescopeError, InvalidArgumentError, RateLimitError, verifyFromUrl } from 'enchanted-link';
import { client } from './client.js';

const title = document.getElementById('title')!;
const status = document.getElementById('status')!;

function show(state: string, heading: string, text: string) {
  status.dataset.state = state;
  title.textContent = heading;
  status.textContent = text;
}

try {
  await verifyFromUrl(client); // removes ?t= from the address bar before it sends anything
  show('verified', 'You are signed in', 'Return to the tab where you started: it has noticed already.');
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

// The verify page, behind `redirectUrl`: the emailed link opens it with `?el_binding=…&t=…`. Before any
// request, verifyFromUrl asks this browser's tabs whether one of them is waiting for this very sign-in; it
// verifies only then, and only once the person clicks "Sign me in". Opened anywhere else (another device,
// a mail scanner's browser, which may click), it sends nothing and the page says where to open the link.
import { DescopeError, InvalidArgumentError, RateLimitError, verifyFromUrl, WrongDeviceError } from 'enchanted-link';
import { client } from './client.js';

// Off by default. Turning it on lets a click on another device verify, and so lets a mail scanner that
// clicks sign in whoever started the sign-in, possibly a stranger (see README.md and guides/security.md).
const allowOtherDevices = import.meta.env.VITE_ALLOW_OTHER_DEVICES === 'true';

const title = document.getElementById('title')!;
const status = document.getElementById('status')!;
const warning = document.getElementById('warning')!;
const button = document.getElementById('confirm') as HTMLButtonElement;

function show(state: string, heading: string, text: string) {
  status.dataset.state = state;
  title.textContent = heading;
  status.textContent = text;
  button.hidden = true;
  warning.hidden = true;
}

function ready({ sameBrowser }: { sameBrowser: boolean }) {
  status.dataset.state = 'confirm';
  status.textContent = '';
  button.hidden = false;
  if (!sameBrowser) {
    // What the person confirms from another device: say it plainly, since nothing else can check it.
    warning.textContent =
      'This link was opened on a different device or browser from the one that asked to sign in. ' +
      'Click only if you asked for it yourself, just now: whoever started this sign-in will be signed in to your account.';
    warning.hidden = false;
  }
}

try {
  // Removes ?t= and the binding from the address bar at once; sends the verify on the person's click.
  const { sessionWentTo } = await verifyFromUrl(client, { button, onReady: ready, acceptClickingScannerRisk: allowOtherDevices });
  if (sessionWentTo === 'waiting-tab') show('verified', "You're signed in", 'Continue in your other tab: it is signed in already.');
  else show('verified', 'Link confirmed', 'Go back to the device or browser where you asked for the link: it signs you in by itself.');
} catch (error) {
  if (error instanceof WrongDeviceError) {
    show('wrong-device', 'Open this link where you started', 'Open this link on the device and in the browser where you asked to sign in, while that page is still open.');
  } else if (error instanceof InvalidArgumentError) {
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

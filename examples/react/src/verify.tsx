// The page behind `redirectUrl`: the emailed link opens it with `?el_binding=…&t=…`. It verifies only in
// the browser whose tab is waiting for this sign-in (verifyFromUrl asks that tab first), and only once the
// person clicks "Sign me in"; the session then goes to that tab. Anywhere else (another device, a mail
// scanner's browser, which may click) it sends nothing and says where to open the link.
import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DescopeError, InvalidArgumentError, verifyFromUrl, WrongDeviceError } from 'enchanted-link';
import { client } from './client.js';

type State = 'checking' | 'confirm' | 'verified' | 'elsewhere' | 'wrong-device' | 'missing' | 'refused' | 'offline';
const TEXT: Record<State, string> = {
  checking: 'Checking this browser…',
  confirm: 'Click to finish signing in.',
  verified: 'You are signed in: continue in your other tab.',
  elsewhere: 'Link confirmed: go back to the device or browser where you asked for it.',
  'wrong-device': 'Open this link on the device and in the browser where you asked to sign in, while that page is still open.',
  missing: 'Open the link from your email (the whole link).',
  refused: 'This link is invalid, expired or already used. Send a new one from the app.',
  offline: 'Could not reach the server. Open the link from your email again.',
};

function Verify() {
  const [state, setState] = useState<State>('checking');
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // StrictMode runs this twice: the first wait for the click is aborted; the token stays known to the
    // page, and one click sends one request.
    const controller = new AbortController();
    verifyFromUrl(client, { button: button.current!, signal: controller.signal, onReady: () => setState('confirm') }).then(
      ({ sessionWentTo }) => setState(sessionWentTo === 'waiting-tab' ? 'verified' : 'elsewhere'),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof WrongDeviceError) setState('wrong-device');
        else setState(error instanceof InvalidArgumentError ? 'missing' : error instanceof DescopeError ? 'refused' : 'offline');
      },
    );
    return () => controller.abort();
  }, []);
  return (
    <section id="status" data-state={state}>
      <h1>Sign-in link</h1>
      <p>{TEXT[state]}</p>
      <button id="confirm" ref={button} hidden={state !== 'confirm'}>Sign me in</button>
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Verify />
  </StrictMode>,
);

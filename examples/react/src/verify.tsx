// The page behind `redirectUrl`: the emailed link opens it with `?t=<token>`. It verifies only once the
// person clicks "Sign me in" (mail scanners open links and run pages, but do not click); the session then
// goes to the tab that is waiting.
import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DescopeError, InvalidArgumentError, verifyFromUrl } from 'enchanted-link';
import { client } from './client.js';

type State = 'confirm' | 'verified' | 'elsewhere' | 'missing' | 'refused' | 'offline';
const TEXT: Record<State, string> = {
  confirm: 'Click to finish signing in.',
  verified: 'You are signed in: continue in your other tab.',
  elsewhere: 'Link confirmed: go back to the device or browser where you asked for it.',
  missing: 'Open the link from your email (the whole link).',
  refused: 'This link is invalid, expired or already used. Send a new one from the app.',
  offline: 'Could not reach the server. Open the link from your email again.',
};

function Verify() {
  const [state, setState] = useState<State>('confirm');
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // StrictMode runs this twice: the first wait for the click is aborted; the token stays known to the
    // page, and one click sends one request.
    const controller = new AbortController();
    verifyFromUrl(client, { button: button.current!, signal: controller.signal }).then(
      ({ sessionWentTo }) => setState(sessionWentTo === 'waiting-tab' ? 'verified' : 'elsewhere'),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState(error instanceof InvalidArgumentError ? 'missing' : error instanceof DescopeError ? 'refused' : 'offline');
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

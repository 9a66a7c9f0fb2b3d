// The page behind `redirectUrl`: verifies the clicked link; the session goes to the tab that is waiting.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DescopeError, InvalidArgumentError, verifyFromUrl } from 'enchanted-link';
import { client } from './client.js';

type State = 'verifying' | 'verified' | 'missing' | 'refused' | 'offline';
const TEXT: Record<State, string> = {
  verifying: 'Checking your link…',
  verified: 'Done: return to the tab where you started; it is signed in now.',
  missing: 'Open the link from your email.',
  refused: 'This link is invalid, expired or already used. Send a new one.',
  offline: 'Could not reach the server. Open the link from your email again.',
};

function Verify() {
  const [state, setState] = useState<State>('verifying');
  useEffect(() => {
    // verifyFromUrl is idempotent per token, so StrictMode's second effect run sends no second request.
    verifyFromUrl(client).then(
      () => setState('verified'),
      (error: unknown) =>
        setState(error instanceof InvalidArgumentError ? 'missing' : error instanceof DescopeError ? 'refused' : 'offline'),
    );
  }, []);
  return (
    <section id="status" data-state={state}>
      <h1>Sign-in link</h1>
      <p>{TEXT[state]}</p>
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Verify />
  </StrictMode>,
);

// The sign-in page: one hook for the sign-in, one for the kept session. Every state a user can meet has
// its screen; `data-state` names it (the end-to-end test reads it).
import { StrictMode, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useSignInFlow, useSessionKeeper } from 'enchanted-link/react';
import { client, keeper } from './client.js';

const cooldown = Number(import.meta.env.VITE_RESEND_COOLDOWN_MS) || undefined;

function App() {
  const { snapshot: session } = useSessionKeeper(keeper);
  return session.status === 'signed-in' ? <Account /> : <SignIn ended={session.error !== undefined} />;
}

function SignIn({ ended }: { ended: boolean }) {
  const { snapshot, start, resend, cancel } = useSignInFlow(client, {
    onSignedIn: keeper.set,
    ...(cooldown ? { resendCooldownMs: cooldown } : {}),
  });
  const [email, setEmail] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start(email);
  };

  switch (snapshot.status) {
    case 'sending':
      return <Screen state="sending" title="Sending…"><p>Emailing {snapshot.email}.</p></Screen>;
    case 'waiting':
      return (
        <Screen state="waiting" title="Check your email">
          <p>
            We emailed <span id="masked-email">{snapshot.maskedEmail ?? snapshot.email}</span> three links. Open the one
            numbered:
          </p>
          <p className="link-id" id="link-id">{snapshot.linkId}</p>
          <p className="muted" id="progress">
            {snapshot.pollStatus === 'pending' ? 'Waiting for your click' : snapshot.pollStatus === 'rate-limited' ? 'Slowing down (rate limited)' : 'Connection trouble, retrying'}
            {' '}· {Math.round(snapshot.elapsedMs / 1000)} s
          </p>
          {snapshot.resendError && <p className="error" id="resend-error">Could not resend: {snapshot.resendError.message}</p>}
          <button id="resend" disabled={!snapshot.canResend} onClick={resend}>
            {snapshot.resending ? 'Resending…' : snapshot.canResend ? 'Resend the email' : <>Resend in <Countdown to={snapshot.resendAtMs} /></>}
          </button>
          <button id="cancel" onClick={cancel}>Cancel</button>
        </Screen>
      );
    case 'signed-in':
      return <Screen state="signed-in" title="Signed in" />;
    default:
      return (
        <Screen state={snapshot.status} title="Sign in with an email link">
          {snapshot.status === 'failed' && <p className="error" id="error">{snapshot.error.message}</p>}
          {snapshot.status === 'expired' && <p className="error">The link expired. Send a new one.</p>}
          {snapshot.status === 'cancelled' && <p className="muted">Cancelled.</p>}
          {ended && snapshot.status === 'idle' && <p className="muted" id="ended">Your session ended. Sign in again.</p>}
          <form onSubmit={submit}>
            <input id="email" type="email" required placeholder="you@example.com" value={email} onChange={(e) => setEmail(e.target.value)} />
            <button id="send" type="submit">Email me a link</button>
          </form>
        </Screen>
      );
  }
}

function Account() {
  const { snapshot, refresh, signOutAll } = useSessionKeeper(keeper);
  if (snapshot.status !== 'signed-in') return null;
  const { user, sessionExpiration } = snapshot.session;
  return (
    <Screen state="account" title="You are signed in">
      <p>Signed in as <strong id="user-email">{user?.email ?? user?.loginIds?.[0]}</strong>.</p>
      <p className="muted">
        Session valid until <span id="expires">{sessionExpiration ? new Date(sessionExpiration * 1000).toLocaleTimeString() : 'unknown'}</span>;
        it is refreshed before then, and when you come back to this tab.
      </p>
      <button id="refresh" onClick={() => void refresh()}>Refresh now</button>
      <button id="sign-out" onClick={() => void signOutAll()}>Sign out everywhere</button>
    </Screen>
  );
}

function Countdown({ to }: { to: number }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <>{Math.max(0, Math.ceil((to - now) / 1000))} s</>;
}

function Screen({ state, title, children }: { state: string; title: string; children?: ReactNode }) {
  return (
    <section id="status" data-state={state}>
      <h1>{title}</h1>
      {children}
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

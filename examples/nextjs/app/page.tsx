// A server component: who is signed in comes from the session cookie of this request, checked on the
// server (signature, expiry, project) before anything is shown. The proxy has refreshed it if needed.
import { headers } from 'next/headers';
import { getKit } from '../lib/kit';
import { SignIn } from './sign-in';
import { SignOut } from './sign-out';

export default async function Home() {
  // headers() first: it marks the page as rendered per request (never prerendered at build time).
  const requestHeaders = await headers();
  const session = await getKit().getSession(requestHeaders);
  if (!session) {
    return (
      <main>
        <h1>Sign in</h1>
        <SignIn />
      </main>
    );
  }
  return (
    <main>
      <h1>Signed in</h1>
      <p>
        User ID: <code id="user-id">{session.userId}</code>
      </p>
      <p>
        This session expires at <time id="expires-at">{new Date(session.expiresAtSeconds * 1000).toISOString()}</time>; after
        that, the next page you open refreshes it from the refresh cookie.
      </p>
      <SignOut />
    </main>
  );
}

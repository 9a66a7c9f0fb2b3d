'use client';
// Sign-out: the kit revokes the refresh JWT at Descope and clears both cookies; then the page is rendered
// again on the server, without a session.
import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function SignOut() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  async function signOut() {
    setBusy(true);
    try {
      await fetch('/auth/sign-out', { method: 'POST' });
    } finally {
      setBusy(false);
      router.refresh();
    }
  }
  return (
    <button id="sign-out" type="button" onClick={signOut} disabled={busy}>
      Sign out
    </button>
  );
}

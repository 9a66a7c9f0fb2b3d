'use client';
// The sign-in form. The browser only ever holds a handle: the pendingRef stays on the server, and the
// session arrives as HttpOnly cookies set by /auth/status, which this script cannot read.
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';

type Step =
  | { name: 'email'; problem?: string }
  | { name: 'sending' }
  | { name: 'waiting'; handle: string; linkId: string; maskedEmail: string | null };

/** The kit's JSON error body: `{ "error": code, "message": text }`. */
interface KitError {
  error: string;
  message: string;
}

async function post(path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; body: unknown; retryAfter: number }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: response.status, body: await response.json(), retryAfter: Number(response.headers.get('retry-after')) || 1 };
}

/** Resolves after `seconds`, or at once when `signal` aborts (the page was left). */
const pause = (seconds: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    signal.addEventListener('abort', done, { once: true });
  });

const problemOf = (body: unknown): string => (body as Partial<KitError>).message ?? 'Something went wrong: try again.';

export function SignIn() {
  const router = useRouter();
  const [step, setStep] = useState<Step>({ name: 'email' });

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = new FormData(event.currentTarget).get('email');
    setStep({ name: 'sending' });
    try {
      const { status, body } = await post('/auth/start', { email });
      if (status !== 200) return setStep({ name: 'email', problem: problemOf(body) });
      const { handle, linkId, maskedEmail } = body as { handle: string; linkId: string; maskedEmail: string | null };
      setStep({ name: 'waiting', handle, linkId, maskedEmail });
    } catch {
      setStep({ name: 'email', problem: 'The server could not be reached: try again.' });
    }
  }

  // While the number is shown: ask /auth/status until the sign-in ends. Each request waits on the server
  // (up to 25 s) and answers `pending` if nothing happened; leaving the page aborts the one in flight.
  const handle = step.name === 'waiting' ? step.handle : undefined;
  useEffect(() => {
    if (!handle) return;
    const controller = new AbortController();
    (async () => {
      for (;;) {
        const { status, body, retryAfter } = await post('/auth/status', { handle }, controller.signal);
        if (status === 200 && (body as { status: string }).status === 'pending') continue;
        if (status === 429 || status === 503) {
          // Busy (the request budget) or the store unreachable for a moment: ask again when it says.
          await pause(retryAfter, controller.signal);
          continue;
        }
        if (status === 200) {
          // Signed in: the cookies are set. Render the page again on the server, now with the session.
          return router.refresh();
        }
        return setStep({ name: 'email', problem: problemOf(body) });
      }
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setStep({ name: 'email', problem: `The sign-in was interrupted (${String(error)}): try again.` });
    });
    return () => controller.abort();
  }, [handle, router]);

  if (step.name === 'waiting') {
    return (
      <section>
        <p>
          We emailed {step.maskedEmail ?? 'you'} three links. Open the one numbered <strong id="link-id">{step.linkId}</strong>, on any
          device, and type this number on the page it opens.
        </p>
        <p id="status" aria-live="polite">
          Waiting for you to confirm…
        </p>
        <button type="button" onClick={() => setStep({ name: 'email' })}>
          Start again
        </button>
      </section>
    );
  }
  return (
    <form onSubmit={start}>
      <label>
        Email <input id="email" name="email" type="email" required autoComplete="email" />
      </label>{' '}
      <button type="submit" disabled={step.name === 'sending'}>
        Email me a link
      </button>
      {step.name === 'email' && step.problem ? (
        <p id="problem" role="alert">
          {step.problem}
        </p>
      ) : null}
    </form>
  );
}

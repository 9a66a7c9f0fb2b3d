import { EnchantedLinkClient } from '../client/enchanted-link-client.js';
import { readTokenFromUrl } from '../client/read-token-from-url.js';
import { isEnchantedLinkError } from '../errors/enchanted-link-error.js';
import { createEmulator } from '../testing/emulator.js';
import type { EmulatorEmail } from '../testing/types.js';
import type { PollProgress } from '../types/poll-options.js';
import type { Session } from '../types/session.js';
import { sleep } from '../utils/sleep.js';
import { describeJwt, safe, style } from './format.js';

/** Options of `enchanted-link demo`. */
export interface DemoOptions {
  email?: string | undefined;
  projectId?: string | undefined;
  baseUrl?: string | undefined;
  redirectUrl?: string | undefined;
}

/** Pause before the demo clicks the right link by itself when nobody is at a terminal. */
const AUTO_CLICK_DELAY = 1_500;

export async function runDemo(options: DemoOptions): Promise<number> {
  const out = process.stdout;
  const interactive = Boolean(out.isTTY && process.stdin.isTTY) && !process.env.CI;
  const real = options.projectId !== undefined;
  const email = options.email ?? 'demo@example.com';
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('cancelled'));
  process.once('SIGINT', onSigint);

  const emulator = real ? undefined : createEmulator();
  const server = await emulator?.listen();
  try {
    const client = new EnchantedLinkClient({
      projectId: options.projectId ?? emulator!.projectId,
      ...(server ? { baseUrl: server.url } : options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      ...(options.redirectUrl ? { redirectUrl: options.redirectUrl } : {}),
    });
    out.write(`${style.bold('enchanted-link demo')} ${style.dim(server ? `on the embedded emulator at ${server.url}` : `on Descope project ${options.projectId}`)}\n\n`);

    const sent = await client.signInOrUp(email, { signal: controller.signal });
    out.write(`Sent a sign-in link to ${style.bold(safe(sent.maskedEmail ?? email))}.\n`);
    out.write(`The right link is number ${style.bold(safe(sent.linkId))}.\n`);
    const letter = emulator?.lastEmail(email);
    if (letter) printLinks(letter);

    // A failed automatic click ends the wait with its error instead of letting the poll run to its deadline.
    const clickFailed = new AbortController();
    if (letter && !interactive) {
      const right = letter.links.find((link) => link.correct)!;
      out.write(`\nNo terminal: clicking link ${right.number} in ${AUTO_CLICK_DELAY / 1000} s, as its verify page would.\n`);
      sleep(AUTO_CLICK_DELAY, controller.signal)
        .then(() => client.verifyToken(readTokenFromUrl(right.url)!, { signal: controller.signal }))
        .catch((error: unknown) => clickFailed.abort(error));
    } else {
      out.write(`\n${letter ? 'Open' : 'Open the email and click'} link number ${style.bold(safe(sent.linkId))} in your browser. Ctrl-C cancels.\n`);
    }

    const started = Date.now();
    const progress = (p: PollProgress | undefined) => {
      const elapsed = ((Date.now() - started) / 1000).toFixed(1);
      const text = p
        ? `Waiting for the click… attempt ${p.attempt}, ${elapsed} s elapsed${p.status === 'pending' ? '' : ` (${p.status}: ${safe(p.error?.name)})`}`
        : `Session received after ${elapsed} s.`;
      out.write(interactive ? `\r\x1b[2K${text}${p ? '' : '\n'}` : `${text}\n`);
    };
    const session = await client.pollSession(sent.pendingRef, {
      signal: AbortSignal.any([controller.signal, clickFailed.signal]),
      onPoll: progress,
    });
    progress(undefined);
    printSession(session);
    return 0;
  } catch (error) {
    if (controller.signal.aborted) {
      out.write('\nCancelled.\n');
      return 130;
    }
    process.stderr.write(`\n${safe(isEnchantedLinkError(error) ? `${error.name}: ${error.message}` : String(error))}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await server?.close();
  }
}

function printLinks(letter: EmulatorEmail) {
  process.stdout.write(`\nThe email to ${safe(letter.to)} has three links:\n`);
  for (const link of letter.links) {
    process.stdout.write(`  ${link.correct ? style.bold(safe(link.number)) : safe(link.number)}  ${safe(link.url)}\n`);
  }
}

function printSession(session: Session) {
  const { user } = session;
  const lines = [
    ['user', [user?.name, user?.email ?? user?.loginIds?.[0], user?.userId && `(${user.userId})`].filter(Boolean).join(' ')],
    ['new user', session.firstSeen ? 'yes, first sign-in' : 'no'],
    ['session JWT', describeJwt(session.sessionJwt)],
    ['refresh JWT', session.refreshJwt ? describeJwt(session.refreshJwt) : 'none (cookie mode)'],
  ];
  process.stdout.write(`\n${style.bold('Signed in.')}\n`);
  for (const [label, value] of lines) process.stdout.write(`  ${label!.padEnd(12)} ${safe(value)}\n`);
}

import { assertOptionalObject, assertOptionalSignal } from '../options/arguments.js';
import type { EnchantedLinkClient } from '../client/enchanted-link-client.js';
import { readTokenFromUrl } from '../client/read-token-from-url.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { announced, answered } from '../poll/wake-ups.js';

/**
 * Options of {@link verifyFromUrl}. Give `button`, or opt out with `acceptMailScannerRisk: true`.
 *
 * @category Client
 */
export interface VerifyFromUrlOptions {
  /**
   * The element the person clicks to confirm, e.g. a "Sign me in" `<button>` your page renders. The
   * verify request is sent on the first click on it that comes from the person (`event.isTrusted`, which
   * includes Enter or Space on a focused button) while the page is visible; a script's `click()` or
   * dispatched event, and a page loaded but never clicked, send nothing.
   */
  button?: EventTarget;
  /**
   * `true` verifies at once, with no click: only for pages a mail scanner can never open (a link you do not
   * email) or when you accept that a scanner which opens all three links of an email signs in whoever
   * started that sign-in, possibly a stranger. See the Security guide.
   * @defaultValue `false`
   */
  acceptMailScannerRisk?: boolean;
  /**
   * Stops waiting for the click: the call rejects with `signal.reason` and removes its listener. A verify
   * already sent is not cancelled.
   */
  signal?: AbortSignal;
  /**
   * The URL the link opened, with the token in its `t` query parameter.
   * @defaultValue `location.href`
   */
  url?: string | URL;
}

/**
 * What {@link verifyFromUrl} resolves with once Descope accepted the link.
 *
 * @category Client
 */
export interface VerifyFromUrlResult {
  /**
   * Where the session went. The session never comes to the verify page: it goes to the tab or device that
   * started the sign-in and polls for it.
   * - `'waiting-tab'`: a tab of this origin in this browser, waiting in `pollSession`, answered that it got
   *   the session. Say "You're signed in: continue in your other tab".
   * - `'elsewhere'`: no tab answered within 400 ms of the verify. The sign-in was most likely started on
   *   another device or browser, whose poll picks it up within its interval. Say "Go back to the device
   *   where you started".
   */
  readonly sessionWentTo: 'waiting-tab' | 'elsewhere';
}

// One verification per token per page: a token is single-use, so a second request could only fail.
const verifications = new Map<string, Promise<VerifyFromUrlResult>>();
// The address this page had after its token was stripped, and that token.
let stripped: { href: string; token: string } | undefined;

/**
 * Verifies the link that opened this page once the person confirms with a click: the one call the page
 * behind `redirectUrl` needs.
 *
 * It reads the token from `t` and at once removes `t` from the address bar with `history.replaceState`
 * (other query parameters, the hash and `history.state` are kept), so the one-time token stays out of
 * history, bookmarks and `Referer`. It then waits for the person's click on `button`, and only then calls
 * {@link EnchantedLinkClient.verifyToken}, which wakes the tabs of this origin waiting in `pollSession`.
 * Mail scanners open every link of an email and run its scripts, but do not click: without the click, a
 * scanner would hand the session to whoever started the sign-in, a stranger included.
 *
 * Idempotent per token within one page: repeated calls (React StrictMode, a double click) send one
 * request and share its outcome, the same rejection included. To retry after a network failure, open
 * the link again (the token is no longer in the address bar, so a reload does not carry it).
 *
 * @param client - The client of your project.
 * @param options - `button` (required unless `acceptMailScannerRisk` is `true`), `signal`, `url`.
 * @returns Where the session went, once Descope accepted the link.
 * @throws {@link InvalidArgumentError} before any request: `argument: 'url'` when the URL has no `t` or
 *   an empty one, is not absolute, or is omitted outside a browser; `'button'` when neither `button` nor
 *   `acceptMailScannerRisk: true` is given; `'signal'` for a `signal` that is not an `AbortSignal`.
 * @throws `signal.reason` when `signal` aborts before the click.
 * @throws {@link DescopeError} when Descope refuses the token (garbled, expired, already used, wrong
 *   number); {@link RateLimitError}, {@link ResponseValidationError}, {@link NetworkError},
 *   {@link RequestTimeoutError} for a bad answer or none.
 * @category Client
 * @example
 * ```ts
 * import { DescopeError, EnchantedLinkClient, InvalidArgumentError, verifyFromUrl } from 'enchanted-link';
 *
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…' });
 * const button = document.querySelector('#sign-me-in')!; // <button id="sign-me-in">Sign me in</button>
 * try {
 *   const { sessionWentTo } = await verifyFromUrl(client, { button }); // on https://app.example.com/verify?t=…
 *   showMessage(sessionWentTo === 'waiting-tab' ? "You're signed in: continue in your other tab." : 'Go back to the device where you started.');
 * } catch (error) {
 *   if (error instanceof InvalidArgumentError) showMessage('Open the link from your email.');
 *   else if (error instanceof DescopeError) showMessage('This link is invalid or expired. Send a new one.');
 *   else showMessage('Could not reach the server. Open the link from your email again.');
 * }
 * ```
 */
export async function verifyFromUrl(client: EnchantedLinkClient, options: VerifyFromUrlOptions = {}): Promise<VerifyFromUrlResult> {
  assertOptionalObject(options, 'options');
  const { url, button, signal } = options;
  assertOptionalSignal(signal, 'signal');
  // A second call reads the address bar after the first one stripped it: it gets that token back.
  const token = readTokenFromUrl(url) ?? (url === undefined && stripped?.href === location.href ? stripped.token : undefined);
  if (!token) throw new InvalidArgumentError('url', 'no `t` parameter');
  const onLoad = options.acceptMailScannerRisk === true;
  if (!onLoad && typeof button?.addEventListener !== 'function') {
    throw new InvalidArgumentError('button', 'required, or acceptMailScannerRisk: true');
  }
  stripToken(token);
  if (!onLoad) await clicked(button!, signal);
  let verification = verifications.get(token);
  if (!verification) {
    verification = client
      .verifyToken(token)
      .then(async () => ({ sessionWentTo: (await answered(announced.get(client))) ? 'waiting-tab' : 'elsewhere' }));
    verifications.set(token, verification);
  }
  return verification;
}

/** Resolves on the person's click on `button` while the page is visible; rejects when `signal` aborts. */
function clicked(button: EventTarget, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    // Aborting `listening` removes both listeners, whichever settles first.
    const listening = new AbortController();
    const end = (settle: () => void) => () => {
      listening.abort();
      settle();
    };
    const options = { signal: listening.signal };
    signal?.addEventListener('abort', end(() => reject(signal.reason)), options);
    button.addEventListener('click', (event) => event.isTrusted && document.visibilityState === 'visible' && end(resolve)(), options);
  });
}

/** Drops `t` from the address bar, when it holds this token. */
function stripToken(token: string): void {
  if (typeof history !== 'object' || typeof location !== 'object') return;
  const url = new URL(location.href);
  if (url.searchParams.get('t') !== token) return;
  url.searchParams.delete('t');
  history.replaceState(history.state, '', url);
  stripped = { href: location.href, token };
}

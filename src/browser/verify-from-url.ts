import type { EnchantedLinkClient } from '../client/enchanted-link-client.js';
import { BINDING_PARAM } from '../protocol/paths.js';
import { readBindingFromUrl, readTokenFromUrl } from '../client/read-token-from-url.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { WrongDeviceError } from '../errors/wrong-device-error.js';
import { assertBoolean, assertFunction, assertOptionalSignal } from '../options/arguments.js';
import { checkOptions, type Spec } from '../options/check-options.js';
import { announced, answered, waitingTabHolds } from '../poll/wake-ups.js';

// Checked by the checker every entry uses; `button` (required unless `acceptMailScannerRisk`) and `url`
// (which must hold the token) are checked with what they must contain, below.
const VERIFY_FROM_URL: Spec = { signal: assertOptionalSignal, onReady: assertFunction, acceptMailScannerRisk: assertBoolean };

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
   * `true` lets a click on **another device or browser** verify the link: one where no tab is waiting for
   * this sign-in (the page's handshake found none). By default such a page sends nothing and the call
   * rejects with {@link WrongDeviceError} ("open the link on the device where you started").
   *
   * The risk: some mail scanners render links in a real browser and click their buttons, and such a click
   * is `isTrusted` like a person's. With this option, a scanner that opens and clicks all three links of an
   * email completes the sign-in of whoever started it, possibly a stranger who typed the person's address.
   * Without a backend, nothing on the page can tell the person from the scanner: prefer a server that asks
   * for the number shown where the sign-in started (see `examples/node-server` and the Security guide), and
   * show the person what they are confirming when you turn this on (`onReady`).
   * @defaultValue `false`
   */
  acceptClickingScannerRisk?: boolean;
  /**
   * `true` verifies at once, with no click and on any device: only for pages a mail scanner can never open
   * (a link you do not email) or when you accept that a scanner which opens all three links of an email
   * signs in whoever started that sign-in, possibly a stranger. See the Security guide.
   * @defaultValue `false`
   */
  acceptMailScannerRisk?: boolean;
  /**
   * Called once the page knows what a click would confirm, before waiting for it: `sameBrowser` is `true`
   * when a tab of this browser is waiting for this sign-in, `false` when the link was opened on another
   * device (only with `acceptClickingScannerRisk`; by default that case rejects instead). Show the button,
   * and for another device a warning, from here.
   */
  onReady?: (context: { readonly sameBrowser: boolean }) => void;
  /**
   * Stops waiting for the click: the call rejects with `signal.reason` and removes its listener. A verify
   * already sent is not cancelled.
   */
  signal?: AbortSignal;
  /**
   * The URL the link opened, with the token in its `t` query parameter and the sign-in's binding in
   * `el_binding`.
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

/** @deprecated Renamed to {@link VerifyFromUrlResult}. @category Client */
export type VerifyResult = VerifyFromUrlResult;

// One verification per token per page: a token is single-use, so a second request could only fail.
const verifications = new Map<string, Promise<VerifyFromUrlResult>>();
// The address this page had after its link's token and binding were stripped, and those values.
let stripped: { href: string; token: string; binding: string | undefined } | undefined;

/**
 * Verifies the link that opened this page once the person confirms with a click, and only in the browser
 * that asked for it: the one call the page behind `redirectUrl` needs.
 *
 * 1. It reads the token (`t`) and the sign-in's binding (`el_binding`, added by the send) and at once
 *    removes both from the address bar with `history.replaceState` (other query parameters, the hash and
 *    `history.state` are kept), so the one-time token stays out of history, bookmarks and `Referer`.
 * 2. Before any request, it asks on the page channel whether a tab of this browser is waiting for exactly
 *    this sign-in: the `pollSession` of the client that sent the link answers, nothing else can (at most
 *    500 ms). No answer means another device or browser, a mail scanner's included: by default the call
 *    then rejects with {@link WrongDeviceError} and sends nothing.
 * 3. It waits for the person's click on `button`, and only then calls
 *    {@link EnchantedLinkClient.verifyToken}, which wakes the waiting tab: it completes at once.
 *
 * So a scanner gets nothing, even one that renders the page and clicks: its browser has no waiting tab.
 * Links sent without a redirect URL carry no binding and count as opened on another device. Set
 * `redirectUrl` on the client.
 *
 * Idempotent per token within one page: repeated calls (React StrictMode, a double click) send one
 * request and share its outcome, the same rejection included. To retry after a network failure, open
 * the link again (the token is no longer in the address bar, so a reload does not carry it).
 *
 * @param client - The client of your project.
 * @param options - `button` (required unless `acceptMailScannerRisk` is `true`), `onReady`,
 *   `acceptClickingScannerRisk`, `signal`, `url`.
 * @returns Where the session went, once Descope accepted the link.
 * @throws {@link InvalidArgumentError} before any request: `argument: 'url'` when the URL has no `t` or
 *   an empty one, is not absolute, or is omitted outside a browser; `'button'` when neither `button` nor
 *   `acceptMailScannerRisk: true` is given; `'signal'` for a `signal` that is not an `AbortSignal`;
 *   `'onReady'` for an `onReady` that is not a function; `'acceptMailScannerRisk'` for anything but a boolean.
 * @throws {@link WrongDeviceError} before any request, when no tab of this browser waits for this
 *   sign-in and `acceptClickingScannerRisk` is not `true`.
 * @throws `signal.reason` when `signal` aborts before the click.
 * @throws {@link DescopeError} when Descope refuses the token (garbled, expired, already used, wrong
 *   number); {@link RateLimitError}, {@link ResponseValidationError}, {@link NetworkError},
 *   {@link RequestTimeoutError} for a bad answer or none.
 * @category Client
 * @example
 * ```ts
 * import { DescopeError, EnchantedLinkClient, InvalidArgumentError, WrongDeviceError, verifyFromUrl } from 'enchanted-link';
 *
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…', redirectUrl: 'https://app.example.com/verify' });
 * const button = document.querySelector<HTMLButtonElement>('#sign-me-in')!; // <button id="sign-me-in" hidden>Sign me in</button>
 * try {
 *   const { sessionWentTo } = await verifyFromUrl(client, { button, onReady: () => (button.hidden = false) });
 *   showMessage(sessionWentTo === 'waiting-tab' ? "You're signed in: continue in your other tab." : 'Go back to the device where you started.');
 * } catch (error) {
 *   if (error instanceof WrongDeviceError) showMessage('Open this link on the device where you asked to sign in.');
 *   else if (error instanceof InvalidArgumentError) showMessage('Open the link from your email.');
 *   else if (error instanceof DescopeError) showMessage('This link is invalid or expired. Send a new one.');
 *   else showMessage('Could not reach the server. Open the link from your email again.');
 * }
 * ```
 */
export async function verifyFromUrl(client: EnchantedLinkClient, options: VerifyFromUrlOptions = {}): Promise<VerifyFromUrlResult> {
  const { url, button, signal, onReady } = checkOptions(options, VERIFY_FROM_URL);
  // A second call reads the address bar after the first one stripped it: it gets those values back.
  // (`stripped` is only ever set in a page, so `location` is read only there.)
  const again = url === undefined && stripped && stripped.href === location.href ? stripped : undefined;
  const token = readTokenFromUrl(url) ?? again?.token;
  if (!token) throw new InvalidArgumentError('url', 'no `t` parameter');
  const binding = readBindingFromUrl(url) ?? again?.binding;
  const onLoad = options.acceptMailScannerRisk === true;
  if (!onLoad && typeof button?.addEventListener !== 'function') {
    throw new InvalidArgumentError('button', 'required, or acceptMailScannerRisk: true');
  }
  strip(token, binding);
  if (!onLoad) {
    // The click is listened for from the start (a quick person is not missed), but counts only once the
    // handshake found the waiting tab, or other devices are allowed.
    const listening = new AbortController();
    const click = clicked(button!, [signal, listening.signal]);
    click.catch(() => {}); // awaited below, or abandoned on purpose: never an unhandled rejection
    const sameBrowser = binding !== undefined && (await waitingTabHolds(binding));
    if (signal?.aborted || (!sameBrowser && options.acceptClickingScannerRisk !== true)) {
      listening.abort();
      signal?.throwIfAborted();
      throw new WrongDeviceError();
    }
    onReady?.({ sameBrowser });
    await click;
  }
  let verification = verifications.get(token);
  if (!verification) {
    verification = client
      .verifyToken(token)
      .then(async () => ({ sessionWentTo: (await answered(announced.get(client))) ? 'waiting-tab' : 'elsewhere' }));
    verifications.set(token, verification);
  }
  return verification;
}

/**
 * Resolves on the person's click on `button` while the page is visible; rejects with the reason of the
 * first of `signals` to abort. Either way, both listeners go.
 */
function clicked(button: EventTarget, signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = signals.find((signal) => signal?.aborted);
    if (aborted) return reject(aborted.reason);
    const listening = new AbortController();
    const options = { signal: listening.signal };
    const end = (settle: () => void) => () => {
      listening.abort();
      settle();
    };
    for (const signal of signals) signal?.addEventListener('abort', end(() => reject(signal.reason)), options);
    button.addEventListener('click', (event) => event.isTrusted && document.visibilityState === 'visible' && end(resolve)(), options);
  });
}

/** Drops `t` and the binding from the address bar, when it holds this token. */
function strip(token: string, binding: string | undefined): void {
  if (typeof history !== 'object' || typeof location !== 'object') return;
  const url = new URL(location.href);
  if (url.searchParams.get('t') !== token) return;
  url.searchParams.delete('t');
  url.searchParams.delete(BINDING_PARAM);
  history.replaceState(history.state, '', url);
  stripped = { href: location.href, token, binding };
}

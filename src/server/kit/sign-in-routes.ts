// The backend-driven sign-in: start (send the link), status (long-poll until signed in), confirm (the page the
// link opens, and its form with the number check). The browser never holds the pendingRef (it gets a
// handle) nor a JWT (cookies only); nothing here logs or reports a token, a handle or an address.
import { readBindingFromUrl } from '../../client/read-token-from-url.js';
import { DescopeError } from '../../errors/descope-error.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { isEnchantedLinkError } from '../../errors/enchanted-link-error.js';
import { PollTimeoutError } from '../../errors/poll-timeout-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { errorFacts, refusedByDescope, upstreamFailure, type KitContext } from './context.js';
import { BROWSER_COOKIE, readCookie, sessionCookies, setCookie } from './cookies.js';
import { CSRF_TTL_MS } from './csrf.js';
import { describeDevice } from './device.js';
import { crossOrigin, json, KitError, readForm, readJsonObject } from './http.js';
import { randomToken } from './keys.js';
import { page } from './pages.js';
import type { FoundSignIn, SignInRecord } from './sign-ins.js';

/**
 * How often a waiting status request reads its sign-in's state from the store, in ms: what tells it that
 * the confirm page was answered on another instance (a wrong number ends the wait with 410; a right one
 * makes it poll Descope at once instead of after the poll interval, 2.5 s). A person who typed the number
 * on their phone then turns to the screen where they started: half a second is less than that takes. Each
 * look is two small reads (state and turn); at 2 reads per 500 ms a waiting sign-in costs the store 4 reads
 * a second, which Redis serves by the ten thousand, and Descope nothing.
 */
export const WATCH_INTERVAL_MS = 500;

/** Whether `typed` is a number at all (what the confirm page's field accepts): only such a value is a guess. */
const isNumber = (typed: string) => /^\d{1,3}$/.test(typed);

/**
 * Whether the typed number (digits, see `isNumber`) is the link's: `7` and `007` are `07` (the person reads a
 * number, not a string of digits). Leading zeros change nothing a guess could use.
 */
const sameNumber = (typed: string, linkId: string) => Number(typed) === Number(linkId);

/** The longest email address `POST /start` takes (RFC 5321's 254 characters for a path). */
const MAX_EMAIL_LENGTH = 254;

/** The events' name for a sign-in: a prefix of its store id (itself an HMAC of the handle). */
const tag = (id: string) => id.slice(0, 12);

const wrongNumber = () =>
  new KitError(410, 'wrong_number', 'Someone opened your sign-in link without knowing the number shown here, so this sign-in was stopped. If it was you, send a new link.');

/** Why a waiting status request stopped waiting before Descope answered. */
const WOKEN = Symbol('confirmed: poll again now');
const SUPERSEDED = Symbol('a newer status request took over');
const WRONG_NUMBER = Symbol('a wrong number was typed');
const CLIENT_GONE = Symbol('the request was aborted');
type WakeReason = typeof WOKEN | typeof SUPERSEDED | typeof WRONG_NUMBER | typeof CLIENT_GONE;

export function signInRoutes(kit: KitContext) {
  const { settings, client, signIns, limiter, csrf, report } = kit;
  const confirmPath = `${settings.basePath}/confirm`;
  /** The status requests waiting on this instance, by sign-in id: a confirm here wakes them at once. */
  const waiting = new Map<string, (reason: WakeReason) => void>();

  /** `POST /start` `{ email }`: counts the send against the limits, sends the link, keeps the sign-in. */
  async function start(request: Request, clientIp: string | undefined): Promise<Response> {
    const { email } = await readJsonObject(request);
    const invalid = () => new KitError(400, 'invalid_email', 'Send { "email": "you@example.com" }');
    // 254 characters: the longest address a mail server accepts (RFC 5321); a longer one is nobody's.
    if (typeof email !== 'string' || email.trim().length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      report({ step: 'start', outcome: 'invalid', status: 400 });
      throw invalid();
    }
    // Counted before Descope is called: each send emails three live links to someone.
    const counted = await limiter.count(clientIp, email);
    if (counted.retryAfter) {
      report({ step: 'start', outcome: 'limited', status: 429 });
      throw new KitError(429, 'rate_limited', 'Too many sign-in emails: wait, then try again', { 'retry-after': String(counted.retryAfter) });
    }
    let sent;
    try {
      // A client that goes away while the send waits for its turn in the request budget sends nothing
      // (and a server shutting down is not held by queued sends).
      sent = await client.signInOrUp(email.trim(), { signal: request.signal });
    } catch (error) {
      if (request.signal.aborted) {
        // Not refunded: the send may have reached Descope before the abort, and a refund would let a
        // client that aborts every request escape the limits.
        report({ step: 'start', outcome: 'client-gone', status: 499 });
        return json(499, { error: 'client_gone', message: 'The request was aborted' });
      }
      // A 429 (Descope's, or the request budget's refusal to wait) sent no email: the retry it asks for
      // must not count against the person's limits.
      if (error instanceof RateLimitError) await counted.refund();
      const failure = error instanceof InvalidArgumentError ? invalid() : upstreamFailure(error);
      report({ step: 'start', outcome: failure.code === 'invalid_email' ? 'invalid' : 'failed', status: failure.status, ...errorFacts(error) });
      throw failure;
    }
    const { linkId, pendingRef, maskedEmail, binding } = sent;
    // The kit's client always has a redirect URL, so every send adds a binding.
    if (!binding) throw new Error('The send added no binding to the links');
    const { handle, id } = await signIns.add({ pendingRef, binding, linkId, maskedEmail, device: describeDevice(request.headers.get('user-agent')), startedAt: Date.now() });
    report({ step: 'start', outcome: 'sent', status: 200, signInId: tag(id) });
    return json(200, { handle, linkId, maskedEmail: maskedEmail ?? null });
  }

  /**
   * `POST /status` `{ handle }`: waits up to `waitMs` for the sign-in, polling Descope (paced by the request
   * budget) while it watches the store for the confirm page's decision, which any instance may have taken.
   */
  async function status(request: Request): Promise<Response> {
    // In the body, not the query: proxies and access logs record URLs.
    const { handle } = await readJsonObject(request);
    if (handle !== undefined && typeof handle !== 'string') throw new KitError(400, 'invalid_handle', 'Send { "handle": "…" }');
    const found = handle ? await signIns.byHandle(handle) : undefined;
    if (!found) {
      report({ step: 'status', outcome: 'unknown', status: 404 });
      throw new KitError(404, 'unknown_login', 'No pending sign-in has this handle: unknown, expired or finished');
    }
    const signInId = tag(found.id);
    const state = await signIns.state(found.id);
    if (state === 'refused') {
      await signIns.finish(found);
      report({ step: 'status', outcome: 'wrong-number', status: 410, signInId });
      throw wrongNumber();
    }
    return wait(request, found, state === 'confirmed');
  }

  async function wait(request: Request, found: FoundSignIn, confirmed: boolean): Promise<Response> {
    const { id, record } = found;
    const signInId = tag(id);
    // One poll loop per sign-in, fleet-wide: this request's turn; a later turn anywhere supersedes it.
    const turn = await signIns.takeTurn(found);
    waiting.get(id)?.(SUPERSEDED);
    let poll = new AbortController();
    const wake = (reason: WakeReason) => {
      // A confirm wakes the poll once (seen here first, or by the store); the other reasons end the wait.
      if (reason === WOKEN) {
        if (confirmed) return;
        confirmed = true;
      }
      poll.abort(reason);
    };
    waiting.set(id, wake);
    // The poll lives as long as the HTTP request: a client that goes away stops the upstream polling.
    const gone = () => wake(CLIENT_GONE);
    request.signal.addEventListener('abort', gone);
    if (request.signal.aborted) gone();

    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      try {
        const [state, latest] = await Promise.all([signIns.state(id), signIns.latestTurn(id)]);
        if (latest > turn) wake(SUPERSEDED);
        else if (state === 'refused') wake(WRONG_NUMBER);
        else if (state === 'confirmed') wake(WOKEN);
      } catch {
        // The store failed this once: the poll goes on, and the next look may succeed.
      }
      if (!done) timer = setTimeout(look, WATCH_INTERVAL_MS);
    };
    timer = setTimeout(look, WATCH_INTERVAL_MS);

    try {
      const deadline = Math.min(Date.now() + settings.waitMs, record.expiresAt);
      for (;;) {
        try {
          const session = await client.pollSession(record.pendingRef, { timeoutMs: Math.max(1, deadline - Date.now()), signal: poll.signal });
          // Atomic across instances: only one status request hands out the session.
          if (!(await signIns.finish(found))) throw new KitError(404, 'unknown_login', 'This sign-in was finished by another request');
          report({ step: 'status', outcome: 'signed-in', status: 200, signInId });
          const { user, sessionExpiration, firstSeen } = session;
          return json(200, { status: 'signed_in', user, sessionExpiration, firstSeen }, {}, sessionCookies(session, Date.now()));
        } catch (error) {
          // Confirmed (here or on another instance): poll again now; a new poll's first check is immediate.
          if (!poll.signal.aborted || poll.signal.reason !== WOKEN) throw error;
          poll = new AbortController();
        }
      }
    } catch (error) {
      return await waitEnded(error, found, poll.signal);
    } finally {
      done = true;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', gone);
      if (waiting.get(id) === wake) waiting.delete(id);
    }
  }

  /** The answer for a wait that ended without a session. */
  async function waitEnded(error: unknown, found: FoundSignIn, signal: AbortSignal): Promise<Response> {
    const signInId = tag(found.id);
    const reason: unknown = signal.aborted ? signal.reason : undefined;
    if (reason === WRONG_NUMBER) {
      await signIns.finish(found);
      report({ step: 'status', outcome: 'wrong-number', status: 410, signInId });
      throw wrongNumber();
    }
    if (reason === SUPERSEDED) {
      report({ step: 'status', outcome: 'superseded', status: 409, signInId });
      throw new KitError(409, 'superseded', 'A newer status request took over');
    }
    if (reason === CLIENT_GONE) {
      report({ step: 'status', outcome: 'client-gone', status: 499, signInId });
      // Nobody reads it: the client is gone.
      return json(499, { error: 'client_gone', message: 'The request was aborted' });
    }
    if (error instanceof KitError) throw error;
    if (error instanceof PollTimeoutError) {
      report({ step: 'status', outcome: 'pending', status: 200, signInId });
      return json(200, { status: 'pending' });
    }
    if (refusedByDescope(error)) {
      // Descope no longer knows this pendingRef (expired or redeemed): this sign-in is over.
      await signIns.finish(found);
      report({ step: 'status', outcome: 'expired', status: 410, signInId, ...errorFacts(error) });
      throw new KitError(410, 'login_expired', 'This sign-in expired: send a new link');
    }
    const failure = upstreamFailure(error);
    report({ step: 'status', outcome: 'failed', status: failure.status, signInId, ...errorFacts(error) });
    throw failure;
  }

  const gonePage = () => page(410, 'This link can no longer be used', 'It expired, was used, or its sign-in was stopped. Send a new link from the sign-in page.');

  /**
   * `GET /confirm?el_binding=…&t=…`, what the emailed link opens: a confirm page, and nothing else (Descope
   * is not called). It shows what the kit knows and a scanner cannot forge (the masked address, the device
   * that asked, when) and asks for the number shown where the sign-in started. Mail scanners open every
   * link, and some render the page and click its buttons: only the person who saw the waiting screen knows
   * the number.
   */
  async function confirmPage(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const token = url.searchParams.get('t');
    if (!token) {
      report({ step: 'confirm-page', outcome: 'incomplete', status: 400 });
      return page(400, 'This link is incomplete', 'Open the link from the email again.');
    }
    const binding = readBindingFromUrl(url) ?? '';
    const found = binding ? await signIns.byBinding(binding) : undefined;
    if (!found) {
      report({ step: 'confirm-page', outcome: 'unknown-link', status: 410 });
      return gonePage();
    }
    // The browser this page is shown in; the CSRF token is good for this browser and this sign-in only.
    const browserId = readCookie(request.headers, BROWSER_COOKIE) ?? randomToken(18);
    report({ step: 'confirm-page', outcome: 'shown', status: 200, signInId: tag(found.id) });
    return page(200, 'Finish signing in', 'Type the number shown on the screen where you asked to sign in. If you did not ask, close this page.', {
      ...confirmForm(found.record, { t: token, binding, csrf: await csrf.issue(binding, browserId) }),
      setCookie: [setCookie(BROWSER_COOKIE, browserId, CSRF_TTL_MS / 1000)],
    });
  }

  /** What the confirm page shows of sign-in `record`, and its form with `fields` (the link's token, binding and CSRF token). */
  function confirmForm(record: SignInRecord, fields: Record<string, string>) {
    const minutesAgo = Math.max(0, Math.round((Date.now() - record.startedAt) / 60_000));
    return {
      details: [
        `Account: ${record.maskedEmail ?? 'your email address'}`,
        `Asked from: ${record.device}`,
        `Asked at: ${new Date(record.startedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC (${minutesAgo === 0 ? 'just now' : `${minutesAgo} min ago`})`,
      ],
      form: {
        action: confirmPath,
        fields,
        input: { name: 'number', label: 'Number shown where you started', pattern: '[0-9]{1,3}' },
        button: 'Sign in',
      },
    };
  }

  /**
   * `POST /confirm` from the confirm page's form: same origin and that page's CSRF token (this sign-in, this
   * browser, not expired), or 403 calling nothing. Then the number: the right one verifies, a wrong one
   * ends the sign-in without calling Descope.
   */
  async function confirm(request: Request): Promise<Response> {
    const refusedPage = (reason: string) => {
      report({ step: 'confirm', outcome: 'refused', status: 403, reason });
      return page(403, 'This request was refused', 'Open the link from the email again, and confirm on that page.');
    };
    const foreign = crossOrigin(request.headers, settings.origin);
    if (foreign) return refusedPage(foreign);
    const form = await readForm(request);
    const token = form.get('t') ?? '';
    const binding = form.get('binding') ?? '';
    const browserId = readCookie(request.headers, BROWSER_COOKIE) ?? '';
    if (!token || !(await csrf.accepts(form.get('csrf') ?? '', binding, browserId))) return refusedPage('csrf');
    const found = await signIns.byBinding(binding);
    if (!found) {
      report({ step: 'confirm', outcome: 'unknown-link', status: 410 });
      return gonePage();
    }
    const signInId = tag(found.id);
    const typed = (form.get('number') ?? '').trim();
    if (!isNumber(typed)) {
      // No number at all: a form submitted without typing (a scanner that submits forms, a field left empty)
      // guesses nothing, so the sign-in goes on and the page asks again, with the same form.
      report({ step: 'confirm', outcome: 'no-number', status: 400, signInId });
      return page(400, 'Type the number first', 'Type the number shown on the screen where you asked to sign in, then press Sign in. If you did not ask, close this page.', confirmForm(found.record, { t: token, binding, csrf: form.get('csrf') ?? '' }));
    }
    if (!sameNumber(typed, found.record.linkId)) {
      // Whoever typed this did not see the waiting screen: end the sign-in, never let them try again. The
      // waiting screen is told now (here, or by the store on another instance), or by its next status request.
      await signIns.decide(found, 'refused');
      waiting.get(found.id)?.(WRONG_NUMBER);
      report({ step: 'confirm', outcome: 'wrong-number', status: 400, signInId });
      return page(400, 'Wrong number: this sign-in was stopped', 'That is not the number shown where the sign-in started. Nobody was signed in; start again from the sign-in page if it was you.');
    }
    try {
      await client.verifyToken(token);
    } catch (error) {
      if (!isEnchantedLinkError(error)) throw error;
      if (error instanceof RateLimitError) {
        // Busy, not invalid: nothing was verified and the link still works. Say when to come back.
        const retryAfter = String(Math.max(1, Math.ceil(error.retryAfter)));
        report({ step: 'confirm', outcome: 'rate-limited', status: 429, signInId, ...errorFacts(error) });
        return page(429, 'Too many sign-ins right now', `Nothing was confirmed and your link still works: open it again in ${retryAfter} s.`, { headers: { 'retry-after': retryAfter } });
      }
      const invalid = error instanceof DescopeError && error.status < 500;
      report({ step: 'confirm', outcome: 'failed', status: invalid ? 400 : 502, signInId, ...errorFacts(error) });
      return invalid
        ? page(400, 'This link is invalid or expired', 'Send a new link from the sign-in page.')
        : page(502, 'Could not reach the sign-in service', 'Open the link from the email again to retry.');
    }
    await signIns.decide(found, 'confirmed');
    waiting.get(found.id)?.(WOKEN);
    report({ step: 'confirm', outcome: 'verified', status: 200, signInId });
    return page(200, 'You are signed in', 'Return to the tab or device where you started: it continues by itself.');
  }

  return { start, status, confirmPage, confirm };
}

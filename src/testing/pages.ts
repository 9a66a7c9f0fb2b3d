// The two HTML pages of the emulator: what a link opens, and the outbox for humans.
// Self-contained (inline style and script, no imports) so they work from the HTTP server as is.
import { BINDING_PARAM, PATHS } from '../protocol/paths.js';
import type { EmulatorEmail } from './types.js';

/** What a page is rendered from. */
export interface PageContext {
  readonly projectId: string;
  readonly outbox: readonly EmulatorEmail[];
}

/** Path of the page the links open; the default redirect URL is `${origin}${VERIFY_PAGE_PATH}`. */
export const VERIFY_PAGE_PATH = '/verify';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

// JSON inside <script> must not be able to close the element: escaping every "<" prevents "</script>".
const scriptLiteral = (value: string): string => JSON.stringify(value).replaceAll('<', '\\u003c');

function html(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Reads `t`, drops it from the address bar, and calls verify on the person's click on "Sign me in" (never
 * on load, a script's click or in a hidden page: mail scanners open links and run scripts, see the
 * Security guide); says how it went.
 */
function verifyPage({ projectId }: PageContext): string {
  return html(
    'Enchanted link',
    `<main><h1 id="status">Finish signing in</h1><p id="detail"></p><button id="confirm" type="button">Sign me in</button></main>
<script>
(() => {
  const button = document.getElementById('confirm');
  const show = (title, detail) => {
    document.getElementById('status').textContent = title;
    document.getElementById('detail').textContent = detail || '';
    button.hidden = true;
  };
  const url = new URL(location.href);
  const token = url.searchParams.get('t');
  // The token is a credential: keep it out of the history, bookmarks and screenshots.
  url.searchParams.delete('t');
  url.searchParams.delete(${scriptLiteral(BINDING_PARAM)}); // the sign-in's binding, added by the SDK's send
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  if (!token) return show('This link has no token', 'Open the link from the email again.');
  button.addEventListener('click', async (event) => {
    if (!event.isTrusted || document.visibilityState !== 'visible') return;
    button.disabled = true;
    try {
      const response = await fetch(${scriptLiteral(PATHS.verify)}, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + ${scriptLiteral(projectId)}, 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      if (response.ok) return show('Signed in — you can return to the app');
      const error = await response.json().catch(() => ({}));
      const code = error.errorCode ? ' (' + error.errorCode + ')' : '';
      show('Could not sign in', (error.errorDescription || 'HTTP ' + response.status) + code);
    } catch (error) {
      show('Could not reach the emulator', String(error));
    }
  });
})();
</script>`,
  );
}

/** How often the outbox page reloads itself, in seconds. */
const OUTBOX_REFRESH_SECONDS = 3;

/**
 * Every email, oldest first (as a mail client's thread), with when it was sent and its three links. It
 * does not say which link is right: that is the number the app shows, the check the flow relies on.
 * It reloads itself so a new email appears without a click.
 */
export function outboxPage({ outbox }: PageContext): string {
  // Only http(s) links become anchors: a redirect URL comes from the request and could be `javascript:`.
  const link = ({ url, number }: EmulatorEmail['links'][number]): string =>
    /^https?:/i.test(url) ? `<a href="${escapeHtml(url)}">${number}</a>` : `${number} <code>${escapeHtml(url)}</code>`;
  const emails = outbox.map((email) => {
    const sent = new Date(email.sentAtMs).toISOString();
    return `<section>
<h2>${escapeHtml(email.kind)} → ${escapeHtml(email.to)}</h2>
<p><time datetime="${sent}">${sent.replace('T', ' ').slice(0, 19)} UTC</time> · open the link with the number the app shows</p>
<ul>${email.links.map((each) => `<li>${link(each)}</li>`).join('')}</ul>
</section>`;
  });
  const body = `<h1>Outbox</h1>
<p>Oldest first; this page refreshes every ${OUTBOX_REFRESH_SECONDS} s.</p>
${emails.join('\n') || '<p>No email sent yet.</p>'}`;
  return html('Emulator outbox', body).replace('<head>\n', `<head>\n<meta http-equiv="refresh" content="${OUTBOX_REFRESH_SECONDS}">\n`);
}

/** The pages (GET), by path. */
export const PAGES: ReadonlyMap<string, (context: PageContext) => string> = new Map([
  [VERIFY_PAGE_PATH, verifyPage],
  ['/', outboxPage],
]);

// `GET /`, the sign-in page: send the link, show its number (the one the confirm page asks for), long-poll
// the kit's status route, and say what became of the sign-in. Plain HTML and browser JavaScript, inlined.
// The session arrives as HttpOnly cookies: this script never sees a JWT.

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The page's script; `basePath` is where the kit is mounted (`/auth`). */
const script = (basePath: string) => `
const form = document.querySelector('form');
const text = document.getElementById('text');
const show = (state, message) => { text.dataset.state = state; text.textContent = message; };
const post = (route, body) => fetch(${JSON.stringify(basePath)} + route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const pause = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  form.hidden = true;
  show('sending', 'Sending…');
  const sent = await post('/start', { email: new FormData(form).get('email') });
  const signIn = await sent.json();
  if (!sent.ok) return show('error', signIn.message);
  show('waiting', 'We emailed ' + (signIn.maskedEmail || 'you') + '. Open the link, and type this number there: ' + signIn.linkId);
  const number = document.createElement('p');
  number.id = 'link-id';
  number.textContent = signIn.linkId;
  text.after(number);
  for (;;) {
    const answer = await post('/status', { handle: signIn.handle });
    const body = await answer.json();
    if (answer.ok && body.status === 'pending') continue;
    // Busy (the request budget) or the store unreachable for a moment: ask again when it says.
    if (answer.status === 429 || answer.status === 503) { await pause(Number(answer.headers.get('retry-after')) || 1); continue; }
    number.remove();
    if (answer.ok) return show('signed-in', 'Signed in as ' + (body.user && body.user.email) + '.');
    return show(body.error === 'wrong_number' ? 'wrong-number' : 'error', body.message);
  }
});
`;

/** The sign-in page, with its waiting screen. No other site may frame it; nothing on it may be cached. */
export function signInPage(basePath: string): Response {
  const html = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Sign in</title>
<h1 id="title">Sign in</h1><p id="text">We email you three numbered links: open the one with the number shown here.</p>
<form method="post" action="${escapeHtml(basePath)}/start"><label for="email">Email</label> <input id="email" name="email" type="email" required autocomplete="email"> <button type="submit">Email me a link</button></form>
<script>${script(basePath)}</script>
`;
  return new Response(html, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    },
  });
}

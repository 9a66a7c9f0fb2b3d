// `GET /`: a form for the email address, then the waiting screen: POST /auth/start sends the link and
// answers the number the confirm page will ask for; POST /auth/status long-polls until the sign-in ends.
// The handle in between is not a credential (the kit keeps the pendingRef and the JWTs; the session
// arrives as HttpOnly cookies), so plain page script is fine here.
const SCRIPT = `
const form = document.querySelector('form');
const text = document.getElementById('text');
const show = (state, message) => { text.dataset.state = state; text.textContent = message; };
const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const pause = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const startSignIn = async () => {
  show('sending', 'Sending…');
  const started = await post('/auth/start', { email: new FormData(form).get('email') });
  const signIn = await started.json();
  if (!started.ok) { form.hidden = false; return show('error', signIn.message); }
  show('waiting', 'We emailed ' + signIn.maskedEmail + '. Open the link, and type this number there:');
  const number = document.createElement('p');
  number.id = 'link-id';
  number.textContent = signIn.linkId;
  text.after(number);
  for (;;) {
    const answer = await post('/auth/status', { handle: signIn.handle });
    const body = await answer.json();
    if (answer.ok && body.status === 'pending') continue;
    // Busy (the request budget) or the store unreachable for a moment: ask again when it says.
    if (answer.status === 429 || answer.status === 503) { await pause(Number(answer.headers.get('retry-after')) || 1); continue; }
    number.remove();
    if (answer.ok) return show('signed-in', 'Signed in as ' + ((body.user && body.user.email) || 'you') + '. Your session: /me');
    return show(body.error === 'wrong_number' ? 'wrong-number' : 'error', body.message);
  }
};
form.addEventListener('submit', (event) => {
  event.preventDefault();
  form.hidden = true;
  // A network failure or an answer that is not JSON (a proxy's error page) ends it with a message too.
  startSignIn().catch(() => show('error', 'Could not reach the server. Reload the page to try again.'));
});
`;

export const SIGN_IN_PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title>
<h1>Sign in</h1>
<p id="text">We email you three numbered links: open the one with the number shown here.</p>
<form>
  <label>Email <input name="email" type="email" autocomplete="email" required></label>
  <button>Email me a link</button>
</form>
<script type="module">${SCRIPT}</script>
</html>`;

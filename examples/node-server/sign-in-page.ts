// The script of `GET /`, the sign-in page: send the link, show its number (the one the confirm page asks
// for), long-poll `POST /login/status`, and say what became of the sign-in. Plain browser JavaScript, inlined.
export const SIGN_IN_PAGE_SCRIPT = `
const form = document.querySelector('form');
const text = document.getElementById('text');
const show = (state, message) => { text.dataset.state = state; text.textContent = message; };
const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  form.hidden = true;
  show('sending', 'Sending…');
  const sent = await post('/login', { email: new FormData(form).get('email') });
  const login = await sent.json();
  if (!sent.ok) return show('error', login.message);
  show('waiting', 'We emailed ' + (login.maskedEmail || 'you') + '. Open the link, and type this number there: ' + login.linkId);
  const number = document.createElement('p');
  number.id = 'link-id';
  number.textContent = login.linkId;
  text.after(number);
  for (;;) {
    const answer = await post('/login/status', { handle: login.handle });
    const body = await answer.json();
    if (answer.ok && body.status === 'pending') continue;
    number.remove();
    if (answer.ok) return show('signed-in', 'Signed in as ' + (body.user && body.user.email) + '.');
    return show(body.error === 'wrong_number' ? 'wrong-number' : 'error', body.message);
  }
});
`;

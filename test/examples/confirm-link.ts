// What a person does on the server kit's confirm page (the Node example serves it at /auth/confirm): open
// the emailed link (GET: a confirm page that sets this browser's `__Host-` cookie), type the number shown
// where they started, and press "Sign in" (a same-origin form POST to the form's action, carrying the
// page's hidden fields and that cookie).

/** The hidden fields of the confirm page's form. */
export function formFields(html: string): Record<string, string> {
  const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [unescape(name!), unescape(value!)]));
}

/** Opens a confirm page: its status, headers, HTML, form fields and action, and the cookie it set (`name=value`). */
export async function openConfirmPage(url: string, headers: Record<string, string> = {}) {
  const page = await fetch(url, { headers });
  const html = await page.text();
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1] ?? '/auth/confirm';
  return { status: page.status, headers: page.headers, html, fields: formFields(html), action, cookie };
}

/** POSTs `fields` to `${origin}${action}` as the confirm page's form would, with `headers` on top. */
export function postConfirm(origin: string, fields: Record<string, string>, headers: Record<string, string> = {}, action = '/auth/confirm'): Promise<Response> {
  return fetch(`${origin}${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams(fields),
  });
}

/** Opens `linkUrl`, types `number` and presses the button: the answer to the POST. */
export async function confirmLink(linkUrl: string, number: string): Promise<Response> {
  const page = await openConfirmPage(linkUrl);
  return postConfirm(new URL(linkUrl).origin, { ...page.fields, number }, { cookie: page.cookie }, page.action);
}

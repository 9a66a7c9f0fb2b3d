// What a person does on the Node example's verify page: open the emailed link (GET: a confirm page), then
// press "Sign me in" (a same-origin form POST carrying the page's hidden fields).

/** The hidden fields of the confirm page's form. */
export function formFields(html: string): Record<string, string> {
  const unescape = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [unescape(name!), unescape(value!)]));
}

/** POSTs `fields` to `${origin}/verify` as the confirm page's form would, with `headers` on top. */
export function postVerify(origin: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams(fields),
  });
}

/** Opens `linkUrl` and presses the button: the answer to the POST. */
export async function confirmLink(linkUrl: string): Promise<Response> {
  const page = await fetch(linkUrl);
  return postVerify(new URL(linkUrl).origin, formFields(await page.text()));
}

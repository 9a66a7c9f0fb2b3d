// The kit's HTML pages (the confirm page and what it answers): small, no script of ours besides dropping
// the link's token from the address bar, and every value escaped.

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** What a page may hold besides its title and text. */
export interface PageParts {
  /** Lines of facts, shown as a list (the confirm page: which account, which device, when). */
  details?: string[];
  /** A POST form with hidden fields, an optional text input, and one submit button. */
  form?: {
    action: string;
    fields: Record<string, string>;
    input?: { name: string; label: string; pattern: string };
    button: string;
  };
  /** Extra headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** `Set-Cookie` values. */
  setCookie?: string[];
}

/**
 * An HTML page that keeps its URL (which may hold the link token) out of `Referer` and caches, and that no
 * other site may frame (a framed "Sign in" button could be clickjacked).
 */
export function page(status: number, title: string, text: string, { details, form, headers = {}, setCookie = [] }: PageParts = {}): Response {
  const answer = new Headers({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    ...headers,
  });
  for (const cookie of setCookie) answer.append('set-cookie', cookie);
  const list = details?.length ? `<ul id="details">${details.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>` : '';
  const fields = Object.entries(form?.fields ?? {})
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  // `required` and `pattern`: a browser does not submit the form until a number is typed, so a scanner's
  // click on the button sends nothing at all.
  const input = form?.input
    ? `<label for="${escapeHtml(form.input.name)}">${escapeHtml(form.input.label)}</label> <input id="${escapeHtml(form.input.name)}" name="${escapeHtml(form.input.name)}" required pattern="${escapeHtml(form.input.pattern)}" inputmode="numeric" autocomplete="off"> `
    : '';
  const formHtml = form ? `<form method="post" action="${escapeHtml(form.action)}">${fields}${input}<button type="submit">${escapeHtml(form.button)}</button></form>` : '';
  // Drops ?t= from the address bar and history too; no redirect needed for that.
  const html = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<script>history.replaceState(null, '', location.pathname)</script>
<h1 id="title">${escapeHtml(title)}</h1><p id="text">${escapeHtml(text)}</p>${list}${formHtml}
`;
  return new Response(html, { status, headers: answer });
}

// Runs before every page request (Next.js 16 calls middleware "proxy"; this file was middleware.ts before).
// It checks the session cookie and, when the session has expired but the refresh cookie is still good,
// refreshes it: the browser gets the new cookies, and the page being rendered sees the new session.
import { NextResponse, type NextRequest } from 'next/server';
import { getKit } from './lib/kit';

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { setCookie } = await getKit().authenticate(request);
  if (setCookie.length === 0) return NextResponse.next();
  // The server components read the cookies of *this* request: give them the ones the browser will have.
  // `authenticate` returns only the Set-Cookie lines, hence the small parse below.
  for (const cookie of setCookie) {
    const { name, value, removed } = parseSetCookie(cookie);
    if (removed) request.cookies.delete(name);
    else request.cookies.set(name, value);
  }
  const response = NextResponse.next({ request: { headers: request.headers } });
  for (const cookie of setCookie) response.headers.append('set-cookie', cookie);
  return response;
}

/** Name and value of a `Set-Cookie` line the kit wrote, and whether it deletes the cookie (`Max-Age=0`). */
function parseSetCookie(line: string): { name: string; value: string; removed: boolean } {
  const [pair = '', ...attributes] = line.split(';');
  const equals = pair.indexOf('=');
  return {
    name: pair.slice(0, equals).trim(),
    value: pair.slice(equals + 1).trim(),
    removed: attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute)),
  };
}

export const config = {
  // Pages only: not the kit's own routes (they read the cookies themselves) nor Next's static files.
  matcher: ['/((?!auth/|_next/static|_next/image|favicon.ico).*)'],
};

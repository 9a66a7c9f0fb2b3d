// Runs before every page request (Next.js 16 calls middleware "proxy"; this file was middleware.ts before).
// It checks the session cookie and, when the session has expired but the refresh cookie is still good,
// refreshes it: the browser gets the new cookies, and the page being rendered sees the new session.
import { NextResponse, type NextRequest } from 'next/server';
import { getKit } from './lib/kit';

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { setCookie, cookieHeader } = await getKit().authenticate(request);
  if (setCookie.length === 0) return NextResponse.next();
  // The server components read the cookies of *this* request: give them the ones the browser will have.
  const headers = new Headers(request.headers);
  headers.set('cookie', cookieHeader);
  const response = NextResponse.next({ request: { headers } });
  for (const cookie of setCookie) response.headers.append('set-cookie', cookie);
  return response;
}

export const config = {
  // Pages only: not the kit's own routes (they read the cookies themselves) nor Next's static files.
  matcher: ['/((?!auth/|_next/static|_next/image|favicon.ico).*)'],
};

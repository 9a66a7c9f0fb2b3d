// Every route of the sign-in flow, under /auth: POST /auth/start, POST /auth/status (long-poll),
// GET and POST /auth/confirm (the page the emailed link opens), POST /auth/refresh, POST /auth/sign-out
// and GET /auth/session. The kit routes by path and method and answers 404/405 itself.
import { getKit } from '../../../lib/kit';

// Never cached or prerendered: every answer depends on the request.
export const dynamic = 'force-dynamic';

// Wrapped, not `export const GET = kit.handle`: Next passes a second argument of its own ({ params }), which
// `handle` would read as its context.
export function GET(request: Request): Promise<Response> {
  return getKit().handle(request);
}

export function POST(request: Request): Promise<Response> {
  return getKit().handle(request);
}

// The one flow every runtime runs against the emulator server, on the package as npm ships it. It takes
// the library as an argument, so each runtime's entry file (ESM import, CJS require, a worker bundle) loads
// it its own way; it uses nothing but `fetch` and the library, so it runs unchanged in Node, Bun, Deno and
// workerd. Type-checked here; the test transpiles it to plain JavaScript for the consumers.
import type * as Library from 'enchanted-link';
import type * as Server from 'enchanted-link/server';

/** Where the emulator server is, and the address to sign in (unique per runtime: signUp must find it new). */
export interface SmokeConfig {
  baseUrl: string;
  projectId: string;
  email: string;
}

/** What a runtime reports; the test compares it with what it expects. */
export interface SmokeResult {
  linkId: string;
  maskedEmail: string | undefined;
  user: string | undefined;
  sessionJwtParts: number;
  existingUser: { name: string; errorCode: unknown; isDescopeError: boolean; isEnchantedLinkError: boolean };
  badInput: { name: string; argument: unknown; isInvalidArgumentError: boolean };
  /** After sign-in: the validator's verdicts and the session calls (enchanted-link/server + the client). */
  afterSignIn: {
    validUserIsSessionUser: boolean;
    tampered: { name: string; reason: unknown; isSessionError: boolean };
    refreshedIsValid: boolean;
    meIsSessionUser: boolean;
    refreshAfterSignOut: { name: string; status: unknown };
  };
  /** The server kit (enchanted-link/server's createServerKit) driven with plain Requests: Web Crypto, no Node built-in. */
  kit: {
    started: boolean;
    confirmPage: number;
    confirmed: number;
    status: unknown;
    cookies: string[];
    sessionIsUser: boolean;
  };
}

/** The right link of the newest email to `email`, read from the emulator's outbox page over HTTP. */
async function rightLink(baseUrl: string, email: string, linkId: string): Promise<string> {
  const page = await (await fetch(`${baseUrl}/`)).text();
  const section = page.split('<section>').find((each) => each.includes(` ${email}</h2>`));
  const href = section && new RegExp(`<a href="([^"]+)">${linkId}</a>`).exec(section)?.[1];
  if (!href) throw new Error(`no link numbered ${linkId} for ${email} in the emulator's outbox`);
  return href;
}

/**
 * A sign-in through the server kit, as a browser and a framework drive it: start, the confirm page (its
 * form fields and browser cookie), the number typed, and the long-poll answering with the session cookies,
 * which `getSession` then reads. Everything the kit does runs on the runtime's Web Crypto and `fetch`.
 */
async function kitFlow(server: typeof Server, { baseUrl, projectId, email }: SmokeConfig): Promise<SmokeResult['kit']> {
  const origin = 'https://app.example.com';
  const kit = server.createServerKit({ projectId, baseUrl, secret: 'runtime-smoke-secret-0123456789abcdef', publicUrl: origin });
  const post = (path: string, body: string, type: string, headers: Record<string, string> = {}) =>
    kit.handle(new Request(`${origin}${path}`, { method: 'POST', headers: { 'content-type': type, 'sec-fetch-site': 'same-origin', ...headers }, body }));
  const kitEmail = `kit-${email}`;
  const started = (await (await post('/auth/start', JSON.stringify({ email: kitEmail }), 'application/json')).json()) as { handle: string; linkId: string };
  const waiting = post('/auth/status', JSON.stringify({ handle: started.handle }), 'application/json');
  const link = (await rightLink(baseUrl, kitEmail, started.linkId)).replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  const page = await kit.handle(new Request(link));
  const html = await page.text();
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [name!, value!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))]));
  const browser = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const confirmed = await post('/auth/confirm', new URLSearchParams({ ...fields, number: started.linkId }).toString(), 'application/x-www-form-urlencoded', { cookie: browser });
  const answer = await waiting;
  const body = (await answer.json()) as { status?: unknown; user?: { userId?: string } };
  const cookies = answer.headers.getSetCookie();
  const claims = await kit.getSession(new Headers({ cookie: cookies.map((cookie) => cookie.split(';')[0]).join('; ') }));
  return {
    started: typeof started.handle === 'string',
    confirmPage: page.status,
    confirmed: confirmed.status,
    status: body.status,
    cookies: cookies.map((cookie) => cookie.split('=')[0]!),
    sessionIsUser: claims !== undefined && claims.userId === body.user?.userId,
  };
}

/** Send, verify the right link, poll to a session, then two failures: an existing user and bad input. */
export async function smoke(lib: typeof Library, server: typeof Server, { baseUrl, projectId, email }: SmokeConfig): Promise<SmokeResult> {
  const client = new lib.EnchantedLinkClient({ projectId, baseUrl, timeoutMs: 5_000 });
  const { linkId, pendingRef, maskedEmail } = await client.signInOrUp(email);
  const token = lib.readTokenFromUrl(await rightLink(baseUrl, email, linkId));
  if (!token) throw new Error('the link has no token');
  await client.verifyToken(token);
  const session = await client.pollSession(pendingRef, { intervalMs: 20, timeoutMs: 10_000 });
  const existing: unknown = await client.signUp(email).then(() => new Error('signUp of an existing user resolved'), (error: unknown) => error);
  const invalid: unknown = await client.signInOrUp('').then(() => new Error('signInOrUp("") resolved'), (error: unknown) => error);

  const sessions = new server.SessionValidator({ projectId, baseUrl });
  const claims = await sessions.validateSession(session.sessionJwt);
  const [header, payload, signature] = session.sessionJwt.split('.');
  const tampered: unknown = await sessions.validateSession(`${header}.${payload}x.${signature}`).then(
    () => new Error('a tampered JWT passed'),
    (error: unknown) => error,
  );
  const refreshJwt = session.refreshJwt ?? '';
  const refreshed = await client.refreshSession(refreshJwt);
  const refreshedClaims = await sessions.validateSession(refreshed.sessionJwt);
  const me = await client.me(refreshJwt);
  await client.signOut(refreshJwt);
  const afterSignOut: unknown = await client.refreshSession(refreshJwt).then(() => new Error('refresh after sign-out resolved'), (error: unknown) => error);
  const kit = await kitFlow(server, { baseUrl, projectId, email });
  return {
    linkId,
    maskedEmail,
    user: session.user?.email,
    sessionJwtParts: session.sessionJwt.split('.').length,
    existingUser: {
      name: (existing as Error).name,
      errorCode: (existing as { errorCode?: unknown }).errorCode,
      isDescopeError: existing instanceof lib.DescopeError,
      isEnchantedLinkError: lib.isEnchantedLinkError(existing),
    },
    badInput: {
      name: (invalid as Error).name,
      argument: (invalid as { argument?: unknown }).argument,
      isInvalidArgumentError: invalid instanceof lib.InvalidArgumentError,
    },
    afterSignIn: {
      validUserIsSessionUser: claims.userId === session.user?.userId,
      tampered: {
        name: (tampered as Error).name,
        reason: (tampered as { reason?: unknown }).reason,
        isSessionError: tampered instanceof server.SessionError,
      },
      refreshedIsValid: refreshedClaims.userId === claims.userId,
      meIsSessionUser: me.userId === claims.userId,
      refreshAfterSignOut: { name: (afterSignOut as Error).name, status: (afterSignOut as { status?: unknown }).status },
    },
    kit,
  };
}

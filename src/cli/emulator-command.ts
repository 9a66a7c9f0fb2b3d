import { createEmulator } from '../testing/emulator.js';
import type { EmulatorEmail } from '../testing/types.js';
import { safe, style } from './format.js';

/** The emulator's settings that matter when developing an app against it (`--project-id`, `--session-ttl`, …). */
export interface DevelopmentOptions {
  projectId?: string;
  /** Where the links point when a send has no redirect URL (the project's setting, in Descope). */
  redirectUrl?: string;
  sessionTtlSeconds?: number;
  linkTtlSeconds?: number;
  rotateRefreshJwt: boolean;
  approvedDomains?: string[];
  /** Login IDs that exist from the start (for `signIn`, which refuses unknown users). */
  users?: string[];
}

/** Options of `enchanted-link emulator`. */
export interface EmulatorCommandOptions extends DevelopmentOptions {
  port: number;
  host: string;
  /** Browser origins allowed by CORS; see EmulatorListenOptions.allowOrigins. */
  allowOrigins: 'loopback' | '*' | string[];
  /** Extra `Host` names accepted (`--allow-host`); see EmulatorListenOptions.allowHosts. */
  allowHosts: string[];
  /** Descope's rate limit, per IP address; off only with --no-rate-limit. */
  rateLimit: boolean;
}

/** Serves the emulator until SIGINT or SIGTERM, printing every email's links as it is sent. */
export async function runEmulator(options: EmulatorCommandOptions): Promise<number> {
  const { port, host, allowOrigins, allowHosts, rateLimit, linkTtlSeconds, users, ...development } = options;
  const out = process.stdout;
  const emulator = createEmulator({
    ...development,
    ...(linkTtlSeconds ? { linkTtlMs: linkTtlSeconds * 1000 } : {}),
    ...(users ? { users: users.map((loginId) => ({ loginId })) } : {}),
    onEmail: (email) => printEmail(email),
    ...(rateLimit ? {} : { rateLimit: false }),
  });
  let server;
  try {
    server = await emulator.listen({ port, host, allowOrigins, allowHosts });
  } catch (error) {
    process.stderr.write(`enchanted-link: cannot listen on ${safe(host)}:${port}: ${safe((error as Error).message)}\n`);
    return 1;
  }
  const redirectUrl = development.redirectUrl ?? `${server.url}/verify`;
  const origins = allowOrigins === '*' ? 'any (--allow-origin *)' : ['loopback (localhost, 127.x, [::1])', ...(allowOrigins === 'loopback' ? [] : allowOrigins)].join(', ');
  const rows = [
    ['project ID', emulator.projectId],
    ['base URL', server.url],
    ['redirect URL', `${redirectUrl}${development.redirectUrl ? '' : "  (the emulator's verify page; yours: --redirect-url)"}`],
    ['outbox', `${server.url}/  (every email's links)`],
    ['sessions', `session JWT lives ${development.sessionTtlSeconds ?? 600} s (--session-ttl), refresh JWT ${development.rotateRefreshJwt ? 'rotated on each refresh' : 'kept on refresh (--rotate-refresh rotates it)'}`],
    ['links', `live ${linkTtlSeconds ?? 300} s (--link-ttl)${development.approvedDomains ? `, only to ${development.approvedDomains.join(', ')}` : ''}`],
    ['users', users ? `${users.join(', ')} exist; others sign up with signInOrUp or signUp` : 'none yet: signInOrUp and signUp create them (--user for signIn)'],
    ['CORS', `pages on ${origins}`],
    ['rate limit', rateLimit ? '100 requests per 60 s per IP, as Descope' : 'off (--no-rate-limit)'],
    ['Host names', `${server.allowedHosts.join(', ')}, *.localhost  (others are refused; add one with --allow-host)`],
  ];
  out.write(`${style.bold('Descope emulator')} listening on ${safe(server.url)}\n`);
  for (const [label, value] of rows) out.write(`  ${label!.padEnd(14)}${safe(value)}\n`);
  if (!isLoopback(host)) {
    // Off loopback, the outbox page (every email's links, live until they expire) is one GET away for
    // anyone who can reach this address: say so where it cannot be missed.
    process.stderr.write(
      `${style.bold('Warning:')} listening on ${safe(host)}, not only on this machine: anyone on your network who can reach ` +
        `port ${new URL(server.url).port} can read the outbox, with live sign-in links, and sign in as anyone it lists. ` +
        'Use it on a network you trust, and stop it when you are done.\n',
    );
  }
  // The settings an app needs, as the environment variables the examples read, in .env syntax.
  const settings = [
    `DESCOPE_PROJECT_ID=${emulator.projectId}`,
    `DESCOPE_BASE_URL=${server.url}`,
    development.redirectUrl ? `DESCOPE_REDIRECT_URL=${development.redirectUrl}` : '# DESCOPE_REDIRECT_URL=<your verify page>  (start with --redirect-url to fill it in)',
  ].map(safe);
  out.write(`\n${style.bold('Your app')}, as environment variables (Node: export them or put them in .env):\n`);
  for (const line of settings) out.write(`  ${line}\n`);
  out.write('Vite (put them in .env.local; only VITE_ names reach the page):\n');
  for (const line of settings) out.write(`  ${line.replace(/^(# )?/, '$1VITE_')}\n`);
  out.write('\nEmails appear below as they are sent. Ctrl-C stops.\n');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  out.write('\nStopped.\n');
  return 0;
}

/** The email's links, as a mail catcher would show them. Everything in it came from a request: made safe. */
function printEmail(email: EmulatorEmail) {
  const time = style.bold(`[${new Date(email.sentAtMs).toISOString()}]`);
  const lines = [
    `\n${time} ${safe(email.kind)} to ${safe(email.to)}: link number ${style.bold(safe(email.linkId))}`,
    ...email.links.map((link) => {
      const number = safe(link.number);
      return `  ${link.correct ? style.bold(number) : number}  ${safe(link.url)}${link.correct ? '  ← right link' : ''}`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Whether `host` is a loopback address or name (what `--host` binds only on this machine). */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

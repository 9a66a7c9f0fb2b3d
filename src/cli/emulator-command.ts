import { createEmulator } from '../testing/emulator.js';
import type { EmulatorEmail } from '../testing/types.js';
import { safe, style } from './format.js';

/** Options of `enchanted-link emulator`. */
export interface EmulatorCommandOptions {
  port: number;
  host: string;
  /** Browser origins allowed by CORS; see EmulatorListenOptions.allowOrigins. */
  allowOrigins: 'loopback' | '*' | string[];
  /** Descope's rate limit, per IP address; off only with --no-rate-limit. */
  rateLimit: boolean;
}

/** Serves the emulator until SIGINT or SIGTERM, printing every email's links as it is sent. */
export async function runEmulator({ port, host, allowOrigins, rateLimit }: EmulatorCommandOptions): Promise<number> {
  const out = process.stdout;
  const emulator = createEmulator({ onEmail: (email) => printEmail(email), ...(rateLimit ? {} : { rateLimit: false }) });
  let server;
  try {
    server = await emulator.listen({ port, host, allowOrigins });
  } catch (error) {
    process.stderr.write(`enchanted-link: cannot listen on ${safe(host)}:${port}: ${safe((error as Error).message)}\n`);
    return 1;
  }
  out.write(`${style.bold('Descope emulator')} listening on ${safe(server.url)}\n`);
  out.write(`  project ID   ${emulator.projectId}\n`);
  out.write(`  client       new EnchantedLinkClient({ projectId: '${emulator.projectId}', baseUrl: '${server.url}' })\n`);
  out.write(`  outbox       ${safe(server.url)}/\n`);
  const origins = allowOrigins === '*' ? 'any (--allow-origin *)' : ['loopback (localhost, 127.x, [::1])', ...(allowOrigins === 'loopback' ? [] : allowOrigins)].join(', ');
  out.write(`  CORS         pages on ${safe(origins)}\n`);
  out.write(`  rate limit   ${rateLimit ? '100 requests per 60 s per IP, as Descope' : 'off (--no-rate-limit)'}\n`);
  out.write('Emails appear below as they are sent. Ctrl-C stops.\n');

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

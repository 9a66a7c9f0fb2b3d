import { createEmulator } from '../testing/emulator.js';
import type { EmulatorEmail } from '../testing/types.js';
import { style } from './format.js';

/** Options of `enchanted-link emulator`. */
export interface EmulatorCommandOptions {
  port: number;
  host: string;
}

/** Serves the emulator until SIGINT or SIGTERM, printing every email's links as it is sent. */
export async function runEmulator({ port, host }: EmulatorCommandOptions): Promise<number> {
  const out = process.stdout;
  const emulator = createEmulator({ onEmail: (email) => printEmail(email) });
  let server;
  try {
    server = await emulator.listen({ port, host });
  } catch (error) {
    process.stderr.write(`enchanted-link: cannot listen on ${host}:${port}: ${(error as Error).message}\n`);
    return 1;
  }
  out.write(`${style.bold('Descope emulator')} listening on ${server.url}\n`);
  out.write(`  project ID   ${emulator.projectId}\n`);
  out.write(`  client       new EnchantedLinkClient({ projectId: '${emulator.projectId}', baseUrl: '${server.url}' })\n`);
  out.write(`  outbox       ${server.url}/\n`);
  out.write('Emails appear below as they are sent. Ctrl-C stops.\n');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  out.write('\nStopped.\n');
  return 0;
}

function printEmail(email: EmulatorEmail) {
  const lines = [
    `\n${style.bold(`[${new Date(email.sentAt).toISOString()}]`)} ${email.kind} to ${email.to}: link number ${style.bold(email.linkId)}`,
    ...email.links.map((link) => `  ${link.correct ? style.bold(link.number) : link.number}  ${link.url}${link.correct ? '  ← right link' : ''}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

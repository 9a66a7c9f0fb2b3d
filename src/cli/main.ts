// `enchanted-link <command>`: the demo (the whole flow on the embedded emulator, or on real Descope)
// and a local emulator server that prints each email's links, like a mail catcher.
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';
import { runEmulator } from './emulator-command.js';
import { safe } from './format.js';
import { USAGE } from './usage.js';

const EXIT_USAGE = 2;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${__SDK_VERSION__}\n`);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE.main);
    return command === undefined ? EXIT_USAGE : 0;
  }
  if (command !== 'demo' && command !== 'emulator') return usageError(`unknown command '${command}'`, USAGE.main);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: command === 'demo',
      options:
        command === 'demo'
          ? {
              email: { type: 'string' },
              'project-id': { type: 'string' },
              'base-url': { type: 'string' },
              'redirect-url': { type: 'string' },
              help: { type: 'boolean', short: 'h' },
            }
          : {
              port: { type: 'string' },
              host: { type: 'string' },
              'allow-origin': { type: 'string', multiple: true },
              'no-rate-limit': { type: 'boolean' },
              help: { type: 'boolean', short: 'h' },
            },
    });
  } catch (error) {
    return usageError((error as Error).message, USAGE[command]);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE[command]);
    return 0;
  }
  if (command === 'emulator') {
    const port = values.port === undefined ? 4010 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) return usageError(`--port must be 0 to 65535, got '${values.port}'`, USAGE.emulator);
    const origins = Array.isArray(values['allow-origin']) ? values['allow-origin'].map(String) : [];
    for (const origin of origins) {
      if (origin !== '*' && !URL.canParse(origin)) return usageError(`--allow-origin must be an origin or '*', got '${origin}'`, USAGE.emulator);
    }
    return runEmulator({
      port,
      host: typeof values.host === 'string' ? values.host : '127.0.0.1',
      allowOrigins: origins.includes('*') ? '*' : origins.length > 0 ? origins.map((origin) => new URL(origin).origin) : 'loopback',
      rateLimit: values['no-rate-limit'] !== true,
    });
  }
  if (positionals.length > 1) return usageError('give at most one email address', USAGE.demo);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const email = str(values.email) ?? positionals[0];
  const projectId = str(values['project-id']) ?? (process.env.DESCOPE_PROJECT_ID || undefined);
  if (projectId && !email) return usageError('the demo against real Descope needs --email <address>', USAGE.demo);
  return runDemo({
    email,
    projectId,
    baseUrl: str(values['base-url']),
    redirectUrl: str(values['redirect-url']),
  });
}

function usageError(message: string, usage: string): number {
  process.stderr.write(`enchanted-link: ${safe(message)}\n\n${usage}`);
  return EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`enchanted-link: ${safe(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  },
);

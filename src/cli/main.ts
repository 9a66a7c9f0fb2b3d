// `enchanted-link <command>`: the demo (the whole flow on the embedded emulator, or on real Descope)
// and a local emulator server that prints each email's links, like a mail catcher.
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';
import { type DevelopmentOptions, runEmulator } from './emulator-command.js';
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
              'allow-host': { type: 'string', multiple: true },
              'allow-origin': { type: 'string', multiple: true },
              'no-rate-limit': { type: 'boolean' },
              'project-id': { type: 'string' },
              'redirect-url': { type: 'string' },
              'session-ttl': { type: 'string' },
              'link-ttl': { type: 'string' },
              'rotate-refresh': { type: 'boolean' },
              'approved-domain': { type: 'string', multiple: true },
              user: { type: 'string', multiple: true },
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
    const allowHosts = Array.isArray(values['allow-host']) ? values['allow-host'].map(String) : [];
    for (const name of allowHosts) if (!/^[a-z\d.:-]+$/i.test(name)) return usageError(`--allow-host must be a host name or address, got '${name}'`, USAGE.emulator);
    const development = developmentOptions(values);
    if (typeof development === 'string') return usageError(development, USAGE.emulator);
    return runEmulator({
      port,
      host: typeof values.host === 'string' ? values.host : '127.0.0.1',
      allowOrigins: origins.includes('*') ? '*' : origins.length > 0 ? origins.map((origin) => new URL(origin).origin) : 'loopback',
      allowHosts,
      rateLimit: values['no-rate-limit'] !== true,
      ...development,
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

/** The emulator options that matter when developing an app against it, or what is wrong with them. */
function developmentOptions(values: Record<string, unknown>): DevelopmentOptions | string {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as unknown[]).map(String) : []);
  const options: DevelopmentOptions = { rotateRefreshJwt: values['rotate-refresh'] === true };
  const projectId = str('project-id');
  if (projectId !== undefined) {
    if (!/^[a-z\d]+$/i.test(projectId)) return `--project-id must be letters and digits, got '${projectId}'`;
    options.projectId = projectId;
  }
  const redirectUrl = str('redirect-url');
  if (redirectUrl !== undefined) {
    if (!/^https?:$/.test(URL.parse(redirectUrl)?.protocol ?? '')) return `--redirect-url must be an http(s) URL, got '${redirectUrl}'`;
    options.redirectUrl = redirectUrl;
  }
  for (const [flag, key] of [['session-ttl', 'sessionTtlSeconds'], ['link-ttl', 'linkTtlSeconds']] as const) {
    const text = str(flag);
    if (text === undefined) continue;
    const seconds = Number(text);
    if (!Number.isInteger(seconds) || seconds < 1) return `--${flag} must be a whole number of seconds, 1 or more, got '${text}'`;
    options[key] = seconds;
  }
  const domains = list('approved-domain');
  for (const domain of domains) if (!/^[a-z\d.-]+$/i.test(domain)) return `--approved-domain must be a host name, got '${domain}'`;
  if (domains.length > 0) options.approvedDomains = domains;
  const users = list('user');
  if (users.length > 0) options.users = users;
  return options;
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

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient } from '../../src/index.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');
const running: ChildProcessWithoutNullStreams[] = [];
const servers: EmulatorServer[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  for (const server of servers.splice(0)) await server.close();
});

/** Starts the CLI without a terminal (stdin closed, CI set), collecting its output. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
  child.stdin.end();
  running.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  /** Resolves with the first match of `pattern` in stdout, as soon as it is printed. */
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((done, fail) => {
      const check = () => {
        const match = output.stdout.match(pattern);
        if (match) done(match);
        return Boolean(match);
      };
      if (check()) return;
      child.stdout.on('data', check);
      void exited.then(() => fail(new Error(`exited before printing ${pattern}:\n${output.stdout}${output.stderr}`)));
    });
  return { child, output, exited, waitFor };
}

async function runToEnd(args: string[], env?: Record<string, string>) {
  const cli = start(args, env);
  const code = await cli.exited;
  return { code, ...cli.output };
}

describe('enchanted-link demo', () => {
  it('runs the whole flow on the embedded emulator without a terminal and exits 0', async () => {
    const { code, stdout, stderr } = await runToEnd(['demo']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const linkId = stdout.match(/The right link is number (\d{2})\./)?.[1];
    expect(linkId).toBeDefined();
    expect(stdout).toContain('Sent a sign-in link to d***@example.com.');
    const links = [...stdout.matchAll(/^ {2}(\d{2}) {2}(http:\/\/127\.0\.0\.1:\d+\/verify\?t=\S+)$/gm)];
    expect(links).toHaveLength(3);
    expect(links.map((link) => link[1])).toContain(linkId);
    expect(stdout).toMatch(/Waiting for the click… attempt 1, \d+\.\d s elapsed/);
    expect(stdout).toMatch(/Session received after \d+\.\d s\./);
    expect(stdout).toMatch(/user +demo@example\.com \(U\S+\)/);
    expect(stdout).toMatch(/session JWT +expires \d{4}-\d\d-\d\dT/);
    // The demo describes the JWTs; it never prints one.
    expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it('sends to the address it is given', async () => {
    const { code, stdout } = await runToEnd(['demo', 'ada@example.com']);
    expect(code).toBe(0);
    expect(stdout).toContain('Sent a sign-in link to a***@example.com.');
    expect(stdout).toMatch(/user +ada@example\.com/);
  });

  it('runs against a Descope endpoint with --project-id, waiting for a click it does not make itself', async () => {
    const emulator = createEmulator();
    const server = await emulator.listen();
    servers.push(server);
    const cli = start(['demo', '--project-id', emulator.projectId, '--base-url', server.url, '--email', 'grace@example.com']);
    await cli.waitFor(/Waiting for the click… attempt 2/);
    expect(cli.output.stdout).not.toContain('three links'); // a real inbox is not ours to print
    await emulator.click('grace@example.com');
    expect(await cli.exited).toBe(0);
    expect(cli.output.stdout).toMatch(/user +grace@example\.com/);
  });

  it.each([
    [['demo', '--bogus'], /Unknown option '--bogus'/],
    [['demo', 'a@example.com', 'b@example.com'], /at most one email address/],
    [['demo', '--project-id', 'P2abc'], /needs --email/],
    [['emulator', '--port', 'http'], /--port must be 0 to 65535/],
    [['emulator', 'extra'], /Unexpected argument 'extra'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /Usage: enchanted-link <command>/],
  ])('rejects %j with usage on stderr and exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await runToEnd(args);
    expect(code).toBe(2);
    expect(stdout + stderr).toMatch(message);
    expect(stdout + stderr).toContain('Usage: enchanted-link');
  });

  it.each([['--version'], ['-v']])('prints the package version for %j', async (...args) => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(await runToEnd(args)).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['--help'], 'Usage: enchanted-link <command>'],
    [['demo', '--help'], 'Usage: enchanted-link demo'],
    [['emulator', '-h'], 'Usage: enchanted-link emulator'],
  ])('prints help for %j and exits 0', async (args, usage) => {
    const { code, stdout } = await runToEnd(args);
    expect(code).toBe(0);
    expect(stdout).toContain(usage);
  });
});

describe('enchanted-link emulator', () => {
  it('serves the emulator, prints each email with its three links, and stops cleanly on SIGINT', async () => {
    const cli = start(['emulator', '--port', '0']);
    await cli.waitFor(/Ctrl-C stops/);
    const url = cli.output.stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1];
    const projectId = cli.output.stdout.match(/project ID +(\S+)/)![1]!;
    const client = new EnchantedLinkClient({ projectId, baseUrl: url! });

    const { linkId, pendingRef } = await client.signInOrUp('ada@example.com');
    const [, printedId, block] = await cli.waitFor(/signInOrUp to ada@example\.com: link number (\d{2})\n((?:.*\n){3})/);
    expect(printedId).toBe(linkId);
    const right = block!.split('\n').find((line) => line.includes('← right link'))!;
    expect(right).toMatch(new RegExp(`^ {2}${linkId} {2}${url}/verify\\?t=`));

    // The printed link works for real: its token verifies and the session arrives.
    await client.verifyToken(new URL(right.trim().split(/\s+/)[1]!).searchParams.get('t')!);
    await expect(client.pollSession(pendingRef)).resolves.toMatchObject({ user: { email: 'ada@example.com' } });

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output.stdout).toContain('Stopped.');
  });

  it('takes the development options and prints the app settings they make, as environment variables', async () => {
    const redirectUrl = 'http://localhost:5173/verify.html';
    const cli = start(['emulator', '--port', '0', '--project-id', 'P2dev', '--redirect-url', redirectUrl, '--session-ttl', '5', '--link-ttl', '60', '--rotate-refresh', '--user', 'ada@example.com', '--approved-domain', 'localhost']);
    await cli.waitFor(/Ctrl-C stops/);
    const url = cli.output.stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1]!;
    const env = (prefix: string) => Object.fromEntries([...cli.output.stdout.matchAll(new RegExp(`^  ${prefix}(DESCOPE_\\w+)=(\\S+)$`, 'gm'))].map((m) => [m[1], m[2]]));
    const settings = { DESCOPE_PROJECT_ID: 'P2dev', DESCOPE_BASE_URL: url, DESCOPE_REDIRECT_URL: redirectUrl };
    expect(env('')).toEqual(settings);
    expect(env('VITE_')).toEqual(settings);

    // An app configured from those settings: signIn knows the user, the links open the app's verify
    // page, the session JWT lives 5 s, and a refresh rotates the refresh JWT.
    const client = new EnchantedLinkClient({ projectId: settings.DESCOPE_PROJECT_ID, baseUrl: settings.DESCOPE_BASE_URL });
    const { pendingRef } = await client.signIn('ada@example.com');
    const [right] = await cli.waitFor(/ {2}\d{2} {2}(\S+) {2}← right link/);
    const link = new URL(right.trim().split(/\s+/)[1]!);
    expect(`${link.origin}${link.pathname}`).toBe(redirectUrl);
    await client.verifyToken(link.searchParams.get('t')!);
    const session = await client.pollSession(pendingRef);
    expect(session.sessionExpiration! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(5);
    expect((await client.refreshSession(session.refreshJwt!)).refreshJwt).toEqual(expect.any(String));
    // Links to a host outside --approved-domain are refused.
    await expect(client.signIn('ada@example.com', { redirectUrl: 'https://elsewhere.example/verify' })).rejects.toMatchObject({ name: 'DescopeError' });
  });

  it.each([
    [['--session-ttl', '0'], '--session-ttl must be a whole number of seconds'],
    [['--link-ttl', '1.5'], '--link-ttl must be a whole number of seconds'],
    [['--project-id', 'P2/x'], '--project-id must be letters and digits'],
    [['--redirect-url', 'javascript:alert(1)'], '--redirect-url must be an http(s) URL'],
    [['--approved-domain', 'https://x.example'], '--approved-domain must be a host name'],
  ])('refuses %j with a usage error', async (args, message) => {
    const { code, stderr } = await runToEnd(['emulator', '--port', '0', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exits 1 with a message when the port is taken', async () => {
    const emulator = createEmulator();
    const server = await emulator.listen();
    servers.push(server);
    const { code, stderr } = await runToEnd(['emulator', '--port', new URL(server.url).port]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
  });
});

/** A raw HTTP request (node:http, so Origin and Host are sent exactly as given). */
function raw(url: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((done, fail) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('enchanted-link emulator, safe to leave running', () => {
  async function emulatorCli(args: string[] = []) {
    const cli = start(['emulator', '--port', '0', ...args]);
    await cli.waitFor(/Ctrl-C stops/);
    const url = cli.output.stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1]!;
    const projectId = cli.output.stdout.match(/project ID +(\S+)/)![1]!;
    return { cli, url, projectId };
  }
  const preflight = (url: string, origin: string) =>
    raw(`${url}/v1/auth/enchantedlink/signin/email`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('refuses a preflight from a non-loopback origin and allows loopback ones', async () => {
    const { url } = await emulatorCli();
    const refused = await preflight(url, 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(refused.body)).toMatchObject({ errorCode: 'E099013' });
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://app.localhost']) {
      const allowed = await preflight(url, origin);
      expect([allowed.status, allowed.headers['access-control-allow-origin']]).toEqual([204, origin]);
    }
    expect((await preflight(url, 'null')).status).toBe(403); // file:// pages and sandboxed frames
  });

  it('lets --allow-origin widen it', async () => {
    const { url } = await emulatorCli(['--allow-origin', 'https://app.example.com']);
    expect((await preflight(url, 'https://app.example.com')).headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect((await preflight(url, 'https://evil.example')).status).toBe(403);
    const { url: any } = await emulatorCli(['--allow-origin', '*']);
    expect((await preflight(any, 'https://evil.example')).status).toBe(204);
  });

  it('keeps the outbox unreadable from another origin, and from a DNS-rebinding host name', async () => {
    const { url } = await emulatorCli();
    expect((await raw(`${url}/`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await raw(`${url}/`, { headers: { host: `rebind.evil.example:${new URL(url).port}` } })).status).toBe(403);
    const own = await raw(`${url}/`, { headers: { origin: 'http://localhost:5173' } });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined(); // a page is for this tab, never CORS
    expect((await raw(`${url}/`, {})).body).toContain('Outbox');
  });

  it('keeps the Host check on --host 0.0.0.0, lists the names it accepts, takes more with --allow-host, and warns that the outbox is readable from the network', async () => {
    const cli = start(['emulator', '--port', '0', '--host', '0.0.0.0', '--allow-host', 'dev-box.example']);
    await cli.waitFor(/Ctrl-C stops/);
    const port = cli.output.stdout.match(/listening on http:\/\/0\.0\.0\.0:(\d+)/)![1]!;
    const names = cli.output.stdout.match(/Host names +(.*)/)![1]!;
    expect(names).toContain('localhost, 127.0.0.1, ::1, 0.0.0.0');
    expect(names).toContain(hostname().toLowerCase());
    expect(names).toContain('dev-box.example');
    expect(names).toContain('add one with --allow-host');
    // stderr is its own pipe: its line may arrive after stdout's last.
    await vi.waitFor(() => expect(cli.output.stderr).toMatch(/Warning:.* listening on 0\.0\.0\.0.*anyone on your network .*can read the outbox, with live sign-in links/));
    const outbox = (host: string) => raw(`http://127.0.0.1:${port}/`, { headers: { host: `${host}:${port}` } });
    expect((await outbox('rebind.evil.example')).status).toBe(403); // DNS rebinding, also off loopback
    expect((await outbox('dev-box.example')).status).toBe(200);
    expect((await outbox(hostname())).status).toBe(200);
    expect((await outbox('127.0.0.1')).status).toBe(200);
  });

  it('warns about nothing on loopback', async () => {
    const { cli } = await emulatorCli();
    expect(cli.output.stderr).toBe('');
    expect(cli.output.stdout).toMatch(/Host names +localhost, 127\.0\.0\.1, ::1, \*\.localhost/);
  });

  it('prints a link whose address holds escape sequences without them', async () => {
    const { cli, url, projectId } = await emulatorCli();
    const evil = 'http://127.0.0.1/\u001b]0;owned\u0007\u001b[2J\u001b[1;31mverify\u009b6n\u202e';
    const sent = await raw(`${url}/v1/auth/enchantedlink/signup-in/email`, {
      method: 'POST',
      headers: { authorization: `Bearer ${projectId}`, 'content-type': 'application/json' },
      body: JSON.stringify({ loginId: 'ada\u001b[8m@example.com', redirectUrl: evil }),
    });
    expect(sent.status).toBe(200);
    await cli.waitFor(/← right link/);
    expect(cli.output.stdout).toContain('http://127.0.0.1/]0;owned[2J[1;31mverify6n?t=');
    expect(cli.output.stdout).toContain('to ada[8m@example.com');
    expect(cli.output.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});

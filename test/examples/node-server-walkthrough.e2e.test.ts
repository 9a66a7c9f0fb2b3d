// examples/node-server/README.md's walkthrough as a reader runs it: the example started as `npm run
// example:server` starts it (transpiled by esbuild, on the embedded emulator), the README's terminal-2
// blocks run by bash exactly as printed (with the example's port), the person's click on the emailed link
// done by the test from the outbox the example prints, and each command's output checked against the
// `prints \`…\`` parts of its comment, in order.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { root } from '../docs/snippets.js';
import { confirmLink } from './confirm-link.js';

const readme = readFileSync(join(root, 'examples/node-server/README.md'), 'utf8');
const walkthrough = readme.split('## Try it')[1]!.split('\n## ')[0]!;
const shell = [...walkthrough.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
// Built inside the package (so `enchanted-link` resolves to dist/ by self-reference), apart from the
// other example tests' build.
const outdir = join(root, 'test-artifacts/node-server-walkthrough');
let work: string;

beforeAll(async () => {
  await build({ entryPoints: [join(root, 'examples/node-server/*.ts')], outdir, platform: 'node', format: 'esm', logLevel: 'warning' });
  work = mkdtempSync(join(tmpdir(), 'enchanted-link-walkthrough-'));
}, 30_000);

afterAll(() => work && rmSync(work, { recursive: true, force: true }));

/** What the comments of `block` say it prints, as patterns in order (`…` stands for anything on a line). */
const expectations = (block: string) =>
  [...block.matchAll(/^#.*prints (.*)$/gm)].flatMap((m) =>
    [...m[1]!.matchAll(/`([^`]+)`/g)].map((quoted) => new RegExp(quoted[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('…', '[^\\n]*?'))),
  );

function expectInOrder(output: string, patterns: RegExp[]) {
  let rest = output;
  for (const pattern of patterns) {
    const match = pattern.exec(rest);
    expect(match, `${pattern} in what is left of:\n${output}`).not.toBeNull();
    rest = rest.slice(match!.index + match![0].length);
  }
}

it('runs as printed: sign in, the protected route, refresh, sign out', async () => {
  expect(shell[0]).toBe('npm run example:server\n');
  expect(shell).toHaveLength(3);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DESCOPE_')));
  const child = spawn(process.execPath, [join(outdir, 'main.js')], { env: { ...clean, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  try {
    while (!/^Emails +\S+/m.test(output)) {
      if (child.exitCode !== null) throw new Error(`the example exited early:\n${output}`);
      await once(child.stderr, 'data');
    }
    const api = /^Sign-in +(\S+)/m.exec(output)![1]!;
    const outbox = /^Emails +(\S+)/m.exec(output)![1]!;
    const bash = (block: string) => promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block.replaceAll('http://127.0.0.1:3000', api)], { cwd: work, timeout: 40_000 });

    // Steps 1 and 2; step 2 waits for the click, which the person makes in the outbox meanwhile.
    const waiting = bash(shell[1]!);
    let linkId: string | undefined;
    while (!linkId) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      linkId = /"linkId":"(\d\d)"/.exec(readFileSync(join(work, 'login.json'), { encoding: 'utf8', flag: 'a+' }))?.[1];
    }
    const page = await (await fetch(outbox)).text();
    const link = new RegExp(`<a href="([^"]+)">${linkId}</a>`).exec(page)![1]!
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replaceAll('&amp;', '&');
    const confirmed = await confirmLink(link, linkId);
    expect(confirmed.status, `${link}: ${await confirmed.text()}`).toBe(200);
    const first = await waiting;
    expectInOrder(first.stdout, expectations(shell[1]!));
    expect(JSON.parse(readFileSync(join(work, 'status.json'), 'utf8'))).toMatchObject({ status: 'signed_in', user: { email: 'ada@example.com' } });

    // Steps 3 to 6.
    const rest = await bash(shell[2]!);
    expect(expectations(shell[2]!)).toHaveLength(6);
    expectInOrder(rest.stdout, expectations(shell[2]!));
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}, 60_000);

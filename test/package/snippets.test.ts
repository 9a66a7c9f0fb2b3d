// The README's and the guides' code blocks as a user meets them: against the packed tarball installed in
// a throwaway consumer (strict, ESM, no path mapping to src/), every block type-checked with React 19's
// types and every block that uses React also with React 18's; the blocks marked ```ts run are then run
// with Node against the emulator, and what they print is compared with the `// …` comments of their
// `console.log` lines; the README's quick start (a sign-in page and a verify page) runs as printed in
// Chromium. The rules a block is held to are in test/docs/snippets.ts.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownSnippets, publicNames, type Snippet, toModule } from '../docs/snippets.js';
import { launchChromium } from '../browser/fixtures/chromium.js';
import { packedConsumer, root, runAsync } from './consumer.js';

/** The placeholder project ID the pages use; the emulator stands in for that project when a block runs. */
const PLACEHOLDER_PROJECT_ID = 'YourDescopeProjectId';

const snippets = markdownSnippets();
const usesReact = (snippet: Snippet) => snippet.lang === 'tsx' || /from 'react'|enchanted-link\/react/.test(snippet.code);
const fileOf = (i: number) => `snippets/example-${i}.${snippets[i]!.lang}`;

let work: string;
let consumer: string;
let load: (entry: string) => Promise<Record<string, unknown>>;
const diagnostics = { 19: new Map<string, string[]>(), 18: new Map<string, string[]>() };

// What a strict TypeScript consumer of an ESM app would set; React 18's types stand in for React's
// through `paths` (which also applies to the `react` imports of the package's own .d.ts).
const compilerOptions = {
  module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable'],
  types: ['node'], jsx: 'react-jsx', strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true, skipLibCheck: true, noEmit: true,
};

function check(version: 18 | 19, indexes: number[]) {
  // Files, not folders: `paths` targets are not looked up as packages (an ESM resolution needs the extension).
  const paths = version === 18 ? { react: ['./react-18-types/index.d.ts'], 'react/*': ['./react-18-types/*.d.ts'] } : {};
  const config = join(consumer, `tsconfig.react${version}.json`);
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...compilerOptions, paths }, files: indexes.map(fileOf) }));
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  expect(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  // The check holds only if React's types really are the version named (a mapping that misses falls back to 19).
  const reactTypes = program.getSourceFiles().filter((file) => /(@types\/react|@types\/react-18|react-18-types)\/index\.d\.ts$/.test(file.fileName));
  expect(reactTypes.map((file) => /react-18/.test(file.fileName))).toEqual(indexes.some((i) => usesReact(snippets[i]!)) ? [version === 18] : []);
  for (const i of indexes) {
    const source = program.getSourceFile(join(consumer, fileOf(i)))!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics[version].set(snippets[i]!.origin, found.map((d) => `${d.start === undefined ? '' : `line ${source.getLineAndCharacterOfPosition(d.start).line + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));
  }
}

// Loaded before a block that runs: requests to Descope's default API origin go to an emulator of the
// placeholder project, and each email's right link is clicked a moment after it is sent, as a person would.
const STAND_IN = `import { createEmulator } from 'enchanted-link/testing';
const emulator = createEmulator({
  projectId: '${PLACEHOLDER_PROJECT_ID}',
  onEmail: (email) => setTimeout(() => void emulator.click(email.loginId), 20),
});
const fetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const request = new Request(input, init);
  return new URL(request.url).origin === emulator.baseUrl ? emulator.fetch(request) : fetch(request);
};
`;

beforeAll(async () => {
  ({ work, consumer } = packedConsumer('module'));
  // What a consumer of these pages has installed besides the package: Node's types, React's (19 here,
  // 18 beside them), for the testing pages msw and vitest, Vite's types for a Vite app's page, and the
  // OpenTelemetry API and SDK packages for the observability page, node-redis for the Redis pages, srvx
  // for the server kit guide's Node server.
  const modules = join(consumer, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const name of ['@types/node', '@types/react', 'msw', 'vitest', 'vite', '@opentelemetry', 'redis', '@redis', 'srvx']) symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir');
  symlinkSync(join(root, 'node_modules/@types/react-18'), join(consumer, 'react-18-types'), 'dir');
  mkdirSync(join(consumer, 'snippets'));
  writeFileSync(join(consumer, 'stand-in.mjs'), STAND_IN);

  load = (entry: string) => import(pathToFileURL(join(modules, 'enchanted-link/dist', `${entry.replace(/^enchanted-link\/?/, '').replace('/', '-') || 'index'}.js`)).href) as Promise<Record<string, unknown>>;
  const names = await publicNames(load);
  snippets.forEach((snippet, i) => writeFileSync(join(consumer, fileOf(i)), `// ${snippet.origin}\n${toModule(snippet, names)}\n`));
  check(19, snippets.map((_, i) => i));
  check(18, snippets.flatMap((snippet, i) => (usesReact(snippet) ? [i] : [])));
}, 180_000);

afterAll(() => work && rmSync(work, { recursive: true, force: true }));

describe('the pages’ code blocks, against the packed tarball', () => {
  it('finds blocks of each kind', () => {
    expect(snippets.length).toBeGreaterThan(15);
    expect(snippets.filter(usesReact).length).toBeGreaterThanOrEqual(2);
    expect(snippets.filter((snippet) => snippet.run).length).toBeGreaterThanOrEqual(2);
  });

  it.each(snippets.map((snippet) => [snippet.origin]))('%s type-checks (React 19 types)', (origin) => {
    expect(diagnostics[19].get(origin)).toEqual([]);
  });

  it.each(snippets.filter(usesReact).map((snippet) => [snippet.origin]))('%s type-checks with React 18 types', (origin) => {
    expect(diagnostics[18].get(origin)).toEqual([]);
  });

  it.each(snippets.flatMap((snippet, i) => (snippet.run ? [[snippet.origin, i] as const] : [])))(
    '%s runs against the emulator and prints what its comments say',
    async (_, i) => {
      const expected = [...snippets[i]!.code.matchAll(/^\s*console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1]!.trim());
      const stdout = await runAsync(process.execPath, ['--import', './stand-in.mjs', fileOf(i)], consumer);
      expect(stdout.trim() === '' ? [] : stdout.trim().split('\n')).toEqual(expected);
    },
    60_000,
  );

  // The two pages the quick start describes, each holding its block as its script, bundled from the
  // packed package as an app's bundler would. Descope's API is the emulator, reached through Chromium's
  // request routing, so the blocks keep their placeholder project ID and default API URL.
  it('runs the README quick start as printed in Chromium: the sign-in page, then the verify page', async () => {
    const quickStart = markdownSnippets(['README.md']);
    const signInPage = quickStart.find((snippet) => snippet.code.includes("document.querySelector('form')"));
    const verifyPage = quickStart.find((snippet) => snippet.code.includes('verifyFromUrl('));
    expect([signInPage?.origin, verifyPage?.origin]).toEqual([expect.any(String), expect.any(String)]);
    const bundle = async (code: string) =>
      (await build({ stdin: { contents: code, resolveDir: consumer, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' })).outputFiles[0]!.text;
    const files: Record<string, [string, string]> = {
      '/': ['text/html', '<form><input name="email" type="email"><button>Email me a link</button></form><script type="module" src="/sign-in.js"></script>'],
      '/verify.html': ['text/html', '<button>Sign me in</button><script type="module" src="/verify.js"></script>'],
      '/sign-in.js': ['text/javascript', await bundle(signInPage!.code)],
      '/verify.js': ['text/javascript', await bundle(verifyPage!.code)],
    };
    const server: Server = createServer((request, response) => {
      const [type, body] = files[new URL(request.url ?? '/', 'http://x').pathname] ?? ['text/plain', 'not found'];
      response.writeHead(body === 'not found' ? 404 : 200, { 'content-type': type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { createEmulator } = (await load('enchanted-link/testing')) as typeof import('enchanted-link/testing');
    const emulator = createEmulator({ projectId: PLACEHOLDER_PROJECT_ID });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const cors = { 'access-control-allow-origin': origin, 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, GET' };
      await context.route(`${emulator.baseUrl}/**`, async (route) => {
        const request = route.request();
        if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
        const body = request.postDataBuffer();
        const answer = await emulator.handle(new Request(request.url(), { method: request.method(), headers: request.headers(), ...(body ? { body: new Uint8Array(body) } : {}) }));
        return route.fulfill({ status: answer.status, headers: { ...Object.fromEntries(answer.headers), ...cors }, body: Buffer.from(await answer.arrayBuffer()) });
      });
      const signIn = await context.newPage();
      await signIn.goto(origin);
      await signIn.fill('input[name=email]', 'ada@example.com');
      await signIn.click('button');
      await signIn.getByText(/Open the link numbered \d\d/).waitFor();
      const email = emulator.lastEmail('ada@example.com')!;
      expect(await signIn.textContent('form')).toContain(`numbered ${email.linkId} `);
      const link = email.links.find(({ correct }) => correct)!.url;
      expect(link).toMatch(new RegExp(`^${origin}/verify\\.html\\?`));

      // The person opens the emailed link in a new tab and presses the button.
      const verify = await context.newPage();
      await verify.goto(link);
      await verify.click('button');
      await verify.getByText('Signed in: continue where you started.').waitFor();
      await signIn.getByText('Signed in as ada@example.com.').waitFor();
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});

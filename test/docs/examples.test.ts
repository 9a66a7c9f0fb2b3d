// Every code example a reader sees is type-checked against the real API: the ```ts blocks of the
// README, ARCHITECTURE.md and guides/, and every `@example` in the TSDoc of src/ (what TypeDoc publishes).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'test-artifacts/snippets');

interface Snippet {
  origin: string;
  code: string;
}

const fence = /```ts\n([\s\S]*?)```/g;

function fromMarkdown(file: string): Snippet[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(fence)].map((m) => ({ origin: `${file}:${text.slice(0, m.index).split('\n').length}`, code: m[1]! }));
}

function fromTsdoc(dir: string): Snippet[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const path = join(dir, file);
      const text = readFileSync(join(root, path), 'utf8');
      // Un-comment every doc comment, keeping line numbers, then take its ```ts blocks.
      const uncommented = text.replace(/\/\*\*[\s\S]*?\*\//g, (doc) => doc.replace(/^\s*\*( |$)/gm, '').replace(/^\/\*\*|\*\/$/g, ''));
      return [...uncommented.matchAll(fence)].map((m) => ({
        origin: `${path}:${uncommented.slice(0, m.index).split('\n').length}`,
        code: m[1]!,
      }));
    });
}

const guides = readdirSync(join(root, 'guides')).filter((file) => file.endsWith('.md')).map((file) => `guides/${file}`);
const snippets = [...fromMarkdown('README.md'), ...fromMarkdown('ARCHITECTURE.md'), ...guides.flatMap(fromMarkdown), ...fromTsdoc('src')];

// Names an example may use without defining them, as a reader would assume from the surrounding text.
const PRELUDE = `
import * as main from 'enchanted-link';
import * as testing from 'enchanted-link/testing';
import * as testingMsw from 'enchanted-link/testing/msw';
import * as server from 'enchanted-link/server';
import * as vitest from 'vitest';
declare const client: main.EnchantedLinkClient;
declare const emu: testing.Emulator;
declare const sessions: server.SessionValidator;
declare const request: Request;
declare const emulator: testing.Emulator;
declare const pendingRef: string;
declare const token: string;
declare const refreshJwt: string;
declare const email: string;
declare const cancelButton: HTMLButtonElement;
declare function showMessage(text: string): void;
declare function render(text: string): void;
declare function report(name: string): void;
`;

const [mainNames, testingNames, mswNames, serverNames] = await Promise.all([
  import('../../src/index.js'),
  import('../../src/testing/index.js'),
  import('../../src/testing/msw.js'),
  import('../../src/server/index.js'),
]).then((m) =>
  m.map((module) => Object.keys(module)),
);
const GLOBALS: Array<[string, string[]]> = [
  ['main', mainNames!],
  ['testing', testingNames!],
  ['testingMsw', mswNames!],
  ['server', serverNames!],
  ['vitest', ['expect', 'beforeAll', 'afterEach', 'afterAll']],
];

/**
 * A fragment becomes the body of an async function after a prelude that brings in every public value
 * (unless the fragment imports it itself); a complete module (it has `export`) must stand on its own.
 */
function toModule({ code }: Snippet): string {
  const imports = code.match(/^import [\s\S]*?;$/gm) ?? [];
  const body = imports.reduce((rest, line) => rest.replace(line, ''), code);
  if (/^export /m.test(body)) return code;
  const own = new Set(imports.flatMap((line) => [...line.matchAll(/(\w+)(?: as (\w+))?\s*[,}]/g)].map((m) => m[2] ?? m[1]!)));
  const values = GLOBALS.flatMap(([ns, names]) => names.filter((n) => !own.has(n)).map((n) => `const ${n} = ${ns}.${n};`));
  return [...imports, PRELUDE, ...values, `export async function example() {`, body, `}`].join('\n');
}

const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = snippets.map((snippet, i) => {
    const file = join(out, `example-${i}.ts`);
    writeFileSync(file, `// ${snippet.origin}\n${toModule(snippet)}\n`);
    return file;
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(files, config.options);
  // Per file, syntax and types alike, so one broken example does not hide another's errors.
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(file, found.map((d) => `${d.start === undefined ? '' : `line ${source.getLineAndCharacterOfPosition(d.start).line + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));
  }
}, 60_000);

describe('code examples type-check against the API', () => {
  it('finds the examples', () => {
    expect(snippets.length).toBeGreaterThan(20);
  });

  it.each(snippets.map((snippet, i) => [snippet.origin, i] as const))('%s', (_, i) => {
    expect(diagnostics.get(join(out, `example-${i}.ts`))).toEqual([]);
  });
});

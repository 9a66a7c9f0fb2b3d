// The code examples a reader sees, as TypeScript modules to compile (and some to run): the ```ts and
// ```tsx blocks of the README and the guides (and of the pages the docs site copies in), and every
// `@example` in the TSDoc of src/ (what TypeDoc publishes). Used by the unit layer (against the sources,
// test/docs/examples.test.ts) and the package layer (against the packed tarball, with React 18 and 19
// types, test/package/snippets.test.ts).
//
// The rules a block is held to:
// - A page's block that imports something is a program as printed: it compiles on its own, with nothing
//   declared for it (a reader copies it whole).
// - A block without imports is a fragment of the page around it: it may use every public name and the
//   few variables the text around it names (`client`, `emulator`, …; see PRELUDE).
// - A TSDoc `@example` is always read as a fragment: it shows one call, its imports say where names come
//   from, and it may use a few page helpers (`showMessage`, `render`, …; see TSDOC_PRELUDE).
// - A block whose fence says ```ts run is a whole program that also runs, against the emulator standing
//   in for Descope (see test/package/snippets.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const root = resolve(import.meta.dirname, '../..');

/** One code block, and where a reader finds it. */
export interface Snippet {
  /** `file:line` of the block's first line of code. */
  origin: string;
  lang: 'ts' | 'tsx';
  /** The fence says `run`: a whole program, run against the emulator by the package layer. */
  run: boolean;
  code: string;
}

const FENCE = /^```(tsx?)((?: [\w-]+)*)\n([\s\S]*?)^```$/gm;

function blocks(text: string, file: string, lineOf = (index: number) => text.slice(0, index).split('\n').length + 1): Snippet[] {
  return [...text.matchAll(FENCE)].map((m) => ({
    origin: `${file}:${lineOf(m.index)}`,
    lang: m[1] as 'ts' | 'tsx',
    run: m[2]!.split(' ').includes('run'),
    code: m[3]!,
  }));
}

/** The pages a reader reads: the README, the guides, and the example READMEs the docs site includes. */
export const PAGES = [
  'README.md',
  ...readdirSync(join(root, 'guides'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `guides/${file}`),
  ...readdirSync(join(root, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `examples/${entry.name}/README.md`),
];

/** Every ```ts / ```tsx block of `files` (repository paths). */
export function markdownSnippets(files: readonly string[] = PAGES): Snippet[] {
  return files.flatMap((file) => blocks(readFileSync(join(root, file), 'utf8'), file));
}

/** Every ```ts block in the TSDoc comments under `dir` (a repository path). */
export function tsdocSnippets(dir = 'src'): Snippet[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const path = join(dir, file);
      const text = readFileSync(join(root, path), 'utf8');
      // Un-comment every doc comment, keeping line numbers, then take its blocks.
      const uncommented = text.replace(/\/\*\*[\s\S]*?\*\//g, (doc) =>
        doc.replace(/^\s*\*( |$)/gm, '').replace(/^\/\*\*|\*\/$/g, ''),
      );
      return blocks(uncommented, path);
    });
}

/**
 * Names a fragment may use without defining them, as a reader would from the text around it. Kept short
 * on purpose: a name a reader cannot guess belongs in the block.
 */
const PRELUDE = `
import * as main from 'enchanted-link';
import * as testing from 'enchanted-link/testing';
import * as testingMsw from 'enchanted-link/testing/msw';
import * as server from 'enchanted-link/server';
import * as vitest from 'vitest';
declare const client: main.EnchantedLinkClient;
declare const emulator: testing.Emulator;
declare const emu: testing.Emulator;
declare const sessions: server.SessionValidator;
declare const kit: server.ServerKit;
declare const request: Request;
declare const pendingRef: string;
declare const token: string;
declare const refreshJwt: string;
declare const email: string;
`;

/** What a TSDoc example may also use: the page it would sit in. */
const TSDOC_PRELUDE = `
declare const cancelButton: HTMLButtonElement;
declare function showMessage(text: string): void;
declare function render(text: string): void;
declare function report(name: string): void;
declare function next(): Promise<Response>;
// Next.js (examples/nextjs), for the server kit's middleware examples: the one call they make.
declare const NextResponse: { next(init?: { request?: { headers?: Headers } }): Response };
`;

/** What a TSDoc example of the React entry may also use. */
const TSDOC_REACT_PRELUDE = `
import * as react from 'enchanted-link/react';
declare const keeper: ReturnType<typeof main.createSessionKeeper>;
declare function SignIn(): React.ReactNode;
const { useSignInFlow, useSessionKeeper } = react;
`;

/** The public value names of each namespace the prelude imports, for fragments to use bare. */
export type PublicNames = ReadonlyArray<readonly [namespace: string, names: readonly string[]]>;

/** The public names, read from the modules `load` imports (the sources or the packed package). */
export async function publicNames(load: (specifier: string) => Promise<Record<string, unknown>>): Promise<PublicNames> {
  const entries = ['enchanted-link', 'enchanted-link/testing', 'enchanted-link/testing/msw', 'enchanted-link/server'] as const;
  const modules = await Promise.all(entries.map((entry) => load(entry)));
  return [
    ['main', Object.keys(modules[0]!)],
    ['testing', Object.keys(modules[1]!)],
    ['testingMsw', Object.keys(modules[2]!)],
    ['server', Object.keys(modules[3]!)],
    ['vitest', ['expect', 'beforeAll', 'afterEach', 'afterAll']],
  ];
}

const IMPORT = /^import [\s\S]*?;$/gm;

/**
 * The snippet as a module to compile: a page's program as printed; a fragment (or a TSDoc example, with
 * `tsdoc`) after the prelude, as the body of an async function.
 */
export function toModule({ code, lang }: Snippet, names: PublicNames, { tsdoc = false } = {}): string {
  const imports = code.match(IMPORT) ?? [];
  if (imports.length > 0 && !tsdoc) return code;
  const body = imports.reduce((rest, line) => rest.replace(line, ''), code);
  if (/^export /m.test(body)) return code; // a TSDoc example that is a whole module
  const own = new Set(imports.flatMap((line) => [...line.matchAll(/(\w+)(?: as (\w+))?\s*[,}]/g)].map((m) => m[2] ?? m[1]!)));
  const values = names.flatMap(([ns, list]) => list.filter((n) => !own.has(n)).map((n) => `const ${n} = ${ns}.${n};`));
  const extra = tsdoc ? TSDOC_PRELUDE + (lang === 'tsx' ? TSDOC_REACT_PRELUDE : '') : '';
  return [...imports, PRELUDE, extra, ...values, 'export async function example() {', body, '}'].join('\n');
}

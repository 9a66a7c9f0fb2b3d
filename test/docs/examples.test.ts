// Every code example a reader sees type-checks against the sources, in seconds (`npm test`): the blocks
// of the README, the guides and the example READMEs, and every `@example` in src/'s TSDoc. The package
// layer checks the same pages against the packed tarball, with React 18 and 19 types, and runs the
// whole programs (test/package/snippets.test.ts). The rules a block is held to are in ./snippets.ts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownSnippets, publicNames, root, toModule, tsdocSnippets } from './snippets.js';

const out = join(root, 'test-artifacts/snippets');
const pages = markdownSnippets();
const snippets = [...pages, ...tsdocSnippets()];
const SOURCES: Record<string, string> = {
  'enchanted-link': '../../src/index.js',
  'enchanted-link/testing': '../../src/testing/index.js',
  'enchanted-link/testing/msw': '../../src/testing/msw.js',
  'enchanted-link/server': '../../src/server/index.js',
  'enchanted-link/redis': '../../src/redis/index.js',
};
const names = await publicNames((entry) => import(SOURCES[entry]!) as Promise<Record<string, unknown>>);
const diagnostics = new Map<string, string[]>();
const fileOf = (i: number) => join(out, `example-${i}.${snippets[i]!.lang}`);

beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = snippets.map((snippet, i) => {
    writeFileSync(fileOf(i), `// ${snippet.origin}\n${toModule(snippet, names, { tsdoc: i >= pages.length })}\n`);
    return fileOf(i);
  });
  // The repository's tsconfig maps the package's entries to src/ (its `paths`).
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram(files, config.options);
  // Per file, syntax and types alike, so one broken example does not hide another's errors.
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(file, found.map((d) => `${d.start === undefined ? '' : `line ${source.getLineAndCharacterOfPosition(d.start).line}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));
  }
}, 60_000);

describe('code examples type-check against the API', () => {
  it('finds the examples', () => {
    expect(snippets.length).toBeGreaterThan(20);
    expect(snippets.some((snippet) => snippet.lang === 'tsx')).toBe(true);
  });

  it.each(snippets.map((snippet, i) => [snippet.origin, i] as const))('%s', (_, i) => {
    expect(diagnostics.get(fileOf(i))).toEqual([]);
  });
});

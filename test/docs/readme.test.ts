// The README's promises about its own first screen, and the commands the docs tell a reader to run.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAGES, root } from './snippets.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('the README', () => {
  it('holds, in its first 40 lines, the two set-up commands of a clone beside the quick start and the release status', () => {
    const top = readme.split('\n').slice(0, 40).join('\n');
    expect(top).toContain('npm ci && npm run demo');
    expect(top).toContain('bash .ci/run');
    expect(top).toContain('## Quick start');
    expect(top).toMatch(/Status: .*/);
    expect(top).toContain('npx enchanted-link demo');
  });

  it('uses only placeholder project IDs, each with "use your own"', () => {
    for (const page of [...PAGES, 'RELEASING.md']) {
      const text = readFileSync(join(root, page), 'utf8');
      const ids = [...text.matchAll(/projectId: '([^']+)'|--project-id ([A-Za-z0-9]+)|PROJECT_ID=([A-Za-z0-9]+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
      // The placeholders say what they are; the emulator's own ID and the CLI test's are not a project's.
      expect(ids.filter((id) => !/^(Your\w*ProjectId|P2emulator0+)$/.test(id)).map((id) => `${page}: ${id}`)).toEqual([]);
      for (const line of text.split('\n').filter((l) => /'Your\w*ProjectId'/.test(l))) expect(line).toContain('use your own');
    }
  });
});

describe('the docs', () => {
  it('name only npm scripts that exist', () => {
    let count = 0;
    const missing = [...PAGES, 'RELEASING.md'].flatMap((page) => {
      // An example with a package.json of its own (examples/nextjs) also runs that package's scripts.
      const own = join(root, dirname(page), 'package.json');
      const known = { ...scripts, ...(page.startsWith('examples/') && existsSync(own) ? (JSON.parse(readFileSync(own, 'utf8')) as { scripts: Record<string, string> }).scripts : {}) };
      const named = [...readFileSync(join(root, page), 'utf8').matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
      count += named.length;
      return named.filter((name) => !(name in known)).map((name) => `${page}: ${name}`);
    });
    expect(count).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});

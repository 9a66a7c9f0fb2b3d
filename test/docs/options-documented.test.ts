// Every emulator option is in the testing guide's table, every flag of the CLI's emulator command in the
// local-development guide, and every guide and example README a page of the docs site: a new option or
// page without docs fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../src/cli/usage.js';
import { PAGES, root } from './snippets.js';

const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('option docs', () => {
  it('the testing guide lists every EmulatorOptions field', () => {
    const types = read('src/testing/types.ts');
    const body = types.slice(types.indexOf('export interface EmulatorOptions {'), types.indexOf('\n}\n', types.indexOf('export interface EmulatorOptions {')));
    const fields = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]!);
    expect(fields.length).toBeGreaterThan(8);
    const table = read('guides/testing.md').split('## Every emulator option')[1]!.split('\n## ')[0]!;
    expect(fields.filter((field) => !table.includes(`| \`${field}\` |`))).toEqual([]);
  });

  it('the local-development guide lists every flag of the emulator command', () => {
    const flags = [...new Set([...USAGE.emulator.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1]!))];
    expect(flags).toContain('--session-ttl');
    const guide = read('guides/local-development.md');
    expect(flags.filter((flag) => !guide.includes(`\`${flag}`))).toEqual([]);
  });

  it('the docs site has every guide and example README as a page', () => {
    const { projectDocuments } = JSON.parse(read('typedoc.json')) as { projectDocuments: string[] };
    expect(PAGES.filter((page) => page !== 'README.md' && !projectDocuments.includes(page))).toEqual([]);
  });
});

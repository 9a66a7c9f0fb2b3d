// ARCHITECTURE.md promises that imports only go down its list of rooms; this keeps the promise true.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const doc = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
// The rooms, top to bottom, as the fenced list in ARCHITECTURE.md names them.
const rooms = [...doc.matchAll(/^(\w+)\/ {2,}/gm)].map((m) => m[1]!);

const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f.includes('/'));

describe('architecture', () => {
  it('lists every folder of src/ as a room', () => {
    expect(new Set(files.map((f) => f.split('/')[0]))).toEqual(new Set(rooms));
  });

  it('every file imports only from its own room or rooms below it', () => {
    const upward = files.flatMap((file) => {
      const room = file.split('/')[0]!;
      // Relative imports resolved from the file's own folder, so `../../client/` from `server/kit/` counts as `client/`.
      const imported = [...readFileSync(join(root, 'src', file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) => relative(join(root, 'src'), resolve(join(root, 'src', dirname(file)), m[1]!)).split(sep)[0]!);
      return imported.filter((other) => rooms.indexOf(other) <= rooms.indexOf(room) && other !== room).map((other) => `${file} → ${other}/`);
    });
    expect(upward).toEqual([]);
  });

  it('the server kit imports nothing from node: (it runs on Workers, Deno and Bun as on Node)', () => {
    const kit = files.filter((file) => file.startsWith('server/kit/'));
    expect(kit.length).toBeGreaterThan(5);
    const nodeImports = kit.filter((file) => /from '(node:|fs|crypto|http|buffer)['/]|import\(['"]node:/.test(readFileSync(join(root, 'src', file), 'utf8')));
    expect(nodeImports).toEqual([]);
    // Nor the Node-only globals (in code: the TSDoc examples may read `process.env`).
    const code = (file: string) => readFileSync(join(root, 'src', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const nodeGlobals = kit.filter((file) => /\b(Buffer|process)\./.test(code(file)));
    expect(nodeGlobals).toEqual([]);
  });
});

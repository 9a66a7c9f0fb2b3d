// ARCHITECTURE.md promises that imports only go down its list of rooms; this keeps the promise true.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
      const imported = [...readFileSync(join(root, 'src', file), 'utf8').matchAll(/from '\.\.\/(\w+)\//g)].map((m) => m[1]!);
      return imported.filter((other) => rooms.indexOf(other) <= rooms.indexOf(room) && other !== room).map((other) => `${file} → ${other}/`);
    });
    expect(upward).toEqual([]);
  });
});

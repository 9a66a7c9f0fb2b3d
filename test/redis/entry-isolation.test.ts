// `enchanted-link/redis` is its own entry: no other entry reaches it or the `redis` package (an optional
// peer an app installs only to use this entry), and it never imports `redis` itself (the client is typed
// by its shape), so its declarations carry no Redis type either.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputsOf } from '../helpers/bundle-inputs.js';

const root = resolve(import.meta.dirname, '../..');

const redisInputs = (inputs: string[]) => inputs.filter((path) => /node_modules\/(redis|@redis)\//.test(path) || path.startsWith('src/redis/'));

describe('the redis entry stays apart', () => {
  it.each(['src/index.ts', 'src/server/index.ts', 'src/testing/index.ts'])('%s never imports src/redis or the redis package', async (entry) => {
    expect(redisInputs(await inputsOf(entry, 'node'))).toEqual([]);
  });

  it('the redis entry imports neither the redis package nor jose', async () => {
    const inputs = await inputsOf('src/redis/index.ts', 'node');
    expect(inputs.some((path) => path.startsWith('src/redis/'))).toBe(true);
    expect(inputs.filter((path) => /node_modules\/(redis|@redis|jose)\//.test(path))).toEqual([]);
  });

  it('its sources name no type from redis', () => {
    for (const file of ['index.ts', 'client.ts', 'store.ts', 'budget-store.ts']) expect(readFileSync(resolve(root, 'src/redis', file), 'utf8')).not.toMatch(/^import[^\n]*from ['"](redis|@redis\/)/m);
  });
});

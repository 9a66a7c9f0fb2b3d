// jose and the validator are for servers only: the main entry's import graph must never reach them, so
// no browser bundle pays for them (issue 15). Checked on the source graph with esbuild, as a bundler sees it.
import { describe, expect, it } from 'vitest';
import { inputsOf } from '../helpers/bundle-inputs.js';

describe('entry isolation', () => {
  it('the main entry never imports jose or src/server', async () => {
    const inputs = await inputsOf('src/index.ts');
    expect(inputs.some((path) => path.includes('node_modules/ky/'))).toBe(true); // the check sees dependencies
    expect(inputs.filter((path) => path.includes('node_modules/jose/') || path.startsWith('src/server/'))).toEqual([]);
  });

  it('the main entry never imports @opentelemetry/api or src/opentelemetry (an optional peer of its own entry)', async () => {
    const inputs = await inputsOf('src/index.ts');
    expect(inputs.filter((path) => path.includes('node_modules/@opentelemetry/') || path.startsWith('src/opentelemetry/'))).toEqual([]);
    expect((await inputsOf('src/opentelemetry/index.ts')).some((path) => path.includes('node_modules/@opentelemetry/api/'))).toBe(true);
  });

  it('the server entry does import jose', async () => {
    expect((await inputsOf('src/server/index.ts')).some((path) => path.includes('node_modules/jose/'))).toBe(true);
  });
});

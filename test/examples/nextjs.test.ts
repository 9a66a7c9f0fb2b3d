// examples/nextjs installs from its own lockfile: every version exact, and the package's dependencies as
// the repository's package.json declares them today (the lockfile records them when it is written, and
// `npm ci` installs what it recorded, even after the package's own versions moved on).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, Record<string, unknown>>;
const manifest = read('examples/nextjs/package.json');
const lock = read('examples/nextjs/package-lock.json') as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };

describe('examples/nextjs package files', () => {
  it('pins every dependency to an exact version; the SDK comes from this repository', () => {
    const { 'enchanted-link': sdk, ...pinned } = { ...manifest.dependencies, ...manifest.devDependencies } as Record<string, string>;
    expect(sdk).toBe('file:../..');
    expect(Object.entries(pinned).filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version))).toEqual([]);
    expect(Object.keys(pinned)).toEqual(expect.arrayContaining(['next', 'react', 'react-dom']));
    for (const [name, version] of Object.entries(pinned)) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
  });

  // When this fails, run `npm install` in examples/nextjs (after `npm run build` here) and commit its lockfile.
  it('its lockfile installs the dependencies the package declares now', () => {
    expect(lock.packages['node_modules/enchanted-link']?.dependencies).toEqual(read('package.json').dependencies);
  });
});

// What the package ships, checked on dist/ and on `npm pack --dry-run`: the main entry never reaches the
// testing entry, msw or a Node built-in (it must load in browsers and edge runtimes), and the tarball holds
// only what users need.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, run } from './consumer.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g;

/** Every file of dist/ that `entry` loads, and every bare specifier those files import. */
function importGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, specifier = ''] of readFileSync(join(root, 'dist', file), 'utf8').matchAll(SPECIFIER)) {
      if (specifier.startsWith('.')) visit(posix.normalize(posix.join(posix.dirname(file), specifier)));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

const isDependency = (specifier: string) => Object.keys(pkg.dependencies).some((name) => specifier === name || specifier.startsWith(`${name}/`));

describe('the main entry', () => {
  it.each(['index.js', 'index.cjs'])('%s loads no testing code, no msw and no Node built-in', (entry) => {
    const { files, packages } = importGraph(entry);
    expect(packages).toContain('zod/mini'); // the scan finds imports at all
    expect(files.filter((file) => /testing|cli|server/.test(file))).toEqual([]);
    expect(packages.filter((specifier) => specifier.startsWith('jose'))).toEqual([]); // jose is for enchanted-link/server
    expect(packages.filter((specifier) => !isDependency(specifier))).toEqual([]);
    expect(packages.filter((specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier))).toEqual([]);
  });

  it.each(['testing.js', 'testing.cjs'])('leaves msw out of %s too: only testing/msw loads it', (entry) => {
    expect(importGraph(entry).packages.filter((specifier) => specifier.startsWith('msw'))).toEqual([]);
    expect(importGraph(entry.replace('testing', 'testing-msw')).packages).toContain('msw');
  });

  it.each(['index.js', 'index.cjs'])('%s leaves react to the react entry, which does load it', (entry) => {
    expect(importGraph(entry).packages).not.toContain('react');
    expect(importGraph(entry.replace('index', 'react')).packages).toContain('react');
  });

  it.each(['index.js', 'index.cjs'])('%s leaves @opentelemetry/api to the opentelemetry entry, which loads only it', (entry) => {
    expect(importGraph(entry).packages.filter((specifier) => specifier.startsWith('@opentelemetry'))).toEqual([]);
    const { packages, files } = importGraph(entry.replace('index', 'opentelemetry'));
    expect(packages).toEqual(['@opentelemetry/api']);
    expect(files.filter((file) => /testing|cli|server|react/.test(file))).toEqual([]);
  });

  it.each(['server.js', 'server.cjs'])('leaves jose to the server entry (%s), which loads no msw and no Node built-in', (entry) => {
    const { packages } = importGraph(entry);
    expect(packages).toContain('jose');
    expect(packages.filter((specifier) => !isDependency(specifier))).toEqual([]);
    expect(packages.filter((specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier))).toEqual([]);
  });
});

describe('npm pack', () => {
  const [{ files }] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], root)) as [
    { files: Array<{ path: string }> },
  ];
  const paths = files.map(({ path }) => path);

  it('ships only the build, the manifest, the readme, the licence and the changelog', () => {
    const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/[\w-]+\.(js|cjs|d\.ts|d\.cts|js\.map|cjs\.map))$/;
    expect(paths.filter((path) => !allowed.test(path))).toEqual([]);
    for (const required of ['package.json', 'README.md', 'LICENSE', 'dist/cli.js']) expect(paths).toContain(required);
    for (const entry of ['index', 'testing', 'testing-msw', 'server', 'react']) {
      for (const ext of ['js', 'cjs', 'd.ts', 'd.cts']) expect(paths).toContain(`dist/${entry}.${ext}`);
    }
  });

  it('ships source maps only with their sources embedded, beside the file they map', () => {
    // The maps name ../src/…, which is not shipped: they are useful only because they carry the sources.
    for (const map of paths.filter((path) => path.endsWith('.map'))) {
      expect(paths).toContain(map.slice(0, -'.map'.length));
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      expect(sourcesContent?.filter((content) => typeof content === 'string')).toHaveLength(sources.length);
    }
  });
});

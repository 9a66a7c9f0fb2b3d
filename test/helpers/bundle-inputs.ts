// What a bundler pulls in for an entry of the package: the source files and packages esbuild reaches from
// it, for the tests that keep one entry's dependencies out of another's graph.
import { resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');

/** The inputs (paths relative to the repository, `node_modules/…` for packages) of `entry`'s bundle. */
export async function inputsOf(entry: string, platform: 'browser' | 'node' = 'browser'): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform,
    logLevel: 'silent',
    define: { __SDK_VERSION__: '"0.0.0"' },
  });
  return Object.keys(result.metafile.inputs);
}

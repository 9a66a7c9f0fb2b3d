import { readFileSync, rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };
// The SDK reports its own version in `x-descope-sdk-version`; inlined at build time so no JSON import ships.
const define = { __SDK_VERSION__: JSON.stringify(version) };

// The builds below run concurrently, so neither may clean the folder the other writes into.
rmSync('dist', { recursive: true, force: true });

const library: Options = {
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    'testing-msw': 'src/testing/msw.ts',
    server: 'src/server/index.ts',
    // Imports only types from the rest of the package, and @opentelemetry/api (an optional peer, external).
    opentelemetry: 'src/opentelemetry/index.ts',
    // Imports nothing from `redis` (the client is typed by its shape): the peer is the app's.
    redis: 'src/redis/index.ts',
  },
  dts: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // Keep `node:http` as written: Deno and edge runtimes resolve built-ins only with the prefix.
  removeNodeProtocol: false,
  external: [/^node:/],
  define,
};

export default defineConfig([
  { ...library, format: ['esm'] },
  // ky is ESM-only: `require(esm)` hands CJS a namespace without `__esModule`, so esbuild's interop
  // would read `ky.default.create` from the wrong object. The CJS build carries its own copy of ky.
  { ...library, format: ['cjs'], noExternal: ['ky'] },
  {
    // `enchanted-link/react` takes the store and the keeper from the main entry (one copy of them, and
    // of the error classes, in an app that imports both), and leaves react to the app.
    ...library,
    entry: { react: 'src/react/index.ts' },
    format: ['esm', 'cjs'],
    external: ['react', 'enchanted-link'],
    esbuildPlugins: [
      {
        name: 'main-entry',
        setup(build) {
          build.onResolve({ filter: /^\.\.\/(flow|keeper)\// }, () => ({ path: 'enchanted-link', external: true }));
        },
      },
    ],
  },
  {
    // The CLI is Node-only and ESM-only; it bundles the emulator it needs (never msw).
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
    banner: { js: '#!/usr/bin/env node' },
    define,
  },
]);

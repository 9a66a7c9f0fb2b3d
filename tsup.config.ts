import { readFileSync, rmSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };
// The SDK reports its own version in `x-descope-sdk-version`; inlined at build time so no JSON import ships.
const define = { __SDK_VERSION__: JSON.stringify(version) };

// The two builds below run concurrently, so neither may clean the folder the other writes into.
rmSync('dist', { recursive: true, force: true });

export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    define,
  },
  {
    // The CLI is Node-only and ESM-only; it bundles the emulator it needs (never msw).
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define,
  },
]);

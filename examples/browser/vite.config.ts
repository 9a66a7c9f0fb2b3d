// Vite config of the browser example. `enchanted-link` resolves to the SDK's sources, so the example
// always runs the code in this repository (the root tsconfig `paths` do the same for type checks).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const { version } = JSON.parse(readFileSync(here('../../package.json'), 'utf8')) as { version: string };

export default defineConfig({
  root: here('.'),
  appType: 'mpa',
  define: { __SDK_VERSION__: JSON.stringify(version) },
  resolve: { alias: { 'enchanted-link': here('../../src/index.ts') } },
  build: {
    target: 'es2022',
    rolldownOptions: { input: { signIn: here('index.html'), verify: here('verify.html') } },
  },
});

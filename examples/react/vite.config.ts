// Vite config of the React example. `enchanted-link` and `enchanted-link/react` resolve to the SDK's
// sources, so the example always runs the code in this repository. TSX goes through Vite's built-in
// transform (automatic JSX runtime): no plugin needed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const { version } = JSON.parse(readFileSync(here('../../package.json'), 'utf8')) as { version: string };

export default defineConfig({
  root: here('.'),
  appType: 'mpa',
  define: { __SDK_VERSION__: JSON.stringify(version) },
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    alias: [
      { find: /^enchanted-link\/react$/, replacement: here('../../src/react/index.ts') },
      { find: /^enchanted-link$/, replacement: here('../../src/index.ts') },
    ],
  },
  build: {
    target: 'es2022',
    rolldownOptions: { input: { signIn: here('index.html'), verify: here('verify.html') } },
  },
});

// Size of each entry of the package other than the main one, on its own: what a typical use of it adds to
// a bundle (bundled as bench/size.mjs does: esbuild, browser, minified, gzip -9; the server entry as a
// Cloudflare Worker or Deno bundles it). The main entry is bench/size.mjs, its add-ons (flow, keeper,
// React) bench/size-ui.mjs. `node bench/size-entries.mjs` exits 1 over budget (part of `npm run size`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, kb } from './lib.mjs';
import { bundleSize } from './size.mjs';

const at = (file) => JSON.stringify(join(DIST, file));

/**
 * The budgets (min+gzip bytes): measured plus 5 %, the headroom every budget has (see BUDGET in size.mjs
 * for why). Measured 2026-12-03 (issue 23): testing 15,839 B, testing/msw with the emulator 15,850 B.
 * The server entry is jose's JWS verification and JWK import, zod/mini and ky for the key fetch; the
 * testing entry is the emulator with its signing keys (Web Crypto) and pages, which only tests load.
 *
 * Issue 24 put the server kit in the server entry, measured 2026-12-03: `createServerKit` 38,268 B (the
 * client's send, verify, poll and session calls, the request budget, the validator, the kit's routes and
 * pages); an app that imports only `SessionValidator` 28,692 B, up from 27,771 B: dist/server.js is one
 * file, and the module-level statements of the kit's graph (error class names, the client's zod schemas)
 * stay in a bundle that does not call the kit. 0.9 KB for validator-only apps was judged cheaper than a
 * second server entry (a Worker that checks sessions usually also serves the flow).
 */
export const ENTRY_BUDGET = {
  server: Math.ceil(28_692 * 1.05),
  kit: Math.ceil(38_268 * 1.05),
  testing: Math.ceil(15_839 * 1.05),
  msw: Math.ceil(15_850 * 1.05),
  // enchanted-link/redis (issue 24): the kit's store and the fleet-wide budget store, their Lua scripts and
  // the shared argument checks; `redis` itself is the app's (typed by shape, never imported).
  redis: Math.ceil(1_807 * 1.05),
};

const USES = {
  server: `
import { SessionValidator, SessionError } from ${at('server.js')};
const sessions = new SessionValidator({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z' });
export default { async fetch(request) {
  try { return Response.json(await sessions.validateSession(request.headers.get('authorization')?.slice(7) ?? '')); }
  catch (error) { return new Response(null, { status: error instanceof SessionError ? 401 : 503 }); }
} };
`,
  // The server kit as a Worker mounts it: the whole flow (client, poll, budget, validator, Web Crypto state).
  kit: `
import { createServerKit } from ${at('server.js')};
const kit = createServerKit({ projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z', secret: 'a-secret-of-at-least-32-characters!!', publicUrl: 'https://app.example.com' });
export default { fetch: (request) => kit.handle(request) };
`,
  testing: `
import { createEmulator } from ${at('testing.js')};
const emulator = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
export const { fetch, click, lastEmail } = emulator;
`,
  redis: `
import { RedisStore, RedisBudgetStore } from ${at('redis.js')};
export const stores = (client) => ({ store: new RedisStore(client), budget: new RedisBudgetStore(client) });
`,
  msw: `
import { emulatorHandlers } from ${at('testing-msw.js')};
import { createEmulator } from ${at('testing.js')};
export const handlers = emulatorHandlers(createEmulator());
`,
};

export async function measureEntries() {
  if (!existsSync(join(DIST, 'server.js'))) throw new Error('dist/server.js is missing: run `npm run build` first');
  const sizes = {};
  for (const [name, contents] of Object.entries(USES)) sizes[name] = (await bundleSize(contents, { external: ['msw', 'msw/*', 'node:*'] })).gzip;
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await measureEntries();
  const over = [];
  for (const [name, gzip] of Object.entries(sizes)) {
    const label = name === 'msw' ? 'testing/msw (with the emulator)' : name === 'kit' ? 'server (createServerKit)' : name;
    console.log(`  ${`enchanted-link/${label}`.padEnd(44)} ${kb(gzip).padStart(10)}  (budget ${kb(ENTRY_BUDGET[name])})`);
    if (gzip > ENTRY_BUDGET[name]) over.push(`${name} ${gzip - ENTRY_BUDGET[name]} bytes over`);
  }
  if (over.length) {
    console.error(`size budget exceeded: ${over.join(', ')}`);
    process.exit(1);
  }
  console.log('size budget ok: server, testing and redis entries (min+gzip)');
}

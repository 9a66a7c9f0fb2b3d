// The one place the server kit is made, from the environment: the route handlers, the proxy and the
// server components all call `getKit()`. Next.js bundles proxy.ts apart from the app, so one process holds
// two kits made from the same settings, like two instances: they share one store (below), so a sign-out
// through the routes' kit also drops what the proxy's kept of a refresh it just made (see REFRESH_GRACE_MS).
// Several processes: a RedisStore from enchanted-link/redis instead.
import { logEvents } from 'enchanted-link';
import { createServerKit, MemoryStore, type ServerKit } from 'enchanted-link/server';

/** One store per process, found through `globalThis` by both bundles (module state is per bundle). */
const shared = globalThis as typeof globalThis & { enchantedLinkStore?: MemoryStore };
const store = (shared.enchantedLinkStore ??= new MemoryStore());

/** The emulator's project ID and address, as `npm run emulator` (enchanted-link emulator) serves them. */
const EMULATOR = { projectId: 'P2emulator000000000000000000', baseUrl: 'http://127.0.0.1:4010' };

// `next dev` only: no Descope project, no secret to configure. `next build` and `next start` run with
// NODE_ENV=production, where every missing setting stops the app instead.
const development = process.env.NODE_ENV === 'development';

function setting(name: string, developmentDefault: string | undefined): string {
  const value = process.env[name] || (development ? developmentDefault : undefined);
  if (!value) throw new Error(`${name} is not set (see examples/nextjs/README.md)`);
  return value;
}

let kit: ServerKit | undefined;

/**
 * The kit, made on first use rather than at import: `next build` imports this module to collect the
 * routes, and a build machine need not hold the secret.
 */
export function getKit(): ServerKit {
  if (!kit) {
    const baseUrl = process.env.DESCOPE_BASE_URL || (process.env.DESCOPE_PROJECT_ID ? undefined : EMULATOR.baseUrl);
    kit = createServerKit({
      projectId: setting('DESCOPE_PROJECT_ID', EMULATOR.projectId),
      ...(baseUrl ? { baseUrl } : {}),
      // At least 32 characters, the same on every instance. Development only: a fixed, public value.
      secret: setting('AUTH_SECRET', 'development only: not a secret, never used in production'),
      // The origin browsers see: the kit checks Origin against it and points the emailed links at it.
      publicUrl: setting('PUBLIC_URL', 'http://localhost:3000'),
      store,
      // DEBUG=1: what the kit and the SDK did, one line each (no token, JWT or address is ever in them).
      ...(process.env.DEBUG ? { onEvent: logEvents() } : {}),
    });
  }
  return kit;
}

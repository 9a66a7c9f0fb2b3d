// The same app on a Workers runtime (Cloudflare Workers, workerd): configuration comes from the
// worker's environment bindings (DESCOPE_PROJECT_ID, DESCOPE_BASE_URL, AUTH_SECRET, PUBLIC_URL), and the
// app is made on the first request, when they are known. No emulator here: point DESCOPE_BASE_URL at one.
//
// Sign-ins live in the kit's MemoryStore, one per isolate: enough for one isolate (as in `wrangler dev`),
// not for a deployment that runs many. There, give `store` a KitStore every isolate reaches.
import type { ExecutionContext, Hono } from 'hono';
import { createServerKit } from 'enchanted-link/server';
import { createApp } from './app.ts';

interface Env {
  DESCOPE_PROJECT_ID?: string;
  DESCOPE_BASE_URL?: string;
  AUTH_SECRET?: string;
  PUBLIC_URL?: string;
}

let app: Hono | undefined;

function appFor(env: Env): Hono {
  const { DESCOPE_PROJECT_ID: projectId, DESCOPE_BASE_URL: baseUrl, AUTH_SECRET: secret, PUBLIC_URL: publicUrl } = env;
  if (!projectId || !secret || !publicUrl) throw new Error('Set DESCOPE_PROJECT_ID, AUTH_SECRET and PUBLIC_URL in the worker’s environment');
  const kit = createServerKit({ projectId, ...(baseUrl ? { baseUrl } : {}), secret, publicUrl });
  // Cloudflare puts the client's address in CF-Connecting-IP.
  return createApp(kit, (c) => c.req.header('cf-connecting-ip'));
}

export default {
  fetch(request: Request, env: Env, context: ExecutionContext): Response | Promise<Response> {
    app ??= appFor(env);
    return app.fetch(request, env, context);
  },
};

// The endpoints a signed-in app calls (spec §16): refresh, logout, logoutall and me, each authenticated
// by `Bearer <projectId>:<refreshJwt>`, and the project's public keys at GET /v2/keys/<projectId>.
import { PATHS } from '../protocol/paths.js';
import { fail } from './errors.js';
import type { Issuer } from './issuer.js';
import { errorResponse, jsonResponse } from './responses.js';
import { authorize } from './routes.js';
import { userJson, type EmulatorState } from './state.js';

/** Where Descope publishes a project's session-JWT keys (node-sdk's `fetchKeys`). */
export const KEYS_PATH_PREFIX = '/v2/keys/';

interface SessionRoute {
  readonly method: 'GET' | 'POST';
  readonly run: (state: EmulatorState, refreshJwt: string | undefined) => unknown;
}

const SESSION_ROUTES: ReadonlyMap<string, SessionRoute> = new Map<string, SessionRoute>([
  [PATHS.refresh, { method: 'POST', run: (state, refreshJwt) => state.refresh(refreshJwt) }],
  [PATHS.logout, { method: 'POST', run: (state, refreshJwt) => (state.logout(refreshJwt), {}) }],
  [PATHS.logoutAll, { method: 'POST', run: (state, refreshJwt) => (state.logoutAll(refreshJwt), {}) }],
  [PATHS.me, { method: 'GET', run: (state, refreshJwt) => userJson(state.sessionUser(refreshJwt)) }],
]);

/** What a session route needs from the emulator. */
export interface SessionRouteContext {
  readonly state: EmulatorState;
  readonly issuer: Issuer;
  readonly projectId: string;
}

/**
 * The answer for a session path or the keys path, or `undefined` when `path` is neither. Authorization is
 * checked before the method, as for the enchanted-link endpoints. Throws EmulatorFailure like the API routes.
 */
export async function answerSessionRoute(request: Request, path: string, context: SessionRouteContext): Promise<Response | undefined> {
  if (path.startsWith(KEYS_PATH_PREFIX)) {
    // Public: no Authorization. Another project's keys are not this emulator's to serve.
    if (request.method !== 'GET') return errorResponse('methodNotAllowed', `${path} accepts GET`, { allow: 'GET, OPTIONS' });
    if (path !== `${KEYS_PATH_PREFIX}${context.projectId}`) fail('routeNotFound', `this emulator serves ${KEYS_PATH_PREFIX}${context.projectId}`);
    return jsonResponse(200, await context.issuer.jwks(), { 'cache-control': 'max-age=60' });
  }
  const route = SESSION_ROUTES.get(path);
  if (!route) return undefined;
  const refreshJwt = authorize(request.headers.get('authorization'), context.projectId);
  if (request.method !== route.method) {
    return errorResponse('methodNotAllowed', `${path} accepts ${route.method}`, { allow: `${route.method}, OPTIONS` });
  }
  return jsonResponse(200, await route.run(context.state, refreshJwt));
}

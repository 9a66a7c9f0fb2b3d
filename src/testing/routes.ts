import { PATHS } from '../protocol/paths.js';
import { fail } from './errors.js';
import { flag, isEmail, objectField, optionalString, requiredString, type Fields } from './body.js';
import type { EmulatorState, SendInput, UserRecord } from './state.js';

/** What an API route gets: the checked request and the state. */
export interface RouteContext {
  readonly state: EmulatorState;
  /** The JSON object body. */
  readonly fields: Fields;
  /** From `Bearer <projectId>:<refreshJwt>`, if given. */
  readonly refreshJwt: string | undefined;
  /** Used when the body has neither `redirectUrl` nor `URI`. */
  readonly defaultRedirectUrl: string;
  /** The project's approved domains; `undefined` approves every domain. */
  readonly approvedDomains: readonly string[] | undefined;
}

/** An API route answers 200 with the JSON it returns, or throws an EmulatorFailure. */
type ApiRoute = (context: RouteContext) => unknown;

/**
 * The refresh JWT of `Authorization: Bearer <projectId>[:<refreshJwt>[:<managementKey>]]` (spec §8),
 * or a badAuthorization failure when the project ID is missing or another one.
 */
export function authorize(header: string | null, projectId: string): string | undefined {
  const [project, refreshJwt] = (/^Bearer (.*)$/i.exec(header ?? '')?.[1] ?? '').split(':');
  if (project !== projectId) {
    fail('badAuthorization', header ? `expected Bearer ${projectId}` : 'the Authorization header is missing');
  }
  return refreshJwt || undefined;
}

function send(context: RouteContext, input: Omit<SendInput, 'redirectUrl' | 'customClaims'>): unknown {
  const { fields, state, defaultRedirectUrl } = context;
  if (!isEmail(input.to)) fail('invalidRequest', 'there is no email address to send the links to');
  // Both names are accepted (spec §2.1): the JS SDKs send `URI`, the docs and mobile SDKs `redirectUrl`.
  const requested = optionalString(fields, 'redirectUrl') ?? optionalString(fields, 'URI');
  if (requested !== undefined) requireApproved(requested, context.approvedDomains);
  const redirectUrl = requested ?? defaultRedirectUrl;
  const customClaims = objectField(objectField(fields, 'loginOptions'), 'customClaims');
  return state.send({ ...input, redirectUrl, customClaims });
}

/**
 * A redirect URL sent with a request must be on the project's approved domains (spec §2.1): its host
 * equals an entry or is a subdomain of it, in any case, on any port. The project's default redirect URL
 * is the console's own setting and is not checked.
 */
function requireApproved(redirectUrl: string, approvedDomains: readonly string[] | undefined): void {
  if (approvedDomains === undefined) return;
  let host: string;
  try {
    host = new URL(redirectUrl).hostname.toLowerCase();
  } catch {
    fail('redirectUrlNotApproved', 'the redirect URL is not an absolute URL');
  }
  const approved = approvedDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
  if (!approved) fail('redirectUrlNotApproved', `${host} is not one of the project's approved domains`);
}

/** Fails unless the request carries a live refresh JWT of `user`. */
function requireOwnSession({ state, refreshJwt }: RouteContext, user: UserRecord | undefined): void {
  if (state.sessionUser(refreshJwt) !== user) fail('refreshJwtRequired', 'the refresh JWT belongs to another user');
}

/** Step-up and MFA add to an existing session, so they need its refresh JWT (spec §4). */
function requireSessionForStepUp(context: RouteContext, user: UserRecord | undefined): void {
  const options = objectField(context.fields, 'loginOptions');
  if (flag(options, 'stepup') || flag(options, 'mfa')) requireOwnSession(context, user);
}

/** The six enchanted-link endpoints (all POST), by path. */
export const API_ROUTES: ReadonlyMap<string, ApiRoute> = new Map<string, ApiRoute>([
  [
    PATHS.signIn,
    (context) => {
      const loginId = requiredString(context.fields, 'loginId');
      const user = context.state.requireUser(loginId);
      requireSessionForStepUp(context, user);
      return send(context, { kind: 'signIn', loginId, to: user.email ?? loginId });
    },
  ],
  [
    PATHS.signUp,
    (context) => {
      const loginId = requiredString(context.fields, 'loginId');
      if (context.state.findUser(loginId)) fail('userAlreadyExists', `${loginId} is already registered`);
      const user = objectField(context.fields, 'user');
      const to = optionalString(user, 'email') ?? optionalString(context.fields, 'email') ?? loginId;
      return send(context, { kind: 'signUp', loginId, to, name: optionalString(user, 'name') });
    },
  ],
  [
    PATHS.signInOrUp,
    (context) => {
      const loginId = requiredString(context.fields, 'loginId');
      const user = context.state.findUser(loginId);
      requireSessionForStepUp(context, user);
      return send(context, { kind: 'signInOrUp', loginId, to: user?.email ?? loginId });
    },
  ],
  [
    PATHS.updateEmail,
    (context) => {
      const { fields, state } = context;
      state.sessionUser(context.refreshJwt); // authentication comes before looking at the body
      const loginId = requiredString(fields, 'loginId');
      const to = requiredString(fields, 'email');
      if (!isEmail(to)) fail('invalidRequest', 'email must be an email address');
      const user = state.requireUser(loginId);
      requireOwnSession(context, user);
      const addToLoginIds = flag(fields, 'addToLoginIDs');
      const owner = state.findUser(to);
      if (addToLoginIds && owner && owner !== user) fail('userAlreadyExists', `${to} is another user's login ID`);
      return send(context, { kind: 'updateEmail', loginId, to, addToLoginIds });
    },
  ],
  [
    PATHS.verify,
    ({ fields, state }) => {
      const token = requiredString(fields, 'token');
      // Accepted and type-checked only: the PKCE transform is undocumented (spec §11).
      optionalString(fields, 'pkceVerifier');
      state.verify(token);
      return {};
    },
  ],
  [PATHS.pendingSession, ({ fields, state }) => state.redeem(requiredString(fields, 'pendingRef'))],
]);

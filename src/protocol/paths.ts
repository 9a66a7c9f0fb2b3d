/**
 * The API paths the SDK calls, relative to the API base URL; handy to aim an emulator fault at one
 * endpoint. All are `POST` except {@link PATHS.me} (`GET`).
 *
 * @category Testing
 */
export const PATHS = {
  /** Sign in an existing user. */
  signIn: '/v1/auth/enchantedlink/signin/email',
  /** Sign up a new user. */
  signUp: '/v1/auth/enchantedlink/signup/email',
  /** Sign in, or sign up when new. */
  signInOrUp: '/v1/auth/enchantedlink/signup-in/email',
  /** Change a signed-in user's email. */
  updateEmail: '/v1/auth/enchantedlink/update/email',
  /** Verify a clicked link's token. */
  verify: '/v1/auth/enchantedlink/verify',
  /** Poll for the session. */
  pendingSession: '/v1/auth/enchantedlink/pending-session',
  /** Get a new session JWT with a refresh JWT. */
  refresh: '/v1/auth/refresh',
  /** Revoke one refresh JWT (sign out). */
  logout: '/v1/auth/logout',
  /** Revoke every refresh JWT of the user (sign out everywhere). */
  logoutAll: '/v1/auth/logoutall',
  /** The signed-in user (`GET`). */
  me: '/v1/auth/me',
} as const;

/**
 * One of the API paths in {@link PATHS}.
 *
 * @category Testing
 */
export type EndpointPath = (typeof PATHS)[keyof typeof PATHS];

/**
 * The query parameter each send adds to the redirect URL with the sign-in's binding (ours, not Descope's:
 * Descope appends `t` after it): `https://app.example.com/verify?el_binding=…&t=…`. Prefixed so it cannot
 * clash with an app's own parameters.
 */
export const BINDING_PARAM = 'el_binding';

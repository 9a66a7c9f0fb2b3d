/**
 * The six enchanted-link endpoint paths (all `POST`), relative to the API base URL; handy to aim an
 * emulator fault at one endpoint.
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
} as const;

/**
 * One of the enchanted-link endpoint paths.
 *
 * @category Testing
 */
export type EndpointPath = (typeof PATHS)[keyof typeof PATHS];

/** The six enchanted-link endpoints (all `POST`), relative to the API base URL. */
export const PATHS = {
  signIn: '/v1/auth/enchantedlink/signin/email',
  signUp: '/v1/auth/enchantedlink/signup/email',
  signInOrUp: '/v1/auth/enchantedlink/signup-in/email',
  updateEmail: '/v1/auth/enchantedlink/update/email',
  verify: '/v1/auth/enchantedlink/verify',
  pendingSession: '/v1/auth/enchantedlink/pending-session',
} as const;

/** One of the enchanted-link endpoint paths. */
export type EndpointPath = (typeof PATHS)[keyof typeof PATHS];

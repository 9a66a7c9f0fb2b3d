/**
 * Options sent as `loginOptions` on sign-in and sign-up-or-in (spec §7.2). Unknown keys are sent as given.
 *
 * @category Client
 */
export interface LoginOptions {
  /** Step-up authentication for a signed-in user; requires `refreshJwt`. */
  stepup?: boolean | undefined;
  /** Add a factor to an existing session; requires `refreshJwt`. */
  mfa?: boolean | undefined;
  /** Revoke the user's other sessions once signed in. */
  revokeOtherSessions?: boolean | undefined;
  /** Extra claims for the session JWT (strings, numbers or booleans). */
  customClaims?: Record<string, unknown> | undefined;
  /** Overrides the project's email template. */
  templateId?: string | undefined;
  /** Variables for the email template. */
  templateOptions?: Record<string, string> | undefined;
  /** Message locale, e.g. `en`. */
  locale?: string | undefined;
  /** Ties the authentication to a tenant. */
  tenantId?: string | undefined;
  /**
   * PKCE challenge (experimental). Descope documents the field but not its transform or encoding, and no
   * official SDK sends it: test against your project before relying on it.
   */
  pkceChallenge?: string | undefined;
  [key: string]: unknown;
}

/**
 * Options sent as `loginOptions` on sign-up (`SignupLoginOptions`).
 *
 * @category Client
 */
export type SignUpLoginOptions = Omit<LoginOptions, 'stepup' | 'mfa'>;

/**
 * Profile of a new user for {@link EnchantedLinkClient.signUp}.
 *
 * @category Client
 */
export interface SignUpUser {
  /** Display name. */
  name?: string | undefined;
  /** Given (first) name. */
  givenName?: string | undefined;
  /** Middle name. */
  middleName?: string | undefined;
  /** Family (last) name. */
  familyName?: string | undefined;
  /** Phone number. */
  phone?: string | undefined;
  /** Email address, when the login ID is not the email. */
  email?: string | undefined;
}

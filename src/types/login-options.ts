/**
 * Options sent as `loginOptions` on sign-in and sign-up-or-in (spec §7.2). Unknown keys are sent as given.
 *
 * @category Client
 */
export interface LoginOptions {
  /** Step-up authentication for a signed-in user; requires `refreshJwt`. */
  stepup?: boolean;
  /** Add a factor to an existing session; requires `refreshJwt`. */
  mfa?: boolean;
  /** Revoke the user's other sessions once signed in. */
  revokeOtherSessions?: boolean;
  /** Extra claims for the session JWT (strings, numbers or booleans). */
  customClaims?: Record<string, unknown>;
  /** Overrides the project's email template. */
  templateId?: string;
  /** Variables for the email template. */
  templateOptions?: Record<string, string>;
  /** Message locale, e.g. `en`. */
  locale?: string;
  /** Ties the authentication to a tenant. */
  tenantId?: string;
  /**
   * PKCE challenge (experimental). Descope documents the field but not its transform or encoding, and no
   * official SDK sends it: test against your project before relying on it.
   */
  pkceChallenge?: string;
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
  name?: string;
  /** Given (first) name. */
  givenName?: string;
  /** Middle name. */
  middleName?: string;
  /** Family (last) name. */
  familyName?: string;
  /** Phone number. */
  phone?: string;
  /** Email address, when the login ID is not the email. */
  email?: string;
}

/**
 * The signed-in user as Descope returns it (`ResponseUser`, wire casing kept: `TOTP`, `SAML`, `OAuth`).
 * Only `userId`, `loginIds`, `email`, `name`, `verifiedEmail`, `status` and `createdTime` are checked at
 * run time; the rest is passed through as received.
 *
 * @category Client
 */
export interface User {
  /** Descope's user ID (the JWT `sub`). */
  userId?: string;
  /** Every login ID of the user (email addresses, phone numbers, usernames). */
  loginIds?: string[];
  /** Primary email address. */
  email?: string;
  /** Whether `email` was verified (an enchanted-link sign-in verifies it). */
  verifiedEmail?: boolean;
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
  /** Whether `phone` was verified. */
  verifiedPhone?: boolean;
  /** URL of the user's picture. */
  picture?: string;
  /** e.g. `enabled`, `disabled`, `invited`. */
  status?: string;
  /** Project-level roles. */
  roleNames?: string[];
  /** Tenants the user belongs to, with their roles there. */
  userTenants?: UserTenant[];
  /** Custom attributes set in the Descope console. */
  customAttributes?: Record<string, unknown>;
  /** When the user was created, in Unix **seconds**. */
  createdTime?: number;
  /** Whether this is a Descope test user. */
  test?: boolean;
  /** Whether the user has an authenticator app (wire name `TOTP`). */
  TOTP?: boolean;
  /** Whether the user signs in through SAML (wire name `SAML`). */
  SAML?: boolean;
  /** Whether the user is provisioned through SCIM (wire name `SCIM`). */
  SCIM?: boolean;
  /** OAuth providers the user has signed in with (wire name `OAuth`). */
  OAuth?: Record<string, boolean>;
  /** Whether the user has a passkey. */
  webauthn?: boolean;
  /** Whether the user has a password. */
  password?: boolean;
}

/**
 * A tenant of a {@link User}.
 *
 * @category Client
 */
export interface UserTenant {
  /** The tenant's ID. */
  tenantId: string;
  /** The tenant's name. */
  tenantName?: string;
  /** The user's roles in this tenant. */
  roleNames?: string[];
  /** The user's permissions in this tenant. */
  permissions?: string[];
}

/**
 * The session JWTs and cookie hints that `pending-session` returns once the right link was verified
 * (`JWTResponse`). Unknown fields are passed through as received.
 *
 * Projects configured to return tokens as cookies only (`sessionJwt` absent from the body) are not
 * supported by this version.
 *
 * @category Client
 */
export interface Session {
  /** The short-lived session JWT. */
  sessionJwt: string;
  /** The long-lived refresh JWT. Keep it secret: an `HttpOnly` cookie on the server, never in logs. */
  refreshJwt?: string;
  /** `Domain` attribute for the refresh cookie. */
  cookieDomain?: string;
  /** `Path` attribute for the refresh cookie. */
  cookiePath?: string;
  /** `Max-Age` for the refresh cookie, in seconds. */
  cookieMaxAge?: number;
  /** When the refresh cookie expires, in Unix **seconds**. */
  cookieExpiration?: number;
  /** When the session JWT expires, in Unix **seconds**. */
  sessionExpiration?: number;
  /** `true` the first time this user signs in (i.e. just signed up). */
  firstSeen?: boolean;
  /** The signed-in user. */
  user?: User;
}

/**
 * What a send call returns: show `linkId` to the user, keep `pendingRef` for {@link EnchantedLinkClient.pollSession}.
 *
 * @category Client
 */
export interface LinkSent {
  /** The number of the link the user must click, a 2-digit string such as `"07"`; show it on screen. */
  linkId: string;
  /**
   * Opaque reference to poll with. A bearer secret until redeemed: whoever holds it gets the session once
   * the right link is verified. Keep it in the tab or on the server that started the sign-in; never log
   * it or put it in a URL.
   */
  pendingRef: string;
  /** The destination address, masked for display (e.g. `a***@example.com`), when Descope sends it. */
  maskedEmail?: string;
}

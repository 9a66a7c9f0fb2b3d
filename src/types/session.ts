/**
 * The signed-in user as Descope returns it (`ResponseUser`, wire casing kept: `TOTP`, `SAML`, `OAuth`).
 * Every field below is checked at run time; unknown fields are passed through as received.
 *
 * @category Client
 */
export interface User {
  /** Descope's user ID (the JWT `sub`). */
  userId?: string | undefined;
  /** Every login ID of the user (email addresses, phone numbers, usernames). */
  loginIds?: string[] | undefined;
  /** Primary email address. */
  email?: string | undefined;
  /** Whether `email` was verified (an enchanted-link sign-in verifies it). */
  verifiedEmail?: boolean | undefined;
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
  /** Whether `phone` was verified. */
  verifiedPhone?: boolean | undefined;
  /** URL of the user's picture. */
  picture?: string | undefined;
  /** e.g. `enabled`, `disabled`, `invited`. */
  status?: string | undefined;
  /** Project-level roles. */
  roleNames?: string[] | undefined;
  /** Tenants the user belongs to, with their roles there. */
  userTenants?: UserTenant[] | undefined;
  /** Custom attributes set in the Descope console. */
  customAttributes?: Record<string, unknown> | undefined;
  /** When the user was created, in Unix **seconds**. */
  createdTime?: number | undefined;
  /** Whether this is a Descope test user. */
  test?: boolean | undefined;
  /** Whether the user has an authenticator app (wire name `TOTP`). */
  TOTP?: boolean | undefined;
  /** Whether the user signs in through SAML (wire name `SAML`). */
  SAML?: boolean | undefined;
  /** Whether the user is provisioned through SCIM (wire name `SCIM`). */
  SCIM?: boolean | undefined;
  /** OAuth providers the user has signed in with (wire name `OAuth`). */
  OAuth?: Record<string, unknown> | undefined;
  /** Whether the user has a passkey. */
  webauthn?: boolean | undefined;
  /** Whether the user has a password. */
  password?: boolean | undefined;
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
  tenantName?: string | undefined;
  /** The user's roles in this tenant. */
  roleNames?: string[] | undefined;
  /** The user's permissions in this tenant. */
  permissions?: string[] | undefined;
}

/**
 * The session JWTs and cookie hints that `pending-session` returns once the right link was verified
 * (`JWTResponse`). Every field below is checked at run time; unknown fields are passed through as received.
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
  refreshJwt?: string | undefined;
  /** `Domain` attribute for the refresh cookie. */
  cookieDomain?: string | undefined;
  /** `Path` attribute for the refresh cookie. */
  cookiePath?: string | undefined;
  /** `Max-Age` for the refresh cookie, in seconds. */
  cookieMaxAge?: number | undefined;
  /** When the refresh cookie expires, in Unix **seconds**. */
  cookieExpiration?: number | undefined;
  /** When the session JWT expires, in Unix **seconds**. */
  sessionExpiration?: number | undefined;
  /** `true` the first time this user signs in (i.e. just signed up). */
  firstSeen?: boolean | undefined;
  /** The signed-in user. */
  user?: User | undefined;
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
  maskedEmail?: string | undefined;
  /**
   * The random value this send added to the redirect URL (the `el_binding` query parameter of every
   * emailed link), unique to this sign-in; `undefined` when the send had no redirect URL. You never need
   * it in a page: the client keeps it, and its {@link EnchantedLinkClient.pollSession} answers the verify
   * page's same-browser handshake with it. A server that serves the verify page itself keeps it with the
   * pending sign-in to find which sign-in a link belongs to ({@link readBindingFromUrl}). Not a credential:
   * it is in every link, and no session can be had with it.
   */
  binding?: string | undefined;
}

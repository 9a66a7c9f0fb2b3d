// Runtime shapes of every response body (spec §7, §9). Loose on purpose: unknown fields pass through,
// and only documented fields are named, so Descope can add fields without breaking users. Every field the
// public types name is checked here (types/schema-checks.ts holds them equal at compile time), so no field
// is typed as checked when it is not. `zod/mini` keeps the browser bundle small (see BENCHMARKS.md).
import * as z from 'zod/mini';

const string = z.optional(z.string());
const number = z.optional(z.number());
const boolean = z.optional(z.boolean());
const strings = z.optional(z.array(z.string()));
const object = z.optional(z.looseObject({}));

/** Body of the three send endpoints and update/email. */
export const linkResponseSchema = z.looseObject({
  linkId: z.string(),
  pendingRef: z.string(),
  maskedEmail: string,
});

/** `UserTenants`. */
export const userTenantSchema = z.looseObject({
  tenantId: z.string(),
  tenantName: string,
  roleNames: strings,
  permissions: strings,
});

/** `ResponseUser`. */
export const userSchema = z.looseObject({
  userId: string,
  loginIds: strings,
  email: string,
  verifiedEmail: boolean,
  name: string,
  givenName: string,
  middleName: string,
  familyName: string,
  phone: string,
  verifiedPhone: boolean,
  picture: string,
  status: string,
  roleNames: strings,
  userTenants: z.optional(z.array(userTenantSchema)),
  customAttributes: object,
  createdTime: number,
  test: boolean,
  TOTP: boolean,
  SAML: boolean,
  SCIM: boolean,
  OAuth: object,
  webauthn: boolean,

  password: boolean,
});

/** `JWTResponse` from pending-session once the right link was verified. */
export const sessionSchema = z.looseObject({
  sessionJwt: z.string(),
  refreshJwt: string,
  cookieDomain: string,
  cookiePath: string,
  cookieMaxAge: number,
  cookieExpiration: number,
  sessionExpiration: number,
  firstSeen: boolean,
  user: z.optional(userSchema),
});

/** Verify answers `{}`; any JSON object is accepted. */
export const emptyResponseSchema = z.looseObject({});

/** Descope's error body; `errorCode` is always present on a genuine Descope error. */
export const errorBodySchema = z.looseObject({
  errorCode: z.string(),
  errorDescription: string,
  errorMessage: string,
});

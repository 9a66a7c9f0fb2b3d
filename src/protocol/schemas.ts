// Runtime shapes of every response body (spec §7, §9). Loose on purpose: unknown fields pass through,
// and only what the SDK relies on is required, so Descope can add fields without breaking users.
// `zod/mini` keeps the browser bundle small (see BENCHMARKS.md).
import * as z from 'zod/mini';

const optionalString = z.optional(z.string());
const optionalNumber = z.optional(z.number());
const optionalBoolean = z.optional(z.boolean());

/** Body of the three send endpoints and update/email. */
export const linkResponseSchema = z.looseObject({
  linkId: z.string(),
  pendingRef: z.string(),
  maskedEmail: optionalString,
});

/** `ResponseUser`, checked only where the SDK or a typical UI reads it. */
export const userSchema = z.looseObject({
  userId: optionalString,
  loginIds: z.optional(z.array(z.string())),
  email: optionalString,
  name: optionalString,
  verifiedEmail: optionalBoolean,
  status: optionalString,
  createdTime: optionalNumber,
});

/** `JWTResponse` from pending-session once the right link was verified. */
export const sessionSchema = z.looseObject({
  sessionJwt: z.string(),
  refreshJwt: optionalString,
  cookieDomain: optionalString,
  cookiePath: optionalString,
  cookieMaxAge: optionalNumber,
  cookieExpiration: optionalNumber,
  sessionExpiration: optionalNumber,
  firstSeen: optionalBoolean,
  user: z.optional(userSchema),
});

/** Verify answers `{}`; any JSON object is accepted. */
export const emptyResponseSchema = z.looseObject({});

/** Descope's error body; `errorCode` is always present on a genuine Descope error. */
export const errorBodySchema = z.looseObject({
  errorCode: z.string(),
  errorDescription: optionalString,
  errorMessage: optionalString,
});

// Compile-time only (nothing imports this file; `tsc` checks it): the public result types, written out
// for their docs, name exactly the fields the zod schemas check, with types the parsed values fit. A field
// added to one side only, or typed as checked when the schema does not check it, fails `npm run typecheck`.
import type * as z from 'zod/mini';
import type { linkResponseSchema, sessionSchema, userSchema, userTenantSchema } from '../protocol/schemas.js';
import type { LinkSent, Session, User, UserTenant } from './session.js';

/** The named fields of a loose object's output, without its `[key: string]: unknown`. */
type Named<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
/** `true` when `Type` names the same fields as the schema's output and every parsed value fits `Type`. */
type Checks<Type, Schema extends z.ZodMiniType> =
  [keyof Type] extends [keyof Named<z.output<Schema>>]
    ? [keyof Named<z.output<Schema>>] extends [keyof Type]
      ? z.output<Schema> extends Type
        ? true
        : 'a parsed value does not fit the type'
      : 'the schema checks a field the type does not name'
    : 'the type names a field the schema does not check';

export type SchemaChecks = [
  // `binding` is the client's own (it adds it to the redirect URL), not part of Descope's answer.
  true extends Checks<Omit<LinkSent, 'binding'>, typeof linkResponseSchema> ? true : Checks<Omit<LinkSent, 'binding'>, typeof linkResponseSchema>,
  true extends Checks<Session, typeof sessionSchema> ? true : Checks<Session, typeof sessionSchema>,
  true extends Checks<User, typeof userSchema> ? true : Checks<User, typeof userSchema>,
  true extends Checks<UserTenant, typeof userTenantSchema> ? true : Checks<UserTenant, typeof userTenantSchema>,
] extends [true, true, true, true]
  ? true
  : never;
// Fails to compile unless every check above holds.
export const schemaChecks: SchemaChecks = true;

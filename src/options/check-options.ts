// The one options checker of every entry (client, flow, keeper, verify helper, request budget, validator,
// emulator). Options are normalised once per options type, as ky's `normalize` does: a table (a `Spec`)
// says how each option is checked, and `checkOptions` runs it before anything else happens. An option
// given as `undefined` counts as absent, so callers with `exactOptionalPropertyTypes` may pass any optional
// option as `undefined`. Options not in the table are left alone (a caller may reuse a wider object).
import { assertOptionalObject, fail } from './arguments.js';

/** How each option of one options type is checked: `(value, argument) => void`, throwing `InvalidArgumentError`. */
export type Spec = Record<string, (value: unknown, argument: string) => void>;

/** An option renamed before 1.0: passing the old name is refused with the new one, never silently ignored. */
export const renamed =
  (to: string) =>
  (_value: unknown, argument: string): never =>
    fail(argument, `renamed to ${to}`);

/**
 * Checks `options` against `spec`, before any request; returns it, or `{}` for none.
 *
 * @param path - For options nested in another (e.g. the emulator's `rateLimit`): errors then name
 *   `path.option` and `path` itself when it is no object. Top-level options are named bare (`timeoutMs`).
 */
export function checkOptions<T extends object>(options: T | undefined, spec: Spec, path?: string): Partial<T> {
  assertOptionalObject(options, path ?? 'options');
  for (const name in spec) {
    const value = (options as Record<string, unknown> | undefined)?.[name];
    if (value !== undefined) spec[name]!(value, path ? `${path}.${name}` : name);
  }
  return options ?? {};
}

// The one options checker of every entry (client, flow, keeper, verify helper, request budget, validator,
// emulator). Options are normalised once per options type, as ky's `normalize` does: a table (a `Spec`)
// says how each option is checked, and `checkOptions` runs it before anything else happens. An option
// given as `undefined` counts as absent, so callers with `exactOptionalPropertyTypes` may pass any optional
// option as `undefined`. Options not in the table are left alone (a caller may reuse a wider object).
import { assertOptionalObject, fail } from './arguments.js';

/** How each option of one options type is checked: `(value, argument) => void`, throwing `InvalidArgumentError`. */
export type Spec = Record<string, (value: unknown, argument: string) => void>;

/** A check that stands for an option renamed before 1.0: see {@link renamed}. */
type RenamedCheck = ((value: unknown, argument: string) => void) & { readonly renamedTo: string };

/**
 * An option renamed before 1.0. Code written for 0.1 keeps working: a value under the former name is
 * checked by the new name's rule (errors name the former one, which is what the caller wrote) and used
 * as the new option. Giving both names is refused, since one of the two values would be ignored.
 */
export const renamed = (to: string): RenamedCheck => Object.assign(() => {}, { renamedTo: to });

/**
 * Checks `options` against `spec`, before any request; returns it, or `{}` for none.
 *
 * @param path - For options nested in another (e.g. the emulator's `rateLimit`): errors then name
 *   `path.option` and `path` itself when it is no object. Top-level options are named bare (`timeoutMs`).
 */
export function checkOptions<T extends object>(options: T | undefined, spec: Spec, path?: string): Partial<T> {
  assertOptionalObject(options, path ?? 'options');
  let checked = (options ?? {}) as Record<string, unknown>;
  for (const name in spec) {
    const value = checked[name];
    if (value === undefined) continue;
    const argument = path ? `${path}.${name}` : name;
    const { renamedTo } = spec[name] as Partial<RenamedCheck>;
    if (renamedTo === undefined) {
      spec[name]!(value, argument);
    } else {
      if (checked[renamedTo] !== undefined) fail(argument, `renamed to ${renamedTo}: give only ${renamedTo}`);
      spec[renamedTo]!(value, argument);
      // A copy: the caller's object is never written to.
      checked = { ...checked, [renamedTo]: value };
    }
  }
  return checked as Partial<T>;
}

import { fail } from './errors.js';

/** Largest request body the emulator reads, in bytes (1 MB); larger bodies are answered 413. */
export const MAX_BODY_BYTES = 1_048_576;

/** A request body as the emulator sees it. */
export interface ReadBody {
  /** Parsed JSON, or the raw text when it is not JSON, or `undefined` when empty or too large. */
  readonly value: unknown;
  /** Whether `value` came from JSON.parse. */
  readonly isJson: boolean;
  /** Whether the body exceeded {@link MAX_BODY_BYTES} (reading stopped there). */
  readonly tooLarge: boolean;
}

/** Reads at most MAX_BODY_BYTES + 1 bytes, so a huge upload cannot exhaust memory. */
export async function readBody(request: Request): Promise<ReadBody> {
  if (!request.body) return { value: undefined, isJson: false, tooLarge: false };
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return { value: undefined, isJson: false, tooLarge: true };
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  text += decoder.decode();
  if (text === '') return { value: undefined, isJson: false, tooLarge: false };
  try {
    return { value: JSON.parse(text) as unknown, isJson: true, tooLarge: false };
  } catch {
    return { value: text, isJson: false, tooLarge: false };
  }
}

/** A plain-object view of a request body or nested field; `null` and absent count as absent. */
export type Fields = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON object of an API request body (empty body = `{}`), or an invalidRequest failure. */
export function bodyFields(body: ReadBody): Fields {
  if (body.value === undefined) return {};
  if (!body.isJson) fail('invalidRequest', 'body is not valid JSON');
  if (!isObject(body.value)) fail('invalidRequest', 'body must be a JSON object');
  return body.value;
}

// Own properties only, so a key like "constructor" never reads Object.prototype.
function field(fields: Fields, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

function typed<T>(fields: Fields, key: string, type: string, check: (value: unknown) => value is T): T | undefined {
  const value = field(fields, key);
  if (value === undefined || value === null) return undefined;
  return check(value) ? value : fail('invalidRequest', `${key} must be ${type}`);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

/** A string field; the empty string counts as absent. */
export function optionalString(fields: Fields, key: string): string | undefined {
  return typed(fields, key, 'a string', isString) || undefined;
}

/** A non-empty string field, or an invalidRequest failure. */
export function requiredString(fields: Fields, key: string): string {
  return optionalString(fields, key) ?? fail('invalidRequest', `${key} is required`);
}

/** A boolean field; absent is `false`. */
export function flag(fields: Fields, key: string): boolean {
  return typed(fields, key, 'a boolean', isBoolean) ?? false;
}

/** A nested object field; absent is `{}`. */
export function objectField(fields: Fields, key: string): Fields {
  return typed(fields, key, 'an object', isObject) ?? {};
}

/** A loose check like the SDKs': something@something.something, no spaces. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

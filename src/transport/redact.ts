// Credentials are known by what they are, not by where a server might echo them: every value of a call
// that is a credential is redacted from whatever the call's error could carry (an error body, a runtime's
// error and anything it holds), however deep.

/** What a call carries that is a credential: each is redacted from its errors. */
export interface Credentials {
  /** The pendingRef (whoever holds it can claim the session), the link token, the PKCE verifier. */
  body?: { pendingRef?: unknown; token?: unknown; pkceVerifier?: unknown } | undefined;
  /** The refresh JWT sent in the Authorization header. */
  refreshJwt?: string | undefined;
  /** The app's custom header values (an API key is what a custom header usually carries). */
  headerValues: readonly string[];
}

/**
 * Shortest value redacted: a shorter one could match JSON syntax or an ordinary word (no real credential is
 * that short; a custom header value that short is not one).
 */
const MIN_LENGTH = 8;

/** The strings to redact: each credential, and a JWT's payload and signature alone (a server may echo a part). */
export function secretsOf({ body, refreshJwt, headerValues }: Credentials): string[] {
  const values = [...headerValues, refreshJwt, body?.pendingRef, body?.token, body?.pkceVerifier];
  const parts = typeof refreshJwt === 'string' ? refreshJwt.split('.').slice(1) : [];
  return [...values, ...parts].filter((s): s is string => typeof s === 'string' && s.length >= MIN_LENGTH);
}

export function redact(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) text = text.replaceAll(secret, '[redacted]');
  return text;
}

/** A cause chain this deep (or an object graph this big) is cut and replaced rather than searched further. */
const MAX_DEPTH = 16;
const MAX_NODES = 500;

/**
 * `value` itself when nothing in it quotes a secret, else a plain copy that keeps what is useful for
 * debugging (name, message, `code`, the cause chain, `AggregateError.errors`) with every secret redacted.
 * Searched: strings, every own property (enumerable or not: `util.inspect` may show both), `cause`,
 * `errors` and a `Headers`' values, to any depth; a chain deeper than 16 or bigger than 500 objects is
 * replaced as if it leaked, and the copy is cut there.
 */
export function scrub(value: unknown, secrets: readonly string[]): unknown {
  return secrets.length === 0 || !leaks(value, secrets) ? value : copy(value, secrets, 0);
}

function leaks(root: unknown, secrets: readonly string[]): boolean {
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (secrets.some((secret) => value.includes(secret))) return true;
      continue;
    }
    if (!value || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
    if (depth > MAX_DEPTH || seen.size >= MAX_NODES) return true;
    seen.add(value);
    for (const child of children(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** What `util.inspect` or a logger could print of an object: own data properties and a Headers' values. */
function children(value: object): unknown[] {
  const out: unknown[] = [];
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // Getters are not run (they could throw or have effects); `util.inspect` does not run them either.
    if (descriptor && 'value' in descriptor) out.push(descriptor.value);
    if (typeof key === 'string') out.push(key);
  }
  if (value instanceof Error) out.push(value.message, value.stack, value.cause, value.name);
  if (typeof Headers !== 'undefined' && value instanceof Headers) for (const [name, field] of value) out.push(name, field);
  return out;
}

function copy(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (!(value instanceof Error)) return typeof value === 'object' && value !== null ? '[redacted object]' : value;
  const message = redact(String(value.message), secrets);
  const cut = depth >= MAX_DEPTH;
  const errors = (value as { errors?: unknown }).errors;
  const clean: Error & { code?: string } =
    Array.isArray(errors) && !cut ? new AggregateError(errors.slice(0, 50).map((e) => copy(e, secrets, depth + 1)), message) : new Error(message);
  clean.name = redact(String(value.name), secrets);
  const { code } = value as { code?: unknown };
  if (typeof code === 'string') clean.code = redact(code, secrets);
  if (value.cause !== undefined) clean.cause = cut ? '[cause chain cut: too deep]' : copy(value.cause, secrets, depth + 1);
  return clean;
}

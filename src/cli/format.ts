// Terminal output helpers. Colour only on a terminal that wants it (NO_COLOR, https://no-color.org).
const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const wrap = (open: number, close: number) => (text: string) => (colour ? `\x1b[${open}m${text}\x1b[${close}m` : text);

export const style = { bold: wrap(1, 22), dim: wrap(2, 22) };

/**
 * C0 and C1 control characters (escape sequences start with ESC or CSI), DEL, and the Unicode controls
 * that reorder or hide text (bidi overrides and isolates, zero-width joiners, BOM).
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * `text` with every control character removed, for anything the CLI prints that it did not write itself
 * (addresses, URLs, names, error messages from a server): a web page or a server could otherwise move
 * the cursor, rewrite earlier lines or set the window title in the developer's terminal.
 */
export function safe(text: unknown): string {
  return String(text).replace(CONTROLS, '');
}

/**
 * A JWT as the demo shows it: its subject and expiry, never the token itself (a refresh JWT is a
 * credential, and terminals end up in screenshots and CI logs).
 */
export function describeJwt(jwt: string): string {
  const payload = decodePayload(jwt);
  if (!payload) return `${jwt.length} characters, not a readable JWT`;
  const exp = typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  const expiry = exp ? `expires ${exp.toISOString()} (in ${formatDuration(exp.getTime() - Date.now())})` : 'no expiry';
  return `${expiry}${typeof payload.sub === 'string' ? `, sub ${payload.sub}` : ''}`;
}

function decodePayload(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    const json = Buffer.from(part, 'base64url').toString('utf8');
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (Math.abs(minutes) < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return Math.abs(hours) < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

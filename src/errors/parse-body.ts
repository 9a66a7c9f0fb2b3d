import type { ValidationIssue } from './response-validation-error.js';

type JsonResult = { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] };

/** `JSON.parse` that reports instead of throwing; the body text itself never goes into the issue. */
export function parseJson(text: string): JsonResult {
  if (text.trim() === '') return { ok: false, issues: [{ path: [], message: 'empty body, expected JSON' }] };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, issues: [{ path: [], message: 'body is not JSON' }] };
  }
}

/** Copies zod's issues into our own plain shape, so zod's types never reach the public API. */
export function toIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message,
  }));
}

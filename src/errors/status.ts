import type { ErrorKind } from './catalogue';

/** The HTTP status of each kind of refusal: for the API's JSON errors and for pages sent back with one. */
export const STATUS: Record<ErrorKind, 400 | 401 | 403 | 404 | 409 | 422 | 429> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
};

/** The status for anything a service refused: its kind's, and 422 for a form's own validation. */
export const statusOf = (error: { kind: ErrorKind } | unknown): number =>
  typeof error === 'object' && error !== null && 'kind' in error && typeof error.kind === 'string'
    ? (STATUS[error.kind as ErrorKind] ?? 422)
    : 422;

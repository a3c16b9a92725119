/**
 * The one error type services throw. `kind` says what went wrong in terms of the domain;
 * the API maps it to a status code (services know nothing of HTTP).
 */
export type ErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'rate_limited';

export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ServiceError('not_found', 'not_found', `${what} not found`);

/** Input that parsed but breaks a rule; `field` names it for the client. */
export const invalid = (field: string, message: string) =>
  new ServiceError('invalid', 'invalid_input', `${field}: ${message}`, { field });

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new ServiceError('conflict', code, message, details);

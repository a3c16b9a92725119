import {
  type CodeOf,
  ERRORS,
  type ErrorCode,
  type ErrorKind,
  type ErrorParams,
  errorText,
  type KindOf,
  type Resource,
} from '../../errors/catalogue';
import type { Locale } from '../../i18n/messages';

export type { ErrorCode, ErrorKind } from '../../errors/catalogue';

/** Parameters are optional where a message has none. */
type ParamsArg<C extends ErrorCode> = keyof ErrorParams<C> extends never
  ? [params?: ErrorParams<C>]
  : [params: ErrorParams<C>];

/**
 * The one error type services throw: a code of the error catalogue (src/errors/catalogue.ts) with
 * its parameters, never a sentence. `kind` says what went wrong in terms of the domain; the API and
 * pages map it to a status (src/errors/status.ts); the message is the catalogue's, in the reader's
 * language (`messageIn`). `code` is what API clients see (`invalid_input` for a bad field).
 */
export class ServiceError<C extends ErrorCode = ErrorCode> extends Error {
  /** The JSON error code of the API. */
  readonly code: string;
  readonly kind: ErrorKind;
  readonly params: Record<string, unknown>;

  constructor(
    kind: KindOf<C> & ErrorKind,
    /** The catalogue's code: which message, in any language. */
    readonly reason: C,
    params?: ErrorParams<C>,
    readonly details?: Record<string, unknown>,
  ) {
    const entry: { kind: ErrorKind; api?: string } = ERRORS[reason];
    if (entry.kind !== kind) throw new Error(`error ${reason} is ${entry.kind}, not ${kind}`);
    const given = (params ?? {}) as Record<string, unknown>;
    const text = errorText(reason, given, 'en');
    const field = typeof details?.field === 'string' ? details.field : null;
    super(field ? `${field}: ${text}` : text);
    this.kind = kind;
    this.params = given;
    this.code = entry.api ?? (kind === 'invalid' ? 'invalid_input' : reason);
  }

  /** The message in a reader's language, without the field's name (pages show it next to the field). */
  messageIn(locale: Locale): string {
    return errorText(this.reason, this.params, locale);
  }

  /** Which field the error is about, `_` for the form as a whole. */
  get field(): string {
    return typeof this.details?.field === 'string' ? this.details.field : '_';
  }
}

export const notFound = (what: Resource) => new ServiceError('not_found', 'not_found', { what });

/** Input that parsed but breaks a rule; `field` names it for the client. */
export const invalid = <C extends CodeOf<'invalid'>>(field: string, code: C, ...params: ParamsArg<C>) =>
  new ServiceError<C>('invalid' as KindOf<C> & ErrorKind, code, params[0], { field });

type Details = Record<string, unknown>;
type ParamsAndDetails<C extends ErrorCode> = keyof ErrorParams<C> extends never
  ? [params?: ErrorParams<C>, details?: Details]
  : [params: ErrorParams<C>, details?: Details];

/** The state of things refuses the change; `details` are for API clients (e.g. the current status). */
export const conflict = <C extends CodeOf<'conflict'>>(code: C, ...[params, details]: ParamsAndDetails<C>) =>
  new ServiceError<C>('conflict' as KindOf<C> & ErrorKind, code, params, details);

/** Too many attempts; `retryAfterSeconds` is the one name of the retry hint (the API also sends `Retry-After`). */
export const rateLimited = <C extends CodeOf<'rate_limited'>>(code: C, retryAfterSeconds: number) =>
  new ServiceError<C>(
    'rate_limited' as KindOf<C> & ErrorKind,
    code,
    { retryAfterSeconds } as unknown as ErrorParams<C>,
    { retryAfterSeconds },
  );

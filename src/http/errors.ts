import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { STATUS } from '../errors/status';
import { log } from '../log';
import { ServiceError } from '../services/platform/errors';
import { isStorageUnavailable, RETRY_AFTER_SECONDS } from '../services/platform/unavailable';

/** The one error shape for every non-2xx JSON response. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string().openapi({ example: 'body.reference: required' }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
    requestId: z.string(),
  })
  .openapi('Error');

export function errorResponse<S extends ContentfulStatusCode>(
  c: Context,
  status: S,
  code: string,
  message: string,
  details?: Record<string, unknown>,
) {
  const requestId = (c.get('requestId') as string | undefined) ?? '';
  return c.json({ error: { code, message, ...(details ? { details } : {}) }, requestId }, status);
}

type Issue = { path: PropertyKey[]; message: string };

/** Validation failures name the field: `body.customer.name`, `query.limit`, `path.jobId`. */
export function validationError(c: Context, target: string, issues: readonly Issue[]) {
  const prefix = target === 'json' ? 'body' : target === 'param' ? 'path' : target;
  const fields = issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = fields[0];
  const message = first ? `${first.field}: ${first.message}` : 'invalid input';
  return errorResponse(c, 422, 'invalid_input', message, { fields });
}

/** Turns anything thrown into the error shape. Only our own faults become 500. */
export function onError(err: Error, c: Context) {
  if (err instanceof ServiceError) {
    const retry = err.details?.retryAfterSeconds;
    if (typeof retry === 'number') c.header('retry-after', String(retry));
    return errorResponse(c, STATUS[err.kind], err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code =
      { 400: 'bad_request', 413: 'payload_too_large', 415: 'unsupported_media_type' }[status as number] ??
      `http_${status}`;
    return errorResponse(c, status, code, err.message || 'bad request');
  }
  if (isStorageUnavailable(err)) {
    // The cause, not the message: a failed query's message holds the whole statement and its values.
    const cause = (err.cause as { message?: string } | undefined)?.message ?? err.name;
    log.warn({ reqId: c.get('requestId'), cause }, 'storage unavailable');
    c.header('retry-after', String(RETRY_AFTER_SECONDS));
    return errorResponse(c, 503, 'unavailable', 'the service is briefly unavailable; try again shortly');
  }
  log.error({ reqId: c.get('requestId'), err }, 'request failed');
  return errorResponse(c, 500, 'internal', 'something went wrong on our side');
}

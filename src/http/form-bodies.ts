import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
/** Hono routes outside /api that take JSON (the console's push opt-in). */
const JSON_ROUTES = new Set(['/console/push']);

/**
 * Pages take HTML forms only. Anything else would make `request.formData()` throw deep inside a page
 * (an empty 500) or, caught there, act on an empty form; refuse it up front in the error shape.
 */
export const formBodiesOnly: MiddlewareHandler = async (c, next) => {
  if (SAFE.has(c.req.method) || c.req.path.startsWith('/api/') || JSON_ROUTES.has(c.req.path)) return next();
  if (FORM.test(c.req.header('content-type') ?? '')) return next();
  return errorResponse(
    c,
    415,
    'unsupported_media_type',
    'send a form: application/x-www-form-urlencoded or multipart/form-data',
  );
};

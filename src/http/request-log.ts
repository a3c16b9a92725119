import type { MiddlewareHandler } from 'hono';
import { log } from '../log';
import { routeLabel } from './metrics';

/**
 * One JSON log line per request (src/log.ts): its request id (the `x-request-id` it is answered with),
 * method, route, status and time to the response head. The route is the pattern of the API route that
 * answered (`/api/v1/track/:token/events`); for pages, the path without its query, every long segment
 * (a tracker token, an id) replaced by `:id`: a tracker link is a capability and stays out of logs.
 */
export function requestLog(): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    log.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        route: routeOf(routeLabel(c), c.req.path),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}

export const routeOf = (label: string, path: string) =>
  label !== 'page' && label !== 'api_other' ? label : path.replace(/\/[^/]{16,}/g, '/:id');

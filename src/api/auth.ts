import { createMiddleware } from 'hono/factory';
import { errorResponse } from '../http/errors';
import type { Runtime } from '../runtime';
import { contextFor } from '../runtime';
import { authenticateApiKey } from '../services/organisation/api-keys';
import type { ApiEnv } from './env';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Authorization: Bearer ok_live_…` → the organisation's service context. */
export const apiKeyAuth = (rt: Runtime) =>
  createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      c.header('www-authenticate', 'Bearer');
      return errorResponse(c, 401, 'unauthorized', 'send an API key: Authorization: Bearer ok_live_…');
    }
    const found = await authenticateApiKey({ db: rt.database.db, clock: rt.clock }, match[1]);
    if (!found) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      return errorResponse(c, 401, 'unauthorized', 'this API key is unknown or revoked');
    }
    if (found.scope === 'read' && !READ_METHODS.has(c.req.method)) {
      return errorResponse(c, 403, 'forbidden', 'this API key may only read');
    }
    c.set('organisation', found.organisation);
    c.set('ctx', contextFor(rt, found.organisation.id, { type: 'api_key', id: found.keyId }));
    await next();
  });

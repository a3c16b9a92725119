import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ErrorSchema, errorResponse } from '../http/errors';
import type { Ctx } from '../services/platform/context';
import {
  type Answer,
  answerOnce,
  answerWithLease,
  IDEMPOTENCY_KEY_TTL_MS,
  type KeyedRequest,
  requestFingerprint,
} from '../services/platform/idempotency';
import type { ApiEnv } from './env';

/**
 * The POSTs that create something and take an `Idempotency-Key`. `/media` runs its middleware in its own
 * router, after the upload's body limit (the fingerprint reads the body).
 */
export const IDEMPOTENT_POSTS = [
  '/jobs',
  '/jobs/:jobId/steps/:stepId/notes',
  '/jobs/:jobId/cost-lines',
  '/jobs/:jobId/embed-tokens',
  '/jobs/:jobId/tracker-link',
  '/jobs/:jobId/questions',
  '/jobs/:jobId/questions/:questionId/answer',
  '/jobs/:jobId/asks',
  '/workflows',
  '/roles',
  '/consult-offers',
  '/media',
] as const;

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The answer headers a replay repeats; the pipeline adds request id and security headers anew. */
const KEPT_HEADERS = ['content-type', 'location', 'content-language'];

const REPLAYED = 'idempotent-replayed';

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) for one POST: the first answer per API key
 * and key is kept 24 hours; the same request again gets it back (with `idempotent-replayed: true`), another
 * request with the same key gets 422, and one sent while the first has not finished gets 409. Requests
 * without the header pass untouched. Runs after the API key check (keys are per API key).
 *
 * `atomic` (the default) runs the route in one transaction with its answer; `atomic: false` is for routes
 * that must not hold the writer lock while they work (see src/services/platform/idempotency.ts).
 */
export const idempotency = (options: { atomic?: boolean } = {}) =>
  createMiddleware<ApiEnv>(async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const header = c.req.header('idempotency-key');
    if (header === undefined) return next();
    const key = parseIdempotencyKey(header);
    if (key === null) {
      return errorResponse(
        c,
        400,
        'invalid_idempotency_key',
        `Idempotency-Key must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters, ` +
          'for example "8e03978e-40d5-43e8-bc93-6894a57f9324" (quotes included)',
        { field: 'header.idempotency-key' },
      );
    }
    const ctx = c.get('ctx');
    if (ctx.actor.type !== 'api_key' || !ctx.actor.id) return next();
    const body = new Uint8Array(await c.req.arrayBuffer());
    const request: KeyedRequest = {
      apiKeyId: ctx.actor.id,
      key,
      fingerprint: requestFingerprint(c.req.method, c.req.path, body),
    };

    let response: Response | undefined;
    const run = async (inner: Ctx): Promise<Answer> => {
      c.set('ctx', inner);
      try {
        await next();
      } finally {
        c.set('ctx', ctx);
      }
      response = c.res;
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return { status: response.status, headers, body: await response.clone().text() };
    };
    const outcome =
      options.atomic === false
        ? await answerWithLease(ctx, request, () => run(ctx))
        : await answerOnce(ctx, request, run);

    switch (outcome.kind) {
      case 'answered':
        return response ?? replay(outcome.answer, false);
      case 'replay':
        return replay(outcome.answer, true);
      case 'reused':
        return errorResponse(
          c,
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was already used for a different request; send a new key for a new request',
        );
      case 'in_flight':
        c.header('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))));
        return errorResponse(
          c,
          409,
          'idempotency_key_in_flight',
          'a request with this Idempotency-Key is still being processed; retry later',
        );
      case 'unreadable':
        return errorResponse(
          c,
          409,
          'idempotency_answer_unavailable',
          'this Idempotency-Key was used, but its answer can no longer be read; read the resource instead',
        );
    }
  });

function replay(answer: Answer, replayed: boolean): Response {
  const headers = new Headers(answer.headers);
  if (replayed) headers.set(REPLAYED, 'true');
  return new Response(answer.body, { status: answer.status, headers });
}

/** RFC 8941 sf-string: printable ASCII in double quotes, `\"` and `\\` escaped. */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
/** The same key without the quotes, as many clients send it: printable ASCII without spaces, quotes, commas or backslashes. */
const BARE = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/;

/**
 * The key, or null when the header is not one key of 1–255 characters. The draft makes the value an
 * sf-string (`"…"`); a bare value is accepted too. Two headers arrive joined by a comma and are refused
 * (the draft: at most one).
 */
export function parseIdempotencyKey(header: string): string | null {
  const value = header.trim();
  const quoted = SF_STRING.exec(value);
  const key = quoted ? (quoted[1] ?? '').replace(/\\(["\\])/g, '$1') : BARE.test(value) ? value : null;
  if (!key || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) return null;
  return key;
}

const HOURS = IDEMPOTENCY_KEY_TTL_MS / 3_600_000;

// Documentation only (the middleware reads the header), so the key may carry the header's usual spelling.
const KeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .optional()
    .openapi({
      description:
        `Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): 1–${MAX_IDEMPOTENCY_KEY_LENGTH} printable ` +
        'ASCII characters, as a structured-field string in quotes (a bare value is accepted too); use a new UUID ' +
        `per operation. For ${HOURS} hours per API key, the same request with the same key gets the first answer ` +
        'again (status, body and Location) with `idempotent-replayed: true`, and nothing is done twice. Successes ' +
        'and 4xx answers are kept; 429 and 5xx are not, so the retry runs again. The same key with another request ' +
        '(method, path or body) is 422 `idempotency_key_reused`; while the first request is still running, 409 ' +
        '`idempotency_key_in_flight` with Retry-After.',
      example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
    }),
});

type RouteDefinition = {
  type: string;
  route?: {
    method: string;
    path: string;
    request?: { headers?: unknown; [k: string]: unknown };
    responses: Record<string, { description: string; headers?: unknown; [k: string]: unknown }>;
  };
};

const errorBlock = (description: string) => ({
  content: { 'application/json': { schema: ErrorSchema } },
  description,
});

/**
 * Adds the header and what it can answer to each idempotent operation in the OpenAPI document, from the
 * same list the middleware is registered with, so the document and the API cannot disagree.
 */
export function documentIdempotency(app: OpenAPIHono<ApiEnv>) {
  const paths = new Set<string>(IDEMPOTENT_POSTS.map((p) => p.replace(/:(\w+)/g, '{$1}')));
  for (const definition of app.openAPIRegistry.definitions as RouteDefinition[]) {
    const route = definition.route;
    if (definition.type !== 'route' || !route || route.method !== 'post' || !paths.has(route.path)) continue;
    if (route.request?.headers) continue;
    route.request = { ...route.request, headers: KeyHeader };
    const responses = { ...route.responses };
    for (const [status, block] of Object.entries(responses)) {
      if (!status.startsWith('2')) continue;
      responses[status] = {
        ...block,
        headers: {
          [REPLAYED]: {
            description:
              'Present (`true`) when this is the kept answer to an earlier request with the same key',
            schema: { type: 'string', enum: ['true'] },
          },
        },
      };
    }
    const note = (status: string, fallback: string, extra: string) => {
      const block = responses[status];
      responses[status] = block
        ? { ...block, description: `${block.description}; ${extra}` }
        : errorBlock(fallback);
    };
    note('400', 'Malformed request or Idempotency-Key', 'or a malformed Idempotency-Key');
    note(
      '409',
      'A request with this Idempotency-Key is still being processed (see Retry-After)',
      'or a request with this Idempotency-Key is still being processed (see Retry-After)',
    );
    note(
      '422',
      'This Idempotency-Key was used for a different request',
      'or this Idempotency-Key was used for a different request',
    );
    route.responses = responses;
  }
}

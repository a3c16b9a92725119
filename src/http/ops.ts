import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkDatabase, expectedMigrations } from '../../db/health';
import type { Runtime } from '../runtime';
import { lifecycle } from './lifecycle';
import { metrics } from './metrics';

/**
 * The routes a platform team points its tools at, answered by the Node server before anything else
 * (no session, no body, no page rendering): cheap enough for a load balancer to ask every second.
 *   GET /healthz  200 while the process runs (liveness: restart it if this fails).
 *   GET /readyz   200 when the database answers, every migration of this build is applied and the
 *                 process is not draining; else 503 (readiness: send it no traffic).
 *   GET /metrics  Prometheus text; bearer METRICS_TOKEN, or loopback only when no token is set.
 * See docs/decisions/operations-endpoints.md.
 */
export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const RUNTIME = Symbol.for('open-kitchen.runtime');

/** The built app's runtime (src/runtime.ts keeps it on globalThis), once the app has made it. */
const runtime = () => (globalThis as { [RUNTIME]?: Promise<Runtime> })[RUNTIME];

export function serveOps(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: { metricsToken: string | undefined },
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    answer(
      res,
      405,
      { error: { code: 'method_not_allowed', message: 'GET only' }, requestId: '' },
      {
        allow: 'GET, HEAD',
      },
    );
    return;
  }
  if (path === '/healthz') return void answer(res, 200, { status: 'ok' });
  if (path === '/readyz') return void ready(res);
  if (!allowedMetrics(req, options.metricsToken)) {
    answer(res, 403, {
      error: {
        code: 'forbidden',
        message: 'metrics need the bearer token (METRICS_TOKEN) or a loopback request',
      },
      requestId: '',
    });
    return;
  }
  void scrape(res);
}

let expected: ReturnType<typeof expectedMigrations> | undefined;

async function ready(res: ServerResponse) {
  if (lifecycle().draining) return answer(res, 503, { status: 'draining' }, { 'retry-after': '5' });
  const rt = await runtime()?.catch(() => undefined);
  if (!rt) return answer(res, 503, { status: 'starting' }, { 'retry-after': '1' });
  const database = rt.database as Runtime['database'] & { dialect?: string };
  expected ??= expectedMigrations(database.dialect);
  const health = await checkDatabase(database, expected);
  if (!health.ok)
    return answer(res, 503, { status: 'not_ready', database: health.reason }, { 'retry-after': '5' });
  answer(res, 200, { status: 'ready', migrations: health.appliedMigrations });
}

async function scrape(res: ServerResponse) {
  const m = metrics();
  const rt = await runtime()?.catch(() => undefined);
  if (rt) m.watch(rt);
  try {
    const text = await m.registry.metrics();
    res.writeHead(200, { 'content-type': m.registry.contentType, 'cache-control': 'no-store' });
    res.end(text);
  } catch {
    answer(res, 503, { error: { code: 'unavailable', message: 'metrics could not be read' }, requestId: '' });
  }
}

/** A token when one is configured (compared in constant time); otherwise a direct loopback request. */
function allowedMetrics(req: IncomingMessage, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const from = req.socket.remoteAddress ?? '';
  const loopback = from === '::1' || from.startsWith('127.') || from.startsWith('::ffff:127.');
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

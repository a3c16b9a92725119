import { count, eq, max } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import client from 'prom-client';
import { deliveries, events, logCursors, mailMessages, smsMessages } from '../../db/schema';
import type { Runtime } from '../runtime';

/**
 * The process's Prometheus metrics (prom-client), served by GET /metrics (src/http/ops.ts). Labels are
 * bounded: a route is its pattern (`/api/v1/jobs/:jobId`), never the path, and requests no route names
 * share one label each (`static`, `page`, `other`). On globalThis: the server and the built app load
 * separate copies of this module (and maybe of prom-client); both must count into one registry.
 */
export type Metrics = {
  registry: client.Registry;
  requests: client.Counter<'method' | 'route' | 'status'>;
  duration: client.Histogram<'method' | 'route'>;
  eventLag: client.Histogram;
  /** Set once the runtime exists: the collectors that read it (subscribers, outbox depths). */
  watch(rt: Runtime): void;
};

const KEY = Symbol.for('open-kitchen.metrics');
const scope = globalThis as { [KEY]?: Metrics };

export function metrics(): Metrics {
  scope[KEY] ??= createMetrics();
  return scope[KEY];
}

function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'openkitchen_' });
  let runtime: Runtime | null = null;
  const requests = new client.Counter({
    name: 'openkitchen_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'openkitchen_http_request_duration_seconds',
    help: 'Time to the response head (streams: to the stream opening), by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventLag = new client.Histogram({
    name: 'openkitchen_live_event_lag_seconds',
    help: 'From an event being appended to the log to its fan-out to this process’s live streams.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  new client.Gauge({
    name: 'openkitchen_live_subscribers',
    help: 'Live event streams open in this process.',
    registers: [registry],
    collect() {
      this.set(runtime?.live.hub.size ?? 0);
    },
  });
  new client.Gauge({
    name: 'openkitchen_outbox_depth',
    help: 'Work waiting to go out: queued mail, pending webhook deliveries and text messages; for push, events not yet read by its log cursor.',
    labelNames: ['outbox'] as const,
    registers: [registry],
    async collect() {
      if (!runtime) return;
      for (const [outbox, depth] of Object.entries(await outboxDepths(runtime))) this.set({ outbox }, depth);
    },
  });
  return {
    registry,
    requests,
    duration,
    eventLag,
    watch(rt) {
      if (runtime === rt) return;
      runtime = rt;
      // Every batch the log tail hands the hub, as it arrives.
      rt.live.hub.observer = (rows) => {
        const now = Date.now();
        for (const row of rows) eventLag.observe(Math.max(0, now - row.createdAt) / 1000);
      };
    },
  };
}

/** One count per outbox, by the indexed status columns; push has no outbox, so its cursor's distance. */
async function outboxDepths(rt: Runtime): Promise<Record<string, number>> {
  const { db } = rt.database;
  const [[mail], [webhooks], [sms], [newest], [push]] = await Promise.all([
    db.select({ n: count() }).from(mailMessages).where(eq(mailMessages.status, 'queued')),
    db.select({ n: count() }).from(deliveries).where(eq(deliveries.status, 'pending')),
    db.select({ n: count() }).from(smsMessages).where(eq(smsMessages.status, 'pending')),
    db.select({ id: max(events.id) }).from(events),
    db.select({ id: logCursors.lastEventId }).from(logCursors).where(eq(logCursors.name, 'push')),
  ]);
  return {
    mail: mail?.n ?? 0,
    webhooks: webhooks?.n ?? 0,
    sms: sms?.n ?? 0,
    push: push ? Math.max(0, (newest?.id ?? 0) - push.id) : 0,
  };
}

/**
 * Counts and times every request the Hono app answers, labelled with the pattern of the route that
 * answered it. Requests that fall through to Astro's pages are `page`, API requests no route took
 * (refused before routing, unknown paths) `api_other`: nothing unbounded (a path, an id) is a label.
 */
export function httpMetrics(): MiddlewareHandler {
  const m = metrics();
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routeLabel(c);
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    m.requests.inc({ method, route, status: String(c.res.status) });
    m.duration.observe({ method, route }, (performance.now() - started) / 1000);
  };
}

/**
 * The pattern of the handler that answered: the last matched route registered for a method (middleware
 * is registered for ALL). Astro's catch-all is `page`; an API request no handler took is `api_other`.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const { method, path } = routes[i] as { method: string; path: string };
    if (method === 'ALL') continue;
    if (path !== '*' && path !== '/*') return path;
    break;
  }
  return c.req.path.startsWith('/api/') ? 'api_other' : 'page';
}

export const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

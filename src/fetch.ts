import type { IncomingMessage } from 'node:http';
import { astro, getFetchState } from 'astro/hono';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { createMiddleware } from 'hono/factory';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { createApi } from './api';
import { consoleLiveRoutes } from './api/console-live';
import { unsubscribeRoutes } from './api/unsubscribe';
import { startBackgroundWork } from './background/work';
import { sameOrigin, staffSession } from './console/guard';
import { bodyLimit, bodyLimitsWith, DEFAULT_BODY_LIMIT } from './http/body-limit';
import { onError } from './http/errors';
import { formBodiesOnly } from './http/form-bodies';
import { lifecycle } from './http/lifecycle';
import { httpMetrics, metrics } from './http/metrics';
import { requestLog } from './http/request-log';
import { LIVE_STREAMS, type LiveStreams } from './live/registry';
import { EVENT_STREAM, takeOver } from './live/stream';
import { sharedRuntime } from './runtime';
import { trackerRenderer } from './services/tracker/live-render';

/**
 * The request pipeline: shared middleware, then the JSON API and live streams (Hono routes),
 * then Astro's pages. Pages get the runtime through `Astro.locals` and call services directly.
 */
const rt = await sharedRuntime();
// Tracker viewers get what changed rendered once per event and language (Solid: only in the build).
rt.live.hub.renderer = trackerRenderer(rt.database.db, () => rt.clock.now());
// The shutdown (src/http/shutdown.ts) stops the background work; /metrics reads the runtime.
if (rt.config.backgroundWork) lifecycle().stopBackgroundWork = startBackgroundWork(rt);
metrics().watch(rt);
const app = new Hono();

app.use(requestId());
app.use(httpMetrics());
// Also on responses Astro builds itself (Hono's requestId only decorates responses Hono creates).
app.use(async (c, next) => {
  await next();
  c.header('x-request-id', c.get('requestId'));
});
if (rt.config.logRequests) app.use(requestLog());
// Pages are compressed. API answers are not: they are small, and streamed responses lose their
// Content-Length here, so the size threshold would not spare even a tiny error body the zlib cost.
app.use(compress({ contentTypeFilter: /^text\/html/ }));
// Browser hardening headers belong on documents; a live stream keeps every response header in memory
// for as long as it is open, so event streams (thousands of them) go without.
const hardening = secureHeaders({ crossOriginEmbedderPolicy: false, crossOriginResourcePolicy: false });
// Widget pages are made to be framed: their CSP names who may frame them (see src/pages/embed/).
const framable = secureHeaders({
  crossOriginEmbedderPolicy: false,
  crossOriginResourcePolicy: false,
  xFrameOptions: false,
});
app.use((c, next) =>
  EVENT_STREAM.test(c.req.path)
    ? next()
    : c.req.path.startsWith('/embed/')
      ? framable(c, next)
      : hardening(c, next),
);
// Before anything reads a body, checks a token or a session: every body is bounded while it is read.
if (rt.config.bodyLimits) app.use(bodyLimit(bodyLimitsWith(rt.config.documentMaxBytes), DEFAULT_BODY_LIMIT));
app.use(sameOrigin(rt));
app.use(formBodiesOnly);
app.route('/', createApi(rt));
app.route('/', unsubscribeRoutes(rt));
app.use('/console/*', staffSession(rt));
app.route('/', consoleLiveRoutes(rt));

// A tracker link (and a widget's frame) is a capability: never leak it to other sites, never let search
// engines index it, never let a shared cache keep it. Notes are sanitised HTML; the CSP is a second line
// of defence. Nobody may frame the tracker; a widget page names the organisation's websites in an
// internal `x-frame-ancestors` header once it knows the organisation (unknown links: nobody).
const customerPage = createMiddleware(async (c, next) => {
  await next();
  const ancestors = c.res.headers.get('x-frame-ancestors') ?? "'none'";
  c.res.headers.delete('x-frame-ancestors');
  c.header('referrer-policy', 'no-referrer');
  c.header('x-robots-tag', 'noindex');
  c.header('cache-control', 'private, no-store');
  // A document served under the tracker brings its own sandboxing policy (src/services/documents/files.ts).
  if (c.res.headers.get('content-security-policy')?.startsWith('sandbox')) return;
  c.header(
    'content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; " +
      `connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors ${ancestors}`,
  );
});
app.use('/t/*', customerPage);
app.use('/embed/*', customerPage);
// The front page: static text and our stylesheet only.
app.on(['GET', 'HEAD'], '/', async (c, next) => {
  await next();
  c.header(
    'content-security-policy',
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
});

// A page that failed on a storage fault (src/pages/500.astro marks it) answers 503, not 500.
app.use(async (c, next) => {
  await next();
  if (c.res.status !== 500 || !c.res.headers.has('x-storage-unavailable')) return;
  const headers = new Headers(c.res.headers);
  const { body } = c.res;
  headers.delete('x-storage-unavailable');
  c.res = undefined;
  c.res = new Response(body, { status: 503, headers });
});
app.use(async (c, next) => {
  getFetchState(c).locals.runtime = rt;
  await next();
});
app.all('*', astro());
app.onError(onError);

// The live stream routes again, without Astro, for src/http/node-server.ts: it serves them itself so a stream can
// write to its Node response (see src/live/registry.ts).
const streams = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
streams.use(requestId());
streams.use(httpMetrics());
streams.use(async (c, next) => {
  await next();
  c.header('x-request-id', c.get('requestId'));
});
if (rt.config.logRequests) streams.use(requestLog());
streams.route('/', createApi(rt));
streams.route('/', consoleLiveRoutes(rt));
streams.onError(onError);
const registered: LiveStreams = { paths: EVENT_STREAM, fetch: streams.fetch, takeOver };
(globalThis as Record<symbol, LiveStreams>)[LIVE_STREAMS] = registered;

export default app;

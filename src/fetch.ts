import { astro, getFetchState } from 'astro/hono';
import { Hono } from 'hono';
import { logger } from 'hono/logger';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { createApi } from './api';
import { onError } from './api/errors';
import { sharedRuntime } from './runtime';

/**
 * The request pipeline: shared middleware, then the JSON API and live streams (Hono routes),
 * then Astro's pages. Pages get the runtime through `Astro.locals` and call services directly.
 */
const rt = await sharedRuntime();
const app = new Hono();

app.use(requestId());
if (rt.config.logRequests) app.use(logger());
app.use(secureHeaders({ crossOriginEmbedderPolicy: false, crossOriginResourcePolicy: false }));

app.route('/', createApi(rt));

// A tracker link is a capability: never leak it to other sites, never let search engines index it.
app.use('/t/*', async (c, next) => {
  await next();
  c.header('referrer-policy', 'no-referrer');
  c.header('x-robots-tag', 'noindex');
});

app.use(async (c, next) => {
  getFetchState(c).locals.runtime = rt;
  await next();
});
app.all('*', astro());
app.onError(onError);

export default app;

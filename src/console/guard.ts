import { getFetchState } from 'astro/hono';
import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse } from '../http/errors';
import type { Runtime } from '../runtime';
import { currentStaff } from '../services/staff/session';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for everything a browser sends with cookies (console, tracker forms): a state-changing
 * request must come from our own origin, whatever its content type (JSON included). Browsers send
 * `Origin` on every POST, PUT, PATCH and DELETE, but as `null` from pages with `Referrer-Policy:
 * no-referrer` (ours); then `Sec-Fetch-Site` must say same-origin. The key-authenticated API under
 * /api/v1 carries no ambient credentials and is exempt.
 */
export const sameOrigin =
  (rt: Runtime): MiddlewareHandler =>
  async (c, next) => {
    // One-click unsubscribe (RFC 8058) is posted by mail programs from anywhere; its capability is in
    // the link, it sets no cookie and reads none, and all it can do is stop email.
    if (
      SAFE.has(c.req.method) ||
      c.req.path.startsWith('/api/v1/') ||
      c.req.path.startsWith('/mail/unsubscribe/')
    )
      return next();
    const origin = c.req.header('origin');
    const allowed = new Set([new URL(c.req.url).origin, new URL(rt.config.publicUrl).origin]);
    const ok =
      origin && origin !== 'null' ? allowed.has(origin) : c.req.header('sec-fetch-site') === 'same-origin';
    if (!ok) return errorResponse(c, 403, 'cross_site_request', 'cross-site requests are not accepted');
    return next();
  };

/** Console pages anyone may open; the rest need a signed-in, active specialist. */
const PUBLIC =
  /^\/console\/(sign-in|sign-up|sign-out|language|forgot-password|reset-password|invite\/[^/]+)\/?$/;

/**
 * Resolves the signed-in staff member for console requests and hands them to the pages through
 * `Astro.locals.staff`. Without a session, pages redirect to sign-in and live streams answer 401.
 */
export const staffSession =
  (rt: Runtime): MiddlewareHandler =>
  async (c, next) => {
    const found = await currentStaff(rt.database.db, rt.auth, c.req.raw.headers);
    getFetchState(c).locals.staff = found?.staff ?? null;
    if (!found && !PUBLIC.test(c.req.path)) return signInFirst(c);
    await next();
    for (const cookie of found?.cookies ?? []) c.res.headers.append('set-cookie', cookie);
    // Private pages: never cached, never indexed, never framed, scripts only from us (and, through
    // secureHeaders, no referrer).
    c.res.headers.set('cache-control', 'private, no-store');
    c.res.headers.set('x-robots-tag', 'noindex');
    // A document file brings its own sandboxing policy (src/services/documents/files.ts).
    if (c.res.headers.get('content-security-policy')?.startsWith('sandbox')) return;
    c.res.headers.set(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  };

function signInFirst(c: Context) {
  if (c.req.path.startsWith('/console/live/') || c.req.method !== 'GET') {
    return errorResponse(c, 401, 'unauthorized', 'sign in first');
  }
  const next = c.req.path + (new URL(c.req.url).search || '');
  return c.redirect(`/console/sign-in?next=${encodeURIComponent(next)}`, 303);
}

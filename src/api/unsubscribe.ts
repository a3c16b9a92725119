import { Hono } from 'hono';
import { mailMessages } from '../i18n/mail';
import { fill, type Locale } from '../i18n/messages';
import { unsubscribeByToken, unsubscribeTarget } from '../notify/mail/unsubscribe';
import type { Runtime } from '../runtime';
import { loadSecrets } from '../services/platform/secrets';
import { chooseLocale } from '../services/tracker/tracker';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

function page(locale: Locale, title: string, body: string) {
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#18181b">
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/**
 * One-click unsubscribe (RFC 8058), no login: `POST /mail/unsubscribe/{token}` (what mail programs send
 * for `List-Unsubscribe-Post`, and the confirmation page's button) stops all email about the job. `GET`
 * only asks: link scanners open links, and opening must not unsubscribe.
 */
export function unsubscribeRoutes(rt: Runtime) {
  const app = new Hono();
  const secure = (response: Response) => {
    response.headers.set('cache-control', 'no-store');
    response.headers.set('referrer-policy', 'no-referrer');
    response.headers.set('x-robots-tag', 'noindex');
    response.headers.set(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    return response;
  };
  const invalid = (accept: string | undefined) => {
    const locale = chooseLocale(null, accept ?? null, 'nl');
    const m = mailMessages[locale].unsubscribePage;
    return new Response(page(locale, m.title, `<p>${esc(m.invalid)}</p>`), {
      status: 404,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  };
  app.get('/mail/unsubscribe/:token', async (c) => {
    const { reply } = await loadSecrets(rt.database.db);
    const target = await unsubscribeTarget(rt.database.db, reply, c.req.param('token'));
    if (!target) return secure(invalid(c.req.header('accept-language')));
    const m = mailMessages[target.locale].unsubscribePage;
    const body = `<p>${esc(fill(m.question, { reference: target.reference, org: target.org }))}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="font:inherit;padding:.5rem 1rem">${esc(m.button)}</button></form>`;
    return secure(c.html(page(target.locale, m.title, body)));
  });
  app.post('/mail/unsubscribe/:token', async (c) => {
    const { reply } = await loadSecrets(rt.database.db);
    const target = await unsubscribeByToken(rt.database.db, reply, c.req.param('token'), rt.clock.now());
    if (!target) return secure(invalid(c.req.header('accept-language')));
    const m = mailMessages[target.locale].unsubscribePage;
    const body = `<p role="status">${esc(fill(m.done, { reference: target.reference, org: target.org }))}</p><p>${esc(m.again)}</p>`;
    return secure(c.html(page(target.locale, m.title, body)));
  });
  return app;
}

import type { APIRoute } from 'astro';
import { messages } from '../../i18n/messages';
import { chooseLocale, findTrackedJob } from '../../services/tracker/tracker';

/**
 * The web app manifest of one tracker: "Add to Home Screen" installs this job's page (start_url and
 * scope are the tracker link), which is what lets iOS deliver web push to it. Named after the
 * organisation, in its colour; the icons are rendered by scripts/icons.ts. An unknown link: 404.
 */
export const GET: APIRoute = async ({ params, locals, request }) => {
  const token = params.token ?? '';
  const found = await findTrackedJob(locals.runtime.database.db, token);
  if (!found) {
    return new Response('Not found', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const { job, organisation } = found;
  const locale = chooseLocale(job.locale, request.headers.get('accept-language'), organisation.defaultLocale);
  const brand = /^#[0-9a-f]{6}$/i.test(organisation.brandColor) ? organisation.brandColor : '#1d4ed8';
  const path = `/t/${token}`;
  const manifest = {
    id: path,
    name: `${organisation.name} · ${job.reference}`.slice(0, 80),
    short_name: organisation.name.slice(0, 12),
    description: messages[locale].tracker.appDescription,
    lang: locale,
    dir: 'auto',
    start_url: path,
    scope: path,
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: brand,
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
  return new Response(JSON.stringify(manifest), {
    headers: {
      'content-type': 'application/manifest+json; charset=utf-8',
      'cache-control': 'private, no-cache',
      'referrer-policy': 'no-referrer',
    },
  });
};

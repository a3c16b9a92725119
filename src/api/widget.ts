import { createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ErrorSchema, errorResponse } from '../http/errors';
import { fill } from '../i18n/messages';
import { widgetMessages } from '../i18n/widget';
import { openStream } from '../live/stream';
import type { Runtime } from '../runtime';
import { customerEventsSince, findTrackedJob, trackerViewOf } from '../services/tracker/tracker';
import {
  EMBED_TOKEN_SECONDS,
  findOrganisationBySlug,
  issueEmbedToken,
  lookupJob,
  resolveEmbed,
  stepCount,
} from '../services/tracker/widget';
import {
  embedUrl,
  jobSnippet,
  lookupUrl,
  oembed,
  parseEmbedOptions,
  reservedHeight,
} from '../widget/snippet';
import { clientIp } from './client-ip';
import type { ApiEnv } from './env';
import { router } from './env';
import { body, errors, eventStream, json } from './responses';
import { JobParams, StreamResume } from './schemas';
import { streamSlot } from './streams';

const tags = ['Widget'];

const Slug = z.object({
  organisation: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .openapi({ param: { name: 'organisation', in: 'path' }, example: 'garage-van-dijk' }),
});
const Token = z.object({
  token: z
    .string()
    .min(20)
    .max(200)
    .openapi({ param: { name: 'token', in: 'path' }, example: 'job_Xb3k….1767225600.mC2…' }),
});

const EmbedTokenOut = z
  .object({
    token: z.string(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    embedUrl: z.url(),
  })
  .openapi('EmbedToken');

const createToken = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/embed-tokens',
  tags,
  security: [{ bearer: [] }],
  summary: "A short-lived token to embed one job's tracker on your website",
  description:
    'The token gives read access to this one job and nothing else, until it expires (default one hour, at most ' +
    'a day). Put it in the job widget: `<div data-open-kitchen="job" data-token="…">` plus the loader script. ' +
    'Make a new one each time you render the page.',
  request: {
    params: JobParams,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              expiresIn: z
                .number()
                .int()
                .min(EMBED_TOKEN_SECONDS.min)
                .max(EMBED_TOKEN_SECONDS.max)
                .optional()
                .openapi({ description: 'Seconds until the token expires', example: 3600 }),
            })
            .openapi('CreateEmbedToken'),
        },
      },
      required: false,
    },
  },
  responses: {
    201: json(EmbedTokenOut.extend({ snippet: z.string() }), 'The token, its embed URL and a ready snippet'),
    401: errors[401],
    403: errors[403],
    404: errors[404],
    422: errors[422],
  },
});

const lookup = createRoute({
  method: 'post',
  path: '/widget/{organisation}/lookup',
  tags,
  summary: 'Find a job by its reference and the postcode or email it was created with',
  description:
    'For your own lookup form (the lookup widget uses it too). A reference alone never finds a job; every miss gets ' +
    'the same `404 no_match` after the same time. Limited to 10 attempts per 15 minutes per client address and 300 per ' +
    'organisation (`429` with `Retry-After`). Cross-origin calls are allowed only from the websites listed in the ' +
    "organisation's widget settings.",
  request: {
    params: Slug,
    ...body(
      z
        .object({
          reference: z.string().trim().min(1).max(64),
          postcode: z.string().max(16).optional(),
          email: z.string().max(254).optional(),
        })
        .openapi('Lookup'),
    ),
  },
  responses: {
    200: json(EmbedTokenOut, 'A read-only view of the job for two hours'),
    403: json(ErrorSchema, 'Called from a website that may not show the widget'),
    404: errors[404],
    422: errors[422],
    429: errors[429],
  },
});

const view = createRoute({
  method: 'get',
  path: '/widget/jobs/{token}',
  tags,
  summary: "A job's customer view, read-only, by embed token or tracker token",
  request: { params: Token },
  responses: {
    200: json(
      z
        .object({
          job: z.object({ reference: z.string(), title: z.string(), status: z.string() }),
          organisation: z.object({ name: z.string() }),
          steps: z.array(
            z.object({
              title: z.string(),
              status: z.string(),
              assignee: z.string().nullable(),
              promisedAt: z.string().nullable(),
              startedAt: z.string().nullable(),
              doneAt: z.string().nullable(),
            }),
          ),
          expiresAt: z.string().nullable(),
        })
        .openapi('WidgetJob'),
      'The job as the customer sees it',
    ),
    403: json(ErrorSchema, 'Called from a website that may not show the widget'),
    404: errors[404],
    410: errors[410],
    422: errors[422],
  },
});

const events = createRoute({
  method: 'get',
  path: '/widget/jobs/{token}/events',
  tags,
  summary: "A job's customer-visible events, live (Server-Sent Events), by embed token or tracker token",
  description:
    'Ends with `event: revoked` (data `{"reason"}`: `expired` when the embed token expires, `link_reissued` when a ' +
    'tracker link is replaced); do not reconnect. At most 20 open streams per token (429 with `Retry-After`).',
  request: {
    params: Token,
    ...StreamResume,
  },
  responses: {
    200: eventStream,
    403: json(ErrorSchema, 'Called from a website that may not show the widget'),
    404: errors[404],
    410: errors[410],
    422: errors[422],
    429: errors[429],
  },
});

const Allowed = json(
  z.object({ allowed: z.literal(true) }).openapi('WidgetAllowed'),
  'This website may show it',
);
const allowedDescription =
  "The widget loader asks this before showing its frame, so a website that is not on the organisation's list " +
  'shows a readable message instead of a frame the browser refuses. `403 origin_not_allowed` is readable from any ' +
  "website (it says what the frame's `frame-ancestors` header says).";
const lookupAllowed = createRoute({
  method: 'get',
  path: '/widget/{organisation}/allowed',
  tags,
  summary: "Whether the calling website may show this organisation's lookup widget",
  description: allowedDescription,
  request: { params: Slug },
  responses: { 200: Allowed, 403: json(ErrorSchema, 'Not on the list'), 404: errors[404], 422: errors[422] },
});
const jobAllowed = createRoute({
  method: 'get',
  path: '/widget/jobs/{token}/allowed',
  tags,
  summary: "Whether the calling website may show this job's widget",
  description: allowedDescription,
  request: { params: Token },
  responses: {
    200: Allowed,
    403: json(ErrorSchema, 'Not on the list'),
    404: errors[404],
    410: errors[410],
    422: errors[422],
  },
});

const oembedRoute = createRoute({
  method: 'get',
  path: '/oembed',
  tags,
  summary: 'oEmbed for tracker and widget links, so a CMS can embed them',
  request: {
    query: z.object({
      url: z.url().max(500),
      format: z.enum(['json']).optional(),
      maxwidth: z.coerce.number().int().min(100).max(4000).optional(),
      maxheight: z.coerce.number().int().min(100).max(4000).optional(),
    }),
  },
  responses: {
    200: json(
      z
        .object({
          version: z.literal('1.0'),
          type: z.literal('rich'),
          provider_name: z.string(),
          provider_url: z.string(),
          title: z.string(),
          html: z.string(),
          width: z.number(),
          height: z.number(),
        })
        .openapi('OEmbed'),
      'oEmbed 1.0 rich response',
    ),
    404: errors[404],
    422: errors[422],
  },
});

const gone = 'this embed token has expired; make a new one';

export const widgetRoutes = (rt: Runtime) =>
  router()
    .openapi(lookup, async (c) => {
      const { token, expiresAt } = await lookupJob(
        rt.database.db,
        rt.clock.now(),
        c.req.valid('param').organisation,
        c.req.valid('json'),
        clientIp(c, rt.config.trustedProxies),
      );
      return c.json(
        {
          token,
          expiresAt: new Date(expiresAt).toISOString(),
          embedUrl: embedUrl(rt.config.publicUrl, token),
        },
        200,
      );
    })
    .openapi(lookupAllowed, async (c) => {
      const org = await findOrganisationBySlug(rt.database.db, c.req.valid('param').organisation);
      if (!org) return errorResponse(c, 404, 'not_found', 'organisation not found');
      return c.json({ allowed: true as const }, 200);
    })
    .openapi(jobAllowed, async (c) => {
      const access = await resolveEmbed(rt.database.db, c.req.valid('param').token, rt.clock.now());
      if (access.kind === 'expired') return errorResponse(c, 410, 'expired', gone);
      if (access.kind === 'unknown') return errorResponse(c, 404, 'not_found', 'job not found');
      return c.json({ allowed: true as const }, 200);
    })
    .openapi(view, async (c) => {
      const access = await resolveEmbed(rt.database.db, c.req.valid('param').token, rt.clock.now());
      if (access.kind === 'expired') return errorResponse(c, 410, 'expired', gone);
      if (access.kind === 'unknown') return errorResponse(c, 404, 'not_found', 'job not found');
      const v = await trackerViewOf(rt.database.db, access.found);
      const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
      return c.json(
        {
          job: { reference: v.job.reference, title: v.job.title, status: v.job.status },
          organisation: { name: v.organisation.name },
          steps: v.steps.map((s) => ({
            title: s.title,
            status: s.status,
            assignee: s.assignee?.name ?? null,
            promisedAt: iso(s.promisedAt),
            startedAt: iso(s.startedAt),
            doneAt: iso(s.doneAt),
          })),
          expiresAt: iso(access.expiresAt),
        },
        200,
      );
    })
    .openapi(events, async (c) => {
      const access = await resolveEmbed(rt.database.db, c.req.valid('param').token, rt.clock.now());
      if (access.kind === 'expired') return errorResponse(c, 410, 'expired', gone);
      if (access.kind === 'unknown') return errorResponse(c, 404, 'not_found', 'job not found');
      const jobId = access.found.job.id;
      const { token } = c.req.valid('param');
      const slot = streamSlot(c, rt, token);
      if (slot.refused) return slot.refused;
      // A tracker token ends when its link is re-issued; an embed token (signed, nothing stored) at its expiry.
      const byTracker = access.expiresAt === null;
      return openStream({
        tail: rt.live.tail,
        jobId,
        internal: false,
        lastEventId: c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId ?? 0,
        backlog: (after, limit) => customerEventsSince(rt.database.db, jobId, after, limit),
        grant: access.expiresAt === null ? { via: 'tracker' } : { via: 'embed', expiresAt: access.expiresAt },
        recheck: byTracker
          ? async () => ((await findTrackedJob(rt.database.db, token)) ? null : 'link_reissued')
          : undefined,
        release: slot.release,
        now: rt.clock.now(),
      });
    })
    .openapi(oembedRoute, async (c) => {
      const { url, ...size } = c.req.valid('query');
      const base = rt.config.publicUrl;
      const link = new URL(url);
      const options = parseEmbedOptions((name) => link.searchParams.get(name));
      const [, kind, key] =
        /^\/(?:(t)|embed\/(job|lookup))\/([^/]+)$/.exec(link.pathname)?.filter(Boolean) ?? [];
      const missing = () => errorResponse(c, 404, 'not_found', 'no embeddable Open Kitchen link at this URL');
      const decoded = key ? decodeComponent(key) : null;
      if (link.origin !== new URL(base).origin || !kind || decoded === null) return missing();
      if (kind === 'lookup') {
        const org = await findOrganisationBySlug(rt.database.db, decoded);
        if (!org) return missing();
        const title = fill(widgetMessages[options.locale ?? org.defaultLocale].frameTitle, { org: org.name });
        return c.json(
          oembed(
            base,
            lookupUrl(base, org.slug, options),
            title,
            size,
            reservedHeight('lookup', options.mode),
          ),
          200,
        );
      }
      const token = decoded;
      const access = await resolveEmbed(rt.database.db, token, rt.clock.now());
      if (access.kind !== 'found') return missing();
      const { job, organisation } = access.found;
      const title = `${job.title} · ${organisation.name}`;
      const height = reservedHeight('job', options.mode, await stepCount(rt.database.db, job.id));
      return c.json(oembed(base, embedUrl(base, token, options), title, size, height), 200);
    });

/** Needs the API key: only the job's own organisation can make tokens for it. */
export const embedTokenRoutes = (rt: Runtime) =>
  router().openapi(createToken, async (c) => {
    const made = await issueEmbedToken(
      c.get('ctx'),
      c.req.valid('param').jobId,
      c.req.valid('json')?.expiresIn,
    );
    const url = embedUrl(rt.config.publicUrl, made.token);
    return c.json(
      {
        token: made.token,
        expiresAt: new Date(made.expiresAt).toISOString(),
        embedUrl: url,
        snippet: jobSnippet(rt.config.publicUrl, made.token, {}, made.steps),
      },
      201,
    );
  });

/**
 * CORS for the widget API: a browser on another site may call it only when that site is on the
 * organisation's list. Requests without an Origin (servers, same-origin GETs) pass untouched.
 */
export const widgetCors = (rt: Runtime) =>
  createMiddleware<ApiEnv>(async (c, next) => {
    const origin = c.req.header('origin');
    if (!origin || origin === new URL(c.req.url).origin || origin === new URL(rt.config.publicUrl).origin)
      return next();
    const [, first, second] = /^\/api\/v1\/widget\/([^/]+)(?:\/([^/]+))?/.exec(c.req.path) ?? [];
    const org =
      first === 'jobs' && second
        ? await resolveEmbed(rt.database.db, second, rt.clock.now()).then((a) =>
            a.kind === 'found' ? a.found.organisation : null,
          )
        : first
          ? await findOrganisationBySlug(rt.database.db, first)
          : null;
    if (!org?.embedOrigins.includes(origin)) {
      const refused = errorResponse(
        c,
        403,
        'origin_not_allowed',
        `${origin} is not on this organisation's list of websites`,
      );
      // Readable by the refused website (the loader shows why); it says no more than frame-ancestors does.
      refused.headers.set('access-control-allow-origin', '*');
      return refused;
    }
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, last-event-id',
        'access-control-max-age': '600',
        vary: 'origin',
      });
    }
    await next();
    c.res.headers.set('access-control-allow-origin', origin);
    c.res.headers.append('vary', 'origin');
  });

/** A percent-encoded path segment, or null when it is not valid percent-encoding. */
function decodeComponent(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from '../http/errors';
import { openStream } from '../live/stream';
import { subscribeToJob } from '../notify/push-subscriptions';
import type { Runtime } from '../runtime';
import {
  markAnswered,
  recordShown,
  SEARCH_MAX,
  SHOWN_MAX,
  searchForTracker,
} from '../services/knowledge/search';
import { customerEventsSince, findTrackedJob } from '../services/tracker/tracker';
import { clientIp } from './client-ip';
import { router } from './env';
import { errors, eventStream, json } from './responses';
import { StreamResume, TokenParams } from './schemas';
import { streamSlot } from './streams';

const events = createRoute({
  method: 'get',
  path: '/track/{token}/events',
  tags: ['Tracker'],
  summary: "A job's customer-visible events, live (Server-Sent Events)",
  description:
    'The token from the tracker link is the credential. Sends the events after `Last-Event-ID` (header) or ' +
    '`lastEventId` (query), then new ones as they happen; a comment line every 20 s keeps proxies from closing the stream. ' +
    'Internal notes are never sent. When the link is re-issued the stream ends with `event: revoked` (data ' +
    '`{"reason":"link_reissued"}`); do not reconnect. At most 20 open streams per link (429 with `Retry-After`).',
  request: {
    params: TokenParams,
    ...StreamResume,
    query: StreamResume.query.extend({
      lang: z
        .enum(['nl', 'en'])
        .optional()
        .openapi({
          description:
            "The tracker page's language: each event then also carries the page's changed regions, rendered " +
            'once for every viewer in that language (`regions`, HTML). Without it, only the events.',
        }),
    }),
  },
  responses: {
    200: eventStream,
    404: errors[404],
    422: errors[422],
    429: errors[429],
  },
});

const Subscription = z
  .object({
    endpoint: z.url().max(2000),
    keys: z.object({ p256dh: z.string().min(80).max(100), auth: z.string().min(16).max(32) }),
    locale: z.enum(['nl', 'en']).optional(),
  })
  .openapi('PushSubscription');

const subscribe = createRoute({
  method: 'post',
  path: '/track/{token}/push-subscriptions',
  tags: ['Tracker'],
  summary: '"Notify me": a browser subscribes to web push for this job',
  description:
    'The body is what `PushSubscription.toJSON()` gives, plus the `locale` of the messages. The customer then hears ' +
    'when a step starts or finishes, a promise moves, an answer arrives or their approval is needed.',
  request: {
    params: TokenParams,
    body: { content: { 'application/json': { schema: Subscription } }, required: true },
  },
  responses: {
    201: json(z.object({ subscribed: z.literal(true) }), 'Subscribed'),
    404: errors[404],
    409: errors[409],
    422: errors[422],
    429: errors[429],
  },
});

const FoundAnswer = z
  .object({
    id: z.string(),
    stepId: z
      .string()
      .nullable()
      .openapi({ description: "The job's step it belongs to (null: a step this job does not have)" }),
    question: z.string(),
    answer: z.string(),
    lang: z
      .enum(['nl', 'en'])
      .optional()
      .openapi({ description: "Set when the text is in the organisation's language, not the one asked for" }),
    checkedBy: z.object({ name: z.string(), role: z.string() }).nullable(),
  })
  .openapi('FoundAnswer');

const AnswerParams = TokenParams.extend({
  answerId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'answerId', in: 'path' }, example: 'ans_Gm4k8Rq2Vx7pT1nbQ2rS' }),
});

const AnswerIds = z.array(z.string().min(1).max(64)).max(SHOWN_MAX);

const searchAnswers = createRoute({
  method: 'get',
  path: '/track/{token}/answers',
  tags: ['Tracker'],
  summary:
    "Published answers matching what the customer is typing (the job's workflow, its organisation only)",
  description:
    'Full-text search: each word of `q` (folded for case and accents) matches as a word prefix; the text is never read as ' +
    'query syntax. At most 5 answers, best first, in `lang` where given in it.',
  request: {
    params: TokenParams,
    query: z.object({
      q: z.string().max(SEARCH_MAX).openapi({ example: 'hoe lang duurt de keuring' }),
      lang: z.enum(['nl', 'en']).optional(),
    }),
  },
  responses: {
    200: json(z.object({ answers: z.array(FoundAnswer) }), 'The matches'),
    404: errors[404],
    422: errors[422],
  },
});

const answered = createRoute({
  method: 'post',
  path: '/track/{token}/answers/{answerId}/answered',
  tags: ['Tracker'],
  summary:
    '"This answers my question": the question is not sent; the deflection is counted (once per job and answer)',
  request: {
    params: AnswerParams,
    body: {
      content: { 'application/json': { schema: z.object({ shown: AnswerIds.optional() }) } },
      required: false,
    },
  },
  responses: {
    200: json(z.object({ counted: z.boolean() }), 'Counted (false: this job had marked it already)'),
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

const shownAnswers = createRoute({
  method: 'post',
  path: '/track/{token}/answers/shown',
  tags: ['Tracker'],
  summary: 'The answers offered during one attempt at a question, counted as shown once when it ends',
  request: {
    params: TokenParams,
    body: { content: { 'application/json': { schema: z.object({ ids: AnswerIds }) } }, required: true },
  },
  responses: { 204: { description: 'Counted' }, 404: errors[404], 422: errors[422] },
});

export const trackRoutes = (rt: Runtime) =>
  router()
    .openapi(searchAnswers, async (c) => {
      const { token } = c.req.valid('param');
      const { q, lang } = c.req.valid('query');
      const found = await findTrackedJob(rt.database.db, token);
      if (!found) return errorResponse(c, 404, 'not_found', 'tracker not found');
      const locale = lang ?? found.job.locale ?? found.organisation.defaultLocale;
      const answers = (await searchForTracker(rt.database.db, token, q, locale)) ?? [];
      return c.json({ answers }, 200);
    })
    .openapi(answered, async (c) => {
      const { token, answerId } = c.req.valid('param');
      const body = await c.req.json().catch(() => ({}));
      const parsed = z.object({ shown: AnswerIds.optional() }).safeParse(body ?? {});
      const shown = parsed.success ? (parsed.data.shown ?? []) : [];
      const base = { db: rt.database.db, clock: rt.clock, afterCommit: () => rt.live.tail.poke() };
      return c.json(await markAnswered(base, token, answerId, shown), 200);
    })
    .openapi(shownAnswers, async (c) => {
      const { token } = c.req.valid('param');
      const base = { db: rt.database.db, clock: rt.clock, afterCommit: () => rt.live.tail.poke() };
      await recordShown(base, token, c.req.valid('json').ids);
      return c.body(null, 204);
    })
    .openapi(subscribe, async (c) => {
      const { token } = c.req.valid('param');
      const { locale, ...sub } = c.req.valid('json');
      await subscribeToJob(
        rt.database.db,
        rt.clock.now(),
        token,
        sub,
        locale ?? 'en',
        clientIp(c, rt.config.trustedProxies),
      );
      return c.json({ subscribed: true as const }, 201);
    })
    .openapi(events, async (c) => {
      const { token } = c.req.valid('param');
      const found = await findTrackedJob(rt.database.db, token);
      if (!found) return errorResponse(c, 404, 'not_found', 'tracker not found');
      const jobId = found.job.id;
      const query = c.req.valid('query');
      const lastEventId = c.req.valid('header')['last-event-id'] ?? query.lastEventId ?? 0;
      // Only the tracker page asks for rendered regions; other readers of the stream get the events alone.
      const locale = query.lang;
      const slot = streamSlot(c, rt, token);
      if (slot.refused) return slot.refused;
      return openStream({
        tail: rt.live.tail,
        jobId,
        internal: false,
        lastEventId,
        backlog: (after, limit) => customerEventsSince(rt.database.db, jobId, after, limit),
        grant: { via: 'tracker', locale },
        recheck: async () => ((await findTrackedJob(rt.database.db, token)) ? null : 'link_reissued'),
        release: slot.release,
        now: rt.clock.now(),
      });
    });

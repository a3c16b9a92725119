import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from '../http/errors';
import { contextFor, type Runtime } from '../runtime';
import {
  type ConsultView,
  consultTerms,
  jobConsults,
  offerPrice,
  offersByStep,
  offerTitle,
  requestConsult,
} from '../services/consults/consults';
import {
  type ConsultOffer,
  createConsultOffer,
  deleteConsultOffer,
  getConsultOffer,
  listConsultOffers,
  OFFER_LIMITS,
  updateConsultOffer,
} from '../services/consults/offers';
import { loadJobParts } from '../services/jobs/load';
import { LIMITS } from '../services/platform/limits';
import { findTrackedJob } from '../services/tracker/tracker';
import { clientIp } from './client-ip';
import { router } from './env';
import { iso } from './present';
import { body, errors, json } from './responses';
import { JobParams, TokenParams } from './schemas';

/** Paid expert time: consult offers per workflow (docs/decisions/consults.md). */

const security = [{ bearer: [] }];
const tags = ['Consults'];

const id = z.string().min(1).max(LIMITS.id);

const OfferBody = z
  .object({
    workflowId: id.openapi({ example: 'wf_Gm4k8Rq2Vx7pT1nbQ2rS' }),
    roleId: id
      .nullable()
      .optional()
      .openapi({ description: 'Only this role answers (GET /roles); null: the step’s specialist' }),
    titleNl: z.string().max(OFFER_LIMITS.title).openapi({ example: '15 minuten met de notaris' }),
    titleEn: z.string().max(OFFER_LIMITS.title).openapi({ example: '15 minutes with the notary' }),
    minutes: z
      .number()
      .int()
      .min(OFFER_LIMITS.minutes[0])
      .max(OFFER_LIMITS.minutes[1])
      .openapi({ example: 15 }),
    priceCents: z
      .number()
      .int()
      .min(OFFER_LIMITS.priceCents[0])
      .max(OFFER_LIMITS.priceCents[1])
      .openapi({ description: 'Price excluding VAT, in cents', example: 2500 }),
    vatRateBp: z
      .number()
      .int()
      .min(OFFER_LIMITS.vatRateBp[0])
      .max(OFFER_LIMITS.vatRateBp[1])
      .openapi({ description: 'VAT rate in basis points (2100 = 21%)', example: 2100 }),
  })
  .openapi('ConsultOfferInput');

const OfferOut = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    roleId: z.string().nullable(),
    titleNl: z.string(),
    titleEn: z.string(),
    minutes: z.number(),
    priceCents: z.number(),
    vatRateBp: z.number(),
    createdAt: z.number(),
  })
  .openapi('ConsultOffer');

const OfferParams = z.object({
  offerId: id.openapi({ param: { name: 'offerId', in: 'path' }, example: 'consult_Gm4k8Rq2Vx7pT1nbQ2rS' }),
});

const writeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  422: errors[422],
};

const list = createRoute({
  method: 'get',
  path: '/consult-offers',
  tags,
  security,
  summary: 'Paid consults the organisation offers on its workflows',
  responses: { 200: json(z.object({ offers: z.array(OfferOut) }), 'The offers'), 401: errors[401] },
});

const one = createRoute({
  method: 'get',
  path: '/consult-offers/{offerId}',
  tags,
  security,
  summary: 'One consult offer',
  request: { params: OfferParams },
  responses: {
    200: json(OfferOut, 'The offer'),
    400: errors[400],
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const add = createRoute({
  method: 'post',
  path: '/consult-offers',
  tags,
  security,
  summary: 'Offer a paid consult on a workflow (admins)',
  request: body(OfferBody),
  responses: { 201: json(OfferOut, 'The offer'), ...writeErrors },
});

const change = createRoute({
  method: 'put',
  path: '/consult-offers/{offerId}',
  tags,
  security,
  summary: 'Change a consult offer (admins); consults already asked keep the terms they were offered',
  request: { params: OfferParams, ...body(OfferBody) },
  responses: { 200: json(OfferOut, 'The offer'), ...writeErrors },
});

const remove = createRoute({
  method: 'delete',
  path: '/consult-offers/{offerId}',
  tags,
  security,
  summary: 'Stop offering a consult (admins)',
  request: { params: OfferParams },
  responses: {
    204: { description: 'Removed' },
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});

const out = ({ organisationId: _, ...offer }: ConsultOffer) => offer;

export const consultRoutes = () =>
  router()
    .openapi(list, async (c) => c.json({ offers: (await listConsultOffers(c.get('ctx'))).map(out) }, 200))
    .openapi(one, async (c) =>
      c.json(out(await getConsultOffer(c.get('ctx'), c.req.valid('param').offerId)), 200),
    )
    .openapi(add, async (c) => c.json(out(await createConsultOffer(c.get('ctx'), c.req.valid('json'))), 201))
    .openapi(change, async (c) => {
      const { offerId } = c.req.valid('param');
      return c.json(out(await updateConsultOffer(c.get('ctx'), offerId, c.req.valid('json'))), 200);
    })
    .openapi(remove, async (c) => {
      await deleteConsultOffer(c.get('ctx'), c.req.valid('param').offerId);
      return c.body(null, 204);
    });

/** A consult a customer asked and agreed to pay for, with the terms as they were offered. */
const ConsultOut = z
  .object({
    id: z.string(),
    jobId: z.string(),
    stepId: z.string().nullable(),
    questionId: z.string().openapi({ description: 'The paid question (GET /jobs/{jobId}/threads)' }),
    costLineId: z.string().openapi({ description: 'The `fee` cost line it added' }),
    signoffId: z
      .string()
      .openapi({ description: 'The approval record: time, IP, browser, SHA-256 of the terms' }),
    offerId: z.string(),
    expertId: z.string().nullable().openapi({ description: 'Who it went to' }),
    title: z.string().openapi({ description: 'As the customer was shown it, in `locale`' }),
    locale: z.enum(['nl', 'en']),
    minutes: z.number().int(),
    priceCents: z.number().int().openapi({ description: 'Excluding VAT' }),
    vatRateBp: z.number().int(),
    grossCents: z.number().int(),
    answered: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Consult');

const consultOut = (c: ConsultView): z.infer<typeof ConsultOut> => ({
  ...c,
  grossCents: offerPrice(c).grossCents,
  createdAt: iso(c.createdAt) ?? '',
});

const jobList = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/consults',
  tags,
  security,
  summary: "A job's paid consults, oldest first",
  request: { params: JobParams },
  responses: {
    200: json(z.object({ consults: z.array(ConsultOut) }), 'The consults'),
    400: errors[400],
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

/** Staff's reading of paid consults (an API key). */
export const jobConsultRoutes = () =>
  router().openapi(jobList, async (c) =>
    c.json({ consults: (await jobConsults(c.get('ctx'), c.req.valid('param').jobId)).map(consultOut) }, 200),
  );

const TrackerOfferOut = z
  .object({
    offerId: z.string(),
    stepId: z.string().openapi({ description: 'The step whose question form shows it' }),
    title: z.string(),
    minutes: z.number().int(),
    priceCents: z.number().int().openapi({ description: 'Excluding VAT' }),
    vatRateBp: z.number().int(),
    grossCents: z.number().int(),
    terms: z.string().openapi({ description: 'Send back unchanged with POST /track/{token}/consults' }),
    talk: z
      .array(z.object({ startsAt: z.string(), endsAt: z.string() }))
      .openapi({ description: 'The expert’s free times to talk (`talkAt`); empty: no time is offered' }),
  })
  .openapi('TrackerConsultOffer');

const trackerOffers = createRoute({
  method: 'get',
  path: '/track/{token}/consult-offers',
  tags: ['Tracker'],
  summary: 'The paid consult offered at each step of an open job, in the language asked for',
  request: { params: TokenParams, query: z.object({ lang: z.enum(['nl', 'en']).optional() }) },
  responses: {
    200: json(z.object({ offers: z.array(TrackerOfferOut) }), 'Per step (none when the job is closed)'),
    404: errors[404],
    422: errors[422],
  },
});

const AskConsultBody = z
  .object({
    offerId: id,
    stepId: id.nullable().optional().openapi({ description: 'The step the question is about' }),
    body: z.string().max(LIMITS.question).openapi({ example: 'Kan ik mijn testament op afstand tekenen?' }),
    terms: z
      .string()
      .max(2000)
      .openapi({ description: 'The offer’s `terms` as shown (GET …/consult-offers)' }),
    consent: z.boolean().openapi({ description: 'The customer agreed to pay the price shown' }),
    lang: z.enum(['nl', 'en']).openapi({ description: 'The language the terms were shown in' }),
    talkAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'One of the offer’s `talk` times (its start); absent: no time to talk' }),
  })
  .openapi('AskConsult');

const askConsult = createRoute({
  method: 'post',
  path: '/track/{token}/consults',
  tags: ['Tracker'],
  summary: 'Ask a paid consult: the paid question, its fee line and the approval record, in one go',
  description:
    'Refused, writing nothing: another workflow’s offer (404), a closed job (409 `job_closed`), terms that ' +
    'changed since they were shown (409 `consult_changed`), no consent (422 on `consent`).',
  request: { params: TokenParams, ...body(AskConsultBody) },
  responses: {
    200: json(
      z.object({ consult: ConsultOut }),
      'The same consult (offer and question) was asked on this job in the last 10 minutes: that one, no second fee',
    ),
    201: json(z.object({ consult: ConsultOut }), 'Asked'),
    400: errors[400],
    404: errors[404],
    409: errors[409],
    422: errors[422],
    429: errors[429],
  },
});

/** The tracker's paid consults, with the tracker token as the only credential. */
export const trackConsultRoutes = (rt: Runtime) =>
  router()
    .openapi(trackerOffers, async (c) => {
      const { token } = c.req.valid('param');
      const found = await findTrackedJob(rt.database.db, token);
      if (!found) return errorResponse(c, 404, 'not_found', 'tracker not found');
      const locale = c.req.valid('query').lang ?? found.job.locale ?? found.organisation.defaultLocale;
      if (found.job.status !== 'open') return c.json({ offers: [] }, 200);
      const { stepRows } = await loadJobParts(rt.database.db, found.job.id, 'customer');
      const byStep = await offersByStep(
        rt.database.db,
        found.job.organisationId,
        found.job.workflowId,
        stepRows,
      );
      const offers = Object.entries(byStep).map(([stepId, o]) => ({
        offerId: o.id,
        stepId,
        title: offerTitle(o, locale),
        minutes: o.minutes,
        priceCents: o.priceCents,
        vatRateBp: o.vatRateBp,
        grossCents: offerPrice(o).grossCents,
        terms: consultTerms(o, locale),
        talk: (o.talk ?? []).map((t) => ({ startsAt: iso(t.startsAt) ?? '', endsAt: iso(t.endsAt) ?? '' })),
      }));
      return c.json({ offers }, 200);
    })
    .openapi(askConsult, async (c) => {
      const { token } = c.req.valid('param');
      const found = await findTrackedJob(rt.database.db, token);
      if (!found) return errorResponse(c, 404, 'not_found', 'tracker not found');
      const { lang, talkAt, ...input } = c.req.valid('json');
      const ctx = contextFor(rt, found.job.organisationId, { type: 'customer', id: null });
      const { consult, repeated } = await requestConsult(
        ctx,
        found.job.id,
        { ...input, locale: lang, talkAt: talkAt ? Date.parse(talkAt) : null },
        { ip: clientIp(c, rt.config.trustedProxies), userAgent: c.req.header('user-agent') ?? null },
      );
      // The same consult posted again within minutes is the first one (200), not a second fee.
      return repeated
        ? c.json({ consult: consultOut(consult) }, 200)
        : c.json({ consult: consultOut(consult) }, 201);
    });

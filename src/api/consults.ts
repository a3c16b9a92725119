import { createRoute, z } from '@hono/zod-openapi';
import {
  type ConsultOffer,
  createConsultOffer,
  deleteConsultOffer,
  getConsultOffer,
  listConsultOffers,
  OFFER_LIMITS,
  updateConsultOffer,
} from '../services/consults/offers';
import { LIMITS } from '../services/platform/limits';
import { router } from './env';
import { body, errors, json } from './responses';

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

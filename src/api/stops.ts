import { createRoute, z } from '@hono/zod-openapi';
import { getCalendar } from '../services/calendar/calendars';
import type { Ctx } from '../services/platform/context';
import { LIMITS } from '../services/platform/limits';
import { isoDateOf } from '../services/slots/day-plan';
import { deliverStop, signatureBytes } from '../services/slots/deliver';
import { placeOf, type RouteStop, reorderStops, routeName, routeStops } from '../services/slots/route';
import { router } from './env';
import { iso } from './present';
import { body, errors, json } from './responses';
import { AddressOut, StepParams } from './schemas';

/** The day of delivery through the API: a route's stops, their order, proof of delivery (docs/decisions/delivery-day.md). */

const security = [{ bearer: [] }];
const tags = ['Bookings'];

const RouteParams = z.object({
  route: z
    .string()
    .min(3)
    .max(200)
    .openapi({
      param: { name: 'route', in: 'path' },
      description:
        '`specialist:<id>` (the stops assigned to a driver), or a capacity: `role:<id>`, `workflow-step:<id>`',
      example: 'role:role_Hk2n8PqV4mX6rT9z',
    }),
});
const DateQuery = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .openapi({
      description: "A local date in the organisation's time zone; today when left out",
      example: '2026-12-07',
    }),
});

const ProofOut = z
  .object({
    recipientName: z.string(),
    signatureUrl: z.string().nullable(),
    photoUrl: z.string().nullable(),
    deliveredAt: z.string(),
  })
  .openapi('ProofOfDelivery');

const StopOut = z.object({
  id: z.string().openapi({ description: "The stop: the step's current booking" }),
  jobId: z.string(),
  stepId: z.string(),
  reference: z.string(),
  title: z.string(),
  customerName: z.string(),
  customerPhone: z.string().nullable(),
  address: AddressOut.nullable(),
  stepTitle: z.string(),
  stepStatus: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  open: z.boolean(),
  stopsBefore: z.number().nullable().openapi({ description: 'Open stops before this one (open stops only)' }),
  expectedFrom: z.string().nullable(),
  expectedUntil: z.string().nullable(),
  proof: ProofOut.nullable(),
});
const RouteOut = z
  .object({ route: z.string(), name: z.string(), date: z.string(), stops: z.array(StopOut) })
  .openapi('Route');

const OrderBody = z
  .object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    stops: z
      .array(z.string().min(1).max(LIMITS.id))
      .max(LIMITS.stopsPerRoute)
      .openapi({ description: 'Stop ids in the new order (the order counts within a window)' }),
  })
  .openapi('StopOrder');

const DeliveryBody = z
  .object({
    recipientName: z.string().max(LIMITS.personName),
    signature: z
      .string()
      .max(Math.ceil((LIMITS.signatureBytes * 4) / 3) + 40)
      .optional()
      .openapi({ description: 'The signature as a PNG data URL (`data:image/png;base64,…`)' }),
    photoId: z
      .string()
      .max(LIMITS.id)
      .optional()
      .openapi({ description: 'A photo uploaded first with `POST /media`' }),
  })
  .openapi('Delivery');

const readRoute = createRoute({
  method: 'get',
  path: '/routes/{route}/stops',
  tags,
  security,
  summary: "A route's stops of a day, in order, with where each open one stands",
  request: { params: RouteParams, query: DateQuery },
  responses: {
    200: json(RouteOut, 'The route'),
    400: errors[400],
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});

const order = createRoute({
  method: 'put',
  path: '/routes/{route}/stops/order',
  tags,
  security,
  summary: "Put a route's stops in order (within their windows); the customers' trackers follow",
  request: { params: RouteParams, ...body(OrderBody) },
  responses: {
    200: json(RouteOut, 'The route'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    422: errors[422],
  },
});

const deliver = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/steps/{stepId}/delivery',
  tags,
  security,
  summary: 'Deliver a booked stop with its proof (recipient, signature, photo): the step is finished',
  request: { params: StepParams, ...body(DeliveryBody) },
  responses: {
    200: json(ProofOut, 'The proof of delivery'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

const proofOut = (p: {
  recipientName: string;
  signatureUrl: string | null;
  photoUrl: string | null;
  deliveredAt: number;
}) => ({
  ...p,
  deliveredAt: iso(p.deliveredAt) ?? '',
});

async function routeOut(ctx: Ctx, key: string, date: string, stops?: RouteStop[]) {
  const name = await routeName(ctx.db, ctx, key);
  const list = stops ?? (await routeStops(ctx.db, ctx, key, date));
  return {
    route: key,
    name,
    date,
    stops: list.map((s, i) => {
      const place = placeOf(list, i);
      return {
        id: s.id,
        jobId: s.jobId,
        stepId: s.stepId,
        reference: s.reference,
        title: s.title,
        customerName: s.customerName,
        customerPhone: s.customerPhone,
        address: s.address,
        stepTitle: s.stepTitle,
        stepStatus: s.status,
        startsAt: iso(s.startsAt) ?? '',
        endsAt: iso(s.endsAt) ?? '',
        open: s.open,
        stopsBefore: place?.stopsBefore ?? null,
        expectedFrom: iso(place?.expectedFrom),
        expectedUntil: iso(place?.expectedUntil),
        proof: s.proof ? proofOut(s.proof) : null,
      };
    }),
  };
}

export const stopRoutes = () =>
  router()
    .openapi(readRoute, async (c) => {
      const ctx = c.get('ctx');
      const { route } = c.req.valid('param');
      const date = c.req.valid('query').date ?? isoDateOf((await getCalendar(ctx)).timeZone, ctx.clock.now());
      return c.json(await routeOut(ctx, route, date), 200);
    })
    .openapi(order, async (c) => {
      const ctx = c.get('ctx');
      const { route } = c.req.valid('param');
      const { date, stops } = c.req.valid('json');
      const ordered = await reorderStops(ctx, route, date, stops);
      return c.json(await routeOut(ctx, route, date, ordered), 200);
    })
    .openapi(deliver, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const input = c.req.valid('json');
      const proof = await deliverStop(c.get('ctx'), jobId, stepId, {
        recipientName: input.recipientName,
        signature: input.signature ? signatureBytes('signature', input.signature) : null,
        photoId: input.photoId ?? null,
      });
      return c.json(proofOut(proof), 200);
    });

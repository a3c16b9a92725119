import { createRoute, z } from '@hono/zod-openapi';
import { LIMITS } from '../services/platform/limits';
import { type BookingView, bookingView, bookSlot, cancelBooking } from '../services/slots/booking';
import { dayPlan } from '../services/slots/day-plan';
import { router } from './env';
import { iso } from './present';
import { body, errors, json } from './responses';
import { AddressOut, StepParams, Timestamp } from './schemas';

/** Bookable steps through the API: free slots, book or move, cancel (docs/decisions/slots.md). */

const security = [{ bearer: [] }];
const tags = ['Bookings'];

const Window = z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string() });
const BookingOut = z
  .object({
    rules: z.object({
      slotMinutes: z.number(),
      capacity: z.number(),
      horizonDays: z.number(),
      cutoffWorkingDays: z.number(),
      leadMinutes: z.number(),
    }),
    booked: Window.nullable(),
    changeUntil: z
      .string()
      .nullable()
      .openapi({ description: 'Until when the customer may change the booking' }),
    open: z.boolean().openapi({ description: 'Whether it may be booked or changed now' }),
    slots: z
      .array(z.object({ startsAt: z.string(), endsAt: z.string(), left: z.number() }))
      .openapi({ description: 'Free slots, soonest first, with the places left' }),
  })
  .openapi('Booking');

const BookBody = z
  .object({
    startsAt: Timestamp.openapi({ description: "One of the free slots' `startsAt`" }),
    reason: z
      .string()
      .trim()
      .max(LIMITS.reason)
      .optional()
      .openapi({ description: 'Why staff move a booking (required then); the customer reads it' }),
    force: z
      .boolean()
      .optional()
      .openapi({ description: 'Book even a full slot (an extra van, overtime): admins and write keys only' }),
  })
  .openapi('Book');

const CancelQuery = z.object({
  reason: z.string().trim().min(1).max(LIMITS.reason).openapi({
    description: 'Why the booking is cancelled; the customer reads it',
    example: 'Het onderdeel is later binnen',
  }),
});

const writeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  422: errors[422],
};

const read = createRoute({
  method: 'get',
  path: '/jobs/{jobId}/steps/{stepId}/booking',
  tags,
  security,
  summary: "A bookable step's booking and its free slots",
  request: { params: StepParams },
  responses: {
    200: json(BookingOut, 'The booking and the free slots'),
    401: errors[401],
    404: errors[404],
    409: errors[409],
    422: errors[422],
  },
});

const book = createRoute({
  method: 'put',
  path: '/jobs/{jobId}/steps/{stepId}/booking',
  tags,
  security,
  summary: 'Book a slot, or move the booking to another (409 `slot_full` lists the free slots)',
  request: { params: StepParams, ...body(BookBody) },
  responses: { 200: json(BookingOut, 'The booking'), ...writeErrors },
});

const cancel = createRoute({
  method: 'delete',
  path: '/jobs/{jobId}/steps/{stepId}/booking',
  tags,
  security,
  summary: "Cancel the step's booking; its place is free again at once",
  request: { params: StepParams, query: CancelQuery },
  responses: { 200: json(BookingOut, 'The step without a booking'), ...writeErrors },
});

const Stop = z.object({
  jobId: z.string(),
  reference: z.string(),
  title: z.string(),
  customerName: z.string(),
  customerPhone: z.string().nullable(),
  address: AddressOut.nullable(),
  stepTitle: z.string(),
  stepStatus: z.string(),
  assignee: z.string().nullable(),
});
const DayPlanOut = z
  .object({
    date: z.string(),
    groups: z.array(
      z.object({
        key: z.string().openapi({ description: '`role:<id>` or `workflow-step:<id>`: whose capacity' }),
        name: z.string(),
        slots: z.array(z.object({ startsAt: z.string(), endsAt: z.string(), stops: z.array(Stop) })),
      }),
    ),
  })
  .openapi('DayPlan');

const dayPlanRoute = createRoute({
  method: 'get',
  path: '/day-plan',
  tags,
  security,
  summary: "A day's booked windows per capacity, with their stops in order (a driver's route)",
  request: {
    query: z.object({
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .openapi({ description: "A local date in the organisation's time zone", example: '2026-12-07' }),
    }),
  },
  responses: { 200: json(DayPlanOut, 'The day plan'), 401: errors[401], 422: errors[422] },
});

const out = (view: BookingView) => ({
  rules: view.rules,
  booked: view.booked
    ? { id: view.booked.id, startsAt: iso(view.booked.startsAt) ?? '', endsAt: iso(view.booked.endsAt) ?? '' }
    : null,
  changeUntil: iso(view.changeUntil),
  open: view.open,
  slots: view.slots.map((s) => ({
    startsAt: iso(s.startsAt) ?? '',
    endsAt: iso(s.endsAt) ?? '',
    left: s.left,
  })),
});

export const bookingRoutes = () =>
  router()
    .openapi(dayPlanRoute, async (c) => {
      const plan = await dayPlan(c.get('ctx'), c.req.valid('query').date);
      return c.json(
        {
          date: plan.date,
          groups: plan.groups.map((g) => ({
            ...g,
            slots: g.slots.map((s) => ({
              ...s,
              startsAt: iso(s.startsAt) ?? '',
              endsAt: iso(s.endsAt) ?? '',
            })),
          })),
        },
        200,
      );
    })
    .openapi(read, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const ctx = c.get('ctx');
      return c.json(out(await bookingView(ctx.db, ctx, jobId, stepId)), 200);
    })
    .openapi(book, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const { startsAt, reason } = c.req.valid('json');
      return c.json(
        out(await bookSlot(c.get('ctx'), jobId, stepId, startsAt, { reason: reason ?? null })),
        200,
      );
    })
    .openapi(cancel, async (c) => {
      const { jobId, stepId } = c.req.valid('param');
      const { reason } = c.req.valid('query');
      return c.json(out(await cancelBooking(c.get('ctx'), jobId, stepId, { reason })), 200);
    });

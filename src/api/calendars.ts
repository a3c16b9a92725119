import { createRoute, z } from '@hono/zod-openapi';
import {
  getCalendar,
  getWorkflowCalendar,
  setCalendar,
  setWorkflowCalendar,
} from '../services/calendar/calendars';
import type { Calendar, CalendarSettings, WeekHours } from '../services/calendar/working-time';
import { router } from './env';
import { body, errors, json } from './responses';
import { CalendarBody, CalendarOut, WEEKDAYS } from './schemas';

const security = [{ bearer: [] }];
const tags = ['Calendars'];
const writeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  422: errors[422],
};

const WorkflowParams = z.object({
  workflowId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'workflowId', in: 'path' }, example: 'wf_Gm4k8Rq2Vx7pT1nb' }),
});
const WorkflowCalendarOut = z
  .object({
    // A union with null, not `.nullable()`: the 3.1 document then says `anyOf: [Calendar, null]`
    // rather than an `allOf` of the object that a null cannot match.
    own: z.union([CalendarBody, z.null()]).openapi({
      description: "The workflow's own calendar; null: the organisation's",
    }),
    effective: CalendarOut.openapi({ description: "The calendar this workflow's jobs are planned in" }),
  })
  .openapi('WorkflowCalendar');

type Wire = z.infer<typeof CalendarBody>;

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Working calendars on the wire: weekday names and HH:MM local times, not minute numbers. */
export const calendarOut = (c: CalendarSettings): Wire => ({
  hours: Object.fromEntries(
    WEEKDAYS.map((day, i) => [
      day,
      (c.hours[i] ?? []).map((p) => ({ open: clock(p.open), close: clock(p.close) })),
    ]),
  ) as Wire['hours'],
  closedDates: c.closedDates,
  holidayCountry: c.holidayCountry,
});
const withZone = (c: Calendar) => ({ ...calendarOut(c), timeZone: c.timeZone });

export const calendarIn = (w: Wire): CalendarSettings => ({
  hours: WEEKDAYS.map((day) =>
    w.hours[day].map((p) => ({ open: minutesOf(p.open), close: minutesOf(p.close) })),
  ) as WeekHours,
  closedDates: w.closedDates,
  holidayCountry: w.holidayCountry,
});

const read = createRoute({
  method: 'get',
  path: '/calendar',
  tags,
  security,
  summary: "The organisation's working calendar: promises are computed in its working time",
  responses: { 200: json(CalendarOut, 'The calendar'), 401: errors[401] },
});
const write = createRoute({
  method: 'put',
  path: '/calendar',
  tags,
  security,
  summary: "Set the organisation's opening hours, public holidays and closed days",
  request: body(CalendarBody),
  responses: { 200: json(CalendarOut, 'The calendar'), ...writeErrors },
});
const readWorkflow = createRoute({
  method: 'get',
  path: '/workflows/{workflowId}/calendar',
  tags,
  security,
  summary: "A workflow's own calendar (if any) and the one its jobs are planned in",
  request: { params: WorkflowParams },
  responses: {
    200: json(WorkflowCalendarOut, 'The calendars'),
    401: errors[401],
    404: errors[404],
    422: errors[422],
  },
});
const writeWorkflow = createRoute({
  method: 'put',
  path: '/workflows/{workflowId}/calendar',
  tags,
  security,
  summary: 'Give a workflow its own calendar (a delivery service that drives on Saturdays)',
  request: { params: WorkflowParams, ...body(CalendarBody) },
  responses: { 200: json(WorkflowCalendarOut, 'The calendars'), ...writeErrors },
});
const dropWorkflow = createRoute({
  method: 'delete',
  path: '/workflows/{workflowId}/calendar',
  tags,
  security,
  summary: "Let a workflow follow the organisation's calendar again",
  request: { params: WorkflowParams },
  responses: { 200: json(WorkflowCalendarOut, 'The calendars'), ...writeErrors },
});

const workflowOut = (c: Awaited<ReturnType<typeof getWorkflowCalendar>>) => ({
  own: c.own ? calendarOut(c.own) : null,
  effective: withZone(c.effective),
});

export const calendarRoutes = () =>
  router()
    .openapi(read, async (c) => c.json(withZone(await getCalendar(c.get('ctx'))), 200))
    .openapi(write, async (c) =>
      c.json(withZone(await setCalendar(c.get('ctx'), calendarIn(c.req.valid('json')))), 200),
    )
    .openapi(readWorkflow, async (c) =>
      c.json(workflowOut(await getWorkflowCalendar(c.get('ctx'), c.req.valid('param').workflowId)), 200),
    )
    .openapi(writeWorkflow, async (c) => {
      const settings = calendarIn(c.req.valid('json'));
      return c.json(
        workflowOut(await setWorkflowCalendar(c.get('ctx'), c.req.valid('param').workflowId, settings)),
        200,
      );
    })
    .openapi(dropWorkflow, async (c) =>
      c.json(
        workflowOut(await setWorkflowCalendar(c.get('ctx'), c.req.valid('param').workflowId, null)),
        200,
      ),
    );

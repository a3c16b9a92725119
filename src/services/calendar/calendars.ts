import { and, eq } from 'drizzle-orm';
import { param, prepared } from '../../../db/prepared';
import { jobs, organisations, workflows } from '../../../db/schema';
import type { Ctx, Db } from '../platform/context';
import { invalid, notFound } from '../platform/errors';
import { authorize } from '../staff/permissions';
import type { Calendar, CalendarSettings, WeekHours } from './working-time';
import { isHolidayCountry } from './working-time';

// A function: the tables are bound to the dialect's when the database opens (db/tables.ts).
const calendarColumns = () => ({
  timeZone: organisations.timeZone,
  hours: organisations.hours,
  closedDates: organisations.closedDates,
  holidayCountry: organisations.holidayCountry,
  own: workflows.calendar,
});

// The organisation's calendar beside its workflow's own, if that workflow has one: one statement.
const byWorkflow = prepared((db) =>
  db
    .select(calendarColumns())
    .from(organisations)
    .leftJoin(
      workflows,
      and(eq(workflows.id, param('workflowId')), eq(workflows.organisationId, organisations.id)),
    )
    .where(eq(organisations.id, param('organisationId')))
    .prepare(),
);

// The same for a job's workflow, read from the job.
const byJob = prepared((db) =>
  db
    .select(calendarColumns())
    .from(jobs)
    .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
    .leftJoin(
      workflows,
      and(eq(workflows.id, jobs.workflowId), eq(workflows.organisationId, organisations.id)),
    )
    .where(and(eq(jobs.id, param('jobId')), eq(jobs.organisationId, param('organisationId'))))
    .prepare(),
);

type CalendarRow = Calendar & { own: CalendarSettings | null };

/** A workflow's own calendar wins over the organisation's; the time zone is always the organisation's. */
const effective = ({ own, ...org }: CalendarRow): Calendar =>
  own ? { ...own, timeZone: org.timeZone } : org;

/** The working calendar a job's promises are computed in: its workflow's own, else its organisation's. */
export async function calendarFor(
  db: Db,
  organisationId: string,
  workflowId: string | null,
): Promise<Calendar> {
  // No workflow has the empty id: without one the join finds nothing.
  const row = await byWorkflow(db).get({ organisationId, workflowId: workflowId ?? '' });
  if (!row) throw notFound('organisation');
  return effective(row as CalendarRow);
}

/** `calendarFor` the job's workflow, read in the same statement as the job (404 for another organisation's). */
export async function calendarOfJob(db: Db, organisationId: string, jobId: string): Promise<Calendar> {
  const row = await byJob(db).get({ organisationId, jobId });
  if (!row) throw notFound('job');
  return effective(row as CalendarRow);
}

/** The organisation's calendar, with its time zone (which Settings owns). */
export async function getCalendar(ctx: Ctx): Promise<Calendar> {
  return calendarFor(ctx.db, ctx.organisationId, null);
}

// An API key (write scope is checked by the API) or an admin may change when the business works.
const mayEdit = (ctx: Ctx) => authorize(ctx.db, ctx, 'calendar:manage');

export async function setCalendar(ctx: Ctx, input: CalendarSettings): Promise<Calendar> {
  await mayEdit(ctx);
  const clean = checkCalendar(input);
  await ctx.db.update(organisations).set(clean).where(eq(organisations.id, ctx.organisationId));
  return getCalendar(ctx);
}

/** A workflow's own calendar (null: it follows the organisation's) and the one its jobs use. */
export async function getWorkflowCalendar(ctx: Ctx, workflowId: string) {
  const [found] = await ctx.db
    .select({ calendar: workflows.calendar })
    .from(workflows)
    .where(and(eq(workflows.id, workflowId), eq(workflows.organisationId, ctx.organisationId)));
  if (!found) throw notFound('workflow');
  return {
    own: found.calendar ?? null,
    effective: await calendarFor(ctx.db, ctx.organisationId, workflowId),
  };
}

/** Gives a workflow its own calendar, or (null) lets it follow the organisation's again. */
export async function setWorkflowCalendar(ctx: Ctx, workflowId: string, input: CalendarSettings | null) {
  await mayEdit(ctx);
  const calendar = input ? checkCalendar(input) : null;
  const updated = await ctx.db
    .update(workflows)
    .set({ calendar })
    .where(and(eq(workflows.id, workflowId), eq(workflows.organisationId, ctx.organisationId)))
    .returning({ id: workflows.id });
  if (updated.length === 0) throw notFound('workflow');
  return getWorkflowCalendar(ctx, workflowId);
}

/** Rules beyond the shape: periods inside the day and apart, real dates, a country the library knows. */
export function checkCalendar(input: CalendarSettings): CalendarSettings {
  if (input.hours.length !== 7) throw invalid('hours', 'hours_all_days');
  const hours = input.hours.map((periods, day) => {
    const sorted = [...periods].sort((a, b) => a.open - b.open);
    sorted.forEach((p, i) => {
      const field = `hours.${day}.${i}`;
      if (!Number.isInteger(p.open) || !Number.isInteger(p.close) || p.open < 0 || p.close > 1440)
        throw invalid(field, 'hours_range');
      if (p.close <= p.open) throw invalid(field, 'hours_close_before_open');
      const before = sorted[i - 1];
      if (before && p.open < before.close) throw invalid(field, 'hours_overlap');
    });
    return sorted;
  }) as WeekHours;
  if (hours.every((d) => d.length === 0)) throw invalid('hours', 'hours_none');
  const closedDates = [...new Set(input.closedDates)].sort();
  closedDates.forEach((d, i) => {
    if (!isRealDate(d)) throw invalid(`closedDates.${i}`, 'closed_date_format');
  });
  const holidayCountry = input.holidayCountry ? input.holidayCountry.toUpperCase() : null;
  if (holidayCountry && !isHolidayCountry(holidayCountry))
    throw invalid('holidayCountry', 'holiday_country_unknown');
  return { hours, closedDates, holidayCountry };
}

function isRealDate(value: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

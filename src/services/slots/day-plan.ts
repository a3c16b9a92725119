import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import {
  type Address,
  bookings,
  jobs,
  roles,
  specialists,
  steps,
  workflowSteps,
  workflows,
} from '../../../db/schema';
import { getCalendar } from '../calendar/calendars';
import { zonedInstant } from '../calendar/working-time';
import type { Ctx } from '../platform/context';
import { invalid } from '../platform/errors';

/**
 * The day plan (issue 18): a day's booked windows per capacity (the drivers, the fitters), each with its
 * stops in the order of their windows — what the staff page prints and a driver's phone opens.
 */
export type Stop = {
  jobId: string;
  reference: string;
  title: string;
  customerName: string;
  customerPhone: string | null;
  address: Address | null;
  stepTitle: string;
  stepStatus: string;
  assignee: string | null;
};
export type PlanSlot = { startsAt: number; endsAt: number; stops: Stop[] };
export type PlanGroup = { key: string; name: string; slots: PlanSlot[] };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A local date (YYYY-MM-DD) in the organisation's time zone, with its bookings grouped by capacity and slot. */
export async function dayPlan(ctx: Ctx, date: string): Promise<{ date: string; groups: PlanGroup[] }> {
  const parts = DATE.exec(date);
  if (!parts) throw invalid('date', 'bad_format');
  const local = { y: Number(parts[1]), m: Number(parts[2]), d: Number(parts[3]) };
  // A real day of the calendar: 2026-02-30 is refused, not read as 2 March.
  const check = new Date(Date.UTC(local.y, local.m - 1, local.d));
  if (check.getUTCMonth() !== local.m - 1 || check.getUTCDate() !== local.d)
    throw invalid('date', 'bad_format');
  const calendar = await getCalendar(ctx);
  const start = zonedInstant(calendar.timeZone, local, 0);
  const next = new Date(Date.UTC(local.y, local.m - 1, local.d + 1));
  const end = zonedInstant(
    calendar.timeZone,
    { y: next.getUTCFullYear(), m: next.getUTCMonth() + 1, d: next.getUTCDate() },
    0,
  );
  const rows = await ctx.db
    .select({ booking: bookings, job: jobs, step: steps, assignee: specialists.name })
    .from(bookings)
    .innerJoin(jobs, eq(jobs.id, bookings.jobId))
    .innerJoin(steps, eq(steps.id, bookings.stepId))
    .leftJoin(specialists, eq(specialists.id, steps.assigneeId))
    .where(
      and(
        eq(bookings.organisationId, ctx.organisationId),
        eq(bookings.status, 'booked'),
        gte(bookings.startsAt, start),
        lt(bookings.startsAt, end),
      ),
    )
    .orderBy(asc(bookings.startsAt), asc(jobs.reference));
  const names = await capacityNames(
    ctx,
    rows.map((r) => r.booking.capacityKey),
  );
  const groups = new Map<string, PlanGroup>();
  for (const { booking, job, step, assignee } of rows) {
    let group = groups.get(booking.capacityKey);
    if (!group) {
      group = {
        key: booking.capacityKey,
        name: names.get(booking.capacityKey) ?? booking.capacityKey,
        slots: [],
      };
      groups.set(booking.capacityKey, group);
    }
    let slot = group.slots.find((s) => s.startsAt === booking.startsAt);
    if (!slot) {
      slot = { startsAt: booking.startsAt, endsAt: booking.endsAt, stops: [] };
      group.slots.push(slot);
    }
    slot.stops.push({
      jobId: job.id,
      reference: job.reference,
      title: job.title,
      customerName: job.customerName,
      customerPhone: job.customerPhone,
      address: job.address,
      stepTitle: step.title,
      stepStatus: step.status,
      assignee,
    });
  }
  return { date, groups: [...groups.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

/** A capacity's name: its role's (`role:<id>`), else its workflow's and step's (`workflow-step:<id>`). */
async function capacityNames(ctx: Ctx, keys: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const roleIds = keys.filter((k) => k.startsWith('role:')).map((k) => k.slice('role:'.length));
  if (roleIds.length) {
    const found = await ctx.db
      .select({ id: roles.id, name: roles.name })
      .from(roles)
      .where(and(eq(roles.organisationId, ctx.organisationId), inArray(roles.id, roleIds)));
    for (const r of found) out.set(`role:${r.id}`, r.name);
  }
  const stepIds = keys
    .filter((k) => k.startsWith('workflow-step:'))
    .map((k) => k.slice('workflow-step:'.length));
  if (stepIds.length) {
    const found = await ctx.db
      .select({ id: workflowSteps.id, title: workflowSteps.title, workflow: workflows.name })
      .from(workflowSteps)
      .innerJoin(workflows, eq(workflows.id, workflowSteps.workflowId))
      .where(and(eq(workflows.organisationId, ctx.organisationId), inArray(workflowSteps.id, stepIds)));
    for (const s of found) out.set(`workflow-step:${s.id}`, `${s.workflow} · ${s.title}`);
  }
  return out;
}

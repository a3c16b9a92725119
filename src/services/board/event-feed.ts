import { and, asc, desc, eq, gt, ne } from 'drizzle-orm';
import { events } from '../../../db/schema';
import { loadJob } from '../jobs/load';
import type { Ctx } from '../platform/context';
import { withProfiles } from '../platform/events';

/** Which log a console page follows: one job's, or the whole organisation's (the board). */
export type StaffTopic = { jobId: string } | { organisation: true };

const where = async (ctx: Ctx, topic: StaffTopic) => {
  if ('jobId' in topic) {
    await loadJob(ctx.db, ctx, topic.jobId);
    return eq(events.jobId, topic.jobId);
  }
  // Organisation-level entries (access changes, `jobId: ''`) are for the live hub, not for pages.
  return and(eq(events.organisationId, ctx.organisationId), ne(events.jobId, ''));
};

/** The newest event id a console page reflects, so its live stream starts right after it. */
export async function latestEventId(ctx: Ctx, topic: StaffTopic): Promise<number> {
  const [row] = await ctx.db
    .select({ id: events.id })
    .from(events)
    .where(await where(ctx, topic))
    .orderBy(desc(events.id))
    .limit(1);
  return row?.id ?? 0;
}

/** Events after `afterId`, internal ones included (staff see everything of their organisation). */
export async function staffEventsSince(ctx: Ctx, topic: StaffTopic, afterId: number, limit: number) {
  const rows = await ctx.db
    .select()
    .from(events)
    .where(and(await where(ctx, topic), gt(events.id, afterId)))
    .orderBy(asc(events.id))
    .limit(limit);
  return withProfiles(ctx.db, rows);
}

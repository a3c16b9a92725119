import { and, count, eq } from 'drizzle-orm';
import { invites, jobs, organisations, specialists, workflows } from '../../../db/schema';
import type { Ctx } from '../platform/context';
import { inTransaction } from '../platform/context';
import { authorize } from '../staff/permissions';

export const SETUP_ITEMS = ['workflow', 'colleague', 'job', 'widget'] as const;
export type SetupItem = (typeof SETUP_ITEMS)[number];

/** Where each item is done in the console. */
const WHERE: Record<SetupItem, string> = {
  workflow: '/console/workflows',
  colleague: '/console/team',
  job: '/console/jobs/new',
  widget: '/console/widget',
};

/**
 * A new business's way to its first tracker link: a workflow, a colleague (or an invitation out), a job
 * (whose tracker link the customer gets), and the widget on its own site. Read from what exists, so it is
 * never out of step. Null once every item is done or an admin hid it.
 */
export async function setupChecklist(ctx: Ctx) {
  const { db, organisationId } = ctx;
  const [org] = await db
    .select({ hiddenAt: organisations.setupHiddenAt, embedOrigins: organisations.embedOrigins })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!org || org.hiddenAt !== null) return null;
  const [[flow], [team], [invite], [job]] = await Promise.all([
    db
      .select({ id: workflows.id })
      .from(workflows)
      .where(eq(workflows.organisationId, organisationId))
      .limit(1),
    db
      .select({ n: count() })
      .from(specialists)
      .where(and(eq(specialists.organisationId, organisationId), eq(specialists.active, true))),
    db.select({ id: invites.id }).from(invites).where(eq(invites.organisationId, organisationId)).limit(1),
    db.select({ id: jobs.id }).from(jobs).where(eq(jobs.organisationId, organisationId)).limit(1),
  ]);
  const done: Record<SetupItem, boolean> = {
    workflow: !!flow,
    colleague: Number(team?.n ?? 0) > 1 || !!invite,
    job: !!job,
    widget: org.embedOrigins.length > 0,
  };
  if (SETUP_ITEMS.every((item) => done[item])) return null;
  return SETUP_ITEMS.map((item) => ({ item, done: done[item], href: WHERE[item] }));
}

/** An admin hides the checklist for the whole organisation (it does not come back). */
export async function hideSetupChecklist(ctx: Ctx): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'settings:manage');
    await tx
      .update(organisations)
      .set({ setupHiddenAt: ctx.clock.now() })
      .where(eq(organisations.id, ctx.organisationId));
  });
}

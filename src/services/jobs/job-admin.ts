import { eq } from 'drizzle-orm';
import { jobs } from '../../../db/schema';
import { type Ctx, inTransaction } from '../platform/context';
import { appendEvent } from '../platform/events';
import { newToken, sha256 } from '../platform/ids';
import { loadSecrets, seal, unseal } from '../platform/secrets';
import { authorize } from '../staff/permissions';
import { loadJob, loadOpenJob } from './load';

/** Cancels an open job; the customer sees it, with the reason when one is given. */
export async function cancelJob(ctx: Ctx, jobId: string, input: { reason?: string } = {}) {
  await inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    await authorize(tx, ctx, 'job:cancel');
    const now = ctx.clock.now();
    await tx.update(jobs).set({ status: 'cancelled', updatedAt: now }).where(eq(jobs.id, jobId));
    await appendEvent(tx, ctx, {
      jobId,
      type: 'job.cancelled',
      payload: { job: { status: 'cancelled' }, ...(input.reason ? { reason: input.reason } : {}) },
    });
  });
}

/** The job's tracker token, for staff to copy or send again; null for a job whose token was never sealed. */
export async function trackerToken(ctx: Ctx, jobId: string): Promise<string | null> {
  const job = await loadJob(ctx.db, ctx, jobId);
  if (!job.trackerTokenSealed) return null;
  return unseal((await loadSecrets(ctx.db)).seal, job.trackerTokenSealed);
}

/**
 * A new tracker link for the job; the old one stops working at once (a link sent to the wrong person,
 * or a job from before links were sealed). The log records that it happened, not the token.
 */
export async function reissueTrackerToken(
  ctx: Ctx,
  jobId: string,
  input: { reason?: string } = {},
): Promise<string> {
  const token = newToken();
  const key = (await loadSecrets(ctx.db)).seal;
  await inTransaction(ctx, async (tx) => {
    await loadJob(tx, ctx, jobId);
    await authorize(tx, ctx, 'job:reissue_link');
    await tx
      .update(jobs)
      .set({
        trackerTokenHash: sha256(token),
        trackerTokenSealed: seal(key, token),
        updatedAt: ctx.clock.now(),
      })
      .where(eq(jobs.id, jobId));
    await appendEvent(tx, ctx, {
      jobId,
      type: 'job.link_reissued',
      payload: input.reason ? { reason: input.reason } : {},
    });
  });
  return token;
}

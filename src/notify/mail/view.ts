import { and, asc, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { invoices, jobs, mailMessages } from '../../../db/schema';
import type { Ctx } from '../../services/platform/context';
import { notFound } from '../../services/platform/errors';
import { clearFailingAddress, failingAddress, storedHeaders } from './outbox';

/** Messages per page of the console's outbox. */
export const OUTBOX_PAGE = 50;

/**
 * The organisation's outbox for the console, newest first, a page at a time (`before`: the last row's
 * `createdAt.id` of the previous page). Optionally only one job's messages.
 */
export async function listOutbox(ctx: Ctx, options: { jobId?: string; before?: string } = {}) {
  const [beforeAt, beforeId] = (options.before ?? '').split('.', 2);
  const at = Number(beforeAt);
  const rows = await ctx.db
    .select({
      id: mailMessages.id,
      createdAt: mailMessages.createdAt,
      recipient: mailMessages.recipient,
      subject: mailMessages.subject,
      kind: mailMessages.kind,
      status: mailMessages.status,
      jobId: mailMessages.jobId,
      reference: jobs.reference,
    })
    .from(mailMessages)
    .leftJoin(jobs, eq(jobs.id, mailMessages.jobId))
    .where(
      and(
        eq(mailMessages.organisationId, ctx.organisationId),
        options.jobId ? eq(mailMessages.jobId, options.jobId) : undefined,
        beforeId && Number.isFinite(at)
          ? or(
              lt(mailMessages.createdAt, at),
              and(eq(mailMessages.createdAt, at), lt(mailMessages.id, beforeId)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(mailMessages.createdAt), desc(mailMessages.id))
    .limit(OUTBOX_PAGE + 1);
  const page = rows.slice(0, OUTBOX_PAGE);
  const last = page.at(-1);
  return {
    messages: page,
    next: rows.length > OUTBOX_PAGE && last ? `${last.createdAt}.${last.id}` : null,
  };
}

/** What goes with a message besides its body: a calendar file (new or changed, or a cancellation), a PDF. */
export type OutboxAttachment =
  | { kind: 'calendar' | 'calendarCancel' }
  | { kind: 'invoice' | 'creditNote'; number: string };

/** One message of the organisation's outbox, whole; another organisation's is not found. */
export async function outboxMessage(ctx: Ctx, id: string) {
  const [row] = await ctx.db
    .select({ message: mailMessages, reference: jobs.reference })
    .from(mailMessages)
    .leftJoin(jobs, eq(jobs.id, mailMessages.jobId))
    .where(and(eq(mailMessages.id, id), eq(mailMessages.organisationId, ctx.organisationId)));
  if (!row) throw notFound('email message');
  // The headers as sent; what the sender attaches from the pointers it keeps among them, named instead.
  const { sent, calendars, invoiceIds } = storedHeaders(row.message.headers);
  const invoiceRows = invoiceIds.length
    ? await ctx.db
        .select({ number: invoices.number, kind: invoices.kind })
        .from(invoices)
        .where(and(eq(invoices.organisationId, ctx.organisationId), inArray(invoices.id, invoiceIds)))
        .orderBy(asc(invoices.issuedAt), asc(invoices.sequence))
    : [];
  const attachments: OutboxAttachment[] = [
    ...calendars.map((pointer) => ({
      kind: pointer.method === 'CANCEL' ? ('calendarCancel' as const) : ('calendar' as const),
    })),
    ...invoiceRows.map((r) => ({
      kind: r.kind === 'credit_note' ? ('creditNote' as const) : ('invoice' as const),
      number: r.number,
    })),
  ];
  return { ...row, sentHeaders: sent, attachments };
}

/** The failing mark on a job's customer address, if any (the job page warns staff). */
export async function jobMailProblem(ctx: Ctx, jobId: string) {
  const [job] = await ctx.db
    .select({ email: jobs.customerEmail })
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.organisationId, ctx.organisationId)));
  return job?.email ? failingAddress(ctx.db, ctx.organisationId, job.email) : null;
}

/** Staff clear the failing mark on a job's customer address: mail to it is tried again. */
export async function retryJobAddress(ctx: Ctx, jobId: string): Promise<void> {
  const [job] = await ctx.db
    .select({ email: jobs.customerEmail })
    .from(jobs)
    .where(and(eq(jobs.id, jobId), eq(jobs.organisationId, ctx.organisationId)));
  if (!job) throw notFound('job');
  if (job.email) await clearFailingAddress(ctx.db, ctx.organisationId, job.email);
}

import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { lockFree } from '../../../db/dialect';
import { jobs, organisations, type SmsKind, smsFailingNumbers, smsMessages, steps } from '../../../db/schema';
import { announcementOf } from '../../events/announce';
import { type LogEvent, readEvent } from '../../events/catalogue';
import { fill } from '../../i18n/messages';
import { smsTexts } from '../../i18n/sms';
import {
  type Clock,
  type Ctx,
  claimTransaction,
  cursorTransaction,
  type Db,
  inTransaction,
  writeTransaction,
} from '../../services/platform/context';
import { conflict, notFound } from '../../services/platform/errors';
import { loadSecrets, unseal } from '../../services/platform/secrets';
import { authorize } from '../../services/staff/permissions';
import { cursorHasWork, nextEvents } from '../log-cursor';
import { type NotifyKind, wants } from '../preferences';
import { toE164 } from './phone';
import type { SmsProvider } from './provider';
import { clip, smsSegments, toGsmFriendly } from './segments';

const CURSOR = 'sms';
const BATCH = 200;
const SEND_BATCH = 20;
const LOCK_MS = 60_000;
/** Waits before the 2nd … 6th attempt after a temporary refusal; then the message fails. */
export const SMS_RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 7_200_000];
/** Staff may send the tracker link by text once a minute per job. */
const RESEND_GAP_MS = 60_000;

/**
 * Which text an event asks for, if any:
 * - `link`: the job was created (the tracker link);
 * - `approval`: a cost line now waits for the customer's decision;
 * - `on_its_way`: the job's last step started (see docs/decisions/sms-on-its-way.md): the one moment
 *   in every workflow that means "nearly there", without a flag per workflow step.
 */
function kindOf(e: LogEvent, lastStepId: string | undefined): SmsKind | null {
  if (e.type === 'job.created') return 'link';
  if (e.type.startsWith('cost_line.')) {
    const said = announcementOf(e.type, e.payload as { costLine?: { state: string } });
    return said?.say === 'approval' ? 'approval' : null;
  }
  if (e.type === 'step.started' && e.payload.step.id === lastStepId) return 'on_its_way';
  return null;
}

/** Which of the customer's preferences (src/notify/preferences.ts) each text falls under. */
const PREFERENCE: Record<SmsKind, NotifyKind | null> = {
  link: null,
  approval: 'approval',
  on_its_way: 'progress',
};

type JobRow = {
  id: string;
  organisationId: string;
  reference: string;
  status: string;
  phone: string | null;
  locale: 'nl' | 'en' | null;
  sealed: string | null;
  orgName: string;
  orgLocale: 'nl' | 'en';
  country: string | null;
};

/** The text for one kind of moment, in the job's language, GSM-7 where the names allow. */
export function smsText(
  kind: SmsKind,
  job: { orgName: string; reference: string; locale: 'nl' | 'en' },
  url: string,
  step = '',
): string {
  const t = smsTexts[job.locale];
  const template = kind === 'link' ? t.link : kind === 'approval' ? t.approval : t.onItsWay;
  return fill(template, {
    org: clip(toGsmFriendly(job.orgName), 30),
    reference: clip(toGsmFriendly(job.reference), 24),
    step: clip(toGsmFriendly(step), 32),
    url,
  });
}

const jobsWith = (db: Db, ids: string[]) =>
  db
    .select({
      id: jobs.id,
      organisationId: jobs.organisationId,
      reference: jobs.reference,
      status: jobs.status,
      phone: jobs.customerPhone,
      locale: jobs.locale,
      sealed: jobs.trackerTokenSealed,
      orgName: organisations.name,
      orgLocale: organisations.defaultLocale,
      country: organisations.holidayCountry,
    })
    .from(jobs)
    .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
    .where(inArray(jobs.id, ids)) as Promise<JobRow[]>;

/**
 * Turns new events into text messages: follows the event log from a cursor kept in the database (so
 * nothing is lost or written twice across restarts), one process at a time (a lease), and writes the
 * messages and the cursor in one transaction. Jobs without a valid number, closed jobs and numbers
 * that failed for good get nothing. Returns how many messages it wrote.
 */
export async function enqueueSmsForNewEvents(db: Db, clock: Clock, publicUrl: string): Promise<number> {
  const now = clock.now();
  if (!(await cursorHasWork(db, CURSOR, now))) return 0;
  return cursorTransaction(db, CURSOR, async (tx) => {
    const next = await nextEvents(tx, CURSOR, now, BATCH);
    if (!next) return 0;
    const events = next.rows.flatMap((row) => {
      const e = readEvent(row);
      return e && e.visibility === 'customer' && e.jobId ? [e] : [];
    });
    const started = events.filter((e) => e.type === 'step.started').map((e) => e.jobId);
    const candidates = events.filter(
      (e) => e.type === 'job.created' || e.type === 'step.started' || e.type.startsWith('cost_line.'),
    );
    if (candidates.length === 0) {
      await next.advance();
      return 0;
    }
    const jobIds = [...new Set(candidates.map((e) => e.jobId))];
    // One after the other: a transaction's statements run on one connection.
    const jobRows = await jobsWith(tx, jobIds);
    const stepRows = started.length
      ? await tx
          .select({ id: steps.id, jobId: steps.jobId, position: steps.position, status: steps.status })
          .from(steps)
          .where(inArray(steps.jobId, [...new Set(started)]))
      : [];
    const secrets = await loadSecrets(tx);
    // The last step that will be worked on: the highest position not skipped.
    const lastStep = new Map<string, { id: string; position: number }>();
    for (const s of stepRows) {
      if (s.status === 'skipped') continue;
      const seen = lastStep.get(s.jobId);
      if (!seen || s.position > seen.position) lastStep.set(s.jobId, s);
    }
    const byJob = new Map(jobRows.map((j) => [j.id, j]));
    const failing = new Set(
      (
        await tx
          .select({ org: smsFailingNumbers.organisationId, phone: smsFailingNumbers.phone })
          .from(smsFailingNumbers)
          .where(
            inArray(smsFailingNumbers.organisationId, [...new Set(jobRows.map((j) => j.organisationId))]),
          )
      ).map((f) => `${f.org} ${f.phone}`),
    );
    const rows: (typeof smsMessages.$inferInsert)[] = [];
    const seen = new Set<string>();
    for (const e of candidates) {
      const job = byJob.get(e.jobId);
      const kind = kindOf(e, lastStep.get(e.jobId)?.id);
      if (!job || !kind || job.status !== 'open') continue;
      const to = toE164(job.phone, job.country);
      if (!to || failing.has(`${job.organisationId} ${to}`)) continue;
      // The customer's choices on the tracker (the tracker link itself is always sent).
      const preference = PREFERENCE[kind];
      if (preference && !(await wants(tx, job.id, 'sms', preference))) continue;
      const token = job.sealed ? unseal(secrets.seal, job.sealed) : null;
      if (!token) continue;
      // One text per job and kind in a batch: three lines to approve at once are one message.
      const key = `${job.id} ${kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let url = `${publicUrl}/t/${token}`;
      let step = '';
      if (kind === 'approval' && 'costLine' in e.payload) url += `#approval-${e.payload.costLine.id}`;
      if (kind === 'on_its_way' && 'step' in e.payload) step = e.payload.step.title;
      const body = smsText(kind, { ...job, locale: job.locale ?? job.orgLocale }, url, step);
      rows.push({
        // "On its way" once per job, even when the last step starts again after a hold.
        id: kind === 'on_its_way' ? `sms_${job.id}_on_its_way` : `sms_${e.id}_${kind}`,
        organisationId: job.organisationId,
        jobId: job.id,
        kind,
        to,
        body,
        segments: smsSegments(body).segments,
        status: 'pending',
        nextAttemptAt: now,
        createdAt: now,
      });
    }
    if (rows.length) await tx.insert(smsMessages).values(rows).onConflictDoNothing();
    await next.advance();
    return rows.length;
  });
}

/**
 * Sends the messages that are due, each claimed first so no other process sends the same attempt.
 * Accepted: sent. A temporary refusal (429, 5xx, no answer): tried again after a growing wait, then
 * failed. A final refusal: failed at once, and a refusal about the number marks it failing for the
 * organisation (staff see it on the job; nothing more is sent to it).
 */
export async function sendDueSms(db: Db, clock: Clock, provider: SmsProvider): Promise<number> {
  const now = clock.now();
  const due = await db
    .select()
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.status, 'pending'),
        lte(smsMessages.nextAttemptAt, now),
        or(isNull(smsMessages.lockedUntil), lte(smsMessages.lockedUntil, now)),
      ),
    )
    .orderBy(asc(smsMessages.nextAttemptAt))
    .limit(SEND_BATCH);
  let sent = 0;
  for (const message of due) {
    const claimed = await claimTransaction(db, async (tx) =>
      (await lockFree(tx, smsMessages, smsMessages.id, [message.id])).length === 0
        ? []
        : tx
            .update(smsMessages)
            .set({ lockedUntil: now + LOCK_MS })
            .where(
              and(
                eq(smsMessages.id, message.id),
                eq(smsMessages.status, 'pending'),
                or(isNull(smsMessages.lockedUntil), lte(smsMessages.lockedUntil, now)),
                // Only the row as it was read: another process may have tried it and settled it since.
                eq(smsMessages.attempts, message.attempts),
              ),
            )
            .returning({ id: smsMessages.id }),
    );
    if (claimed.length === 0) continue;
    const result = await provider.send({ to: message.to, body: message.body });
    const at = clock.now();
    const attempts = message.attempts + 1;
    // The message's organisation's write: beside other organisations' writes.
    await writeTransaction(
      db,
      async (tx) => {
        if (result.ok) {
          await tx
            .update(smsMessages)
            .set({
              status: 'sent',
              attempts,
              providerId: result.id,
              lastError: null,
              sentAt: at,
              lockedUntil: null,
            })
            .where(eq(smsMessages.id, message.id));
          return;
        }
        const delay = result.temporary ? SMS_RETRY_DELAYS_MS[attempts - 1] : undefined;
        await tx
          .update(smsMessages)
          .set({
            status: delay === undefined ? 'failed' : 'pending',
            attempts,
            nextAttemptAt: delay === undefined ? at : at + delay,
            lockedUntil: null,
            lastError: result.error,
          })
          .where(eq(smsMessages.id, message.id));
        if (result.recipient) {
          await tx
            .insert(smsFailingNumbers)
            .values({
              organisationId: message.organisationId,
              phone: message.to,
              reason: result.error,
              since: at,
            })
            .onConflictDoNothing();
          // What still waits for this number would fail the same way.
          await tx
            .update(smsMessages)
            .set({ status: 'discarded', lockedUntil: null })
            .where(
              and(
                eq(smsMessages.organisationId, message.organisationId),
                eq(smsMessages.to, message.to),
                eq(smsMessages.status, 'pending'),
              ),
            );
        }
      },
      message.organisationId,
    );
    if (result.ok) sent++;
  }
  return sent;
}

/**
 * Staff's "send tracker link by text": queues the link for the job's number at once. Refused when the
 * job has no valid number, the number failed for good, or a link was queued in the last minute.
 */
export async function queueTrackerLinkSms(ctx: Ctx, jobId: string, publicUrl: string): Promise<void> {
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const [job] = await jobsWith(tx, [jobId]);
    if (!job || job.organisationId !== ctx.organisationId) throw notFound('job');
    await authorize(tx, ctx, 'job:send_link');
    const to = toE164(job.phone, job.country);
    if (!to) throw conflict('sms_no_number');
    const [failing] = await tx
      .select()
      .from(smsFailingNumbers)
      .where(and(eq(smsFailingNumbers.organisationId, job.organisationId), eq(smsFailingNumbers.phone, to)));
    if (failing) throw conflict('sms_number_failing');
    const [recent] = await tx
      .select({ createdAt: smsMessages.createdAt })
      .from(smsMessages)
      .where(and(eq(smsMessages.jobId, jobId), eq(smsMessages.kind, 'link')))
      .orderBy(desc(smsMessages.createdAt))
      .limit(1);
    if (recent && now - recent.createdAt < RESEND_GAP_MS) throw conflict('sms_just_sent');
    const token = job.sealed ? unseal((await loadSecrets(tx)).seal, job.sealed) : null;
    if (!token) throw conflict('sms_no_link');
    const body = smsText('link', { ...job, locale: job.locale ?? job.orgLocale }, `${publicUrl}/t/${token}`);
    await tx.insert(smsMessages).values({
      id: `sms_manual_${randomBytes(8).toString('hex')}`,
      organisationId: job.organisationId,
      jobId,
      kind: 'link',
      to,
      body,
      segments: smsSegments(body).segments,
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    });
  });
}

/** What staff see on the job: whether its number fails, and the last text messages with their state. */
export async function smsStateForJob(ctx: Ctx, job: { id: string; customerPhone: string | null }) {
  const [org] = await ctx.db
    .select({ country: organisations.holidayCountry })
    .from(organisations)
    .where(eq(organisations.id, ctx.organisationId));
  const to = toE164(job.customerPhone, org?.country);
  const [failing] = to
    ? await ctx.db
        .select()
        .from(smsFailingNumbers)
        .where(and(eq(smsFailingNumbers.organisationId, ctx.organisationId), eq(smsFailingNumbers.phone, to)))
    : [];
  const recent = await ctx.db
    .select({
      kind: smsMessages.kind,
      status: smsMessages.status,
      createdAt: smsMessages.createdAt,
      lastError: smsMessages.lastError,
      segments: smsMessages.segments,
    })
    .from(smsMessages)
    .where(and(eq(smsMessages.jobId, job.id), eq(smsMessages.organisationId, ctx.organisationId)))
    .orderBy(desc(smsMessages.createdAt))
    .limit(5);
  return { to, failing: failing ?? null, recent };
}

import { and, asc, eq, inArray, min, sql } from 'drizzle-orm';
import {
  events,
  type Job,
  jobs,
  mailJobState,
  mailPending,
  type NotifyKind,
  type Organisation,
  organisations,
  specialists,
  steps,
} from '../../../db/schema';
import { type LogEvent, readEvent } from '../../events/catalogue';
import { localText } from '../../i18n/content';
import type { Locale } from '../../i18n/messages';
import { type BaseCtx, cursorTransaction, type Db, writeTransaction } from '../../services/platform/context';
import { withProfiles } from '../../services/platform/events';
import { loadSecrets, type Secrets, unseal } from '../../services/platform/secrets';
import { cursorHasWork, nextEvents } from '../log-cursor';
import { declined } from '../preferences';
import { queueMail } from './outbox';
import { type MailOrganisation, type Moment, renderCustomerMail, renderStaffMail } from './render';
import { replyAddress } from './reply-address';
import { unsubscribeToken } from './unsubscribe';

const CURSOR = 'mail';
const BATCH = 500;
/** Jobs flushed per round; the round repeats while it finds work. */
const FLUSH_BATCH = 100;

export type MailWorkOptions = {
  publicUrl: string;
  /** Reply addresses: domain and validity. */
  inboundDomain: string;
  replyAddressDays: number;
  /** Moments of one job within this window (from the first) become one message. */
  coalesceMs: number;
  /** At most one customer message per job per this long, unless it asks for their action. */
  minGapMs: number;
};

/** What a pending moment is, as stored in `mail_pending.kind`. */
type PendingKind = Moment['kind'];

/** Which preference a moment falls under; the tracker link is always sent. */
const PREFERENCE: Record<PendingKind, NotifyKind | null> = {
  tracker_link: null,
  started: 'progress',
  finished: 'progress',
  promise: 'promise',
  booking: 'promise',
  answer: 'answer',
  approval: 'approval',
  signoff: 'approval',
  invoice: 'done',
  done: 'done',
};

/** The customer moment an event is, before the per-step flag; null: not one for email. */
function momentKind(e: LogEvent): PendingKind | null {
  switch (e.type) {
    case 'job.created':
      return 'tracker_link';
    case 'step.started':
      return 'started';
    case 'step.finished':
      return 'finished';
    case 'step.promise_changed':
      // A re-plan moves later promises for one cause; the customer hears of the cause (and the tracker).
      return e.payload.cause ? null : 'promise';
    case 'question.answered':
      // An emailed question is answered in its own thread (the inbound side sends that).
      return e.payload.question.channel === 'email' ? null : 'answer';
    case 'cost_line.added':
    case 'cost_line.changed':
      return e.payload.costLine.state === 'awaiting_approval' ? 'approval' : null;
    case 'invoice.issued':
    case 'invoice.credited':
      return 'invoice';
    case 'signoff.requested':
      // A single extra line is asked on the tracker with its own moment (`approval`).
      return e.payload.signoff.subject === 'cost_line' ? null : 'signoff';
    case 'job.completed':
      return 'done';
    case 'booking.made':
    case 'booking.moved':
    case 'booking.cancelled':
      return 'booking';
    default:
      return null;
  }
}

/**
 * Follows the event log (a cursor in the database, one process at a time) and records each customer
 * moment as pending for its job, in the same transaction as the cursor's advance: nothing is lost or
 * taken twice across a restart. Staff messages (a question for them, a customer's decision on their
 * extra work) are queued at once. Returns how many moments and staff messages it wrote.
 */
export async function collectMailMoments(base: BaseCtx, options: MailWorkOptions): Promise<number> {
  const { db } = base;
  const now = base.clock.now();
  if (!(await cursorHasWork(db, CURSOR, now))) return 0;
  return cursorTransaction(db, CURSOR, async (tx) => {
    const next = await nextEvents(tx, CURSOR, now, BATCH);
    if (!next) return 0;
    const read = next.rows.flatMap((row) => {
      const e = readEvent(row);
      return e ? [e] : [];
    });
    // Start and finish only for steps whose workflow step says "notify the customer".
    const stepIds = read.flatMap((e) =>
      (e.type === 'step.started' || e.type === 'step.finished') && e.stepId ? [e.stepId] : [],
    );
    const quiet = new Set(
      stepIds.length
        ? (
            await tx
              .select({ id: steps.id })
              .from(steps)
              .where(and(inArray(steps.id, [...new Set(stepIds)]), eq(steps.notifyCustomer, false)))
          ).map((s) => s.id)
        : [],
    );
    const pending = read.flatMap((e) => {
      const kind = momentKind(e);
      if (!kind || (e.stepId && (kind === 'started' || kind === 'finished') && quiet.has(e.stepId)))
        return [];
      return [
        { eventId: e.id, organisationId: e.organisationId, jobId: e.jobId, kind, createdAt: e.createdAt },
      ];
    });
    for (let i = 0; i < pending.length; i += 100) {
      await tx
        .insert(mailPending)
        .values(pending.slice(i, i + 100))
        .onConflictDoNothing();
    }
    const staff = await queueStaffMail(tx, read, now, options);
    await next.advance();
    return pending.length + staff;
  });
}

/** Who on the staff hears about an event by email, and what. */
function staffMoment(e: LogEvent) {
  switch (e.type) {
    case 'question.asked':
    case 'question.moved':
      return e.payload.assigneeId
        ? { to: e.payload.assigneeId, what: { kind: 'question' as const, question: e.payload.question.body } }
        : null;
    case 'cost_line.approved':
    case 'cost_line.declined':
      return e.payload.specialistId
        ? {
            to: e.payload.specialistId,
            what: {
              kind: 'decision' as const,
              approved: e.type === 'cost_line.approved',
              item: e.payload.costLine.description,
            },
          }
        : null;
    case 'feedback.given':
      // A low score: the admin who follows it up hears at once.
      return e.payload.feedback.followUp
        ? {
            to: e.payload.feedback.followUp.id,
            what: {
              kind: 'feedback' as const,
              score: e.payload.feedback.score,
              comment: e.payload.feedback.comment,
            },
          }
        : null;
    default:
      return null;
  }
}

async function queueStaffMail(tx: Db, read: LogEvent[], now: number, options: MailWorkOptions) {
  const wanted = read.flatMap((e) => {
    const m = staffMoment(e);
    return m ? [{ e, ...m }] : [];
  });
  if (wanted.length === 0) return 0;
  const people = await tx
    .select({ specialist: specialists, org: organisations })
    .from(specialists)
    .innerJoin(organisations, eq(organisations.id, specialists.organisationId))
    .where(inArray(specialists.id, [...new Set(wanted.map((w) => w.to))]));
  const byId = new Map(people.map((p) => [p.specialist.id, p]));
  const jobRows = await tx
    .select({ id: jobs.id, reference: jobs.reference, title: jobs.title })
    .from(jobs)
    .where(inArray(jobs.id, [...new Set(wanted.map((w) => w.e.jobId))]));
  const jobById = new Map(jobRows.map((j) => [j.id, j]));
  let queued = 0;
  for (const { e, to, what } of wanted) {
    const person = byId.get(to);
    const job = jobById.get(e.jobId);
    if (!person?.specialist.email || !person.specialist.active || !job) continue;
    if (person.org.id !== e.organisationId) continue;
    const locale = person.org.defaultLocale;
    const rendered = renderStaffMail(
      {
        locale,
        org: orgOf(person.org),
        job,
        jobUrl: `${options.publicUrl}/console/jobs/${e.jobId}`,
        what,
      },
      options.publicUrl,
    );
    await queueMail(
      tx,
      {
        organisationId: e.organisationId,
        jobId: e.jobId,
        questionId: what.kind === 'question' && 'question' in e.payload ? e.payload.question.id : null,
        recipient: person.specialist.email,
        locale,
        kind: `staff_${what.kind}`,
        ...rendered,
      },
      now,
    );
    queued++;
  }
  return queued;
}

const orgOf = (o: typeof organisations.$inferSelect): MailOrganisation => ({
  name: o.name,
  logoUrl: o.logoUrl,
  brandColor: o.brandColor,
  timeZone: o.timeZone,
  currency: o.currency,
});

/** Each job's pending moments: the first one's time, whether one is urgent, the job's last message. */
const pendingGroups = (db: Db) =>
  db
    .select({
      jobId: mailPending.jobId,
      first: min(mailPending.createdAt),
      // Moments that need the customer (or start the conversation) go at once, past the gap.
      urgent: sql<number>`max(case when ${mailPending.kind} in ('approval', 'signoff', 'tracker_link') then 1 else 0 end)`,
      lastSentAt: mailJobState.lastSentAt,
    })
    .from(mailPending)
    .leftJoin(mailJobState, eq(mailJobState.jobId, mailPending.jobId))
    .groupBy(mailPending.jobId, mailJobState.lastSentAt)
    .orderBy(asc(min(mailPending.createdAt)))
    .limit(FLUSH_BATCH * 10);

type PendingGroup = Awaited<ReturnType<typeof pendingGroups>>[number];

/**
 * When a job's pending moments fall due: at once when one is urgent, else when the coalescing window has
 * passed since the first and the job's last message is at least the minimum gap ago.
 */
const dueAt = (g: PendingGroup, options: MailWorkOptions) =>
  Number(g.urgent) === 1
    ? 0
    : Math.max((g.first ?? 0) + options.coalesceMs, (g.lastSentAt ?? 0) + options.minGapMs);

/** When the earliest job's pending moments fall due for `flushCustomerMail`, or null when nothing is pending. */
export async function nextCustomerMailDue(db: Db, options: MailWorkOptions): Promise<number | null> {
  const groups = await pendingGroups(db);
  return groups.length ? Math.min(...groups.map((g) => dueAt(g, options))) : null;
}

/**
 * Turns each job's pending moments into one message once they are due: the coalescing window has passed
 * since the first, and the job's last message is at least the minimum gap ago — or at once when one of
 * them asks for the customer's action (an approval) or is the tracker link. Each job is done in one
 * transaction (pending rows removed, message queued, last-sent time kept), so a restart in between
 * neither loses nor repeats a moment. Preferences are asked here, so an unsubscribe stops what waits.
 */
export async function flushCustomerMail(base: BaseCtx, options: MailWorkOptions): Promise<number> {
  const { db } = base;
  const now = base.clock.now();
  const due = (await pendingGroups(db)).filter((g) => dueAt(g, options) <= now).slice(0, FLUSH_BATCH);
  if (due.length === 0) return 0;
  const secrets = await loadSecrets(db);
  // One transaction for the round: each job's rows, message and last-sent time commit together. What the
  // round needs is read in a few queries for all its jobs, not per job.
  return writeTransaction(db, async (tx) => {
    const jobIds = due.map((d) => d.jobId);
    const rows = await tx
      .select()
      .from(mailPending)
      .where(inArray(mailPending.jobId, jobIds))
      .orderBy(asc(mailPending.eventId));
    // Another process flushed these first.
    if (rows.length === 0) return 0;
    const found = new Map(
      (
        await tx
          .select({ job: jobs, org: organisations })
          .from(jobs)
          .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
          .where(inArray(jobs.id, jobIds))
      ).map((f) => [f.job.id, f]),
    );
    const saidNo = await declined(tx, jobIds, 'email');
    const sendable = rows.filter((r) => {
      const f = found.get(r.jobId);
      if (!f?.job.customerEmail || f.job.status === 'cancelled') return false;
      const preference = PREFERENCE[r.kind as PendingKind];
      return preference === null || !saidNo.has(`${r.jobId}|${preference}`);
    });
    const logged = sendable.length
      ? await withProfiles(
          tx,
          await tx
            .select()
            .from(events)
            .where(
              inArray(
                events.id,
                sendable.map((r) => r.eventId),
              ),
            )
            .orderBy(asc(events.id)),
        )
      : [];
    const byJob = new Map<string, { e: LogEvent; moment: Moment }[]>();
    for (const row of logged) {
      const e = readEvent(row);
      const f = e ? found.get(e.jobId) : undefined;
      const moment = e && f ? momentOf(e, f.org.defaultLocale, f.job.locale ?? f.org.defaultLocale) : null;
      if (!e || !moment) continue;
      const list = byJob.get(e.jobId) ?? [];
      list.push({ e, moment });
      byJob.set(e.jobId, list);
    }
    await tx.delete(mailPending).where(
      inArray(
        mailPending.eventId,
        rows.map((r) => r.eventId),
      ),
    );
    let sent = 0;
    for (const [jobId, read] of byJob) {
      const f = found.get(jobId);
      if (!f?.job.customerEmail) continue;
      await queueJobMail(tx, f.job, f.org, f.job.customerEmail, read, now, secrets, options);
      sent++;
    }
    if (sent > 0) {
      await tx
        .insert(mailJobState)
        .values([...byJob.keys()].map((jobId) => ({ jobId, lastSentAt: now })))
        .onConflictDoUpdate({ target: mailJobState.jobId, set: { lastSentAt: now } });
    }
    return sent;
  });
}

async function queueJobMail(
  tx: Db,
  job: Job,
  org: Organisation,
  recipient: string,
  read: { e: LogEvent; moment: Moment }[],
  now: number,
  secrets: Secrets,
  options: MailWorkOptions,
) {
  const moments = read.map((r) => r.moment);
  const locale: Locale = job.locale ?? org.defaultLocale;
  const token = job.trackerTokenSealed ? unseal(secrets.seal, job.trackerTokenSealed) : null;
  const unsubscribeUrl = `${options.publicUrl}/mail/unsubscribe/${unsubscribeToken(secrets.reply, job.id)}`;
  const rendered = renderCustomerMail(
    {
      locale,
      org: orgOf(org),
      job: { reference: job.reference, title: job.title, customerName: job.customerName },
      trackerUrl: token ? `${options.publicUrl}/t/${token}` : null,
      unsubscribeUrl,
      replies: true,
      moments,
      now,
    },
    options.publicUrl,
  );
  // A message that is one answer belongs to that question's thread.
  const only = read.length === 1 ? read[0]?.e : undefined;
  // The invoices' PDFs, read from their rows when the message is sent (only their ids wait in the outbox).
  const invoiceIds = read.flatMap(({ e }) =>
    e.type === 'invoice.issued' || e.type === 'invoice.credited' ? [e.payload.invoice.id] : [],
  );
  const calendars = calendarsOf(
    read,
    new URL(options.publicUrl).hostname,
    token ? `${options.publicUrl}/t/${token}` : null,
  );
  await queueMail(
    tx,
    {
      organisationId: job.organisationId,
      jobId: job.id,
      questionId: only?.type === 'question.answered' ? only.payload.question.id : null,
      recipient,
      locale,
      kind: kindOf(moments),
      ...rendered,
      replyTo: replyAddress(secrets.reply, job.id, now, options.replyAddressDays, options.inboundDomain),
      unsubscribeUrl,
      ...(calendars ? { calendars } : {}),
      ...(invoiceIds.length ? { invoices: invoiceIds.join(', ') } : {}),
    },
    now,
  );
}

function momentOf(e: LogEvent, orgLocale: Locale, locale: Locale): Moment | null {
  // A booked step's title in the customer's language where the step was given in it.
  const stepTitle = (step: { title: string; translations?: Parameters<typeof localText>[2] }) =>
    localText(step.title, orgLocale, step.translations, 'title', locale).text;
  switch (e.type) {
    case 'job.created':
      return { kind: 'tracker_link' };
    case 'step.started':
      return { kind: 'started', step: e.payload.step.title };
    case 'step.finished':
      return { kind: 'finished', step: e.payload.step.title };
    case 'step.promise_changed':
      return { kind: 'promise', step: e.payload.step.title, at: e.payload.step.promisedAt };
    case 'question.answered':
      return {
        kind: 'answer',
        question: e.payload.question.body,
        answer: e.payload.question.answer ?? '',
        by: e.payload.question.answeredBy?.name ?? null,
      };
    case 'cost_line.added':
    case 'cost_line.changed':
      return {
        kind: 'approval',
        item: e.payload.costLine.description,
        amountCents: e.payload.costLine.netCents + e.payload.costLine.vatCents,
      };
    case 'invoice.issued':
    case 'invoice.credited':
      return {
        kind: 'invoice',
        credit: e.type === 'invoice.credited',
        number: e.payload.invoice.number,
        grossCents: e.payload.invoice.grossCents,
        paymentUrl: e.payload.invoice.paymentUrl ?? null,
      };
    case 'signoff.requested':
      return e.payload.signoff.subject === 'cost_line'
        ? null
        : { kind: 'signoff', subject: e.payload.signoff.subject, signoffId: e.payload.signoff.id };
    case 'job.completed':
      return { kind: 'done' };
    case 'booking.made':
    case 'booking.moved':
      return {
        kind: 'booking',
        change: e.type === 'booking.made' ? 'made' : 'moved',
        step: stepTitle(e.payload.step),
        startsAt: e.payload.booking.startsAt,
        endsAt: e.payload.booking.endsAt,
        reason: e.type === 'booking.moved' ? e.payload.reason : null,
      };
    case 'booking.cancelled':
      return {
        kind: 'booking',
        change: 'cancelled',
        step: stepTitle(e.payload.step),
        startsAt: e.payload.previous.startsAt,
        endsAt: e.payload.previous.endsAt,
        reason: e.payload.reason,
      };
    default:
      return null;
  }
}

/**
 * The calendar files a message carries: per booked step, the last booking event of the message — the
 * booking it names, as REQUEST (made, moved) or CANCEL. Only a pointer is queued; the sender renders the
 * file from the booking row when it sends (src/services/slots/calendar-file.ts).
 */
function calendarsOf(read: { e: LogEvent }[], host: string, trackerUrl: string | null): string | null {
  const byStep = new Map<string, string>();
  // The tracker link (as in the message's own body) goes in the file's DESCRIPTION.
  const link = trackerUrl ? ` ${trackerUrl}` : '';
  for (const { e } of read) {
    if (e.type === 'booking.made' || e.type === 'booking.moved')
      byStep.set(e.payload.step.id, `REQUEST ${e.payload.booking.id} ${host}${link}`);
    if (e.type === 'booking.cancelled')
      byStep.set(e.payload.step.id, `CANCEL ${e.payload.previous.id} ${host}${link}`);
  }
  return byStep.size ? [...byStep.values()].join(', ') : null;
}

function kindOf(moments: Moment[]) {
  const kinds = new Set(moments.map((m) => m.kind));
  if (kinds.has('approval') || kinds.has('signoff')) return 'approval';
  if (kinds.has('tracker_link')) return 'tracker_link';
  if (kinds.has('done')) return 'done';
  if (kinds.has('invoice')) return 'invoice';
  if (kinds.size === 1 && kinds.has('answer')) return 'answer';
  if (kinds.has('booking')) return 'booking';
  return 'update';
}

import { and, asc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { lockFree } from '../../../db/dialect';
import { type MailMessageRow, mailFailingAddresses, mailMessages, organisations } from '../../../db/schema';
import { invoiceAttachments } from '../../services/invoices/read';
import { type Clock, claimTransaction, type Db, writeTransaction } from '../../services/platform/context';
import { bookingRowCalendar } from '../../services/slots/calendar-file';
import { type CalendarPointer, normaliseAddress, storedHeaders } from './outbox';

/** Messages claimed per round; the round repeats while it finds work. */
const SEND_BATCH = 50;
/** How long a claim holds: longer than any one SMTP conversation (nodemailer's timeouts are shorter). */
const LOCK_MS = 5 * 60_000;
/** Waits after the 1st, 2nd, … temporary failure; after the last the message is given up (≈ 2 days). */
const BACKOFF_MS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  3_600_000,
  4 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
];

/** When to try again after `attempts` temporary failures, or null: give up. */
export function nextMailAttemptAt(attempts: number, now: number): number | null {
  const wait = BACKOFF_MS[attempts - 1];
  return wait === undefined ? null : now + wait;
}

/** Hands a message to SMTP; a small seam so the sender can run against any nodemailer transport. */
export type MailTransport = {
  send(message: SendMailOptions): Promise<unknown>;
  close(): void;
};

/**
 * The SMTP transport for SMTP_URL: pooled connections (nodemailer's pool), reused across messages.
 * Undefined URL: no transport, messages are kept in the outbox.
 */
export function smtpTransport(url: string): MailTransport {
  const options: SMTPPool.Options & { url: string } = {
    url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
  const transport = nodemailer.createTransport(options);
  return { send: (message) => transport.sendMail(message), close: () => transport.close() };
}

type SmtpError = { code?: string; responseCode?: number; command?: string; message?: string };

/**
 * What an SMTP failure means for the message. 5xx to the recipient or the message itself is permanent:
 * the address is marked failing. 5xx to our own login or sender is our configuration, not the address:
 * tried again (the operator fixes it). Everything else (4xx, no connection, timeouts) is temporary.
 */
export function classifyFailure(error: unknown): 'address' | 'temporary' {
  const e = (error ?? {}) as SmtpError;
  const code = e.responseCode ?? 0;
  if (code >= 500 && code < 600) {
    const command = (e.command ?? '').toUpperCase();
    if (e.code === 'EAUTH' || command.startsWith('AUTH') || command.startsWith('MAIL')) return 'temporary';
    return 'address';
  }
  return 'temporary';
}

const describe = (error: unknown) => {
  const e = (error ?? {}) as SmtpError;
  return (e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 500);
};

/**
 * Sends the messages that are due, each claimed first (a lock time), so several processes never send
 * the same attempt. Without a transport (no SMTP_URL) due messages become `kept`: the console's outbox
 * shows what would have been sent. A message to an address marked failing is not sent (failed).
 * Returns how many messages it settled (sent, kept, failed or rescheduled).
 */
export async function sendDueMail(
  db: Db,
  clock: Clock,
  transport: MailTransport | null,
  from: string,
): Promise<number> {
  const now = clock.now();
  if (!transport) {
    // Read before write: an idle outbox takes no write lock.
    const [any] = await db
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .where(and(eq(mailMessages.status, 'queued'), lte(mailMessages.nextAttemptAt, now)))
      .limit(1);
    if (!any) return 0;
    const kept = await writeTransaction(db, (tx) =>
      tx
        .update(mailMessages)
        .set({ status: 'kept', lockedUntil: null })
        .where(and(eq(mailMessages.status, 'queued'), lte(mailMessages.nextAttemptAt, now)))
        .returning({ id: mailMessages.id }),
    );
    return kept.length;
  }
  const due = await db
    .select({ message: mailMessages, orgName: organisations.name, failing: mailFailingAddresses.reason })
    .from(mailMessages)
    .innerJoin(organisations, eq(organisations.id, mailMessages.organisationId))
    .leftJoin(
      mailFailingAddresses,
      and(
        eq(mailFailingAddresses.organisationId, mailMessages.organisationId),
        eq(mailFailingAddresses.address, mailMessages.recipient),
      ),
    )
    .where(
      and(
        eq(mailMessages.status, 'queued'),
        lte(mailMessages.nextAttemptAt, now),
        or(isNull(mailMessages.lockedUntil), lte(mailMessages.lockedUntil, now)),
      ),
    )
    .orderBy(asc(mailMessages.nextAttemptAt))
    .limit(SEND_BATCH);
  if (due.length === 0) return 0;
  // One transaction claims the round, one settles it: the outbox's writes do not grow per message.
  const claimed = new Set(
    (
      await claimTransaction(db, async (tx) =>
        tx
          .update(mailMessages)
          .set({ lockedUntil: now + LOCK_MS })
          .where(
            and(
              inArray(
                mailMessages.id,
                await lockFree(
                  tx,
                  mailMessages,
                  mailMessages.id,
                  due.map((d) => d.message.id),
                ),
              ),
              eq(mailMessages.status, 'queued'),
              or(isNull(mailMessages.lockedUntil), lte(mailMessages.lockedUntil, now)),
              // Still due: another process may have tried it and moved it on since it was read.
              lte(mailMessages.nextAttemptAt, now),
            ),
          )
          .returning({ id: mailMessages.id }),
      )
    ).map((r) => r.id),
  );
  const mine = due.filter((d) => claimed.has(d.message.id));
  const outcomes = await Promise.all(
    mine.map(async ({ message, orgName, failing }) => {
      if (failing) return { message, failing, error: null };
      try {
        const { sent: headers, calendars, invoiceIds } = storedHeaders(message.headers);
        const parts = await calendarParts(db, calendars, {
          organiser: { name: orgName, email: from },
          attendee: { email: message.recipient },
          now: message.createdAt,
        });
        const pdfs = await invoiceAttachments(db, message.organisationId, invoiceIds);
        const attachments = [...(parts.attachments ?? []), ...pdfs];
        await transport.send({
          ...parts,
          ...(attachments.length ? { attachments } : {}),
          from: { name: orgName, address: from },
          to: message.recipient,
          subject: message.subject,
          html: message.html,
          text: message.text,
          messageId: message.messageId,
          date: new Date(message.createdAt),
          headers,
          // Only the recipient is refused or accepted; the envelope sender is ours.
          envelope: { from, to: [message.recipient] },
        });
        return { message, failing: null, error: null };
      } catch (error) {
        return { message, failing: null, error: error ?? new Error('send failed') };
      }
    }),
  );
  const at = clock.now();
  // Settled per organisation (a failing address is the organisation's): beside other organisations' writes.
  const byOrganisation = new Map<string, typeof outcomes>();
  for (const outcome of outcomes) {
    const list = byOrganisation.get(outcome.message.organisationId) ?? [];
    list.push(outcome);
    byOrganisation.set(outcome.message.organisationId, list);
  }
  for (const [organisationId, settled] of byOrganisation)
    await writeTransaction(
      db,
      async (tx) => {
        for (const outcome of settled) await settleMail(tx, outcome, at);
      },
      organisationId,
    );
  return outcomes.length;
}

/** Records one attempt's outcome on its message (and a refused address as failing), in the caller's transaction. */
async function settleMail(
  tx: Db,
  { message, failing, error }: { message: MailMessageRow; failing: string | null; error: unknown },
  at: number,
): Promise<void> {
  const attempts = message.attempts + 1;
  if (failing) {
    // Not sent, and not an attempt: the address was refused for good before.
    await tx
      .update(mailMessages)
      .set({ status: 'failed', lockedUntil: null, lastError: `address marked failing: ${failing}` })
      .where(eq(mailMessages.id, message.id));
    return;
  }
  if (!error) {
    await tx
      .update(mailMessages)
      .set({ status: 'sent', attempts, sentAt: at, lockedUntil: null, lastError: null })
      .where(eq(mailMessages.id, message.id));
    return;
  }
  const kind = classifyFailure(error);
  const next = kind === 'temporary' ? nextMailAttemptAt(attempts, at) : null;
  await tx
    .update(mailMessages)
    .set({
      status: next === null ? 'failed' : 'queued',
      attempts,
      nextAttemptAt: next ?? at,
      lockedUntil: null,
      lastError: describe(error),
    })
    .where(eq(mailMessages.id, message.id));
  if (kind === 'address') {
    await tx
      .insert(mailFailingAddresses)
      .values({
        organisationId: message.organisationId,
        address: normaliseAddress(message.recipient),
        reason: describe(error),
        failedAt: at,
      })
      .onConflictDoUpdate({
        target: [mailFailingAddresses.organisationId, mailFailingAddresses.address],
        set: { reason: describe(error), failedAt: at },
      });
  }
}

/**
 * A message's calendar files, rendered now from the booking rows its pointers name (`METHOD bookingId
 * host`): the first as nodemailer's `icalEvent` (the text/calendar alternative mail programs act on), any
 * further ones as .ics attachments.
 */
async function calendarParts(
  db: Db,
  pointers: CalendarPointer[],
  who: { organiser: { name: string; email: string }; attendee: { email: string }; now: number },
): Promise<Pick<SendMailOptions, 'icalEvent' | 'attachments'>> {
  const files: { method: 'REQUEST' | 'CANCEL'; content: string }[] = [];
  for (const pointer of pointers) {
    const content = await bookingRowCalendar(db, { ...pointer, ...who });
    if (content) files.push({ method: pointer.method, content });
  }
  const [first, ...rest] = files;
  if (!first) return {};
  return {
    icalEvent: { method: first.method, filename: 'booking.ics', content: first.content },
    ...(rest.length
      ? {
          attachments: rest.map((f, i) => ({
            filename: `booking-${i + 2}.ics`,
            contentType: `text/calendar; charset=utf-8; method=${f.method}`,
            content: f.content,
          })),
        }
      : {}),
  };
}

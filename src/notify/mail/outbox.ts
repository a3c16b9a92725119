import { randomBytes } from 'node:crypto';
import { and, eq, inArray, lt } from 'drizzle-orm';
import { mailFailingAddresses, mailMessages } from '../../../db/schema';
import type { Locale } from '../../i18n/messages';
import type { Db } from '../../services/platform/context';

/**
 * What a message is about. Customer moments, staff messages and the replies of the inbound side; a
 * plain string in the database, so adding a kind needs no migration.
 */
export type MailKind =
  | 'tracker_link'
  | 'update'
  | 'approval'
  | 'answer'
  | 'done'
  | 'staff_question'
  | 'staff_decision'
  | 'staff_feedback'
  | 'invitation'
  | 'password_reset'
  | 'thread_answer'
  | (string & {});

/** One email to queue. Everything a sender needs, rendered already: the outbox does not template. */
export type OutgoingMail = {
  organisationId: string;
  recipient: string;
  locale: Locale;
  kind: MailKind;
  subject: string;
  html: string;
  text: string;
  jobId?: string | null;
  questionId?: string | null;
  /** The Message-ID (with angle brackets) this answers: threads it in the recipient's mail program. */
  inReplyTo?: string;
  /** The thread's earlier Message-IDs, oldest first (In-Reply-To is added at the end when missing). */
  references?: string[];
  /** Where replies go: for a customer, the job's signed reply address (src/notify/mail/reply-address.ts). */
  replyTo?: string;
  /** One-click unsubscribe (RFC 8058): an https URL that takes a POST with no login. */
  unsubscribeUrl?: string;
  /** Optionally also a mailto: for List-Unsubscribe. */
  unsubscribeMailto?: string;
  /**
   * Calendar files to attach, as `METHOD bookingId host [trackerUrl]` pointers joined by ", " (REQUEST or CANCEL): the
   * sender renders each from its booking row when it sends. Kept in the headers under CALENDAR_HEADER,
   * which the sender removes.
   */
  calendars?: string;
  /** Invoices whose PDFs go with the message, by id joined by ", ": read from their rows when it is sent. */
  invoices?: string;
  /** Send no earlier than this (epoch ms); now by default. */
  notBefore?: number;
};

/** Where a message's calendar pointers wait in its stored headers; never sent as a header. */
export const CALENDAR_HEADER = 'X-Open-Kitchen-Calendar';
/** Where a message's invoice ids wait in its stored headers; never sent as a header. */
export const INVOICE_HEADER = 'X-Open-Kitchen-Invoice';

/** A calendar file a message carries, as its pointer names it (`METHOD bookingId host [trackerUrl]`). */
export type CalendarPointer = {
  method: 'REQUEST' | 'CANCEL';
  bookingId: string;
  host: string;
  trackerUrl: string | null;
};

/** A pointer read back; one that does not parse (another version wrote it) is none. */
function calendarPointer(pointer: string): CalendarPointer | null {
  const [method, bookingId, host, trackerUrl] = pointer.split(' ');
  if ((method !== 'REQUEST' && method !== 'CANCEL') || !bookingId || !host) return null;
  return { method, bookingId, host, trackerUrl: trackerUrl?.startsWith('http') ? trackerUrl : null };
}

/**
 * A stored message's headers as they are sent (without the pointers above), and what goes with it: its
 * calendar files and invoice ids. Read by the sender and by the console's view of the message.
 */
export function storedHeaders(stored: Record<string, string>): {
  sent: Record<string, string>;
  calendars: CalendarPointer[];
  invoiceIds: string[];
} {
  const { [CALENDAR_HEADER]: calendars, [INVOICE_HEADER]: invoices, ...sent } = stored;
  return {
    sent,
    calendars: calendars ? calendars.split(', ').flatMap((p) => calendarPointer(p) ?? []) : [],
    invoiceIds: invoices ? invoices.split(', ') : [],
  };
}

/** Largest rendered body we store (HTML and text each); a message beyond it is a bug in a template. */
export const MAIL_BODY_LIMIT = 256 * 1024;
/** How long finished messages (sent, failed, kept) stay in the outbox before `pruneMail` removes them. */
export const MAIL_KEEP_MS = 90 * 86_400_000;

let messageIdDomain = 'open-kitchen.invalid';

/** The right-hand side of the Message-IDs we assign (the runtime sets the configured mail domain). */
export function setMessageIdDomain(domain: string): void {
  messageIdDomain = domain;
}

/** Addresses are compared in lower case: the local part is case-sensitive in theory, never in practice. */
export const normaliseAddress = (address: string) => address.trim().toLowerCase();

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/**
 * Queues one email inside the caller's transaction: it is sent (or kept, without SMTP_URL) only if the
 * transaction commits, and it survives a restart. Returns the Message-ID assigned to it, with its angle
 * brackets, for threading later messages and recognising replies.
 */
export async function queueMail(tx: Db, message: OutgoingMail, now: number): Promise<string> {
  if (!ADDRESS.test(message.recipient.trim())) throw new Error(`not an email address: ${message.recipient}`);
  if (message.html.length > MAIL_BODY_LIMIT || message.text.length > MAIL_BODY_LIMIT) {
    throw new Error(`mail body over ${MAIL_BODY_LIMIT} characters (${message.kind})`);
  }
  const id = `mail_${randomBytes(12).toString('base64url')}`;
  const messageId = `<${id}@${messageIdDomain}>`;
  await tx.insert(mailMessages).values({
    id,
    organisationId: message.organisationId,
    jobId: message.jobId ?? null,
    questionId: message.questionId ?? null,
    messageId,
    // Lower case, as the failing-address marks are: one address, one spelling.
    recipient: normaliseAddress(message.recipient),
    locale: message.locale,
    kind: message.kind,
    subject: oneLine(message.subject).slice(0, 250),
    html: message.html,
    text: message.text,
    headers: headersOf(message),
    status: 'queued',
    nextAttemptAt: Math.max(now, message.notBefore ?? now),
    createdAt: now,
  });
  return messageId;
}

function headersOf(m: OutgoingMail): Record<string, string> {
  const headers: Record<string, string> = {};
  if (m.inReplyTo) headers['In-Reply-To'] = oneLine(m.inReplyTo);
  const references = [...(m.references ?? [])];
  if (m.inReplyTo && !references.includes(m.inReplyTo)) references.push(m.inReplyTo);
  if (references.length) headers.References = references.map(oneLine).join(' ');
  if (m.replyTo) headers['Reply-To'] = oneLine(m.replyTo);
  const unsubscribe = [m.unsubscribeUrl, m.unsubscribeMailto]
    .filter(Boolean)
    .map((u) => `<${oneLine(u as string)}>`);
  if (unsubscribe.length) headers['List-Unsubscribe'] = unsubscribe.join(', ');
  if (m.unsubscribeUrl) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  if (m.calendars) headers[CALENDAR_HEADER] = oneLine(m.calendars);
  if (m.invoices) headers[INVOICE_HEADER] = oneLine(m.invoices);
  // Automatic messages: no vacation replies back to us (RFC 3834).
  headers['Auto-Submitted'] = 'auto-generated';
  return headers;
}

/** Header values never carry line breaks: nothing a customer typed can add a header. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/** Is this address marked failing for the organisation? (The job page warns staff.) */
export async function failingAddress(db: Db, organisationId: string, address: string) {
  const [row] = await db
    .select()
    .from(mailFailingAddresses)
    .where(
      and(
        eq(mailFailingAddresses.organisationId, organisationId),
        eq(mailFailingAddresses.address, normaliseAddress(address)),
      ),
    );
  return row ?? null;
}

/** Staff say the address works again (the customer fixed their mailbox): mail is sent to it again. */
export async function clearFailingAddress(db: Db, organisationId: string, address: string): Promise<void> {
  await db
    .delete(mailFailingAddresses)
    .where(
      and(
        eq(mailFailingAddresses.organisationId, organisationId),
        eq(mailFailingAddresses.address, normaliseAddress(address)),
      ),
    );
}

/**
 * Removes finished messages older than MAIL_KEEP_MS, a batch at a time: the outbox keeps what staff may
 * still want to look at and the Message-IDs replies may still name, not every message ever sent.
 */
export async function pruneMail(db: Db, now: number, batch = 500): Promise<number> {
  const old = await db
    .select({ id: mailMessages.id })
    .from(mailMessages)
    .where(
      and(
        inArray(mailMessages.status, ['sent', 'failed', 'kept']),
        lt(mailMessages.createdAt, now - MAIL_KEEP_MS),
      ),
    )
    .limit(batch);
  if (old.length === 0) return 0;
  await db.delete(mailMessages).where(
    inArray(
      mailMessages.id,
      old.map((o) => o.id),
    ),
  );
  return old.length;
}

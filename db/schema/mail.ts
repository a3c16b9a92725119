import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations } from './organisations';

export const MAIL_STATUSES = ['queued', 'sent', 'failed', 'kept'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/**
 * The durable outbox of email: every message is written here in the transaction that causes it, then
 * sent by a background worker (src/notify/mail/sender.ts). Without SMTP_URL nothing leaves the machine:
 * messages become `kept` and the console's outbox shows them. Finished messages (sent, failed, kept) are
 * removed after a while (MAIL_KEEP_MS in src/notify/mail/outbox.ts), so the table stays bounded.
 */
export const mailMessages = sqliteTable(
  'mail_messages',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id'),
    questionId: text('question_id'),
    /** The Message-ID we assign, with its angle brackets: replies name it in In-Reply-To/References. */
    messageId: text('message_id').notNull(),
    recipient: text('recipient').notNull(),
    locale: text('locale', { enum: ['nl', 'en'] }).notNull(),
    /** What the message is about (src/notify/mail/outbox.ts MailKind). */
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    /** Extra header fields (In-Reply-To, References, Reply-To, List-Unsubscribe, …), by name. */
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    status: text('status', { enum: MAIL_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** Claimed by a sender until then, so two processes never send the same attempt. */
    lockedUntil: integer('locked_until'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    uniqueIndex('mail_messages_message_id').on(t.messageId),
    index('mail_messages_due').on(t.status, t.nextAttemptAt),
    index('mail_messages_org').on(t.organisationId, t.createdAt),
    index('mail_messages_job').on(t.jobId, t.createdAt),
  ],
);

/**
 * Addresses a mail server refused for good (a 5xx answer to the recipient or the message). Per
 * organisation: what one business's customer typed wrong says nothing to another. Nothing more is sent
 * to such an address until staff clear the mark (the job page shows it).
 */
export const mailFailingAddresses = sqliteTable(
  'mail_failing_addresses',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** Lower case. */
    address: text('address').notNull(),
    reason: text('reason').notNull(),
    failedAt: integer('failed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.address] })],
);

export type MailMessageRow = typeof mailMessages.$inferSelect;
export type MailFailingAddress = typeof mailFailingAddresses.$inferSelect;

/** Ways we reach a customer about a job. */
export const NOTIFY_CHANNELS = ['email', 'push', 'sms'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];
/** Kinds of moment a customer can choose to hear about (the tracker link itself is always sent). */
export const NOTIFY_KINDS = ['progress', 'promise', 'answer', 'approval', 'done'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/**
 * A customer's choices per job: a row says yes or no to one channel × kind; no row means yes. Email,
 * web push and text messages all ask `wants()` (src/notify/preferences.ts) before sending.
 */
export const notifyPreferences = sqliteTable(
  'notify_preferences',
  {
    jobId: text('job_id').notNull(),
    channel: text('channel', { enum: NOTIFY_CHANNELS }).notNull(),
    kind: text('kind', { enum: NOTIFY_KINDS }).notNull(),
    wanted: integer('wanted', { mode: 'boolean' }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.channel, t.kind] })],
);

/**
 * Customer moments waiting to be coalesced into one email per job (src/notify/mail/customer.ts): written
 * with the log cursor's advance, removed in the transaction that queues the message, so a restart
 * neither loses nor repeats one. Bounded: a job's rows are flushed within the coalescing window.
 */
export const mailPending = sqliteTable(
  'mail_pending',
  {
    eventId: integer('event_id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    jobId: text('job_id').notNull(),
    kind: text('kind').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('mail_pending_job').on(t.jobId, t.eventId)],
);

/** When a job's customer was last emailed, for "at most one message per job per N minutes". */
export const mailJobState = sqliteTable('mail_job_state', {
  jobId: text('job_id').primaryKey(),
  lastSentAt: integer('last_sent_at').notNull(),
});

export type NotifyPreference = typeof notifyPreferences.$inferSelect;
export type MailPending = typeof mailPending.$inferSelect;

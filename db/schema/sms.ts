import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { jobs } from './jobs';
import { organisations } from './organisations';

export const SMS_KINDS = ['link', 'approval', 'on_its_way'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/**
 * Text messages to customers and their attempts (src/notify/sms/). Written in the database, so retries
 * survive a restart; claimed with a lock time, so several processes never send the same attempt twice.
 * `id` is derived from the event (or the staff request) that caused it, so a message is written once.
 */
export const smsMessages = sqliteTable(
  'sms_messages',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    kind: text('kind', { enum: SMS_KINDS }).notNull(),
    /** E.164. */
    to: text('to').notNull(),
    body: text('body').notNull(),
    /** How many SMS segments the body takes (GSM-7: 160/153 characters, else UCS-2: 70/67). */
    segments: integer('segments').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'discarded'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lockedUntil: integer('locked_until'),
    /** The provider's id of the accepted message (Twilio `SM…`). */
    providerId: text('provider_id'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [index('sms_messages_due').on(t.status, t.nextAttemptAt), index('sms_messages_job').on(t.jobId)],
);

/**
 * Numbers the provider refused for good (not a mobile number, unreachable, opted out): nothing more is
 * sent to them, and staff see it on the job. Cleared when the job's number changes to another one.
 */
export const smsFailingNumbers = sqliteTable(
  'sms_failing_numbers',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    phone: text('phone').notNull(),
    reason: text('reason').notNull(),
    since: integer('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.phone] })],
);

export type SmsMessage = typeof smsMessages.$inferSelect;

import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { jobs } from './jobs';
import { organisations } from './organisations';
import { specialists } from './specialists';

/**
 * A browser's web push subscription: a customer's for one job (from the tracker), or a specialist's
 * (from the console). Deleted when the push service says it is gone (404 or 410).
 */
export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id').references(() => jobs.id),
    specialistId: text('specialist_id').references(() => specialists.id),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    locale: text('locale', { enum: ['nl', 'en'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    lastSentAt: integer('last_sent_at'),
  },
  (t) => [index('push_job').on(t.jobId), index('push_specialist').on(t.specialistId)],
);

export type PushSubscription = typeof pushSubscriptions.$inferSelect;

import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { jobs, steps } from './jobs';
import { organisations } from './organisations';
import { specialists } from './specialists';

/** A customer's score (1–5) and comment for a specialist who worked on their finished job; once each. */
export const ratings = sqliteTable(
  'ratings',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    specialistId: text('specialist_id')
      .notNull()
      .references(() => specialists.id),
    score: integer('score').notNull(),
    comment: text('comment'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('ratings_job_specialist').on(t.jobId, t.specialistId),
    index('ratings_specialist').on(t.specialistId),
  ],
);

/**
 * The customer's verdict on a whole finished job, once: 0–10 for "would you recommend us" and a comment.
 * A low score names the admin who follows it up (`followUpBy`) until they mark it done.
 */
export const jobFeedback = sqliteTable(
  'job_feedback',
  {
    jobId: text('job_id')
      .primaryKey()
      .references(() => jobs.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    score: integer('score').notNull(),
    comment: text('comment'),
    createdAt: integer('created_at').notNull(),
    followUpBy: text('follow_up_by').references(() => specialists.id),
    followUpDoneAt: integer('follow_up_done_at'),
    followUpNote: text('follow_up_note'),
  },
  (t) => [
    index('job_feedback_org_created').on(t.organisationId, t.createdAt),
    index('job_feedback_follow_up').on(t.organisationId, t.followUpDoneAt),
  ],
);

/** A colleague's recognition of the work on a step; once per colleague per step. */
export const kudos = sqliteTable(
  'kudos',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    stepId: text('step_id')
      .notNull()
      .references(() => steps.id),
    fromId: text('from_id')
      .notNull()
      .references(() => specialists.id),
    toId: text('to_id')
      .notNull()
      .references(() => specialists.id),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('kudos_step_from').on(t.stepId, t.fromId), index('kudos_to').on(t.toId, t.createdAt)],
);

export type Rating = typeof ratings.$inferSelect;
export type JobFeedback = typeof jobFeedback.$inferSelect;
export type Kudos = typeof kudos.$inferSelect;

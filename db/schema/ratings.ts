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
export type Kudos = typeof kudos.$inferSelect;

import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { jobs, steps } from './jobs';
import { organisations } from './organisations';
import { specialists } from './specialists';

export const QUESTION_CHANNELS = ['tracker', 'phone', 'desk', 'email'] as const;
export type QuestionChannel = (typeof QUESTION_CHANNELS)[number];

/**
 * A customer's "ask the expert" question, however it came in (the tracker, or recorded by staff from
 * a phone call, the desk or an email), routed to the specialist who does the work, with its answer.
 */
export const questions = sqliteTable(
  'questions',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    /** The step the customer was looking at (or that was active). */
    stepId: text('step_id').references(() => steps.id),
    channel: text('channel', { enum: QUESTION_CHANNELS }).notNull(),
    body: text('body').notNull(),
    /** Who answers now; changes when the question moves to a colleague. */
    assigneeId: text('assignee_id').references(() => specialists.id),
    /** Who it was first routed to, kept when it moves. */
    firstAssigneeId: text('first_assignee_id').references(() => specialists.id),
    /** Staff member who recorded a question that came by phone, desk or email. */
    recordedById: text('recorded_by_id').references(() => specialists.id),
    askedAt: integer('asked_at').notNull(),
    /** When the business promised to answer: the answer time in working time, never after the step's promise. */
    dueAt: integer('due_at').notNull(),
    escalatedAt: integer('escalated_at'),
    answer: text('answer'),
    answeredAt: integer('answered_at'),
    answeredById: text('answered_by_id').references(() => specialists.id),
  },
  (t) => [
    index('questions_job').on(t.jobId, t.askedAt),
    index('questions_open').on(t.organisationId, t.answeredAt, t.dueAt),
  ],
);

export type Question = typeof questions.$inferSelect;

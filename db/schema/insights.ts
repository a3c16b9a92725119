import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The insights' projection of the event log (src/services/insights/fold.ts). Everything here is derived
 * from `events` and can be rebuilt by deleting it and folding the log again; the log stays the truth.
 * The cursor is the `insights` row in `log_cursors`.
 */

/** One row per step: what the log has said about it so far (for waiting gaps, promises and drill-down). */
export const insightSteps = sqliteTable(
  'insight_steps',
  {
    stepId: text('step_id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    jobId: text('job_id').notNull(),
    /** '' for a job made of explicit steps, without a workflow. */
    workflowId: text('workflow_id').notNull(),
    position: integer('position').notNull(),
    assigneeId: text('assignee_id'),
    /** When the step could start: the job was created (first step) or the previous step closed. */
    readyAt: integer('ready_at'),
    startedAt: integer('started_at'),
    /** Finished or skipped. */
    closedAt: integer('closed_at'),
    status: text('status').notNull(),
    /** The first promise made for the step; kept or not is judged against it. */
    firstPromisedAt: integer('first_promised_at'),
    promisedAt: integer('promised_at'),
    /** How often an existing promise was moved or withdrawn. */
    promiseChanges: integer('promise_changes').notNull().default(0),
  },
  (t) => [
    index('insight_steps_job').on(t.jobId, t.position),
    index('insight_steps_group').on(t.organisationId, t.workflowId, t.position, t.closedAt),
    index('insight_steps_assignee').on(t.organisationId, t.assigneeId, t.closedAt),
    index('insight_steps_closed').on(t.organisationId, t.closedAt),
  ],
);

/** One row per question, for answer times and drill-down. */
export const insightQuestions = sqliteTable(
  'insight_questions',
  {
    questionId: text('question_id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    jobId: text('job_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    /** The position of the step it was asked at; -1 for none. */
    position: integer('position').notNull(),
    channel: text('channel').notNull(),
    askedAt: integer('asked_at').notNull(),
    dueAt: integer('due_at').notNull(),
    answeredAt: integer('answered_at'),
    answeredById: text('answered_by_id'),
  },
  (t) => [
    index('insight_questions_group').on(t.organisationId, t.workflowId, t.position, t.askedAt),
    index('insight_questions_answerer').on(t.organisationId, t.answeredById, t.askedAt),
    index('insight_questions_asked').on(t.organisationId, t.askedAt),
  ],
);

/**
 * Totals per subject per local day and per local month (the organisation's time zone), so a year of
 * figures reads a few hundred rows instead of a million: whole months from the month rows, the days
 * before and after from the day rows. `counts` are sums; `samples` keep every individual duration
 * (Float64, ms) so medians and p90 stay exact: see src/services/insights/rollup.ts for the layout.
 */
export const insightRollups = sqliteTable(
  'insight_rollups',
  {
    organisationId: text('organisation_id').notNull(),
    /** 'day' | 'month' */
    span: text('span').notNull(),
    /** Days since 1970-01-01 of the local date (for a month: of its first day). */
    day: integer('day').notNull(),
    /** 'step' | 'question' | 'person' | 'job' */
    scope: text('scope').notNull(),
    /** step: workflow|position · question: workflow|position|channel · person: specialist · job: workflow */
    subject: text('subject').notNull(),
    counts: text('counts', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    samples: blob('samples', { mode: 'buffer' }),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.span, t.day, t.scope, t.subject] })],
);

export type InsightStep = typeof insightSteps.$inferSelect;
export type InsightQuestion = typeof insightQuestions.$inferSelect;
export type InsightRollup = typeof insightRollups.$inferSelect;

import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The append-only log of everything that happens to a job. The id orders the log across
 * all processes (SQLite has one writer), doubles as the SSE event id, and is what log tailing follows.
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organisationId: text('organisation_id').notNull(),
    jobId: text('job_id').notNull(),
    stepId: text('step_id'),
    type: text('type').notNull(),
    visibility: text('visibility', { enum: ['customer', 'internal'] }).notNull(),
    actorType: text('actor_type', { enum: ['api_key', 'specialist', 'customer', 'system'] }).notNull(),
    actorId: text('actor_id'),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('events_job').on(t.jobId, t.id),
    // The board's place in its organisation's log, however many other organisations write to it.
    index('events_org').on(t.organisationId, t.id),
  ],
);

export type EventRow = typeof events.$inferSelect;

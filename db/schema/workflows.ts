import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { CalendarSettings } from './calendars';
import { organisations } from './organisations';
import type { StepTranslations } from './translations';

/** An organisation's template of steps for a kind of job. */
export const workflows = sqliteTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    /** Its own working calendar (a delivery service that drives on Saturdays); null: the organisation's. */
    calendar: text('calendar', { mode: 'json' }).$type<CalendarSettings>(),
    /** How soon a question on its jobs is answered, in working minutes; null: the organisation's. */
    answerMinutes: integer('answer_minutes'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('workflows_org').on(t.organisationId)],
);

export const workflowSteps = sqliteTable(
  'workflow_steps',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    /** The title and description in the other language (see translations.ts). */
    translations: text('translations', { mode: 'json' }).$type<StepTranslations>().notNull().default({}),
    defaultRole: text('default_role'),
    /** Working minutes, used to plan promised times when a job is created and re-planned. */
    expectedMinutes: integer('expected_minutes'),
    /** Email the customer when a step made from this one starts or finishes. */
    notifyCustomer: integer('notify_customer', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('workflow_steps_workflow').on(t.workflowId, t.position)],
);

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowStep = typeof workflowSteps.$inferSelect;

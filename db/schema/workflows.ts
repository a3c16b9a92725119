import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { BookingRules, CalendarSettings } from './calendars';

import { organisations } from './organisations';
import { roles } from './specialists';
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
    /** Who a job's step made from this one goes to first: an active specialist with this role. */
    defaultRoleId: text('default_role_id').references(() => roles.id),
    /** Working minutes, used to plan promised times when a job is created and re-planned. */
    expectedMinutes: integer('expected_minutes'),
    /** The customer books this step's moment from free slots (null: the business plans it). */
    booking: text('booking', { mode: 'json' }).$type<BookingRules>(),
    /** Email the customer when a step made from this one starts or finishes. */
    notifyCustomer: integer('notify_customer', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('workflow_steps_workflow').on(t.workflowId, t.position)],
);

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowStep = typeof workflowSteps.$inferSelect;

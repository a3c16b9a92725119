import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { jobs, steps } from './jobs';
import { organisations } from './organisations';
import { questions } from './questions';
import { roles, specialists } from './specialists';
import { workflows } from './workflows';

/**
 * Paid expert time (docs/decisions/consults.md): an organisation's offer of a consult on a workflow's
 * jobs, optionally with one role ("15 minutes with the notary, € 25 excl. VAT"). Title in both
 * languages; price excluding VAT in cents and the VAT rate in basis points, as cost lines keep them.
 */
export const consultOffers = sqliteTable(
  'consult_offers',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id),
    roleId: text('role_id').references(() => roles.id),
    titleNl: text('title_nl').notNull(),
    titleEn: text('title_en').notNull(),
    minutes: integer('minutes').notNull(),
    priceCents: integer('price_cents').notNull(),
    vatRateBp: integer('vat_rate_bp').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('consult_offers_workflow').on(t.organisationId, t.workflowId)],
);
export type ConsultOffer = typeof consultOffers.$inferSelect;

/**
 * A consult a customer asked and agreed to pay for (docs/decisions/consults.md): the question it came
 * with, the `fee` cost line it added, the approval record (a `signoffs` row) and the terms as offered,
 * kept here because the offer may change or go later. `offerId` is not a reference for that reason.
 */
export const consults = sqliteTable(
  'consults',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    /** The step the consult is about (the question's step): insights count consults per step. */
    stepId: text('step_id').references(() => steps.id),
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    /** The fee line (no reference: staff may remove a line, and the consult's terms stay here). */
    costLineId: text('cost_line_id').notNull(),
    signoffId: text('signoff_id').notNull(),
    offerId: text('offer_id').notNull(),
    /** Who it went to: the offer's role's specialist on the job, else the step's. */
    expertId: text('expert_id').references(() => specialists.id),
    /** The terms as the customer was shown them, in their language. */
    title: text('title').notNull(),
    locale: text('locale', { enum: ['nl', 'en'] }).notNull(),
    minutes: integer('minutes').notNull(),
    priceCents: integer('price_cents').notNull(),
    vatRateBp: integer('vat_rate_bp').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('consults_job').on(t.jobId, t.createdAt),
    uniqueIndex('consults_question').on(t.questionId),
    index('consults_org').on(t.organisationId, t.createdAt),
  ],
);
export type Consult = typeof consults.$inferSelect;

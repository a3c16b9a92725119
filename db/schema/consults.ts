import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations } from './organisations';
import { roles } from './specialists';
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

import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations } from './organisations';

/**
 * Uploaded images (specialists' photos, logos, photos on notes), already resized and stripped of
 * metadata. Kept in the database so app processes stay stateless. The id is random (a capability):
 * a photo on a customer-visible note is reachable by whoever holds the tracker link.
 */
export const media = sqliteTable(
  'media',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    contentType: text('content_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: blob('bytes', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('media_org').on(t.organisationId)],
);

export type Media = typeof media.$inferSelect;

import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Secrets this installation generates once and keeps (session signing, sealing tracker tokens), so
 * a fresh machine needs no configuration and every process sharing the database agrees on them.
 */
export const instanceSecrets = sqliteTable('instance_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: integer('created_at').notNull(),
});

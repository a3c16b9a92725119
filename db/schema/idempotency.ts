import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { apiKeys } from './organisations';

/**
 * The first answer to a POST sent with an `Idempotency-Key`, per API key, kept 24 hours so a retry gets
 * that answer instead of doing the work again. `in_flight` rows exist only for operations that cannot
 * run inside one transaction with their answer (see docs/decisions/idempotency.md); they hold a lease.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    apiKeyId: text('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    state: text('state', { enum: ['in_flight', 'done'] }).notNull(),
    /** Who holds an in-flight row, and until when; a retry after that may take it over. */
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    status: integer('status'),
    /** Headers and body of the answer, sealed: answers carry capabilities (tracker links, embed tokens). */
    answer: text('answer'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] }), index('idempotency_keys_created').on(t.createdAt)],
);

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

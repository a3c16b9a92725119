import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations } from './organisations';

/** Where a business wants its events delivered (Standard Webhooks: signed, retried, disabled on 410). */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** `whsec_…`: the endpoint's signing secret. */
    secret: text('secret').notNull(),
    /** Event types to send (`step.started`, or `step.*`); empty means all. */
    eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
    disabledAt: integer('disabled_at'),
    disabledReason: text('disabled_reason'),
  },
  (t) => [index('webhook_endpoints_org').on(t.organisationId)],
);

/**
 * Outgoing messages and their attempts. Written in the database, so retries survive a restart; claimed
 * with a lock time, so several processes never send the same attempt twice.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: integer('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'discarded'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lockedUntil: integer('locked_until'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('deliveries_due').on(t.status, t.nextAttemptAt),
    index('deliveries_endpoint').on(t.endpointId, t.createdAt),
  ],
);

/** How far a background reader has followed the event log, and which process holds it. */
export const logCursors = sqliteTable('log_cursors', {
  name: text('name').primaryKey(),
  lastEventId: integer('last_event_id').notNull(),
  leaseOwner: text('lease_owner'),
  leaseUntil: integer('lease_until'),
});

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;

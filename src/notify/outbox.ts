import { and, asc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { lockFree } from '../../db/dialect';
import { deliveries, jobs, webhookEndpoints } from '../../db/schema';
import { readEvent } from '../events/catalogue';
import {
  type Clock,
  claimTransaction,
  cursorTransaction,
  type Db,
  writeTransaction,
} from '../services/platform/context';
import { cursorHasWork, nextEvents } from './log-cursor';
import { postSafely } from './safe-http';
import { nextAttemptAt, signWebhook, type WebhookMessage, wants } from './webhooks';

const CURSOR = 'webhooks';
const BATCH = 500;
const SEND_BATCH = 20;
const LOCK_MS = 60_000;

/**
 * Turns new events into webhook messages: follows the event log from a cursor kept in the database
 * (so nothing is lost or sent twice across restarts), one process at a time (a lease), and writes the
 * messages and the cursor in one transaction. Returns how many messages it wrote.
 */
export async function enqueueWebhookMessages(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  if (!(await cursorHasWork(db, CURSOR, now))) return 0;
  return cursorTransaction(db, CURSOR, async (tx) => {
    const next = await nextEvents(tx, CURSOR, now, BATCH);
    if (!next) return 0;
    const references = new Map(
      (next.rows.length
        ? await tx
            .select({ id: jobs.id, reference: jobs.reference })
            .from(jobs)
            .where(inArray(jobs.id, [...new Set(next.rows.map((r) => r.jobId))]))
        : []
      ).map((j) => [j.id, j.reference]),
    );
    // Events the catalogue cannot read (another version wrote them) are not sent half-understood.
    const rows = next.rows.flatMap((row) => {
      const event = readEvent(row);
      return event ? [{ event, reference: references.get(event.jobId) ?? null }] : [];
    });
    const orgs = [...new Set(rows.map((r) => r.event.organisationId))];
    const endpoints = orgs.length
      ? await tx
          .select()
          .from(webhookEndpoints)
          .where(and(inArray(webhookEndpoints.organisationId, orgs), isNull(webhookEndpoints.disabledAt)))
      : [];
    const messages = rows.flatMap(({ event, reference }) =>
      endpoints
        .filter(
          (e) =>
            e.organisationId === event.organisationId &&
            event.createdAt >= e.createdAt &&
            wants(e.eventTypes, event.type),
        )
        .map((endpoint) => ({
          id: `msg_${event.id}_${endpoint.id.slice(-8)}`,
          organisationId: event.organisationId,
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
          payload: JSON.stringify({
            type: event.type,
            timestamp: new Date(event.createdAt).toISOString(),
            data: {
              eventId: event.id,
              jobId: event.jobId,
              reference,
              stepId: event.stepId,
              visibility: event.visibility,
              actor: { type: event.actorType, id: event.actorId },
              ...event.payload,
            },
          } as WebhookMessage),
          status: 'pending' as const,
          nextAttemptAt: now,
          createdAt: now,
        })),
    );
    for (let i = 0; i < messages.length; i += 100) {
      await tx
        .insert(deliveries)
        .values(messages.slice(i, i + 100))
        .onConflictDoNothing();
    }
    await next.advance();
    return messages.length;
  });
}

/**
 * Sends the messages that are due, each claimed first so no other process sends the same attempt.
 * 2xx: delivered. 410 Gone: the endpoint is disabled and its waiting messages discarded. Anything else
 * (including no answer): tried again on the Standard Webhooks schedule, then failed.
 */
export async function sendDueWebhooks(
  db: Db,
  clock: Clock,
  options: { allowPrivate: boolean },
): Promise<number> {
  const now = clock.now();
  const due = await db
    .select({ delivery: deliveries, endpoint: webhookEndpoints })
    .from(deliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, deliveries.endpointId))
    .where(
      and(
        eq(deliveries.status, 'pending'),
        lte(deliveries.nextAttemptAt, now),
        or(isNull(deliveries.lockedUntil), lte(deliveries.lockedUntil, now)),
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(SEND_BATCH);
  let sent = 0;
  for (const { delivery, endpoint } of due) {
    const claimed = await claimTransaction(db, async (tx) =>
      (await lockFree(tx, deliveries, deliveries.id, [delivery.id])).length === 0
        ? []
        : tx
            .update(deliveries)
            .set({ lockedUntil: now + LOCK_MS })
            .where(
              and(
                eq(deliveries.id, delivery.id),
                eq(deliveries.status, 'pending'),
                or(isNull(deliveries.lockedUntil), lte(deliveries.lockedUntil, now)),
                // Only the row as it was read: another process may have tried it and settled it since.
                eq(deliveries.attempts, delivery.attempts),
              ),
            )
            .returning({ id: deliveries.id }),
    );
    if (claimed.length === 0) continue;
    const timestamp = Math.floor(clock.now() / 1000);
    const result = await postSafely(
      endpoint.url,
      delivery.payload,
      {
        'content-type': 'application/json',
        'user-agent': 'OpenKitchen-Webhooks/1',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(endpoint.secret, delivery.id, timestamp, delivery.payload),
      },
      options,
    );
    const at = clock.now();
    const attempts = delivery.attempts + 1;
    // The delivery's organisation's write (its endpoint may be disabled): beside other organisations' writes.
    await writeTransaction(
      db,
      async (tx) => {
        if ('status' in result && result.status >= 200 && result.status < 300) {
          await tx
            .update(deliveries)
            .set({
              status: 'delivered',
              attempts,
              lastStatus: result.status,
              lastError: null,
              deliveredAt: at,
              lockedUntil: null,
            })
            .where(eq(deliveries.id, delivery.id));
          return;
        }
        if ('status' in result && result.status === 410) {
          await tx
            .update(webhookEndpoints)
            .set({ disabledAt: at, disabledReason: 'The endpoint answered 410 Gone.' })
            .where(eq(webhookEndpoints.id, endpoint.id));
          await tx
            .update(deliveries)
            .set({ status: 'discarded', lockedUntil: null })
            .where(and(eq(deliveries.endpointId, endpoint.id), eq(deliveries.status, 'pending')));
          await tx
            .update(deliveries)
            .set({ attempts, lastStatus: 410, lastError: 'Gone: endpoint disabled' })
            .where(eq(deliveries.id, delivery.id));
          return;
        }
        const next = 'blocked' in result && result.blocked ? null : nextAttemptAt(attempts, at);
        await tx
          .update(deliveries)
          .set({
            status: next === null ? 'failed' : 'pending',
            attempts,
            nextAttemptAt: next ?? at,
            lockedUntil: null,
            lastStatus: 'status' in result ? result.status : null,
            lastError: 'error' in result ? result.error : `HTTP ${result.status}`,
          })
          .where(eq(deliveries.id, delivery.id));
      },
      delivery.organisationId,
    );
    sent++;
  }
  return sent;
}

import { param, prepared } from '../../db/prepared';
import { events } from '../../db/schema';
import { checkEvent, type EventType, type NewEvent } from '../events/catalogue';
import type { Ctx, Db } from './context';

export type { NewEvent, Visibility } from '../events/catalogue';

const insertEvent = prepared((db) =>
  db
    .insert(events)
    .values({
      organisationId: param('organisationId'),
      jobId: param('jobId'),
      stepId: param('stepId'),
      type: param('type'),
      visibility: param('visibility'),
      actorType: param('actorType'),
      actorId: param('actorId'),
      payload: param('payload'),
      createdAt: param('createdAt'),
    })
    .returning({ id: events.id })
    .prepare(),
);

/**
 * Appends to the job's log inside the caller's transaction, so the event commits with the state it
 * describes. The payload is checked against the event catalogue: a wrong one fails the transaction.
 */
export async function appendEvent<T extends EventType>(
  tx: Db,
  ctx: Ctx,
  event: NewEvent<T>,
): Promise<number> {
  const { visibility, payload } = checkEvent(event as NewEvent);
  const [row] = await insertEvent(tx).all({
    organisationId: ctx.organisationId,
    jobId: event.jobId,
    stepId: event.stepId ?? null,
    type: event.type,
    visibility,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    payload,
    createdAt: ctx.clock.now(),
  });
  if (!row) throw new Error('event insert returned no row');
  return row.id;
}

import { eventsAppended } from '../../../db/dialect';
import { param, prepared } from '../../../db/prepared';
import { events } from '../../../db/schema';
import { checkEvent, type EventType, type NewEvent } from '../../events/catalogue';
import type { Ctx, Db } from './context';

export type { NewEvent, Visibility } from '../../events/catalogue';

/**
 * A staff member's access ended (sign-out, sign-out everywhere, deactivation): an organisation-level log
 * entry (`jobId: ''`, no job) that live streams act on in log order, so their open console streams end
 * before any later event reaches them. Not a job event: no webhook, page or insight reads it.
 */
export const ACCESS_ENDED = 'staff.access_ended' satisfies EventType;

export const accessEnded = (
  specialistId: string,
  sessionId: string | null,
): NewEvent<typeof ACCESS_ENDED> => ({
  jobId: '',
  type: ACCESS_ENDED,
  payload: { specialistId, sessionId },
});

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
  eventsAppended(tx);
  return row.id;
}

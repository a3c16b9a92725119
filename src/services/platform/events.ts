import { inArray } from 'drizzle-orm';
import { eventsAppended } from '../../../db/dialect';
import { param, prepared } from '../../../db/prepared';
import { type EventRow, events, specialists } from '../../../db/schema';
import { checkEvent, type EventType, type NewEvent } from '../../events/catalogue';
import { publicSpecialist } from '../jobs/views';
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
  const { visibility, payload: checked } = checkEvent(event as NewEvent);
  const payload = withoutProfiles(checked);
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

/**
 * Step snapshots name their assignee by id only in the log: a profile (name, role, bio, photo,
 * expertise, both languages) belongs to the specialist, not to every event, and was over a third of
 * the log's bytes (docs/decisions/constant-with-history.md). `withProfiles` puts it back as it is now.
 */
function withoutProfiles(payload: Record<string, unknown>): Record<string, unknown> {
  const slim = (step: unknown) => {
    const s = step as { assignee?: { id: string } | null };
    return s?.assignee ? { ...s, assignee: { id: s.assignee.id } } : step;
  };
  let out = payload;
  if (payload.step) out = { ...out, step: slim(payload.step) };
  if (Array.isArray(payload.steps)) out = { ...out, steps: payload.steps.map(slim) };
  return out;
}

type Snapshot = { assignee?: { id: string; name?: string } | null };

/** The step snapshots of a payload whose assignee is named by id only. */
function stubs(payload: Record<string, unknown>): Snapshot[] {
  const found: Snapshot[] = [];
  const visit = (step: unknown) => {
    const s = step as Snapshot | null;
    if (s?.assignee && s.assignee.name === undefined) found.push(s);
  };
  visit(payload.step);
  if (Array.isArray(payload.steps)) for (const step of payload.steps) visit(step);
  return found;
}

/**
 * Rows read from the log with each step snapshot's assignee profile attached (the specialist as they
 * are now; events logged before profiles left the log keep the one they were written with). Every
 * reader that hands payloads on or parses them calls this: one query per batch, none when no snapshot
 * names an assignee.
 */
export async function withProfiles(db: Db, rows: EventRow[]): Promise<EventRow[]> {
  const ids = new Set<string>();
  for (const row of rows) for (const s of stubs(row.payload)) if (s.assignee) ids.add(s.assignee.id);
  if (ids.size === 0) return rows;
  const people = new Map(
    (
      await db
        .select()
        .from(specialists)
        .where(inArray(specialists.id, [...ids]))
    ).map((p) => [p.id, publicSpecialist(p)]),
  );
  return rows.map((row) => {
    if (stubs(row.payload).length === 0) return row;
    const fill = (step: unknown) => {
      const s = step as Snapshot | null;
      if (!s?.assignee || s.assignee.name !== undefined) return step;
      return { ...s, assignee: people.get(s.assignee.id) ?? null };
    };
    const payload: Record<string, unknown> = { ...row.payload };
    if (payload.step) payload.step = fill(payload.step);
    if (Array.isArray(payload.steps)) payload.steps = payload.steps.map(fill);
    return { ...row, payload };
  });
}

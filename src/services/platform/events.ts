import { inArray } from 'drizzle-orm';
import { appendToLog } from '../../../db/dialect';
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
    .prepare(),
);

type NewEventRow = Omit<typeof events.$inferInsert, 'id'>;

/** Writes log rows in the order given: one prepared insert (libSQL appends one at a time), or one insert of all. */
async function writeEvents(tx: Db, rows: NewEventRow[]): Promise<void> {
  const [only] = rows;
  if (rows.length === 1 && only) await insertEvent(tx).run(only);
  else await tx.insert(events).values(rows);
}

/**
 * Appends to the job's log inside the caller's transaction, so the event commits with the state it
 * describes (on PostgreSQL it is written as the transaction's work ends: `appendToLog`). The payload is
 * checked against the event catalogue: a wrong one fails the transaction.
 */
export async function appendEvent<T extends EventType>(tx: Db, ctx: Ctx, event: NewEvent<T>): Promise<void> {
  const { visibility, payload: checked } = checkEvent(event as NewEvent);
  const row: NewEventRow = {
    organisationId: ctx.organisationId,
    jobId: event.jobId,
    stepId: event.stepId ?? null,
    type: event.type,
    visibility,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    payload: withoutProfiles(checked),
    createdAt: ctx.clock.now(),
  };
  await appendToLog(tx, row, (rows) => writeEvents(tx, rows));
}

/**
 * Step snapshots name their assignee by id only in the log: a profile (name, role, bio, photo,
 * expertise, both languages) belongs to the specialist, not to every event, and was over a third of
 * the log's bytes (docs/decisions/constant-with-history.md). `withProfiles` puts it back as it is now.
 */
type Snapshot = { assignee?: { id: string; name?: string } | null };

/**
 * The payload with `change` applied to each step snapshot it carries (`step`, `steps[]`); the same object
 * when `change` changed none.
 */
function mapSnapshots(
  payload: Record<string, unknown>,
  change: (s: Snapshot) => Snapshot,
): Record<string, unknown> {
  const one = (step: unknown) => (step ? change(step as Snapshot) : step);
  let out = payload;
  const step = one(payload.step);
  if (step !== payload.step) out = { ...out, step };
  if (Array.isArray(payload.steps)) {
    const steps = payload.steps.map(one);
    if (steps.some((s, i) => s !== (payload.steps as unknown[])[i])) out = { ...out, steps };
  }
  return out;
}

/** An assignee named by id only, as the log keeps it since profiles left it. */
const isStub = (a: Snapshot['assignee']): a is { id: string } => !!a && a.name === undefined;

const withoutProfiles = (payload: Record<string, unknown>) =>
  mapSnapshots(payload, (s) => (s.assignee ? { ...s, assignee: { id: s.assignee.id } } : s));

/**
 * Rows read from the log with each step snapshot's assignee profile attached (the specialist as they
 * are now; events logged before profiles left the log keep the one they were written with). Every
 * reader that hands payloads on or parses them calls this: one query per batch, none when no snapshot
 * names an assignee.
 */
export async function withProfiles(db: Db, rows: EventRow[]): Promise<EventRow[]> {
  const ids = new Set<string>();
  for (const row of rows)
    mapSnapshots(row.payload, (s) => {
      if (isStub(s.assignee)) ids.add(s.assignee.id);
      return s;
    });
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
    const payload = mapSnapshots(row.payload, (s) =>
      isStub(s.assignee) ? { ...s, assignee: people.get(s.assignee.id) ?? null } : s,
    );
    return payload === row.payload ? row : { ...row, payload };
  });
}

import { eq } from 'drizzle-orm';
import { param, prepared } from '../../../db/prepared';
import { jobs, type Step, specialists, steps } from '../../../db/schema';
import type { EventType, NewEvent, Payload } from '../../events/catalogue';
import { type PublicStep, publicStep } from '../jobs/views';
import type { Ctx, Db } from '../platform/context';
import { appendEvent } from '../platform/events';

export type StepView = PublicStep & { assigneeId: string | null };

type StepChanges = Partial<Omit<Step, 'id' | 'jobId' | 'updatedAt'>>;

export type StepEventType = Extract<EventType, `step.${string}`>;

/** Saves a step change and logs it with the step's new public snapshot, in the caller's transaction. */
export async function saveStep<T extends StepEventType>(
  tx: Db,
  ctx: Ctx,
  step: Step,
  changes: StepChanges,
  type: T,
  extra: Omit<Payload<T>, 'step'>,
): Promise<StepView> {
  const now = ctx.clock.now();
  // Like Drizzle's `set`, a change given as undefined leaves its column alone.
  const columns = Object.keys(changes).filter((c) => changes[c as keyof StepChanges] !== undefined);
  const [updated] = await updateStep(columns)(tx).all({ ...changes, id: step.id, updatedAt: now });
  if (!updated) throw new Error('step vanished inside its transaction');
  await touchJob(tx).run({ id: step.jobId, updatedAt: now });
  const [assignee] = updated.assigneeId ? await specialistById(tx).all({ id: updated.assigneeId }) : [];
  const view = publicStep(updated, assignee);
  await appendEvent(tx, ctx, {
    jobId: step.jobId,
    stepId: step.id,
    type,
    payload: { step: view, ...extra } as Payload<T>,
  } as NewEvent<T>);
  return { ...view, assigneeId: updated.assigneeId };
}

// Step changes come in a handful of shapes (status, promise, assignee, …): one statement per shape.
const updates = new Map<string, ReturnType<typeof buildUpdate>>();
const buildUpdate = (columns: string[]) =>
  prepared((db) =>
    db
      .update(steps)
      .set(Object.fromEntries([...columns, 'updatedAt'].map((column) => [column, param(column)])))
      .where(eq(steps.id, param('id')))
      .returning()
      .prepare(),
  );
function updateStep(columns: string[]) {
  const shape = columns.sort().join();
  const update = updates.get(shape) ?? buildUpdate(columns);
  updates.set(shape, update);
  return update;
}

const touchJob = prepared((db) =>
  db
    .update(jobs)
    .set({ updatedAt: param('updatedAt') })
    .where(eq(jobs.id, param('id')))
    .prepare(),
);

const specialistById = prepared((db) =>
  db
    .select()
    .from(specialists)
    .where(eq(specialists.id, param('id')))
    .prepare(),
);

import { eq } from 'drizzle-orm';
import { together } from '../../../db/dialect';
import { param, prepared } from '../../../db/prepared';
import { jobs, type Specialist, type Step, specialists, steps } from '../../../db/schema';
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
  const written = await writeStep(tx, ctx, step, changes);
  await logStep(tx, ctx, step, written, type, extra);
  return written;
}

/**
 * A step change saved, not yet logged: for a caller that saves several steps at once (one round trip on
 * PostgreSQL, `together`) and then logs each with `logStep`, in the steps' order.
 */
export async function writeStep(tx: Db, ctx: Ctx, step: Step, changes: StepChanges): Promise<StepView> {
  const now = ctx.clock.now();
  // Like Drizzle's `set`, a change given as undefined leaves its column alone.
  const columns = Object.keys(changes).filter((c) => changes[c as keyof StepChanges] !== undefined);
  const seen = transactionMemo(tx);
  const touch = !seen.touched.has(step.jobId);
  seen.touched.add(step.jobId);
  // The assignee the update leaves (the step was read in this transaction, under its organisation's lock).
  const assigneeId = changes.assigneeId !== undefined ? changes.assigneeId : step.assigneeId;
  const [[updated], , assignee] = await together(
    () => updateStep(columns)(tx).all({ ...changes, id: step.id, updatedAt: now }),
    () => (touch ? touchJob(tx).run({ id: step.jobId, updatedAt: now }) : Promise.resolve(null)),
    () => assigneeOf(tx, seen, assigneeId),
  );
  if (!updated) throw new Error('step vanished inside its transaction');
  return { ...publicStep(updated, assignee), assigneeId: updated.assigneeId };
}

/** Logs a step change `writeStep` saved, with the step's new public snapshot. */
export async function logStep<T extends StepEventType>(
  tx: Db,
  ctx: Ctx,
  step: Step,
  written: StepView,
  type: T,
  extra: Omit<Payload<T>, 'step'>,
): Promise<void> {
  const { assigneeId: _, ...view } = written;
  await appendEvent(tx, ctx, {
    jobId: step.jobId,
    stepId: step.id,
    type,
    payload: { step: view, ...extra } as Payload<T>,
  } as NewEvent<T>);
}

/**
 * What one transaction already did here. A re-plan saves several steps of one job in one transaction:
 * the job is touched once (its `updatedAt` is the transaction's), and each assignee read once. Only for
 * a transaction (which ends): a step saved outside one gets no memo.
 */
type Memo = { touched: Set<string>; people: Map<string, Specialist | undefined> };
const memos = new WeakMap<object, Memo>();

function transactionMemo(tx: Db): Memo {
  const fresh = (): Memo => ({ touched: new Set(), people: new Map() });
  if (!('rollback' in tx)) return fresh();
  const memo = memos.get(tx) ?? fresh();
  memos.set(tx, memo);
  return memo;
}

async function assigneeOf(tx: Db, memo: Memo, id: string | null): Promise<Specialist | undefined> {
  if (!id) return undefined;
  if (!memo.people.has(id)) memo.people.set(id, (await specialistById(tx).all({ id }))[0]);
  return memo.people.get(id);
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

import type { Db } from '../../../db/client';
import { claimTransactionOn, onPostgres, writeTransactionOn } from '../../../db/dialect';

export type { Db };

export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };

export type Actor = { type: 'api_key' | 'specialist' | 'customer' | 'system'; id: string | null };

/**
 * What every service receives first. Services that act in one organisation (nearly all) take a `Ctx`;
 * the few that run before an organisation is known (a tracker token, an API key, a sign-in) or across
 * all of them (background work) take its organisation-free part, `BaseCtx`. A `Ctx` is a `BaseCtx`.
 */
export type BaseCtx = {
  /** Where to read and write. */
  db: Db;
  /** What time it is. */
  clock: Clock;
  /** Called after a transaction that appended events has committed (wakes the live fan-out). */
  afterCommit?: () => void;
};

/** A service context in one organisation: for whom (`organisationId`) and by whom (`actor`). */
export type Ctx = BaseCtx & {
  organisationId: string;
  actor: Actor;
};

/** Runs `work` in one write transaction, then tells the live layer there is something new. */
export async function inTransaction<T>(ctx: Ctx, work: (tx: Db) => Promise<T>): Promise<T> {
  const result = await writeTransaction(ctx.db, work);
  ctx.afterCommit?.();
  return result;
}

/** One write transaction, queued behind this process's others (see below). */
export function writeTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return oneWriterAtATime(db, () => writeTransactionOn(db, work));
}

/**
 * A transaction that only claims queued rows (see `claimTransactionOn`): on PostgreSQL it neither takes
 * nor waits for the write lock; on libSQL it queues like any write.
 */
export function claimTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  if (onPostgres()) return claimTransactionOn(db, work);
  return oneWriterAtATime(db, () => claimTransactionOn(db, work));
}

const writers = new WeakMap<Db, Promise<unknown>>();

/**
 * Queues this process's write transactions on one database (on PostgreSQL too: a transaction waiting
 * for the write lock holds a pooled connection, so one waiting per process leaves the rest to readers).
 * An embedded libSQL database runs each
 * statement synchronously on a pooled connection: if a second transaction began while the first
 * was waiting between statements, its BEGIN IMMEDIATE would hold the one JavaScript thread in
 * SQLite's busy wait, the first could never finish, and both would fail after the busy timeout.
 * Other processes are real threads and simply wait their turn in SQLite.
 */
function oneWriterAtATime<T>(db: Db, run: () => Promise<T>): Promise<T> {
  const previous = writers.get(db) ?? Promise.resolve();
  const next = previous.then(run, run);
  writers.set(
    db,
    next.catch(() => {}),
  );
  return next;
}

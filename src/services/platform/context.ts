import type { Db } from '../../../db/client';
import { claimTransactionOn, cursorTransactionOn, onPostgres, writeTransactionOn } from '../../../db/dialect';

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

/**
 * Runs `work` in one write transaction of the context's organisation, then tells the live layer there is
 * something new. On PostgreSQL it runs beside other organisations' writes (see `writeTransaction`).
 */
export async function inTransaction<T>(ctx: Ctx, work: (tx: Db) => Promise<T>): Promise<T> {
  const result = await writeTransaction(ctx.db, work, ctx.organisationId);
  ctx.afterCommit?.();
  return result;
}

/**
 * One write transaction, queued behind this process's others that it could conflict with (see below).
 * `scope` names the one organisation whose rows it writes; without one it runs alone.
 */
export function writeTransaction<T>(db: Db, work: (tx: Db) => Promise<T>, scope?: string): Promise<T> {
  return queued(db, onPostgres() ? scope : undefined, () => writeTransactionOn(db, work, scope));
}

/**
 * The transaction of a log consumer that writes only its own rows, reading the log after the cursor
 * `name` (see `cursorTransactionOn`): on PostgreSQL beside the organisations' writes, alone among the
 * cursor's readers; on libSQL it queues like any write.
 */
export function cursorTransaction<T>(db: Db, name: string, work: (tx: Db) => Promise<T>): Promise<T> {
  return queued(db, onPostgres() ? `cursor:${name}` : undefined, () => cursorTransactionOn(db, name, work));
}

/**
 * A transaction that only claims queued rows (see `claimTransactionOn`): on PostgreSQL it neither takes
 * nor waits for the write lock; on libSQL it queues like any write.
 */
export function claimTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  if (onPostgres()) return claimTransactionOn(db, work);
  return queued(db, undefined, () => claimTransactionOn(db, work));
}

/** At most this many of a process's write transactions wait or run at once on PostgreSQL (pool: 10). */
export const WRITERS_PER_PROCESS = 4;

type Queues = { tails: Map<string, Promise<unknown>>; running: number; waiting: (() => void)[] };
const queues = new WeakMap<Db, Queues>();
const ALONE = '';

/**
 * Queues this process's write transactions on one database. An embedded libSQL database runs each
 * statement synchronously on a pooled connection: if a second transaction began while the first was
 * waiting between statements, its BEGIN IMMEDIATE would hold the one JavaScript thread in SQLite's busy
 * wait, the first could never finish, and both would fail after the busy timeout. So on libSQL there is
 * one queue (`scope` is undefined). Other processes are real threads and simply wait their turn in SQLite.
 *
 * On PostgreSQL a transaction waiting for a lock holds a pooled connection, so each organisation's writes
 * queue here too (one waits in the server, not ten), and at most `WRITERS_PER_PROCESS` run or wait at
 * once, leaving the rest of the pool to readers.
 */
function queued<T>(db: Db, scope: string | undefined, run: () => Promise<T>): Promise<T> {
  let q = queues.get(db);
  if (!q) {
    q = { tails: new Map(), running: 0, waiting: [] };
    queues.set(db, q);
  }
  const state = q;
  const key = scope ?? ALONE;
  const previous = state.tails.get(key) ?? Promise.resolve();
  const slot = async () => {
    if (onPostgres()) await takeSlot(state);
    try {
      return await run();
    } finally {
      if (onPostgres()) giveSlot(state);
    }
  };
  const next = previous.then(slot, slot);
  const tail = next.then(
    () => {},
    () => {},
  );
  state.tails.set(key, tail);
  // The map holds only queues with work in them: one entry per organisation writing right now.
  void tail.then(() => {
    if (state.tails.get(key) === tail) state.tails.delete(key);
  });
  return next;
}

function takeSlot(q: Queues): Promise<void> | undefined {
  if (q.running < WRITERS_PER_PROCESS) {
    q.running++;
    return undefined;
  }
  return new Promise((resolve) => q.waiting.push(resolve));
}

function giveSlot(q: Queues): void {
  const next = q.waiting.shift();
  if (next) next();
  else q.running--;
}

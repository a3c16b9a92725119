import type { Column, Table } from 'drizzle-orm';
import { inArray, type SQL, sql } from 'drizzle-orm';
import { usePostgresTables } from './tables';

/**
 * The one process-wide choice between the embedded libSQL file (the default) and a shared PostgreSQL
 * server, made by the URL the process opens first (db/client.ts). Everything that differs between
 * the two lives here or in db/client.ts and db/migrate.ts, never in services; see
 * docs/decisions/postgresql-from-one-schema.md.
 */
export type Dialect = 'sqlite' | 'postgres';

let active: Dialect | undefined;

export const dialectOf = (url: string): Dialect => (/^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite');

/** Binds the tables of `dialect` (see db/tables.ts). A process uses one dialect for its whole life. */
export function useDialect(dialect: Dialect): void {
  if (active === dialect) return;
  if (active !== undefined) {
    throw new Error(`this process already opened a ${active} database; one process uses one dialect`);
  }
  if (dialect === 'postgres') usePostgresTables();
  active = dialect;
}

/** The dialect of the database this process opened (libSQL until one is opened). */
export const currentDialect = (): Dialect => active ?? 'sqlite';
export const onPostgres = () => active === 'postgres';

/** How many rows an UPDATE or DELETE changed: libSQL calls it `rowsAffected`, node-postgres `rowCount`. */
export function rowsAffected(result: unknown): number {
  const r = result as { rowsAffected?: number; rowCount?: number | null };
  return r.rowsAffected ?? r.rowCount ?? 0;
}

/**
 * `column` contains `text`, literally and ignoring ASCII case as SQLite's LIKE does: % _ and \ in
 * `text` match themselves. PostgreSQL's LIKE is case-sensitive, so there it is ILIKE.
 */
export function containsInsensitive(column: Column | SQL, text: string): SQL {
  const pattern = `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  // SQLite's LIKE has no default escape character; name one so % and _ in a search are literal.
  // PostgreSQL's default escape is already the backslash; naming it keeps one pattern for both.
  return onPostgres()
    ? sql`${column} ILIKE ${pattern} ESCAPE '\\'`
    : sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}

/** The advisory lock every write transaction on PostgreSQL holds until it ends ("OKWR"). */
export const WRITE_LOCK = 0x4f4b5752;

/**
 * One write transaction as the services expect it: alone. On libSQL, `BEGIN IMMEDIATE` takes SQLite's
 * one write lock up front. On PostgreSQL a transaction-scoped advisory lock does the same across every
 * process sharing the server: services that read, decide and write stay correct as they were written
 * for SQLite, and event ids are taken and committed in one order, so a reader tailing the log by id
 * never passes an id that commits later (see docs/decisions/postgresql-from-one-schema.md).
 */
export function writeTransactionOn<D, T>(db: D, work: (tx: D) => Promise<T>): Promise<T> {
  writeTransactions++;
  return afterCommit(lockedTransaction(db, work));
}

function lockedTransaction<D, T>(db: D, work: (tx: D) => Promise<T>): Promise<T> {
  const run = db as unknown as {
    transaction(fn: (tx: unknown) => Promise<T>, config?: unknown): Promise<T>;
  };
  if (onPostgres()) {
    return run.transaction(async (tx) => {
      const { execute } = tx as { execute(q: SQL): Promise<unknown> };
      if (!skipWriteLock) {
        await execute.call(tx, sql`select pg_advisory_xact_lock(${sql.raw(String(WRITE_LOCK))})`);
      }
      const result = await work(tx as D);
      // Delivered when the transaction commits, and only then: listeners read what it wrote.
      if (appended.has(tx as object)) await execute.call(tx, sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
      return result;
    });
  }
  return run.transaction((tx) => work(tx as D), { behavior: 'immediate' });
}

/**
 * A transaction that only claims rows of a queue (an outbox's lock time): on PostgreSQL without the
 * write lock, taking the rows with `FOR UPDATE SKIP LOCKED` (see `lockFree`), so claimers in several
 * processes neither wait for each other nor for the services' writes; on libSQL a write transaction
 * like any other (SQLite has one write lock and no row locks).
 */
export function claimTransactionOn<D, T>(db: D, work: (tx: D) => Promise<T>): Promise<T> {
  if (!onPostgres()) return writeTransactionOn(db, work);
  writeTransactions++;
  const run = db as unknown as { transaction(fn: (tx: unknown) => Promise<T>): Promise<T> };
  return afterCommit(run.transaction((tx) => work(tx as D)));
}

/**
 * Inside a claim transaction: which of `ids` (rows of `table`, keyed by `idColumn`) no other transaction
 * holds, locking those until this one ends. On PostgreSQL `FOR UPDATE SKIP LOCKED`; on libSQL all of them
 * (the transaction holds the database's one write lock).
 */
export async function lockFree(
  tx: unknown,
  table: Table,
  idColumn: Column,
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0 || !onPostgres()) return ids;
  const { execute } = tx as { execute(q: SQL): Promise<{ rows: { id: string }[] }> };
  const result = await execute.call(
    tx,
    sql`select ${idColumn} as id from ${table} where ${inArray(idColumn, ids)} for update skip locked`,
  );
  return result.rows.map((r) => r.id);
}

const committed = new Set<() => void>();

/**
 * Calls `listener` after every write transaction this process commits, on any database: background
 * work wakes on it instead of polling (src/background/loop.ts). Returns the unsubscribe.
 */
export function onWriteCommitted(listener: () => void): () => void {
  committed.add(listener);
  return () => committed.delete(listener);
}

function afterCommit<T>(done: Promise<T>): Promise<T> {
  return done.then((result) => {
    for (const listener of committed) listener();
    return result;
  });
}

let writeTransactions = 0;

/** How many write transactions this process has begun (tests check that idle background work takes none). */
export const writeTransactionCount = (): number => writeTransactions;

/** The channel a PostgreSQL transaction that appended events notifies on commit (db/listen.ts). */
export const EVENTS_CHANNEL = 'ok_events';

const appended = new WeakSet<object>();

/**
 * Called by the event append with its transaction: on PostgreSQL that transaction then notifies
 * `EVENTS_CHANNEL` as it commits, so every process's log tail reads at once instead of polling.
 */
export function eventsAppended(tx: unknown): void {
  if (onPostgres()) appended.add(tx as object);
}

let skipWriteLock = false;

/**
 * For one test only (test/live/pg-order.test.ts shows what goes wrong without the lock): from now on
 * this process's write transactions on PostgreSQL take no write lock. Nothing in the product calls it.
 */
export function dropWriteLockForTest(): void {
  skipWriteLock = true;
}

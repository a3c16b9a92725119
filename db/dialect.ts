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

/**
 * Statements of one transaction that need nothing of each other: all sent at once on PostgreSQL, where the
 * pool's connections pipeline them (db/client.ts), so they cost one round trip together; on libSQL one
 * after another, as a transaction's statements run there. Each is a function, so that libSQL starts one
 * only when the one before has ended. Only for statements none of which needs another's result or effect.
 */
export function together<A, B>(a: () => PromiseLike<A>, b: () => PromiseLike<B>): Promise<[A, B]>;
export function together<A, B, C>(
  a: () => PromiseLike<A>,
  b: () => PromiseLike<B>,
  c: () => PromiseLike<C>,
): Promise<[A, B, C]>;
export function together<T>(...work: (() => PromiseLike<T>)[]): Promise<T[]>;
export async function together(...work: (() => PromiseLike<unknown>)[]): Promise<unknown[]> {
  if (onPostgres()) return Promise.all(work.map((w) => w()));
  const results: unknown[] = [];
  for (const w of work) results.push(await w());
  return results;
}

/**
 * The advisory locks of PostgreSQL write transactions, all held until the transaction ends:
 * - `WRITE_LOCK` ("OKWR"): taken exclusively by a write that is not one organisation's (background work,
 *   sign-up, the demo), shared by an organisation's write;
 * - `ORGANISATION_LOCK` ("OKOR") with the organisation's hash: one writer at a time per organisation;
 * - `CURSOR_LOCK` ("OKCU") with a log cursor's name hashed: one reader at a time per cursor of the log
 *   (a consumer's transaction, see `cursorTransactionOn`), shared with the write lock like an organisation's;
 * - `APPEND_LOCK` ("OKAP"): taken last, by a transaction that appends events, as it writes them (the events
 *   table's trigger takes it: db/migrations-pg/0017_event_append_order.sql holds the same number).
 */
export const WRITE_LOCK = 0x4f4b5752;
export const ORGANISATION_LOCK = 0x4f4b4f52;
export const CURSOR_LOCK = 0x4f4b4355;
export const APPEND_LOCK = 0x4f4b4150;

/**
 * A lock's key within its space: the 32-bit FNV-1a hash of `text` (an organisation's id, a cursor's name),
 * the same in every process. Two texts that share a hash share a lock: a rare wait, never a wrong result.
 */
export function lockKey(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/** Whom a write transaction is alone among: everything, one organisation's writes, or one log cursor's readers. */
type LockScope = { alone: true } | { space: number; key: string };

/**
 * One write transaction as the services expect it: alone among those it could conflict with. On libSQL,
 * `BEGIN IMMEDIATE` takes SQLite's one write lock up front. On PostgreSQL, across every process sharing the
 * server, a transaction of one organisation (`scope`) runs alone among that organisation's writes and
 * beside other organisations' ones; one without a scope runs alone. Services that read, decide and write
 * stay correct as they were written for SQLite. Events are written last, under a short lock held to the
 * commit, so event ids commit in id order and a reader tailing the log by id never passes an id that
 * commits later (see docs/decisions/postgresql-from-one-schema.md).
 */
export function writeTransactionOn<D, T>(db: D, work: (tx: D) => Promise<T>, scope?: string): Promise<T> {
  writeTransactions++;
  return afterCommit(
    lockedTransaction(
      db,
      work,
      scope === undefined ? { alone: true } : { space: ORGANISATION_LOCK, key: scope },
    ),
  );
}

/**
 * The transaction of a log consumer that writes only its own rows (a projection, a queue it fills, its
 * cursor): on PostgreSQL it runs beside every organisation's writes and alone only among the readers of
 * the cursor `name`, in every process, so a busy log never makes the API wait for a consumer (the write
 * lock taken exclusively would: each exclusive writer first drains every write in flight on every
 * process). Events still reach it in id order (they commit in id order, see `appendToLog`). On libSQL
 * a write transaction like any other.
 */
export function cursorTransactionOn<D, T>(db: D, name: string, work: (tx: D) => Promise<T>): Promise<T> {
  writeTransactions++;
  return afterCommit(
    lockedTransaction(db, work, onPostgres() ? { space: CURSOR_LOCK, key: name } : { alone: true }),
  );
}

type Execute = { execute(q: SQL): Promise<unknown> };

function lockedTransaction<D, T>(db: D, work: (tx: D) => Promise<T>, scope: LockScope): Promise<T> {
  const run = db as unknown as {
    transaction(fn: (tx: unknown) => Promise<T>, config?: unknown): Promise<T>;
  };
  if (onPostgres()) {
    return run.transaction(async (tx) => {
      const { execute } = tx as Execute;
      if (!skipWriteLock) {
        // The shared lock first, so a waiting exclusive one holds nothing of ours. No parameters: the
        // statement travels with the transaction's `begin` in one round trip (db/client.ts).
        await execute.call(
          tx,
          'alone' in scope
            ? sql`select pg_advisory_xact_lock(${sql.raw(String(WRITE_LOCK))})`
            : sql`select pg_advisory_xact_lock_shared(${sql.raw(String(WRITE_LOCK))}), pg_advisory_xact_lock(${sql.raw(String(scope.space))}, ${sql.raw(String(lockKey(scope.key)))})`,
        );
      }
      const result = await work(tx as D);
      // Within another transaction (a savepoint) the commit is not this one's to send.
      await flushEvents(tx, !('rollback' in (db as object)));
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

/** The channel a change to API keys or the organisations they act for is announced on (`notifyOthers`). */
export const KEYS_CHANNEL = 'ok_keys';

/**
 * Tells every process listening on `channel` (db/listen.ts) that something changed: on PostgreSQL a
 * NOTIFY, delivered when `db`'s transaction commits (at once outside one). Nothing on libSQL, where no
 * process listens.
 */
export async function notifyOthers(db: unknown, channel: string): Promise<void> {
  if (!onPostgres()) return;
  const { execute } = db as Execute;
  await execute.call(db, sql`select pg_notify(${channel}, '')`);
}

type Pending<R> = { rows: R[]; write(rows: R[]): Promise<void> };
const pending = new WeakMap<object, Pending<unknown>>();

/**
 * The event append's way into the log. On libSQL `write` runs at once (the transaction holds the one write
 * lock). On PostgreSQL the rows wait until the transaction's work is done, then go in one insert, in the
 * order given (`write` must send exactly one statement: it is the transaction's last, sent with its
 * commit). The events table's statement trigger (db/migrations-pg/0017_event_append_order.sql) takes
 * `APPEND_LOCK` before any row draws its id and notifies `EVENTS_CHANNEL` (delivered on commit: every
 * process's log tail reads at once instead of polling), in the insert's own round trip. The append lock is
 * held only from there to the commit.
 */
export async function appendToLog<R>(
  tx: unknown,
  row: R,
  write: (rows: R[]) => Promise<void>,
): Promise<void> {
  if (!onPostgres()) return write([row]);
  const waiting = pending.get(tx as object) as Pending<R> | undefined;
  if (waiting) waiting.rows.push(row);
  else pending.set(tx as object, { rows: [row], write } as Pending<unknown>);
}

async function flushEvents(tx: unknown, outermost: boolean): Promise<void> {
  const waiting = pending.get(tx as object);
  if (!waiting) return;
  pending.delete(tx as object);
  // The insert's own trigger takes APPEND_LOCK and notifies (db/migrations-pg/0017_event_append_order.sql);
  // the commit goes right behind it on the wire (db/client.ts), so the lock is held for the server's work.
  if (outermost) {
    const { session } = tx as { session?: { client?: { commitAfterNext?(): void } } };
    session?.client?.commitAfterNext?.();
  }
  await waiting.write(waiting.rows);
}

let skipWriteLock = false;

/**
 * For one test only (test/live/pg-order.test.ts shows what goes wrong without the locks; it also disables
 * the append trigger of its database): from now on this process's write transactions on PostgreSQL take
 * no write lock. Nothing in the product calls it.
 */
export function dropWriteLockForTest(): void {
  skipWriteLock = true;
}

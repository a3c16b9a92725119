import type { Writable } from 'node:stream';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type Dialect, dialectOf, useDialect } from './dialect';
import { openEmbeddedClient } from './embedded-client';
import { listen } from './listen';
import * as schema from './schema';
import { DEFAULT_SYNCHRONOUS, type Synchronous } from './synchronous';

/**
 * What services see. On PostgreSQL the object is Drizzle's node-postgres database over the same
 * tables (db/tables.ts), which answers every builder the services use the same way; what differs
 * (affected-row counts, case-insensitive search, the write lock) is in db/dialect.ts.
 */
export type Db = LibSQLDatabase<typeof schema>;
export type Database = {
  dialect: Dialect;
  db: Db;
  /** The libSQL client (libSQL only: reading it on PostgreSQL throws, there it is `pool`). */
  client: Client;
  /** The node-postgres pool (PostgreSQL only). */
  pool?: pg.Pool;
  /**
   * PostgreSQL only: calls `handler` on every notification on `channel`, from any process, and whenever
   * notifications may have been missed (LISTEN/NOTIFY on one connection, db/listen.ts). `EVENTS_CHANNEL`:
   * a transaction that appended events committed. Without it (libSQL) other processes' events are found
   * by polling.
   */
  onNotified?: (channel: string, handler: () => void) => void;
  close(): void | Promise<void>;
};

/**
 * Opens the database: a `postgres://` URL is a shared PostgreSQL server, anything else libSQL, where
 * a `file:` URL is the embedded default (WAL, so readers never wait for the writer), its commits at the
 * `synchronous` level chosen in docs/decisions/durability.md.
 */
export async function openDatabase(
  url: string,
  authToken?: string,
  synchronous: Synchronous = DEFAULT_SYNCHRONOUS,
): Promise<Database> {
  const dialect = dialectOf(url);
  useDialect(dialect);
  if (dialect === 'postgres') return openPostgres(url);
  const onDisk = url.startsWith('file:') && !url.includes(':memory:');
  if (onDisk) {
    // The embedded file: our client over the same driver, keeping prepared statements (db/embedded-client.ts).
    const path = filePath(url);
    const client = recovering(() => openEmbeddedClient(path, { timeoutMs: BUSY_TIMEOUT_MS, synchronous }));
    await client.execute('PRAGMA journal_mode = WAL');
    return { dialect: 'sqlite', client, db: drizzle(client, { schema }), close: () => client.close() };
  }
  const open = () => createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS });
  const client = url.startsWith('file:') ? recovering(open) : open();
  return { dialect: 'sqlite', client, db: drizzle(client, { schema }), close: () => client.close() };
}

/** The path in a `file:` URL: `file:data/x.db`, `file:/abs/x.db`, `file:///abs/x.db`, `file://localhost/abs/x.db`. */
function filePath(url: string): string {
  const rest = decodeURIComponent(url.slice('file:'.length).replace(/[?#].*$/, ''));
  if (rest.startsWith('//localhost/')) return rest.slice('//localhost'.length);
  if (rest.startsWith('///')) return rest.slice(2);
  if (rest.startsWith('//')) throw new Error(`a file: URL with a host is not a local file: ${url}`);
  return rest;
}

/** Type parsers of this pool only: bigint columns (times in ms, counts, event ids) read as numbers. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * The connections of the pool. Two things differ from node-postgres' own client:
 * - PostgreSQL text cannot hold NUL (U+0000), not even to compare: a parameter holding one fails the
 *   query. SQLite takes it, so an id or filter with `%00` was a 404 or no match there and would be a 500
 *   here. Each NUL in a string parameter becomes U+FFFD (the replacement character) on the way out: a
 *   lookup finds nothing, as on libSQL, and text is stored marked where the character was.
 *   (Bodies and forms drop NUL before they get here: src/services/platform/bidi.ts.)
 * - Every statement with parameters runs as a named prepared statement (`statementName`), so each
 *   connection has PostgreSQL parse and plan it once instead of on every call. A step post runs about
 *   fifteen small statements; unnamed, planning them was half of PostgreSQL's CPU per write
 *   (docs/decisions/postgresql-from-one-schema.md, "Prepared statements").
 * - A transaction's `begin` is held back and sent with its first statement when that one has no
 *   parameters, in one simple query: a write transaction's first statement takes its advisory locks
 *   (db/dialect.ts) and has none, so beginning costs no round trip of its own. A `commit` or `rollback`
 *   right after a held `begin` sends nothing.
 */
class Connection extends pg.Client {
  /** A transaction's `begin` not sent yet: it travels with the transaction's first statement. */
  private begin: string | null = null;
  /** Set by `commitAfterNext`: the next statement is sent with `commit` right behind it. */
  private commitNext = false;
  /** That commit was sent: the transaction's own `commit` (or `rollback`) that follows sends nothing. */
  private ended = false;

  /**
   * The transaction's next statement is its last (db/dialect.ts: its events' insert): send `commit` right
   * behind it, pipelined (the pool runs in node-postgres' pipeline mode), so the server commits without
   * waiting for this process to read the insert's answer and ask. The append lock that insert takes is
   * then held for the server's work only, not for a round trip through a busy process.
   */
  commitAfterNext(): void {
    this.commitNext = true;
  }

  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query has a dozen overloads
  override query(config: any, values?: any, callback?: any): any {
    this.coalesce();
    const query = super.query as (this: pg.Client, ...args: unknown[]) => unknown;
    if (typeof values === 'function') [callback, values] = [values, undefined];
    // A plain text, or a submittable (a cursor, a stream), goes as it is.
    if (!config || typeof config.text !== 'string' || typeof config.submit === 'function') {
      this.sendBegin(query);
      return query.call(this, config, Array.isArray(values) ? values.map(nulSafe) : values, callback);
    }
    const params: unknown[] | undefined = Array.isArray(values) ? values : config.values;
    const plain = !params?.length && !config.name && !callback;
    if (this.ended) {
      this.ended = false;
      if (plain && ENDS_TRANSACTION.test(config.text)) return Promise.resolve(noRows('COMMIT'));
    }
    if (plain && BEGINS_TRANSACTION.test(config.text) && this.begin === null) {
      this.begin = config.text;
      return Promise.resolve(noRows('BEGIN'));
    }
    if (this.begin !== null && plain) {
      const begin = this.begin;
      this.begin = null;
      // Nothing ran in between: there is nothing to end either.
      if (ENDS_TRANSACTION.test(config.text)) return Promise.resolve(noRows('ROLLBACK'));
      // One simple query, two commands: the result is the second's.
      const both = query.call(this, { ...config, text: `${begin};${config.text}` }) as Promise<unknown>;
      return both.then((r) => (Array.isArray(r) ? r[r.length - 1] : r));
    }
    this.sendBegin(query);
    const name =
      config.name ?? (params && params.length > 0 ? statementName(config.text, params.length) : undefined);
    const statement = { ...config, name, values: params?.map(nulSafe) };
    if (this.commitNext && !callback) {
      this.commitNext = false;
      this.ended = true;
      const last = query.call(this, statement) as Promise<unknown>;
      const commit = query.call(this, 'commit') as Promise<{ command: string }>;
      // A failed statement leaves the transaction aborted, and the commit behind it rolls back (its
      // answer says ROLLBACK): the statement's error is the one to report.
      return Promise.all([last, commit]).then(([result, ended]) => {
        if (ended.command !== 'COMMIT') throw new Error(`the transaction ended with ${ended.command}`);
        return result;
      });
    }
    return query.call(this, statement, undefined, callback);
  }

  /** The socket is corked until the end of this tick (see `coalesce`). */
  private corked = false;

  /**
   * Statements asked for in the same tick (`together`, an insert with its commit) leave in one write: the
   * socket stays corked until the tick ends. Each write to the server is a system call that also wakes its
   * backend, and on a virtual machine that wake-up costs more than the statement (writev was a quarter of a
   * step post's CPU in the app process, one per statement).
   */
  private coalesce(): void {
    // node-postgres' socket; cork counts, so its own cork around each statement's messages nests in this.
    const socket = (this as unknown as { connection?: { stream?: Writable } }).connection?.stream;
    if (this.corked || !socket?.writable) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /** A held `begin` goes first, on its own, when the next statement cannot carry it (it has parameters). */
  private sendBegin(query: (this: pg.Client, ...args: unknown[]) => unknown): void {
    if (this.begin === null) return;
    const begin = this.begin;
    this.begin = null;
    // node-postgres runs a connection's queries in the order they were asked for; an error here is the
    // next statement's too (the transaction is not open), so this one's own promise may be dropped.
    (query.call(this, begin) as Promise<unknown>).catch(() => {});
  }
}

/** The texts Drizzle sends to begin and to end a transaction (any parameters make them something else). */
const BEGINS_TRANSACTION = /^\s*(begin|start transaction)\b/i;
const ENDS_TRANSACTION = /^\s*(commit|rollback|end)\s*$/i;

/** What node-postgres answers for a command that returns no rows. */
const noRows = (command: string) => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });

/** Distinct statements named per process, and the most parameters a named one may have. */
const NAMED_STATEMENTS = 1000;
const NAMED_MAX_PARAMS = 64;
const statementNames = new Map<string, string>();

/**
 * The name of a statement's text, the same in every connection of the process. Bounded, so that
 * statements whose text varies (an `in (…)` list or a multi-row insert per length) cannot fill a
 * connection's memory on the server: past the bound, or with many parameters (a batch, where parsing
 * is a small share), a statement runs unnamed, parsed on each call as before. Only statements with
 * parameters are named: those run in the extended protocol anyway, which cannot hold more than one
 * command, so naming never changes how a text is read.
 */
function statementName(text: string, params: number): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && params <= NAMED_MAX_PARAMS && statementNames.size < NAMED_STATEMENTS) {
    name = `ok_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

const nulSafe = (value: unknown) =>
  typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;

async function openPostgres(url: string): Promise<Database> {
  // A write waits for the write lock (db/dialect.ts) as long as libSQL waits for SQLite's, then fails
  // with lock_not_available, which answers 503 with Retry-After like SQLITE_BUSY.
  const pool = new pg.Pool({
    connectionString: url,
    types: pgTypes,
    Client: Connection, // not named "…Pool…": Drizzle takes such a client for a pool
    // A statement asked for while another is on the wire goes out at once (`commitAfterNext`); the
    // services await each of theirs, so nothing else changes.
    pipeline: true,
    max: 10,
    options: `-c lock_timeout=${BUSY_TIMEOUT_MS}`,
  });
  // An idle pooled connection that the server ends (a restart, an administrator) is dropped and
  // replaced on next use; without a listener its error would end the process.
  pool.on('error', () => {});
  await pool.query('select 1');
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  let closed: Promise<void> | undefined;
  let notifications: ReturnType<typeof listen> | undefined;
  return {
    dialect: 'postgres',
    pool,
    db,
    onNotified: (channel, handler) => {
      notifications ??= listen(url);
      notifications.on(channel, handler);
    },
    get client(): Client {
      throw new Error('database.client is the libSQL client; this database is PostgreSQL (database.pool)');
    },
    close: () => (closed ??= Promise.resolve(notifications?.close()).then(() => pool.end())),
  };
}

/** How long a write waits for another's lock before it fails (and answers 503). */
const BUSY_TIMEOUT_MS = 5000;

/** How long a replaced client stays open for what it was still running. */
const RETIRE_AFTER_MS = 60_000;

/**
 * The embedded client, replaced by a fresh one after SQLite answers SQLITE_BUSY (another process held
 * the write lock past the busy timeout). A statement that stops on SQLITE_BUSY stays "in progress" on
 * its pooled connection (libsql 0.5 does not reset it), and the connection goes back to the pool:
 * every later COMMIT on it fails with "cannot commit transaction - SQL statements in progress", so one
 * lock held too long by another process would turn every later write into a 503 until a restart
 * (test/db/busy-recovery.test.ts). The caller still gets its SQLITE_BUSY (a 503 with Retry-After);
 * the next call gets a clean pool. The old client is closed once what it still runs has had time to end.
 */
function recovering(open: () => Client): Client {
  let current = open();
  const replace = (broken: Client) => {
    if (current !== broken || current.closed) return;
    current = open();
    setTimeout(() => broken.close(), RETIRE_AFTER_MS).unref();
  };
  const guarded =
    (name: keyof Client) =>
    async (...args: unknown[]) => {
      const used = current;
      try {
        return await (used[name] as (...a: unknown[]) => Promise<unknown>).apply(used, args);
      } catch (error) {
        if (isBusy(error)) replace(used);
        throw error;
      }
    };
  const methods = new Map<PropertyKey, unknown>(
    (['execute', 'batch', 'migrate', 'transaction', 'executeMultiple'] as const).map((name) => [
      name,
      guarded(name),
    ]),
  );
  return new Proxy({} as Client, {
    get(_, property) {
      if (methods.has(property)) return methods.get(property);
      const value = (current as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

const isBusy = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY');

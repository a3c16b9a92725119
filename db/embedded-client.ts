import type {
  Client,
  InStatement,
  InValue,
  ResultSet,
  Row,
  Transaction,
  TransactionMode,
} from '@libsql/client';
import { LibsqlError } from '@libsql/client';
import Database from 'libsql';
import type { Synchronous } from './synchronous';

/**
 * The embedded database file's client: @libsql/client's `Client` contract over the same native driver
 * (`libsql`, which @libsql/client itself wraps), with one difference that matters for speed — each
 * connection keeps its prepared statements. @libsql/client compiles every statement again on every call,
 * asks the driver for its column list twice and builds each row with a property descriptor per value;
 * on a step post or a tracker page that was a fifth of the server's CPU (docs/decisions/statement-reuse.md).
 *
 * Everything else is kept as @libsql/client does it: connections from a small pool (a transaction holds
 * one until it ends; reads take one for a synchronous moment), integers read as numbers (an integer
 * beyond 2^53 is a RangeError, never a silent rounding), blobs as ArrayBuffer, rows readable by index and
 * by column name, SQLite errors as `LibsqlError` with the same codes. Each connection is opened at the
 * chosen `synchronous` level, so a write transaction needs no check of its own.
 */
export function openEmbeddedClient(
  path: string,
  options: { timeoutMs: number; synchronous?: Synchronous },
): Client {
  return new EmbeddedClient(path, options);
}

/** At most this many statements kept per connection; the product issues about a hundred distinct ones. */
const STATEMENTS_PER_CONNECTION = 512;
/** Idle connections kept open; more are closed when given back (one writer per process, reads are synchronous). */
const IDLE_CONNECTIONS = 4;

type Kept = {
  stmt: Database.Statement<unknown[]>;
  /** `null` for a statement that returns no rows (INSERT/UPDATE/DELETE without RETURNING, PRAGMA set, DDL). */
  columns: string[] | null;
  columnTypes: string[];
  /** Rows of this statement share one class: index access and `length` without per-row descriptors. */
  rowClass: (new (values: unknown[]) => StoredRow) | null;
  /** Which value each named property takes: the first of equal names, none that an index or `length` owns. */
  names: [string, number][];
};

let statementsRun = 0;

/** How many statements this process has run on embedded files (tests check that an idle process runs none). */
export const embeddedStatementCount = (): number => statementsRun;

class Connection {
  readonly db: Database.Database;
  private readonly kept = new Map<string, Kept>();

  constructor(path: string, timeoutMs: number, synchronous: Synchronous | undefined) {
    this.db = new Database(path, { timeout: timeoutMs });
    if (synchronous) this.db.exec(`PRAGMA synchronous = ${synchronous}`);
  }

  execute(statement: InStatement): ResultSet {
    statementsRun++;
    const { sql, args } =
      typeof statement === 'string'
        ? { sql: statement, args: undefined }
        : (statement as { sql: string; args?: unknown });
    let kept = this.kept.get(sql);
    try {
      if (!kept) kept = this.prepare(sql);
      const values = args === undefined ? [] : Array.isArray(args) ? args.map(toSql) : namedArgs(args);
      if (kept.columns === null) {
        const info = kept.stmt.run(values);
        return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      const raw = kept.stmt.all(values) as unknown[][];
      const rows = new Array<Row>(raw.length);
      for (let i = 0; i < raw.length; i++) rows[i] = toRow(raw[i] as unknown[], kept);
      return resultSet(kept.columns, kept.columnTypes, rows, 0, undefined);
    } catch (error) {
      // A statement that failed may be left mid-step (SQLITE_BUSY leaves it so): never reuse it.
      this.kept.delete(sql);
      throw asLibsqlError(error);
    }
  }

  /** Runs SQL that may hold several statements (migrations, DDL); kept statements may now be stale. */
  exec(sql: string): void {
    this.kept.clear();
    try {
      this.db.exec(sql);
    } catch (error) {
      throw asLibsqlError(error);
    }
  }

  close(): void {
    this.kept.clear();
    try {
      if (this.db.open) this.db.close();
    } catch {
      // nothing useful to do while tearing down
    }
  }

  private prepare(sql: string): Kept {
    const stmt = this.db.prepare(sql);
    stmt.safeIntegers(true);
    let kept: Kept;
    try {
      stmt.raw(true);
      const described = stmt.columns();
      const columns = described.map((c) => c.name);
      const RowOfWidth = rowClass(columns.length);
      const names: [string, number][] = [];
      columns.forEach((name, i) => {
        if (!(name in RowOfWidth.prototype) && !names.some(([taken]) => taken === name))
          names.push([name, i]);
      });
      kept = { stmt, columns, columnTypes: described.map((c) => c.type ?? ''), rowClass: RowOfWidth, names };
    } catch {
      // raw() refuses a statement that returns no data
      kept = { stmt, columns: null, columnTypes: [], rowClass: null, names: [] };
    }
    // DDL changes what other statements would return: keep none across it.
    if (kept.columns === null && /^\s*(create|drop|alter)\b/i.test(sql)) this.kept.clear();
    else {
      if (this.kept.size >= STATEMENTS_PER_CONNECTION) {
        const oldest = this.kept.keys().next().value;
        if (oldest !== undefined) this.kept.delete(oldest);
      }
      this.kept.set(sql, kept);
    }
    return kept;
  }
}

class EmbeddedClient implements Client {
  closed = false;
  readonly protocol = 'file';
  private readonly idle: Connection[] = [];
  private readonly borrowed = new Set<Connection>();

  constructor(
    private readonly path: string,
    private readonly options: { timeoutMs: number; synchronous?: Synchronous },
  ) {
    // Fail fast if the file cannot be opened at all.
    const probe = this.acquire();
    try {
      probe.execute('SELECT 1');
    } finally {
      this.release(probe);
    }
  }

  async execute(
    statement: InStatement | string,
    args?: InValue[] | Record<string, InValue>,
  ): Promise<ResultSet> {
    const connection = this.acquire();
    try {
      return connection.execute(typeof statement === 'string' && args ? { sql: statement, args } : statement);
    } finally {
      this.release(connection);
    }
  }

  async batch(
    statements: (InStatement | [string, InValue[]?])[],
    mode: TransactionMode = 'deferred',
  ): Promise<ResultSet[]> {
    const connection = this.acquire();
    try {
      connection.execute(BEGIN[mode]);
      const results = statements.map((s) =>
        connection.execute(Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s),
      );
      connection.execute('COMMIT');
      return results;
    } finally {
      this.release(connection);
    }
  }

  async migrate(statements: InStatement[]): Promise<ResultSet[]> {
    const connection = this.acquire();
    try {
      connection.exec('PRAGMA foreign_keys=off');
      connection.execute(BEGIN.deferred);
      const results = statements.map((s) => connection.execute(s));
      connection.execute('COMMIT');
      return results;
    } finally {
      if (connection.db.open && connection.db.inTransaction) connection.exec('ROLLBACK');
      connection.exec('PRAGMA foreign_keys=on');
      this.release(connection);
    }
  }

  async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    const connection = this.acquire();
    try {
      connection.execute(BEGIN[mode]);
    } catch (error) {
      this.release(connection);
      throw error;
    }
    return new EmbeddedTransaction(connection, () => this.release(connection));
  }

  async executeMultiple(sql: string): Promise<void> {
    const connection = this.acquire();
    try {
      connection.exec(sql);
    } finally {
      this.release(connection);
    }
  }

  async sync(): Promise<never> {
    throw new LibsqlError('an embedded file without a sync URL has nothing to sync', 'SYNC_NOT_SUPPORTED');
  }

  async reconnect(): Promise<void> {
    this.close();
    this.closed = false;
  }

  close(): void {
    this.closed = true;
    for (const connection of [...this.idle, ...this.borrowed]) connection.close();
    this.idle.length = 0;
    this.borrowed.clear();
  }

  private acquire(): Connection {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    const connection =
      this.idle.pop() ?? new Connection(this.path, this.options.timeoutMs, this.options.synchronous);
    this.borrowed.add(connection);
    return connection;
  }

  private release(connection: Connection): void {
    this.borrowed.delete(connection);
    const { db } = connection;
    // Never back into the pool mid-transaction: the next borrower would inherit it.
    if (db.open && db.inTransaction) {
      try {
        connection.exec('ROLLBACK');
      } catch {
        connection.close();
        return;
      }
    }
    if (this.closed || !db.open || this.idle.length >= IDLE_CONNECTIONS) connection.close();
    else this.idle.push(connection);
  }
}

class EmbeddedTransaction implements Transaction {
  private connection: Connection | null;

  constructor(
    connection: Connection,
    private readonly settle: () => void,
  ) {
    this.connection = connection;
  }

  get closed(): boolean {
    const db = this.connection?.db;
    return !db?.open || !db.inTransaction;
  }

  async execute(statement: InStatement): Promise<ResultSet> {
    return this.open().execute(statement);
  }

  async batch(statements: InStatement[]): Promise<ResultSet[]> {
    const connection = this.open();
    return statements.map((s) => connection.execute(s));
  }

  async executeMultiple(sql: string): Promise<void> {
    this.open().exec(sql);
  }

  async commit(): Promise<void> {
    try {
      this.open().execute('COMMIT');
    } finally {
      this.end();
    }
  }

  async rollback(): Promise<void> {
    try {
      const db = this.connection?.db;
      if (db?.open && db.inTransaction) this.connection?.execute('ROLLBACK');
    } finally {
      this.end();
    }
  }

  close(): void {
    try {
      const db = this.connection?.db;
      // Reading `inTransaction` of a closed connection would end the process.
      if (db?.open && db.inTransaction) this.connection?.execute('ROLLBACK');
    } finally {
      this.end();
    }
  }

  private open(): Connection {
    if (this.closed || !this.connection)
      throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
    return this.connection;
  }

  private end(): void {
    if (!this.connection) return;
    this.connection = null;
    this.settle();
  }
}

const BEGIN: Record<TransactionMode, string> = {
  write: 'BEGIN IMMEDIATE',
  read: 'BEGIN TRANSACTION READONLY',
  deferred: 'BEGIN DEFERRED',
};

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INTEGER = -9223372036854775808n;
const MAX_INTEGER = 9223372036854775807n;

/** A value as the driver takes it, with @libsql/client's checks. */
function toSql(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) {
        throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
      }
      return value;
    case 'bigint':
      if (value < MIN_INTEGER || value > MAX_INTEGER) {
        throw new RangeError(
          'bigint is too large to be represented as a 64-bit integer and passed as argument',
        );
      }
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
      throw new TypeError('undefined cannot be passed as argument to the database');
    default:
      if (value instanceof ArrayBuffer) return Buffer.from(value);
      if (value instanceof Date) return value.valueOf();
      return value;
  }
}

function namedArgs(args: unknown): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args as Record<string, unknown>)) {
    const first = name[0];
    named[first === '@' || first === '$' || first === ':' ? name.slice(1) : name] = toSql(value);
  }
  return named;
}

function fromSql(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE) {
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    }
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer;
  return value;
}

/** A row's values, private: not in Object.keys, for…in, JSON or a spread, like those libSQL keeps behind its indexes. */
class StoredRow {
  readonly #values: unknown[];
  constructor(values: unknown[]) {
    this.#values = values;
  }
  static valueAt(row: StoredRow, i: number): unknown {
    return row.#values[i];
  }
}

/** A row class per width: index getters and a `length`, none enumerable, shared by every row of that width. */
const rowClasses = new Map<number, new (values: unknown[]) => StoredRow>();
function rowClass(width: number): new (values: unknown[]) => StoredRow {
  let RowOfWidth = rowClasses.get(width);
  if (RowOfWidth) return RowOfWidth;
  RowOfWidth = class extends StoredRow {};
  for (let i = 0; i < width; i++) {
    Object.defineProperty(RowOfWidth.prototype, i, {
      get(this: StoredRow) {
        return StoredRow.valueAt(this, i);
      },
      enumerable: false,
    });
  }
  Object.defineProperty(RowOfWidth.prototype, 'length', { value: width, enumerable: false });
  rowClasses.set(width, RowOfWidth);
  return RowOfWidth;
}

/** A row readable by index (non-enumerable) and by column name (enumerable; the first of equal names wins). */
function toRow(raw: unknown[], kept: Kept): Row {
  const values = new Array<unknown>(raw.length);
  for (let i = 0; i < raw.length; i++) values[i] = fromSql(raw[i]);
  const RowOfWidth = kept.rowClass as new (values: unknown[]) => StoredRow;
  const row = new RowOfWidth(values) as unknown as Record<string, unknown>;
  for (const [name, i] of kept.names) row[name] = values[i];
  return row as unknown as Row;
}

function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid: bigint | undefined,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({
      columns,
      columnTypes,
      rows: rows.map((row) => Array.prototype.slice.call(row)),
      rowsAffected,
      lastInsertRowid: lastInsertRowid?.toString() ?? null,
    }),
  };
}

const BASE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
  27: 'SQLITE_NOTICE',
  28: 'SQLITE_WARNING',
};

/** SQLite's error as @libsql/client reports it: base code in `code`, extended in `extendedCode`. */
function asLibsqlError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const { rawCode, code } = error as unknown as { rawCode?: number; code: string };
  const base =
    rawCode === undefined
      ? 'SQLITE_UNKNOWN'
      : (BASE_CODES[rawCode & 0xff] ?? `SQLITE_UNKNOWN_${rawCode & 0xff}`);
  return new LibsqlError(error.message, base, code, rawCode, error);
}

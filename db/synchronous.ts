import type { Client, Transaction, TransactionMode } from '@libsql/client';

/**
 * How hard an embedded database's commit waits for the disk (SQLite's `PRAGMA synchronous`, in WAL mode):
 *
 * - `NORMAL` (the default): a commit is appended to the write-ahead log without an fsync; the log is
 *   synced at each checkpoint. An acknowledged write survives the process being killed (`kill -9`, a
 *   crash, an out-of-memory kill): the bytes are in the operating system's page cache. A power loss or
 *   kernel crash may lose the last commits before the next checkpoint, never corrupt the database.
 * - `FULL`: every commit fsyncs the log first; an acknowledged write also survives a power loss.
 *
 * Chosen and measured in docs/decisions/durability.md (README: Durability). Set with `DATABASE_SYNCHRONOUS`.
 */
export type Synchronous = 'NORMAL' | 'FULL';
export const SYNCHRONOUS_LEVELS = ['NORMAL', 'FULL'] as const;
export const DEFAULT_SYNCHRONOUS: Synchronous = 'NORMAL';

const code: Record<Synchronous, number> = { NORMAL: 1, FULL: 2 };

/**
 * The client with every write transaction's connection at `level`. The setting belongs to a connection
 * (not to the database file, as WAL does), libSQL opens pooled connections as it needs them, and SQLite
 * refuses to change it inside a transaction: so each transaction reads its connection's level (a pragma
 * read, microseconds) and, on a connection not yet set, gives the connection back, sets it and begins again.
 * Reads never commit, so their connections need nothing; a connection that somehow stayed at `FULL`
 * would only be more durable than chosen, never less.
 */
export function withSynchronous(client: Client, level: Synchronous): Client {
  const transaction = async (mode?: TransactionMode): Promise<Transaction> => {
    for (let attempt = 0; ; attempt++) {
      const tx = await client.transaction(mode);
      const found = Number((await tx.execute('PRAGMA synchronous')).rows[0]?.[0]);
      // Another task may take the connection just set before this one begins again: a few tries, then
      // go on at whatever level it has (the safe side when that is FULL).
      if (found === code[level] || attempt >= 4) return tx;
      tx.close();
      await client.execute(`PRAGMA synchronous = ${level}`);
    }
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value = (target as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

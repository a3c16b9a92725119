import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema';
import { DEFAULT_SYNCHRONOUS, type Synchronous, withSynchronous } from './synchronous';

export type Db = LibSQLDatabase<typeof schema>;
export type Database = { client: Client; db: Db; close(): void };

/**
 * Opens the database. A `file:` URL is the embedded default (WAL, so readers never wait for the writer),
 * its commits at the `synchronous` level chosen in docs/decisions/durability.md.
 */
export async function openDatabase(
  url: string,
  authToken?: string,
  synchronous: Synchronous = DEFAULT_SYNCHRONOUS,
): Promise<Database> {
  const open = () => createClient({ url, authToken, timeout: 5000 });
  const onDisk = url.startsWith('file:') && !url.includes(':memory:');
  const client = url.startsWith('file:') ? recovering(open) : open();
  if (onDisk) await client.execute('PRAGMA journal_mode = WAL');
  const durable = onDisk ? withSynchronous(client, synchronous) : client;
  const db = drizzle(durable, { schema });
  return { client: durable, db, close: () => client.close() };
}

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

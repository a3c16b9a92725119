import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema';

export type Db = LibSQLDatabase<typeof schema>;
export type Database = { client: Client; db: Db; close(): void };

/** Opens the database. A `file:` URL is the embedded default (WAL, so readers never wait for the writer). */
export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const client = createClient({ url, authToken, timeout: 5000 });
  if (url.startsWith('file:') && !url.includes(':memory:')) {
    await client.execute('PRAGMA journal_mode = WAL');
  }
  const db = drizzle(client, { schema });
  return { client, db, close: () => client.close() };
}

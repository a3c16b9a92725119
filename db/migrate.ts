import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import type { Db } from './client';
import { onPostgres } from './dialect';

/** drizzle-kit keeps one migration folder per dialect (drizzle.config.ts, drizzle.pg.config.ts). */
const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const pgMigrationsFolder = fileURLToPath(new URL('./migrations-pg', import.meta.url));

/** The session-level advisory lock that lets one process at a time migrate a PostgreSQL database ("OKMG"). */
export const MIGRATION_LOCK = 0x4f4b4d47;

/**
 * Applies the committed drizzle-kit migrations; safe to run on every start. On PostgreSQL, processes
 * starting together would race to create Drizzle's journal table and apply the same migration: each
 * waits for an advisory lock on one connection, and the ones that follow find nothing left to do.
 * (On libSQL the migrator's own transaction is enough: SQLite has one writer.)
 */
export async function migrateDatabase(db: Db): Promise<void> {
  if (!onPostgres()) {
    await migrate(db, { migrationsFolder });
    return;
  }
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  try {
    await client.query(`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: pgMigrationsFolder });
    } finally {
      await client.query(`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    client.release();
  }
}

/** Makes sure the folder of a `file:` database exists, so a fresh checkout starts without setup. */
export function ensureDatabaseFolder(url: string): void {
  if (!url.startsWith('file:') || url.includes(':memory:')) return;
  const path = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  mkdirSync(dirname(path), { recursive: true });
}

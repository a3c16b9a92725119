import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './client';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the committed drizzle-kit migrations; safe to run on every start. */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}

/** Makes sure the folder of a `file:` database exists, so a fresh checkout starts without setup. */
export function ensureDatabaseFolder(url: string): void {
  if (!url.startsWith('file:') || url.includes(':memory:')) return;
  const path = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  mkdirSync(dirname(path), { recursive: true });
}

import { openDatabase } from '../db/client';
import { ensureDatabaseFolder, migrateDatabase } from '../db/migrate';
import { loadConfig } from '../src/config';

/**
 * `npm run db:migrate`: applies the committed migrations to DATABASE_URL and nothing else (no demo
 * data). Safe to run from several processes at once: on PostgreSQL they take turns (db/migrate.ts).
 */
const config = loadConfig();
ensureDatabaseFolder(config.databaseUrl);
const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
try {
  await migrateDatabase(database.db);
  console.log('Database is migrated.');
} finally {
  await database.close();
}

import type { Config } from '../src/config';
import { systemClock } from '../src/services/context';
import { openDatabase } from './client';
import { ensureDatabaseFolder, migrateDatabase } from './migrate';
import { type SeedReport, seedIfEmpty } from './seed';

/** Creates and migrates the database, and seeds demo data when it is empty (unless SEED=never). */
export async function prepareDatabase(config: Config): Promise<SeedReport | null> {
  ensureDatabaseFolder(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
  try {
    await migrateDatabase(database.db);
    return config.seed === 'auto'
      ? await seedIfEmpty(
          {
            db: database.db,
            clock: systemClock,
            secretKey: config.secretKey,
            passwordHashCost: config.passwordHashCost,
          },
          config.publicUrl,
        )
      : null;
  } finally {
    database.close();
  }
}

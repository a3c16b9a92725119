import { openDatabase } from '../db/client';
import { ensureDatabaseFolder, migrateDatabase } from '../db/migrate';
import type { Config } from './config';
import { type SeedReport, seedIfEmpty } from './demo/seed';
import { rebuildAnswerIndexIfEmpty } from './services/knowledge/answers';
import { systemClock } from './services/platform/context';

/** Creates and migrates the database, and seeds demo data when it is empty (unless SEED=never). */
export async function prepareDatabase(config: Config): Promise<SeedReport | null> {
  ensureDatabaseFolder(config.databaseUrl);
  const database = await openDatabase(
    config.databaseUrl,
    config.databaseAuthToken,
    config.databaseSynchronous,
  );
  try {
    await migrateDatabase(database.db);
    await rebuildAnswerIndexIfEmpty(database.db);
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

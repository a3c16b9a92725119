import { loadConfig } from '../src/config';
import { restore } from './backup-lib';

/**
 * `npm run db:restore -- <backup file>`: puts a backup in place of DATABASE_URL's database. Stop every
 * server on it first; start them again afterwards (a start migrates a backup from an older version).
 */
const source = process.argv[2];
if (!source) {
  console.error('Usage: npm run db:restore -- <backup file>   (with every server on the database stopped)');
  process.exit(2);
}
try {
  console.log(await restore(loadConfig().databaseUrl, source));
} catch (error) {
  console.error(`Restore failed: ${(error as Error).message}`);
  process.exit(1);
}

import { loadConfig } from '../src/config';
import { backup } from './backup-lib';

/** `npm run db:backup -- <file>`: an online copy of DATABASE_URL's database (see scripts/backup-lib.ts). */
const target = process.argv[2];
if (!target) {
  console.error('Usage: npm run db:backup -- <new file>');
  process.exit(2);
}
try {
  console.log(await backup(loadConfig().databaseUrl, target));
} catch (error) {
  console.error(`Backup failed: ${(error as Error).message}`);
  process.exit(1);
}

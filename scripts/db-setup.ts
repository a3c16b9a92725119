import { loadConfig } from '../src/config';
import { prepareDatabase } from '../src/prepare-database';

/** `npm run db:setup` (also before `npm run dev`): migrate, and seed an empty database. */
const report = await prepareDatabase(loadConfig());
if (report) {
  for (const org of report.organisations) {
    console.log(`\n${org.name}  (API key: ${org.apiKey})`);
    for (const tr of org.trackers) console.log(`  ${tr.reference.padEnd(16)} ${tr.url}`);
  }
} else {
  console.log('Database is migrated and already has data.');
}

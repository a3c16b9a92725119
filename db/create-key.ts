import { eq } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { createApiKey } from '../src/services/api-keys';
import { systemClock } from '../src/services/context';
import { openDatabase } from './client';
import { migrateDatabase } from './migrate';
import { organisations } from './schema';

/** `npm run key:create -- <organisation-slug> [label] [--read]`: a new API key, shown once. */
const args = process.argv.slice(2);
const scope = args.includes('--read') ? 'read' : 'write';
const [slug, label = 'Created on the command line'] = args.filter((a) => !a.startsWith('--'));
const config = loadConfig();
const { db, close } = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const [org] = slug ? await db.select().from(organisations).where(eq(organisations.slug, slug)) : [];
if (!org) {
  const all = await db.select({ slug: organisations.slug, name: organisations.name }).from(organisations);
  console.error(`Usage: npm run key:create -- <organisation-slug> [label] [--read]\nOrganisations:`);
  for (const o of all) console.error(`  ${o.slug}  (${o.name})`);
  close();
  process.exit(1);
}
const { key } = await createApiKey(db, systemClock, org.id, label, scope);
console.log(
  `API key for ${org.name} (${scope}):\n\n  ${key}\n\nStore it now: it is kept only as a hash and cannot be shown again.`,
);
close();

import { asc, eq } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { ensureDatabaseFolder, migrateDatabase } from '../db/migrate';
import { organisations } from '../db/schema';
import { loadConfig } from '../src/config';
import { createApiKey } from '../src/services/organisation/api-keys';
import { systemClock } from '../src/services/platform/context';

/** `npm run key:create -- <organisation-slug> [label] [--read]`: a new API key, shown once. */
const usage = 'Usage: npm run key:create -- <organisation-slug> [label] [--read]';
const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith('--') && a !== '--read' && a !== '--write');
if (args.includes('--read') && args.includes('--write')) unknown.push('--read --write (choose one)');
const [slug, label = 'Created on the command line', ...extra] = args.filter((a) => !a.startsWith('--'));
if (unknown.length || extra.length) {
  console.error(`Unexpected argument: ${[...unknown, ...extra].join(' ')}\n${usage}`);
  process.exit(1);
}
const scope = args.includes('--read') ? 'read' : 'write';

const config = loadConfig();
ensureDatabaseFolder(config.databaseUrl);
const { db, close } = await openDatabase(config.databaseUrl, config.databaseAuthToken);
try {
  await migrateDatabase(db);
  const [org] = slug ? await db.select().from(organisations).where(eq(organisations.slug, slug)) : [];
  if (!org) {
    const all = await db
      .select({ slug: organisations.slug, name: organisations.name })
      .from(organisations)
      .orderBy(asc(organisations.slug));
    console.error(slug ? `No organisation with slug "${slug}".\n${usage}` : usage);
    if (all.length === 0) console.error(`\nThere are no organisations in ${config.databaseUrl} yet.`);
    else console.error(`\nOrganisations:\n${all.map((o) => `  ${o.slug.padEnd(24)} ${o.name}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    const { key } = await createApiKey(db, systemClock, org.id, label, scope);
    console.log(`\nAPI key for ${org.name} (${scope}, "${label}"):\n\n  ${key}\n`);
    console.log('Store it now: it is kept only as a hash and will not be shown again.\n');
  }
} finally {
  close();
}

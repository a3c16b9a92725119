import { createServer } from 'node:http';
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../db/client';
import { ensureDatabaseFolder, migrateDatabase } from '../db/migrate';
import { seedIfEmpty, type SeedReport } from '../db/seed';
import { loadConfig } from './config';
import { nodeContext } from './live/node-context';
import { systemClock } from './services/context';

/**
 * The production entry: migrate, seed demo data on an empty database, then serve the built app
 * (Hono pipeline + Astro pages + static files) on one port. `npm start` builds first.
 */
const config = loadConfig();
const entry = resolve('dist/server/entry.mjs');
if (!existsSync(entry)) {
  console.error('No build found: run `npm run build` first (or `npm start`, which builds).');
  process.exit(1);
}

ensureDatabaseFolder(config.databaseUrl);
const setup = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(setup.db);
const report = config.seed === 'auto' ? await seedIfEmpty({ db: setup.db, clock: systemClock }, config.publicUrl) : null;
setup.close();

// The adapter must not start its own server: ours puts the Node response in reach of live streams.
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { handler } = (await import(pathToFileURL(entry).href)) as {
  handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
};
const server = createServer((req, res) => nodeContext.run({ req, res }, () => handler(req, res)));
server.keepAliveTimeout = 65_000;
server.listen(config.port, config.host, () => {
  console.log(`\nOpen Kitchen is running at ${config.publicUrl}`);
  console.log(`  API reference:  ${config.publicUrl}/api/docs`);
  console.log(`  Database:       ${config.databaseUrl}`);
  printDemo(report);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

/** Tracker tokens exist in plaintext only at creation, so the demo links are kept in a local file. */
function printDemo(seeded: SeedReport | null) {
  const file = 'db/demo-links.txt';
  if (seeded) {
    const lines = seeded.organisations.flatMap((org) => [
      `\n${org.name}  (API key: ${org.apiKey})`,
      ...org.trackers.map((tr) => `  ${tr.reference.padEnd(16)} ${tr.url}   ${tr.title}`),
    ]);
    const text = `Demo data (tracker links and API keys are shown once; kept in ${file}):${lines.join('\n')}\n`;
    if (config.databaseUrl.startsWith('file:')) writeFileSync(file, text);
    console.log(`\n${text}`);
  } else if (existsSync(file)) {
    console.log(`\n${readFileSync(file, 'utf8')}`);
  }
  console.log(`Try:  curl -H "Authorization: Bearer <API key>" ${config.publicUrl}/api/v1/jobs`);
  console.log('Watch a job move:  npm run demo:live  (in a second terminal)\n');
}

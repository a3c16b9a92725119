import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { prepareDatabase } from '../db/prepare';
import type { SeedReport } from '../db/seed';
import { loadConfig } from './config';
import { startServer } from './serve';

/** `npm start`: migrate, seed demo data on an empty database, serve, and say where to look. */
const config = loadConfig();
const report = await prepareDatabase(config);

const server = await startServer(config);
const { port } = server.address() as { port: number };
const url = config.publicUrl.replace(`:${config.port}`, `:${port}`);
console.log(`\nOpen Kitchen is running at ${url}`);
console.log(`  API reference:  ${url}/api/docs`);
console.log(`  Database:       ${config.databaseUrl}`);
printDemo(report);

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
    const text = `Demo data (tracker links and API keys are shown once; also kept in ${file}):${lines.join('\n')}\n`;
    if (config.databaseUrl.startsWith('file:')) writeFileSync(file, text);
    console.log(`\n${text}`);
  } else if (existsSync(file)) {
    console.log(`\n${readFileSync(file, 'utf8')}`);
  }
  console.log(`Try:  curl -H "Authorization: Bearer <API key>" ${url}/api/v1/jobs`);
  console.log('Watch a job move:  npm run demo:live   (in a second terminal)\n');
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { prepareDatabase } from '../db/prepare';
import { DEMO_PASSWORD, type SeedReport } from '../db/seed';
import { loadConfig } from './config';
import { startServer } from './serve';

/** `npm start`: migrate, seed demo data on an empty database, serve, and say where to look. */
const config = loadConfig();
const report = await prepareDatabase(config);

const server = await startServer(config);
const { port } = server.address() as { port: number };
const url = config.publicUrl.replace(`:${config.port}`, `:${port}`);
console.log(`\nOpen Kitchen is running at ${url}`);
console.log(`  Staff console:  ${url}/console/`);
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

/**
 * API keys exist in plaintext only at creation, so the demo's are kept in a local file next to the
 * database they belong to (and shown again only for that database).
 */
function printDemo(seeded: SeedReport | null) {
  const file = 'db/demo-links.txt';
  const header = `Demo data for ${config.databaseUrl}`;
  if (seeded) {
    const lines = seeded.organisations.flatMap((org) => [
      `\n${org.name}  (API key: ${org.apiKey})`,
      `  Console: ${org.staff.map((s) => `${s.email}${s.permission === 'admin' ? ' (admin)' : ''}`).join(', ')}`,
      ...org.trackers.map((tr) => `  ${tr.reference.padEnd(16)} ${tr.url}   ${tr.title}`),
    ]);
    const text =
      `${header} (API keys are shown once; also kept in ${file}).\n` +
      `Sign in to ${url}/console/ as any person below with the password "${DEMO_PASSWORD}".${lines.join('\n')}\n`;
    if (config.databaseUrl.startsWith('file:')) writeFileSync(file, text);
    console.log(`\n${text}`);
  } else if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.startsWith(`${header} `)) console.log(`\n${text}`);
  }
  console.log(`Try:  curl -H "Authorization: Bearer <API key>" ${url}/api/v1/jobs`);
  console.log('Watch a job move:  npm run demo:live   (in a second terminal)\n');
}

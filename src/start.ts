import { loadConfig } from './config';
import {
  demoLinksFile,
  demoText,
  firstApiKey,
  keepDemoText,
  keptDemoText,
  tryApiCommand,
} from './demo/links';
import { DEMO_PASSWORD, type SeedReport } from './demo/seed';
import { startServer } from './http/node-server';
import { shutDownOn } from './http/shutdown';
import { log } from './log';
import { prepareDatabase } from './prepare-database';

/** `npm start`: migrate, seed demo data on an empty database, serve, and say where to look. */
const config = loadConfig();
log.level = config.logLevel;
const report = await prepareDatabase(config);

const server = await startServer(config);
const { port } = server.address() as { port: number };
const url = config.publicUrl.replace(`:${config.port}`, `:${port}`);
console.log(`\nOpen Kitchen is running at ${url}`);
console.log(`  Staff console:  ${url}/console/`);
console.log(`  API reference:  ${url}/api/docs`);
console.log(`  Database:       ${config.databaseUrl}`);
printDemo(report);
// A parent that started us with an IPC channel (the tests) waits for this rather than guessing.
process.send?.({ type: 'ready', url });

// SIGTERM/SIGINT: drain (not ready, streams told to reconnect, writes finished), then exit.
shutDownOn(server, config);

/** The demo's links, keys and sign-ins: printed after seeding and kept for this database (src/demo/links.ts). */
function printDemo(seeded: SeedReport | null) {
  const file = demoLinksFile(config.databaseUrl);
  let text: string | null = null;
  if (seeded) {
    text = demoText(seeded, { databaseUrl: config.databaseUrl, url, password: DEMO_PASSWORD, file });
    if (file) keepDemoText(file, text);
  } else {
    text = keptDemoText(config.databaseUrl);
  }
  if (text) console.log(`\n${text}`);
  console.log(tryApiCommand(url, firstApiKey(text)));
  console.log('Watch a job move:  npm run demo:live   (in a second terminal)\n');
}

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll } from 'vitest';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { loadConfig } from '../src/config';
import { runtimeOn } from '../src/runtime';
import { FAST_CONFIG, FAST_ENV, tempDatabaseUrl } from './helpers';

/** What `astro build` makes for `npm start`: src/start.ts compiled, run with plain node. */
const SERVER_ENTRY = 'dist/server.mjs';

/**
 * Starts the real product (`dist/server.mjs`, what `npm start` runs) as a child process on a free
 * port, on a fresh database file. Returns its URL and a Runtime on the same file for arranging data.
 * The Runtime has no afterCommit hook: what it writes reaches the server through log tailing,
 * exactly like a second app process would.
 *
 * No time limit of its own: the server says when it listens (over the IPC channel), or exits, and a
 * busy machine only makes that later. The hook timeout in vitest.config.ts is the guard against a hang.
 */
export async function startProduct(env: Record<string, string> = {}) {
  if (!existsSync(SERVER_ENTRY))
    throw new Error(`No ${SERVER_ENTRY}: run \`npm run build\` (npm test builds first).`);
  const databaseUrl = await tempDatabaseUrl();
  const database = await openDatabase(databaseUrl);
  await migrateDatabase(database.db);
  const config = { ...loadConfig({}), ...FAST_CONFIG, databaseUrl, livePollMs: 20 };
  const rt = await runtimeOn(config, database, { now: () => Date.now() });

  const server = await spawnServer({
    DATABASE_URL: databaseUrl,
    SEED: 'never',
    LIVE_POLL_MS: '20',
    ...env,
  });
  afterAll(() => {
    rt.live.close();
    rt.push.sender.close();
    rt.mail.transport?.close();
    database.close();
  });
  return { url: server.url, rt, output: server.output };
}

/**
 * `node dist/server.mjs` with a free port and the test's cheap settings, stopped after the file's tests
 * (or sooner, with `stop`). Resolves when the server says it listens; rejects if it exits first.
 */
export async function spawnServer(env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', './test/exit-with-parent.mjs', SERVER_ENTRY],
    {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_REQUESTS: '0', ...FAST_ENV, ...env },
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  afterAll(stop);
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready' && message.url) resolve(message.url);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${signal ?? code}) before it listened:\n${output}`)),
    );
  });
  // The channel carried only that message.
  child.disconnect();
  return { url, output: () => output, stop };
}

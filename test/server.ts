import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll } from 'vitest';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { loadConfig } from '../src/config';
import { runtimeOn } from '../src/runtime';
import { tempDatabaseUrl } from './helpers';

/**
 * Starts the real product (`src/server.ts` on the build in dist/) as a child process on a free port,
 * on a fresh database file. Returns its URL and a Runtime on the same file for arranging data.
 * The Runtime has no afterCommit hook: what it writes reaches the server through log tailing,
 * exactly like a second app process would.
 */
export async function startProduct(env: Record<string, string> = {}) {
  const databaseUrl = tempDatabaseUrl();
  const database = await openDatabase(databaseUrl);
  await migrateDatabase(database.db);
  const config = { ...loadConfig({}), databaseUrl, livePollMs: 20 };
  const rt = await runtimeOn(config, database, { now: () => Date.now() });

  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/exit-with-parent.mjs', 'src/server.ts'],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        SEED: 'never',
        LOG_REQUESTS: '0',
        LIVE_POLL_MS: '20',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    rt.live.close();
    rt.push.sender.close();
    database.close();
  });
  return { url, rt, output: () => output };
}

/**
 * The service and API suites (vitest's `unit` project) once more, against PostgreSQL: `npm test` runs
 * this after the libSQL run. With no PostgreSQL server reachable it says plainly that it skipped them
 * and why, and passes, so `npm test` works with no database server; with REQUIRE_POSTGRES=1 (CI) or
 * `--require` (`npm run test:pg`) skipping fails instead. The server: TEST_POSTGRES_URL, by default
 * postgres://postgres@127.0.0.1:5432/postgres.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { POSTGRES_SERVER } from '../test/postgres';

const required = process.env.REQUIRE_POSTGRES === '1' || process.argv.includes('--require');

const why = await (async () => {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `no PostgreSQL server answered at ${POSTGRES_SERVER} (${(error as Error).message || error})`;
  } finally {
    await client.end().catch(() => {});
  }
})();

if (why) {
  console.log(`PostgreSQL suites skipped: ${why}`);
  if (required) {
    console.log('They are required here (REQUIRE_POSTGRES=1 or --require): failing.');
    process.exit(1);
  }
  process.exit(0);
}

console.log(`PostgreSQL suites: the unit project against ${POSTGRES_SERVER}`);
const args = [
  'vitest',
  'run',
  '--project',
  'unit',
  ...process.argv.slice(2).filter((a) => a !== '--require'),
];
const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TEST_DATABASE: 'postgres' } });
process.exit(run.status ?? 1);

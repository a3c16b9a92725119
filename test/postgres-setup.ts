import { randomBytes } from 'node:crypto';
import { ON_POSTGRES, onServer, POSTGRES_SERVER, runPrefix } from './postgres';

/**
 * Vitest's global setup for `npm run test:pg`: checks the server answers (else stops the run saying
 * so), names this run after its process, and at its end drops every database the run's test files
 * created. Databases left by a run that was killed (its process is gone) are dropped at the start.
 */
export default async function setup() {
  if (!ON_POSTGRES) return;
  process.env.OK_TEST_RUN ??= `${process.pid}_${randomBytes(2).toString('hex')}`;
  try {
    await onServer(async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        "select datname from pg_database where datname ~ '^ok_test_[0-9]+_'",
      );
      for (const { datname } of rows) {
        const pid = Number(/^ok_test_(\d+)_/.exec(datname)?.[1]);
        if (!alive(pid)) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    });
  } catch (error) {
    throw new Error(`TEST_DATABASE=postgres, but no PostgreSQL answers at ${POSTGRES_SERVER}: ${error}`);
  }
  return async () => {
    await onServer(async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        'select datname from pg_database where starts_with(datname, $1)',
        [runPrefix()],
      );
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  };
}

/** Whether a process of this machine still runs (a run on another machine sharing the server counts as alive). */
function alive(pid: number): boolean {
  if (process.env.TEST_POSTGRES_URL) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { randomBytes } from 'node:crypto';
import { ON_POSTGRES, onServer, POSTGRES_SERVER, runPrefix } from './postgres';

/**
 * Vitest's global setup for `npm run test:pg`: checks the server answers (else stops the run saying
 * so), names this run, and at its end drops every database the run's test files created, whether or
 * not a file got to clean up after itself.
 */
export default async function setup() {
  if (!ON_POSTGRES) return;
  process.env.OK_TEST_RUN ??= randomBytes(4).toString('hex');
  try {
    await onServer((c) => c.query('select 1'));
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

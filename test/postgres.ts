import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * `npm run test:pg` runs the service and API suites against PostgreSQL (TEST_DATABASE=postgres);
 * `TEST_POSTGRES_URL` names the server (default: the local one, user postgres, trust). Each test file
 * gets a database of its own, created empty; test/postgres-setup.ts drops this run's databases at its end.
 */
export const ON_POSTGRES = process.env.TEST_DATABASE === 'postgres';
export const POSTGRES_SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** This run's databases start with this (set by test/postgres-setup.ts for every worker). */
export const runPrefix = () => `ok_test_${process.env.OK_TEST_RUN ?? 'adhoc'}_`;

export async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_SERVER });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the server for one test file. */
export async function tempPostgresDatabase(): Promise<string> {
  const name = `${runPrefix()}${randomBytes(5).toString('hex')}`;
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

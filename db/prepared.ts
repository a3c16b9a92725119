import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';
import { onPostgres } from './dialect';

/**
 * Statements the API runs on every call, built once. Drizzle builds a query's SQL anew each time it
 * runs (15–70 µs a statement on this machine, 0.3 ms of the 1.6 ms a step post spent in its service);
 * a prepared query keeps the SQL and only binds new values. Drizzle ties a prepared query to the connection it was prepared on and
 * cannot yet run it inside a transaction (drizzle-orm#2826), so `prepared` hands back the built query
 * bound to the caller's connection, transaction or not. The fields it rebinds are Drizzle's libSQL
 * session's `client` and `tx`, and on PostgreSQL its node-postgres session's `client` (the pool, or the
 * connection a transaction holds); test/db/prepared.test.ts fails if that ever changes.
 */
export function prepared<Q extends object>(build: (db: Db) => Q): (db: Db) => Q {
  let query: Q | undefined;
  return (db) => {
    const { client, tx } = sessionOf(db);
    query ??= onPostgres() ? asLibsqlQuery(build(db)) : build(db);
    // Plain assignments, not property descriptors: those would leave the object in slow mode.
    const bound = Object.create(query) as Q & Session;
    bound.client = client;
    if (!onPostgres()) bound.tx = tx;
    return bound;
  };
}

/**
 * Drizzle's node-postgres prepared query only has `execute`; the services call libSQL's `all` (the
 * rows), `get` (the first) and `run`. On PostgreSQL each is `execute`, so services stay one code.
 */
function asLibsqlQuery<Q extends object>(query: Q): Q {
  type Runs = { execute(values?: Record<string, unknown>): Promise<unknown> };
  type Values = Record<string, unknown> | undefined;
  const q = query as unknown as Runs & {
    all(values: Values): Promise<unknown>;
    run(values: Values): Promise<unknown>;
    get(values: Values): Promise<unknown>;
  };
  q.all = function (this: Runs, values?: Record<string, unknown>) {
    return this.execute(values);
  };
  q.run = q.all;
  q.get = async function (this: Runs, values?: Record<string, unknown>) {
    return ((await this.execute(values)) as unknown[])[0];
  };
  return query;
}

/** A named value bound when a prepared statement runs. */
export const param = <T = unknown>(name: string) => sql.placeholder(name) as unknown as SQL<T> & T;

type Session = { client?: unknown; tx?: unknown };

function sessionOf(db: Db): Session {
  const session = (db as unknown as { session?: Session }).session;
  if (onPostgres()) {
    if (!session || !('client' in session)) {
      throw new Error('Drizzle’s node-postgres session no longer has `client`: update db/prepared.ts');
    }
    return session;
  }
  if (!session || !('client' in session) || !('tx' in session)) {
    throw new Error('Drizzle’s libSQL session no longer has `client` and `tx`: update db/prepared.ts');
  }
  return session;
}

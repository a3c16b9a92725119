import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';

/**
 * Statements the API runs on every call, built once. Drizzle builds a query's SQL anew each time it
 * runs (15–70 µs a statement on this machine, 0.3 ms of the 1.6 ms a step post spent in its service);
 * a prepared query keeps the SQL and only binds new values. Drizzle ties a prepared query to the connection it was prepared on and
 * cannot yet run it inside a transaction (drizzle-orm#2826), so `prepared` hands back the built query
 * bound to the caller's connection, transaction or not. The two fields it rebinds are Drizzle's
 * libSQL session's `client` and `tx`; test/db/prepared.test.ts fails if that ever changes.
 */
export function prepared<Q extends object>(build: (db: Db) => Q): (db: Db) => Q {
  let query: Q | undefined;
  return (db) => {
    const { client, tx } = sessionOf(db);
    query ??= build(db);
    // Plain assignments, not property descriptors: those would leave the object in slow mode.
    const bound = Object.create(query) as Q & Session;
    bound.client = client;
    bound.tx = tx;
    return bound;
  };
}

/** A named value bound when a prepared statement runs. */
export const param = <T = unknown>(name: string) => sql.placeholder(name) as unknown as SQL<T> & T;

type Session = { client?: unknown; tx?: unknown };

function sessionOf(db: Db): Session {
  const session = (db as unknown as { session?: Session }).session;
  if (!session || !('client' in session) || !('tx' in session)) {
    throw new Error('Drizzle’s libSQL session no longer has `client` and `tx`: update db/prepared.ts');
  }
  return session;
}

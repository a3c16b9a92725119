import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What /readyz asks of the database: can we reach it, and has every migration this build ships been
 * applied. Written against the least both dialects share (db/client.ts on the `pg` branch adds a
 * node-postgres `pool` beside libSQL's `client`), so it needs nothing else from db/.
 */
export type Checkable = {
  client?: { execute(sql: string): Promise<{ rows: ArrayLike<unknown> }> };
  pool?: { query(sql: string): Promise<{ rows: unknown[] }> };
  dialect?: string;
};

export type DatabaseHealth =
  | { ok: true; appliedMigrations: number; expectedMigrations: number }
  | { ok: false; reason: 'unreachable' | 'migrations_pending'; detail: string };

/** How long a check may take before the database counts as unreachable (a load balancer waits less). */
export const CHECK_TIMEOUT_MS = 2_000;

/**
 * The migrations this build ships: drizzle-kit's journal beside db/migrate.ts's folder (in the build,
 * dist/migrations beside dist/server.mjs). One folder per dialect, as db/migrate.ts reads them.
 */
export function expectedMigrations(dialect: string | undefined): { count: number; newest: number } {
  const folder = dialect === 'postgres' ? './migrations-pg' : './migrations';
  const journal = JSON.parse(
    readFileSync(fileURLToPath(new URL(`${folder}/meta/_journal.json`, import.meta.url)), 'utf8'),
  ) as { entries: { when: number }[] };
  return { count: journal.entries.length, newest: Math.max(0, ...journal.entries.map((e) => e.when)) };
}

/** Drizzle's migrator records each applied migration's `when` as `created_at` (PostgreSQL: schema `drizzle`). */
const APPLIED = {
  sqlite: 'select count(*) as n, max(created_at) as newest from __drizzle_migrations',
  postgres: 'select count(*)::int as n, max(created_at) as newest from drizzle.__drizzle_migrations',
};

async function query(database: Checkable, text: string): Promise<Record<string, unknown>[]> {
  if (database.dialect === 'postgres' && database.pool)
    return (await database.pool.query(text)).rows as Record<string, unknown>[];
  if (!database.client) throw new Error('no database client');
  return Array.from((await database.client.execute(text)).rows) as Record<string, unknown>[];
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `select 1` (works on both), then the migration journal against the build's. Never throws. */
export async function checkDatabase(
  database: Checkable,
  expected = expectedMigrations(database.dialect),
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<DatabaseHealth> {
  try {
    await within(query(database, 'select 1'), timeoutMs);
  } catch (error) {
    return { ok: false, reason: 'unreachable', detail: messageOf(error) };
  }
  try {
    const sql = database.dialect === 'postgres' ? APPLIED.postgres : APPLIED.sqlite;
    const [row] = await within(query(database, sql), timeoutMs);
    const applied = Number(row?.n ?? 0);
    const newest = Number(row?.newest ?? 0);
    if (applied < expected.count || newest < expected.newest)
      return {
        ok: false,
        reason: 'migrations_pending',
        detail: `${applied} of ${expected.count} migrations applied`,
      };
    return { ok: true, appliedMigrations: applied, expectedMigrations: expected.count };
  } catch (error) {
    // No journal table at all: nothing was ever migrated.
    return { ok: false, reason: 'migrations_pending', detail: messageOf(error) };
  }
}

const messageOf = (error: unknown) =>
  (error as { cause?: { message?: string } })?.cause?.message ??
  (error as { message?: string })?.message ??
  String(error);

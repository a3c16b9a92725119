import { asc, eq } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../services/platform/context';

/** The columns every outbox (webhook deliveries, text messages, email) keeps for its schedule. */
export type OutboxColumns = { status: SQLiteColumn; nextAttemptAt: SQLiteColumn; lockedUntil: SQLiteColumn };

/** How many of the earliest waiting rows are looked at: a claim held by another process can hide one. */
const LOOK_AHEAD = 20;

/**
 * When the earliest waiting row of an outbox falls due, in clock time: its next attempt, or later when
 * another process's claim on it runs out first. Null when nothing waits. Background loops sleep until
 * then (src/background/loop.ts) instead of asking every second.
 */
export async function earliestDue(
  db: Db,
  table: SQLiteTable,
  columns: OutboxColumns,
  waiting: string,
): Promise<number | null> {
  const rows = (await db
    .select({ next: columns.nextAttemptAt, locked: columns.lockedUntil })
    .from(table)
    .where(eq(columns.status, waiting))
    .orderBy(asc(columns.nextAttemptAt))
    .limit(LOOK_AHEAD)) as { next: number; locked: number | null }[];
  let due: number | null = null;
  for (const row of rows) {
    const at = Math.max(row.next, row.locked ?? 0);
    if (due === null || at < due) due = at;
  }
  return due;
}

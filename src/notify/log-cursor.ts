import { randomBytes } from 'node:crypto';
import { asc, eq, gt, max } from 'drizzle-orm';
import { type EventRow, events, logCursors } from '../../db/schema';
import { type Db, writeTransaction } from '../services/platform/context';
import { withProfiles } from '../services/platform/events';

const LEASE_MS = 30_000;
/** Each process names itself, so only the lease holder reads a cursor's part of the log. */
const processId = randomBytes(6).toString('hex');

/**
 * Whether a cursor has work for this process, read-only and outside any write transaction: true when the
 * cursor does not exist yet (it must be created), or when the log has events past it and its lease is
 * free, expired or ours. Callers check this before opening a write transaction, so an idle process (or one
 * whose cursor another process leases) takes no write lock. A stale answer is harmless: `nextEvents`
 * decides again under the write lock.
 */
export async function cursorHasWork(db: Db, name: string, now: number): Promise<boolean> {
  const cursor = await readCursor(db, name);
  if (!cursor) return true;
  if (leasedElsewhere(cursor, now)) return false;
  return (await logEnd(db)) > cursor.lastEventId;
}

const readCursor = async (db: Db, name: string) =>
  (
    await db
      .select({
        lastEventId: logCursors.lastEventId,
        leaseOwner: logCursors.leaseOwner,
        leaseUntil: logCursors.leaseUntil,
      })
      .from(logCursors)
      .where(eq(logCursors.name, name))
  )[0];

/** Another process holds the cursor's lease, and it has not run out. */
const leasedElsewhere = (cursor: { leaseOwner: string | null; leaseUntil: number | null }, now: number) =>
  cursor.leaseOwner !== processId && (cursor.leaseUntil ?? 0) > now;

/** The newest event id in the log (0 when it is empty). */
const logEnd = async (db: Db) => (await db.select({ id: max(events.id) }).from(events))[0]?.id ?? 0;

/**
 * When this process may take a cursor that another process leases while the log has work past it: the
 * lease's end (in case its holder died), or null when the cursor is free, ours, or has nothing to read.
 */
export async function leaseBlocksUntil(db: Db, name: string, now: number): Promise<number | null> {
  const cursor = await readCursor(db, name);
  if (!cursor || !leasedElsewhere(cursor, now)) return null;
  return (await logEnd(db)) > cursor.lastEventId ? (cursor.leaseUntil ?? now) : null;
}

/**
 * Hands this process's cursors over on shutdown: their leases end now, so another process takes them on
 * its next tick instead of after the lease runs out.
 */
export async function releaseCursors(db: Db): Promise<void> {
  const [held] = await db
    .select({ name: logCursors.name })
    .from(logCursors)
    .where(eq(logCursors.leaseOwner, processId))
    .limit(1);
  if (!held) return;
  await writeTransaction(db, (tx) =>
    tx.update(logCursors).set({ leaseUntil: 0 }).where(eq(logCursors.leaseOwner, processId)),
  );
}

/**
 * Reads the next events after a named cursor kept in the database, inside the caller's transaction,
 * for one process at a time (a lease). The first time, the cursor starts at the end of the log: history
 * is not replayed. Call `advance` in the same transaction once the events are handled.
 */
export async function nextEvents(tx: Db, name: string, now: number, limit: number) {
  const [cursor] = await tx.select().from(logCursors).where(eq(logCursors.name, name));
  if (!cursor) {
    await tx
      .insert(logCursors)
      .values({ name, lastEventId: await logEnd(tx), leaseOwner: processId, leaseUntil: now + LEASE_MS });
    return null;
  }
  if (leasedElsewhere(cursor, now)) return null;
  const rows: EventRow[] = await withProfiles(
    tx,
    await tx
      .select()
      .from(events)
      .where(gt(events.id, cursor.lastEventId))
      .orderBy(asc(events.id))
      .limit(limit),
  );
  const advance = () =>
    tx
      .update(logCursors)
      .set({
        lastEventId: rows.at(-1)?.id ?? cursor.lastEventId,
        leaseOwner: processId,
        leaseUntil: now + LEASE_MS,
      })
      .where(eq(logCursors.name, name));
  return { rows, advance };
}

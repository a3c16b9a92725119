import { sql } from 'drizzle-orm';
import { rateLimits } from '../../../db/schema';
import type { Db } from './context';
import { newId } from './ids';

export type Limit = { max: number; windowMs: number };
export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts one attempt against `key` in a fixed window, in the database so every process shares the
 * count (the table better-auth keeps its sign-in limits in; our keys have their own prefix). One
 * atomic upsert: two processes cannot both see a free slot.
 */
export async function hit(db: Db, key: string, limit: Limit, now: number): Promise<Verdict> {
  const expired = sql`${now} - ${rateLimits.lastRequest} >= ${limit.windowMs}`;
  const [row] = await db
    .insert(rateLimits)
    .values({ id: newId('rl'), key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimits.key,
      // `lastRequest` holds the start of the current window.
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
        lastRequest: sql`case when ${expired} then ${now} else ${rateLimits.lastRequest} end`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.lastRequest });
  if (!row || row.count <= limit.max) return { allowed: true };
  return { allowed: false, retryAfterMs: Math.max(1, row.windowStart + limit.windowMs - now) };
}

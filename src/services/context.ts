import type { Db } from '../../db/client';

export type { Db };

export type Clock = { now(): number };
export const systemClock: Clock = { now: () => Date.now() };

export type Actor = { type: 'api_key' | 'specialist' | 'customer' | 'system'; id: string | null };

/** What every service receives: where to read and write, what time it is, for whom and by whom. */
export type Ctx = {
  db: Db;
  clock: Clock;
  organisationId: string;
  actor: Actor;
  /** Called after a transaction that appended events has committed (wakes the live fan-out). */
  afterCommit?: () => void;
};

/** Runs `work` in one write transaction, then tells the live layer there is something new. */
export async function inTransaction<T>(ctx: Ctx, work: (tx: Db) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction((tx) => work(tx as unknown as Db), { behavior: 'immediate' });
  ctx.afterCommit?.();
  return result;
}

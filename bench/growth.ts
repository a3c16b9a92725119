import { copyFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { and, avg, count, desc, eq, gt, inArray } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { jobs, ratings, specialists } from '../db/schema';
import { growthDatabase } from './growth-data';

/**
 * Issue 15, "constant with history": the hot read queries at 1k, 10k and 100k finished jobs, p50/p99,
 * with the 0015 indexes and kept rating aggregate ("ours") and without them ("before": the indexes
 * dropped, averages over the rating history) on the same database in the same run.
 * Query level (the services' query shapes through Drizzle); the HTTP/wrk runs are not written yet.
 */
const SIZES = (process.env.GROWTH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const RUNS = 200;

type Timing = { p50: number; p99: number };

async function time(fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 10; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(RUNS * 0.5)] ?? 0, p99: ms[Math.floor(RUNS * 0.99)] ?? 0 };
}

export async function runGrowth() {
  const rows: { size: number; query: string; ours: Timing; before: Timing }[] = [];
  for (const size of SIZES) {
    const built = performance.now();
    const url = await growthDatabase(size);
    const buildMs = performance.now() - built;
    const copy = `${url.slice(5)}.before`;
    const dropCopy = () => {
      for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
    };
    dropCopy(); // a WAL left by an earlier copy would replay onto this one
    copyFileSync(url.slice(5), copy);
    const ours = await openDatabase(url);
    const before = await openDatabase(`file:${copy}`);
    for (const ix of ['jobs_org_status_updated', 'jobs_org_status_created', 'jobs_org_updated'])
      await before.client.execute(`DROP INDEX ${ix}`);
    const since = 1_700_000_000_000 + (size - 50) * 60_000;
    const people = Array.from({ length: 10 }, (_, i) => `org_main_spec_${i}`);
    const queries: Record<string, (d: typeof ours.db, kept: boolean) => Promise<unknown>> = {
      'board (open jobs)': (d) =>
        d
          .select()
          .from(jobs)
          .where(and(eq(jobs.organisationId, 'org_main'), eq(jobs.status, 'open')))
          .orderBy(desc(jobs.updatedAt))
          .limit(300),
      'GET /jobs?status=open': (d) =>
        d
          .select()
          .from(jobs)
          .where(and(eq(jobs.organisationId, 'org_main'), eq(jobs.status, 'open')))
          .orderBy(desc(jobs.createdAt), desc(jobs.id))
          .limit(51),
      'GET /jobs?updatedSince=': (d) =>
        d
          .select()
          .from(jobs)
          .where(and(eq(jobs.organisationId, 'org_main'), gt(jobs.updatedAt, since)))
          .orderBy(desc(jobs.createdAt), desc(jobs.id))
          .limit(51),
      'tracker rating averages': (d, kept) =>
        kept
          ? d
              .select({ id: specialists.id, sum: specialists.ratingSum, n: specialists.ratingCount })
              .from(specialists)
              .where(inArray(specialists.id, people))
          : d
              .select({ id: ratings.specialistId, average: avg(ratings.score), n: count() })
              .from(ratings)
              .where(inArray(ratings.specialistId, people))
              .groupBy(ratings.specialistId),
    };
    for (const [query, run] of Object.entries(queries)) {
      rows.push({
        size,
        query,
        ours: await time(() => run(ours.db, true)),
        before: await time(() => run(before.db, false)),
      });
    }
    ours.close();
    before.close();
    dropCopy();
    console.log(`growth: ${size} jobs (database ready in ${(buildMs / 1000).toFixed(1)} s)`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runGrowth();
  const first = SIZES[0];
  for (const r of rows) {
    const base = rows.find((b) => b.size === first && b.query === r.query);
    console.log(
      `${r.query.padEnd(26)} ${String(r.size).padStart(6)}: ours p50 ${r.ours.p50.toFixed(3)} p99 ${r.ours.p99.toFixed(3)} ms (×${(r.ours.p50 / (base?.ours.p50 ?? 1) || 0).toFixed(2)} of ${first}) | before p50 ${r.before.p50.toFixed(3)} p99 ${r.before.p99.toFixed(3)} ms (×${(r.before.p50 / (base?.before.p50 ?? 1) || 0).toFixed(2)})`,
    );
  }
}

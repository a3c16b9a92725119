import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { jobs, organisations, ratings, specialists, steps } from '../db/schema';

/**
 * Realistic history for the growth benchmark: `size` finished jobs spread over three organisations
 * (half in the one measured, `org_main`), each with its steps done by one of ten specialists and a
 * rating on most; plus 25 open jobs in `org_main`. Rows are the schema's own (inserted through Drizzle
 * in batched multi-row statements, one transaction per chunk), so the indexes and query plans are the
 * product's. Built databases are cached under the tmp dir, keyed by size and the migration set.
 * Not yet written: notes, cost lines, questions and events (see the report on branch `growth`).
 */
const STEPS_PER_JOB = 4;
const OPEN_JOBS = 25;
const ORGS = ['org_main', 'org_b', 'org_c'];

function migrationKey() {
  const dir = 'db/migrations';
  const h = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

export async function growthDatabase(size: number): Promise<string> {
  const dir = join(tmpdir(), 'open-kitchen-growth-rows');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `growth-${size}-${migrationKey()}.db`);
  if (existsSync(file)) return `file:${file}`;
  const building = `${file}.building`;
  const { db, close } = await openDatabase(`file:${building}`);
  await migrateDatabase(db);
  const t0 = 1_700_000_000_000;
  await db.insert(organisations).values(ORGS.map((id) => ({ id, slug: id, name: id, createdAt: t0 })));
  const people = ORGS.flatMap((org) =>
    Array.from({ length: 10 }, (_, i) => ({
      id: `${org}_spec_${i}`,
      organisationId: org,
      name: `Specialist ${i}`,
      role: 'Monteur',
      bio: 'Twintig jaar ervaring met onderhoud en reparatie. '.repeat(6),
      createdAt: t0,
    })),
  );
  await db.insert(specialists).values(people);
  const total = size + OPEN_JOBS;
  const CHUNK = 2000;
  for (let start = 0; start < total; start += CHUNK) {
    const jobRows: (typeof jobs.$inferInsert)[] = [];
    const stepRows: (typeof steps.$inferInsert)[] = [];
    const ratingRows: (typeof ratings.$inferInsert)[] = [];
    for (let i = start; i < Math.min(total, start + CHUNK); i++) {
      const open = i >= size;
      const org = open ? 'org_main' : (ORGS[i % 2 === 0 ? 0 : 1 + (i % 4 === 1 ? 0 : 1)] ?? 'org_main');
      const at = t0 + i * 60_000;
      const id = `job_${i}`;
      const who = `${org}_spec_${i % 10}`;
      jobRows.push({
        id,
        organisationId: org,
        reference: `WO-${i}`,
        title: 'APK en grote beurt',
        customerName: `Klant ${i}`,
        customerEmail: `klant${i}@example.nl`,
        trackerTokenHash: createHash('sha256').update(id).digest('hex'),
        status: open ? 'open' : 'done',
        createdAt: at,
        updatedAt: at + (open ? 0 : 3_600_000),
      });
      for (let p = 0; p < STEPS_PER_JOB; p++) {
        stepRows.push({
          id: `${id}_s${p}`,
          jobId: id,
          position: p,
          title: `Stap ${p + 1}`,
          description: 'Controleren, vervangen waar nodig, en testen.',
          status: open ? (p === 0 ? 'active' : 'pending') : 'done',
          assigneeId: who,
          promisedAt: at + (p + 1) * 3_600_000,
          doneAt: open ? null : at + (p + 1) * 900_000,
          updatedAt: at,
        });
      }
      if (!open && i % 3 !== 0)
        ratingRows.push({
          id: `rate_${i}`,
          organisationId: org,
          jobId: id,
          specialistId: who,
          score: 3 + (i % 3),
          createdAt: at,
        });
    }
    const batch = [
      ...slices(jobRows, 400).map((r) => db.insert(jobs).values(r)),
      ...slices(stepRows, 400).map((r) => db.insert(steps).values(r)),
      ...slices(ratingRows, 400).map((r) => db.insert(ratings).values(r)),
    ];
    await db.batch(batch as [(typeof batch)[number], ...typeof batch]);
  }
  // The kept aggregate, as rateSpecialist keeps it on write.
  await db.run(
    sql.raw(
      'UPDATE specialists SET rating_count = (SELECT count(*) FROM ratings r WHERE r.specialist_id = specialists.id), rating_sum = (SELECT coalesce(sum(score), 0) FROM ratings r WHERE r.specialist_id = specialists.id)',
    ),
  );
  // A standalone, checkpointed copy (the WAL of the building file stays behind and is removed).
  await db.run(sql.raw(`VACUUM INTO '${file.replaceAll("'", "''")}'`));
  close();
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  return `file:${file}`;
}

function slices<T>(rows: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += n) out.push(rows.slice(i, i + n));
  return out;
}

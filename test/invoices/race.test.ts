import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { invoiceCounters, invoices, steps } from '../../db/schema';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { FAST_ENV, makeOrganisation, testRuntime } from '../helpers';
import { type App, startApp, stopApp } from '../scale-out/cluster';
import { jobWithLines, withInvoiceDetails } from './fixtures';

/**
 * Issue 19: jobs finish at the same moment in two server processes on one database (the libSQL file by
 * default; PostgreSQL in the PostgreSQL pass), each finish issuing an invoice. The numbers stay unique and
 * gapless: 1 … N, the counter at N, one invoice per job.
 */
describe('invoice numbers, raced through two processes', () => {
  const apps: App[] = [];
  afterAll(async () => {
    for (const app of apps) await stopApp(app).catch(() => {});
  });

  it('stay unique and gapless when jobs finish, and invoices are issued, at the same moment', async () => {
    const rt = await testRuntime();
    const org = await makeOrganisation(rt);
    await withInvoiceDetails(rt, org);
    /** Jobs with every step but the last finished: the last finish makes the job done. */
    const ready = async () => {
      const jobId = await jobWithLines(org.ctx, org);
      const rows = await rt.database.db
        .select()
        .from(steps)
        .where(eq(steps.jobId, jobId))
        .orderBy(asc(steps.position));
      for (const step of rows.slice(0, -1)) await changeStepStatus(org.ctx, jobId, step.id, 'finish');
      return { jobId, lastStepId: rows.at(-1)?.id ?? '' };
    };
    const finishing = [];
    for (let i = 0; i < 12; i++) finishing.push(await ready());

    const env = { ...FAST_ENV, DATABASE_URL: rt.config.databaseUrl, LOG_LEVEL: 'warn' };
    for (let i = 0; i < 2; i++) apps.push(await startApp(env));
    const [a, b] = apps as [App, App];
    const api = (app: App, path: string) =>
      fetch(`${app.url}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
        body: '{}',
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { number?: string } }));

    // Two jobs at a time, one through each process, each finish making its job done.
    for (let round = 0; round < finishing.length / 2; round++) {
      const [x, y] = [finishing[2 * round], finishing[2 * round + 1]] as [
        (typeof finishing)[0],
        (typeof finishing)[0],
      ];
      const answers = await Promise.all([
        api(a, `/jobs/${x.jobId}/steps/${x.lastStepId}/finish`),
        api(b, `/jobs/${y.jobId}/steps/${y.lastStepId}/finish`),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
    }
    // And eight at once, spread over both processes.
    const batch = [];
    for (let i = 0; i < 8; i++) batch.push(await ready());
    await Promise.all(
      batch.map((job, i) => api(i % 2 ? a : b, `/jobs/${job.jobId}/steps/${job.lastStepId}/finish`)),
    );

    const rows = await rt.database.db.select().from(invoices).where(eq(invoices.organisationId, org.id));
    const all = [...finishing, ...batch];
    expect(rows).toHaveLength(all.length);
    expect(new Set(rows.map((r) => r.jobId))).toEqual(new Set(all.map((j) => j.jobId)));
    const sequences = rows.map((r) => r.sequence).sort((p, q) => p - q);
    expect(sequences).toEqual(all.map((_, i) => i + 1));
    expect(new Set(rows.map((r) => r.number)).size).toBe(rows.length);
    const [counter] = await rt.database.db
      .select()
      .from(invoiceCounters)
      .where(eq(invoiceCounters.organisationId, org.id));
    expect(counter?.last).toBe(all.length);

    // A second invoice for a job, asked of both processes at once: one gets it, the other is refused.
    const credited = rows[0];
    const credit = await fetch(
      `${a.url}/api/v1/jobs/${credited?.jobId}/invoices/${credited?.id}/credit-note`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'Verkeerde prijs' }),
      },
    );
    expect(credit.status).toBe(201);
    const reissued = await Promise.all([
      api(a, `/jobs/${credited?.jobId}/invoices`),
      api(b, `/jobs/${credited?.jobId}/invoices`),
    ]);
    expect(reissued.map((r) => r.status).sort()).toEqual([201, 409]);
    const after = await rt.database.db.select().from(invoices).where(eq(invoices.organisationId, org.id));
    expect(after.map((r) => r.sequence).sort((p, q) => p - q)).toEqual(after.map((_, i) => i + 1));
  });
});

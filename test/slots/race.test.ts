import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { bookings, slotLoads } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { FAST_ENV, makeOrganisation, sampleJob, testRuntime } from '../helpers';
import { type App, startApp, stopApp } from '../scale-out/cluster';

/**
 * Issue 18: two customers take the last place of a slot at the same moment, through two server processes
 * on one database (the libSQL file by default; PostgreSQL in the PostgreSQL pass). Exactly one gets it;
 * the other gets 409 `slot_full` with the next free slots, and the database holds one booking.
 */
/** What the booking API answers: a booking's free slots, or a refusal in the error shape. */
type Answer = {
  slots: { startsAt: string }[];
  error: { code: string; details: { slots: { startsAt: string }[] } };
};

describe('the last place of a slot, raced through two processes', () => {
  const apps: App[] = [];
  afterAll(async () => {
    for (const app of apps) await stopApp(app).catch(() => {});
  });

  it('goes to exactly one customer; the other is offered the next free slots', async () => {
    const rt = await testRuntime();
    const org = await makeOrganisation(rt);
    const workflowId = await createWorkflow(org.ctx, {
      name: 'Bezorgen',
      steps: [
        {
          title: 'Bezorgen',
          defaultRole: 'Monteur',
          booking: { slotMinutes: 120, capacity: 1, horizonDays: 7, cutoffWorkingDays: 0, leadMinutes: 60 },
        },
      ],
    });
    const jobs: { jobId: string; stepId: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId });
      jobs.push({ jobId, stepId: (await getJob(org.ctx, jobId)).steps[0]?.id ?? '' });
    }
    const env = { ...FAST_ENV, DATABASE_URL: rt.config.databaseUrl, LOG_LEVEL: 'warn' };
    for (let i = 0; i < 2; i++) apps.push(await startApp(env));
    const [a, b] = apps as [App, App];
    const api = (app: App, method: string, path: string, body?: unknown) =>
      fetch(`${app.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Answer }));

    for (let round = 0; round < 5; round++) {
      const [x, y] = [jobs[2 * round], jobs[2 * round + 1]] as [(typeof jobs)[0], (typeof jobs)[0]];
      const free = await api(a, 'GET', `/jobs/${x.jobId}/steps/${x.stepId}/booking`);
      const slot = free.json.slots[round]?.startsAt ?? '';
      const [one, other] = await Promise.all([
        api(a, 'PUT', `/jobs/${x.jobId}/steps/${x.stepId}/booking`, { startsAt: slot }),
        api(b, 'PUT', `/jobs/${y.jobId}/steps/${y.stepId}/booking`, { startsAt: slot }),
      ]);
      expect([one.status, other.status].sort(), `round ${round}`).toEqual([200, 409]);
      const refused = one.status === 409 ? one : other;
      expect(refused.json.error.code).toBe('slot_full');
      const offered = refused.json.error.details.slots;
      expect(offered.length).toBeGreaterThan(0);
      expect(offered.some((s) => s.startsAt === slot)).toBe(false);
      expect(offered[0]?.startsAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      const held = await rt.database.db
        .select()
        .from(bookings)
        .where(and(eq(bookings.startsAt, Date.parse(slot)), eq(bookings.status, 'booked')));
      expect(held).toHaveLength(1);
      const [load] = await rt.database.db
        .select()
        .from(slotLoads)
        .where(eq(slotLoads.startsAt, Date.parse(slot)));
      expect(load?.taken).toBe(1);
    }
  });
});
